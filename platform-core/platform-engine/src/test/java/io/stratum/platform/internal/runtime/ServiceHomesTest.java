package io.stratum.platform.internal.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.internal.store.Sql;
import io.stratum.platform.internal.store.Store;
import io.stratum.platform.internal.store.TestStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Uids given to services are claimed host-wide: two Stratums (two stores) sharing one claims directory never give
 * out the same uid, and uids recorded before claims existed are claimed on activation. Needs no privilege: uids are
 * only given out and recorded here, no process runs under them.
 */
public class ServiceHomesTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Store first;
    private Store second;
    private Path claimsDir;
    private Path root;
    private int uidStart;

    @Before
    public void setUp() throws Exception {
        first = TestStores.open(tmp.newFolder("first").toPath());
        second = TestStores.open(tmp.newFolder("second").toPath());
        claimsDir = tmp.getRoot().toPath().resolve("uids");
        root = tmp.newFolder("services").toPath();
        uidStart = 400_000 + ThreadLocalRandom.current().nextInt(500_000);
    }

    @After
    public void tearDown() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    @Test
    public void twoStratumsSharingAClaimsDirectoryNeverGiveOutTheSameUid() throws Exception {
        UidClaims firstClaims = new UidClaims(claimsDir, first.home().toString());
        UidClaims secondClaims = new UidClaims(claimsDir, second.home().toString());
        ServiceHomes firstHomes = new ServiceHomes(first);
        ServiceHomes secondHomes = new ServiceHomes(second);
        int perStratum = 20;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<List<Integer>> a = pool.submit(giveOut(firstHomes, firstClaims, "a", perStratum));
            Future<List<Integer>> b = pool.submit(giveOut(secondHomes, secondClaims, "b", perStratum));
            List<Integer> firstUids = a.get(60, TimeUnit.SECONDS);
            List<Integer> secondUids = b.get(60, TimeUnit.SECONDS);
            Set<Integer> all = new HashSet<>(firstUids);
            all.addAll(secondUids);
            assertEquals("no uid given out twice: " + firstUids + " " + secondUids, 2 * perStratum, all.size());
            UidClaims reader = new UidClaims(claimsDir, "?");
            for (int uid : firstUids) {
                assertTrue(uid >= uidStart);
                assertEquals("claimed by the Stratum that gave it out", first.home().toString(),
                        reader.claimant(uid).orElse(null));
            }
            for (int uid : secondUids) {
                assertEquals(second.home().toString(), reader.claimant(uid).orElse(null));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals("the claims directory is the platform's user's only", "0700",
                ServiceFiles.octal(ServiceFiles.mode(claimsDir)));
        int some = firstHomes.find("a0").orElseThrow().uid();
        assertEquals("each claim is its owner's only", "0600",
                ServiceFiles.octal(ServiceFiles.mode(claimsDir.resolve(Integer.toString(some)))));
        try (var files = Files.list(claimsDir)) {
            assertEquals("a claim file per uid, no drafts left", 2 * perStratum, files.count());
        }
    }

    @Test
    public void aStratumStartedBesideAnotherSkipsTheUidsTheOtherClaimed() {
        UidClaims firstClaims = new UidClaims(claimsDir, first.home().toString());
        int taken = new ServiceHomes(first).ensure("x", root, root, true, uidStart, firstClaims).uid();
        assertEquals(uidStart, taken);
        ServiceHomes.Home other = new ServiceHomes(second).ensure("y", root, root, true, uidStart,
                new UidClaims(claimsDir, second.home().toString()));
        assertTrue("above the other Stratum's uid: " + other.uid(), other.uid() > taken);
        assertEquals("recorded in its own store", other.uid(),
                new ServiceHomes(second).find("y").orElseThrow().uid());
    }

    @Test
    public void recordedButUnclaimedUidsAreClaimedAndOnesAnotherStratumClaimedAreReported() throws Exception {
        // written by a Stratum before uids were claimed host-wide: a live service and a deleted one
        String live = TestStores.insertService(first, "live");
        record(first, live, uidStart);
        record(first, "deleted-service", uidStart + 1);
        record(first, "shared", uidStart + 2);
        Files.createDirectories(claimsDir);
        Files.writeString(claimsDir.resolve(Integer.toString(uidStart + 2)), "/elsewhere/other-stratum\n");
        UidClaims claims = new UidClaims(claimsDir, first.home().toString());
        assertFalse(claims.isClaimed(uidStart));

        List<ServiceHomes.Conflict> conflicts = new ServiceHomes(first).claimRecorded(claims);

        assertTrue("claimed: a live service's uid", claims.isMine(uidStart));
        assertTrue("claimed: a deleted service's uid (it stays this Stratum's)", claims.isMine(uidStart + 1));
        assertFalse("another Stratum's claim stays its", claims.isMine(uidStart + 2));
        assertEquals("/elsewhere/other-stratum", claims.claimant(uidStart + 2).orElseThrow());
        assertEquals(List.of(new ServiceHomes.Conflict("shared", uidStart + 2, "/elsewhere/other-stratum")),
                conflicts);
        assertEquals("claiming again changes nothing", conflicts, new ServiceHomes(first).claimRecorded(claims));
        assertEquals("a new service gets a uid above the recorded ones", uidStart + 3,
                (int) new ServiceHomes(first).ensure("new", root, root, true, uidStart, claims).uid());
    }

    private Callable<List<Integer>> giveOut(ServiceHomes homes, UidClaims claims, String prefix, int count) {
        return () -> {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                out.add(homes.ensure(prefix + i, root, root, true, uidStart, claims).uid());
            }
            return out;
        };
    }

    private static void record(Store store, String serviceId, int uid) {
        store.transact(c -> Sql.update(c, "INSERT INTO service_homes(service_id, directory, uid, created_at) "
                + "VALUES (?, ?, ?, ?)", serviceId, "/nowhere/" + serviceId, uid, System.currentTimeMillis()));
    }
}
