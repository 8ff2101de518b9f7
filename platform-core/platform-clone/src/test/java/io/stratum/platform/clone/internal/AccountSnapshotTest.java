package io.stratum.platform.clone.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.QuotaDTO;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Test;

/** The state of an account at a version, rebuilt from the rows its history holds. */
public class AccountSnapshotTest {

    /**
     * 1 account, 2 alice MEMBER, 3 quota services 10, 4 db, 5 legacy (external), 6 environment shop (shop-db,
     * shop-app), 7 shop-db, 8 shop-app (uses shop-db and legacy), 9 app scaled to 3, 10 bob VIEWER, 11 db deleted,
     * 12 quota services 20, 13 alice ADMIN, 14 bob removed, 15 db again (another plan, no provider).
     */
    private static Histories shop() {
        return new Histories().account("shop")
                .change("member", "alice", "role", null, "MEMBER")
                .change("quota", "quota", "maxServices", "-1", "10")
                .service("db", "database", "1.0.0", "small", Map.of("heapMb", "64", "mode", "REGULAR"))
                .external("legacy", "database", Map.of("url", "jdbc:h2:tcp://u:********@10.0.0.1/x", "user", "u",
                        "password", "********"))
                .environment("shop", "shop-app,shop-db")
                .service("shop-db", "database", "1.0.0", "large", Map.of("heapMb", "512"))
                .service("shop-app", "appserver", "2.0.0", "small", Map.of("instances", "1", "war", "/w/shop.war",
                        "admin.password", "********"), "database", "shop-db", "metrics", "legacy")
                .change("service", "shop-app", "config.instances", "1", "3")
                .change("member", "bob", "role", null, "VIEWER")
                .removeService("db", "database", "1.0.0", "small", Map.of("heapMb", "64", "mode", "REGULAR"))
                .change("quota", "quota", "maxServices", "10", "20")
                .change("member", "alice", "role", "MEMBER", "ADMIN")
                .change("member", "bob", "role", "VIEWER", null)
                .service("db", "database", "1.1.0", "large", Map.of("heapMb", "512"));
    }

    @Test
    public void aVersionHoldsEveryFieldAsItWasThen() {
        AccountSnapshot s = AccountSnapshot.at(shop().list(), 10);

        assertEquals(10, s.version());
        assertEquals(Histories.at(10), s.at());
        assertEquals(Optional.of(Histories.at(11)), s.nextAt());
        assertEquals(List.of("db", "shop-app", "shop-db"), List.copyOf(s.services().keySet()));
        AccountSnapshot.Service app = s.services().get("shop-app");
        assertEquals(new AccountSnapshot.Service("shop-app", "appserver", "2.0.0", "small", Map.of("instances", "3",
                "war", "/w/shop.war", "admin.password", "********"), Map.of("database", "shop-db", "metrics",
                "legacy"), Histories.at(8)), app);
        assertEquals(new AccountSnapshot.Service("db", "database", "1.0.0", "small", Map.of("heapMb", "64", "mode",
                "REGULAR"), Map.of(), Histories.at(4)), s.services().get("db"));
        assertEquals(Map.of("legacy", new AccountSnapshot.External("legacy", "database", Map.of("url",
                "jdbc:h2:tcp://u:********@10.0.0.1/x", "user", "u", "password", "********"))), s.externals());
        assertEquals(Map.of("shop", new AccountSnapshot.Environment("shop", List.of("shop-app", "shop-db"))),
                s.environments());
        assertEquals(new QuotaDTO(10, -1, -1), s.quota());
        assertEquals(Map.of("alice", AccountRole.MEMBER, "bob", AccountRole.VIEWER), s.members());
        assertEquals(List.of("appserver 2.0.0", "database 1.0.0"), s.sdpVersions());
    }

    @Test
    public void laterVersionsSeeRemovalsAndNewLives() {
        AccountSnapshot s = AccountSnapshot.at(shop().list(), 15);

        assertEquals(Optional.empty(), s.nextAt());
        assertEquals(new QuotaDTO(20, -1, -1), s.quota());
        assertEquals(Map.of("alice", AccountRole.ADMIN), s.members());
        // db was deleted and created again: nothing of its first life is left
        assertEquals(new AccountSnapshot.Service("db", "database", "1.1.0", "large", Map.of("heapMb", "512"),
                Map.of(), Histories.at(15)), s.services().get("db"));
    }

    @Test
    public void aRemovedServicesProvidersDoNotReachTheNextServiceOfItsName() {
        // the engine records a removal without the providers: folding all changes (diffAccount 0..V) would keep them
        List<AccountSnapshot.Service> seen = AccountSnapshot.at(new Histories().account("a")
                .service("p", "database", "1.0.0", "small", Map.of())
                .service("x", "appserver", "1.0.0", "small", Map.of("war", "/a.war"), "database", "p")
                .removeService("x", "appserver", "1.0.0", "small", Map.of("war", "/a.war"))
                .service("x", "appserver", "1.0.0", "small", Map.of("war", "/b.war"))
                .list(), 5).services().values().stream().toList();

        assertEquals(Map.of(), seen.get(1).providers());
        assertEquals(Map.of("war", "/b.war"), seen.get(1).config());
    }

    @Test
    public void anEnvironmentKeepsOnlyTheMembersThatExistAtTheVersion() {
        Histories h = new Histories().account("a").environment("e", "e-app,e-db")
                .service("e-db", "database", "1.0.0", "small", Map.of())
                .service("e-app", "appserver", "1.0.0", "small", Map.of(), "database", "e-db")
                .removeService("e-app", "appserver", "1.0.0", "small", Map.of());

        assertEquals(List.of("e-db"), AccountSnapshot.at(h.list(), 5).environments().get("e").members());
        // between the environment's record and its members' creation: no member yet
        assertEquals(List.of(), AccountSnapshot.at(h.list(), 2).environments().get("e").members());
        assertTrue(AccountSnapshot.at(h.list(), 1).environments().isEmpty());
    }

    @Test
    public void theOrderOfTheRowsGivenDoesNotMatter() {
        List<io.stratum.platform.api.AccountVersionDTO> newestFirst = new java.util.ArrayList<>(shop().list());
        Collections.reverse(newestFirst);

        AccountSnapshot a = AccountSnapshot.at(newestFirst, 10);
        AccountSnapshot b = AccountSnapshot.at(shop().list(), 10);
        assertEquals(b.services(), a.services());
        assertEquals(b.members(), a.members());
        assertEquals(b.quota(), a.quota());
    }

    @Test
    public void aVersionTheHistoryDoesNotHaveIsRefused() {
        try {
            AccountSnapshot.at(shop().list(), 16);
            fail("no version 16");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("no version 16"));
        }
        assertFalse(AccountSnapshot.at(shop().list(), 1).services().containsKey("db"));
    }
}
