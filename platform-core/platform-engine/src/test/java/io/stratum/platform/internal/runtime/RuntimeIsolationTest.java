package io.stratum.platform.internal.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.internal.store.Sql;
import io.stratum.platform.internal.store.Store;
import io.stratum.platform.internal.store.TestStores;
import io.stratum.sme.api.runtime.RuntimeInfo;
import io.stratum.sme.api.runtime.RuntimeLaunchException;
import io.stratum.sme.api.runtime.RuntimePlatform;
import io.stratum.sme.api.runtime.RuntimeSpec;
import io.stratum.sme.api.runtime.RuntimeState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Runtime isolation with real processes: each service's processes run under a uid of their own and reach only
 * their own files. The tests that need the privilege to change uids are skipped, with a message, where the test JVM
 * lacks it; the ones that simulate a platform without it run everywhere.
 */
public class RuntimeIsolationTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path base;
    private Path home;
    private Path root;
    private Path etc;
    private Path deploy;
    /** The host-wide directory of uid claims, here the test's own. */
    private Path claims;
    private Store store;
    private int uidStart;
    private final List<NativeProcessRuntimes> platforms = new ArrayList<>();
    private final List<Integer> uids = new ArrayList<>();

    @Before
    public void setUp() throws IOException {
        Assume.assumeTrue("needs /proc (Linux)", ProcessTable.canReadEnvironments());
        base = tmp.getRoot().toPath();
        // the test's own directories stand for a Stratum installed where every user may pass (/opt/stratum)
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
        home = base.resolve("home");
        Files.createDirectories(home);
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        root = base.resolve("services");
        etc = Files.createDirectories(base.resolve("etc"));
        Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(etc.resolve("users.properties"), "karaf = karaf,_g_:admingroup\n");
        Files.setPosixFilePermissions(etc.resolve("users.properties"), PosixFilePermissions.fromString("rw-r--r--"));
        deploy = Files.createDirectories(base.resolve("deploy"));
        Files.setPosixFilePermissions(deploy, PosixFilePermissions.fromString("rwxrwxrwx"));
        claims = base.resolve("uids");
        store = TestStores.open(home);
        uidStart = 400_000 + ThreadLocalRandom.current().nextInt(500_000);
    }

    @After
    public void tearDown() {
        if (store == null) {
            return;
        }
        platforms.forEach(NativeProcessRuntimes::deactivate);
        ProcessTable.launchedBy(store.home().toString()).keySet()
                .forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        for (int uid : uids) {
            if (uid < uidStart) {
                continue; // never a service's: the test failed before it could tell
            }
            ProcessTable.ownedBy(uid).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
        store.close();
    }

    private static void assumePrivileged() {
        List<String> missing = Isolation.missing(Isolation.ownCapabilities());
        Assume.assumeTrue("SKIPPED: runtime isolation needs root or CAP_SETUID, CAP_SETGID and the rest of "
                + Isolation.NEEDED.keySet() + "; this JVM lacks " + missing, missing.isEmpty());
        Assume.assumeTrue("SKIPPED: runtime isolation needs setpriv (util-linux)", Isolation.setpriv().isPresent());
    }

    private RuntimeSettings settings(Isolation.Mode mode, Path serviceRoot, Long capabilities) {
        return new RuntimeSettings(50, 3_600_000, true, NativeProcessRuntimes.DEFAULT_PORT_FIRST,
                NativeProcessRuntimes.DEFAULT_PORT_LAST, mode, uidStart, claims, serviceRoot,
                base.resolve("var-lib-stratum"), List.of(etc, deploy), RuntimeSettings.DEFAULT_LOG_MAX_BYTES,
                RuntimeSettings.DEFAULT_LOG_KEEP, capabilities);
    }

    /** @return isolated settings whose orphan sweep runs every 100 ms */
    private RuntimeSettings sweeping() {
        RuntimeSettings s = settings(Isolation.Mode.AUTO, root, null);
        return new RuntimeSettings(50, 100, true, s.portFirst(), s.portLast(), s.isolation(), s.isolationUidStart(),
                s.uidClaims(), s.serviceRoot(), s.fallbackBase(), s.controlPlane(), s.logMaxBytes(), s.logKeep(),
                null);
    }

    private NativeProcessRuntimes platform(RuntimeSettings settings) {
        NativeProcessRuntimes p = new NativeProcessRuntimes(store, settings, null, null);
        platforms.add(p);
        return p;
    }

    private NativeProcessRuntimes isolated() {
        return platform(settings(Isolation.Mode.AUTO, root, null));
    }

    // ---------------------------------------------------------------- with the privilege

    @Test
    public void aServiceProcessRunsUnderItsOwnUidAndReachesOnlyItsOwnFiles() throws Exception {
        assumePrivileged();
        NativeProcessRuntimes platform = isolated();
        assertTrue(platform.isolation().description(), platform.isolation().active());
        String neighbour = TestStores.insertService(store, "neighbour");
        platform.prepare(neighbour);
        RuntimeInfo other = platform.forService(neighbour).launch(RuntimeSpec.builder("n")
                .command("sleep", "300").build());

        String serviceId = TestStores.insertService(store, "tenant");
        platform.prepare(serviceId);
        Path data = platform.dataDirectory(serviceId);
        Path storeFile = home.resolve("store").resolve("stratum.mv.db");
        String script = String.join("\n",
                "echo uid=$(id -u) gid=$(id -g) groups=$(id -G | tr ' ' ',')",
                "probe() { if eval \"$2\" >/dev/null 2>&1; then echo \"$1=yes\"; else echo \"$1=no\"; fi; }",
                "probe store-read 'cat \"$STORE_FILE\"'",
                "probe etc-read 'cat \"$ETC_FILE\"'",
                "probe deploy-write 'touch \"$DEPLOY/evil.jar\"'",
                "probe data-write 'echo mine > \"$DATA/mine.txt\"'",
                "probe workdir-write 'echo mine > here.txt'",
                "probe signal-platform 'kill -0 $PLATFORM_PID'",
                "probe signal-neighbour 'kill -0 $NEIGHBOUR_PID'",
                "probe trace-platform 'cat /proc/$PLATFORM_PID/environ'",
                "echo probes-done",
                "exec sleep 300");
        RuntimeInfo r = platform.forService(serviceId).launch(RuntimeSpec.builder("probe")
                .command("/bin/sh", "-c", script)
                .env("STORE_FILE", storeFile.toString())
                .env("ETC_FILE", etc.resolve("users.properties").toString())
                .env("DEPLOY", deploy.toString())
                .env("DATA", data.toString())
                .env("PLATFORM_PID", Long.toString(ProcessHandle.current().pid()))
                .env("NEIGHBOUR_PID", Long.toString(other.pid()))
                .build());
        await("the probes", () -> read(r.logFile()).contains("\nprobes-done\n"));
        String out = read(r.logFile());

        Matcher m = Pattern.compile("uid=(\\d+) gid=(\\d+) groups=(\\S*)").matcher(out);
        assertTrue(out, m.find());
        int uid = Integer.parseInt(m.group(1));
        uids.add(uid);
        assertNotEquals("not root", 0, uid);
        assertTrue("from the configured range: " + uid, uid >= uidStart);
        assertEquals("its gid is its uid", m.group(1), m.group(2));
        assertEquals("no supplementary groups", m.group(1), m.group(3));
        assertTrue(out, out.contains("store-read=no"));
        assertTrue(out, out.contains("etc-read=no"));
        assertTrue(out, out.contains("deploy-write=no"));
        assertTrue(out, out.contains("data-write=yes"));
        assertTrue(out, out.contains("workdir-write=yes"));
        assertTrue(out, out.contains("signal-platform=no"));
        assertTrue(out, out.contains("signal-neighbour=no"));
        assertTrue(out, out.contains("trace-platform=no"));
        assertFalse(Files.exists(deploy.resolve("evil.jar")));
        int neighbourUid = ServiceFiles.owner(platform.dataDirectory(neighbour));
        uids.add(neighbourUid);
        assertNotEquals("each service has a uid of its own", uid, neighbourUid);

        // the layout seen from outside
        assertOwnerAndMode(uid, "0700", data);
        assertOwnerAndMode(uid, "0600", data.resolve("mine.txt"));
        assertOwnerAndMode(uid, "0700", r.workingDirectory());
        assertOwnerAndMode(uid, "0600", r.workingDirectory().resolve("here.txt"));
        assertOwnerAndMode(uid, "0600", r.logFile());
        assertOwnerAndMode(0, "0700", r.logFile().getParent());
        assertOwnerAndMode(0, "0711", platform.serviceDirectory(serviceId));
        assertOwnerAndMode(0, "0711", root);
        assertEquals("deploy/ is closed to other users", "0750", ServiceFiles.octal(ServiceFiles.mode(deploy)));
        assertEquals("etc/ is closed to other users", "0750", ServiceFiles.octal(ServiceFiles.mode(etc)));
        assertEquals("the store is closed to other users", "0700",
                ServiceFiles.octal(ServiceFiles.mode(home.resolve("store"))));
    }

    @Test
    public void aServiceKeepsItsUidAcrossRestartsAndIsReattachedAndStopped() throws Exception {
        assumePrivileged();
        String serviceId = TestStores.insertService(store, "kept");
        NativeProcessRuntimes first = isolated();
        RuntimeInfo r = first.forService(serviceId).launch(RuntimeSpec.builder("w").command("sleep", "300").build());
        int uid = processUid(r.pid());
        uids.add(uid);
        assertTrue("a service's uid, not root's: " + uid, uid >= uidStart);
        first.deactivate(); // the control plane goes away; the service's process stays

        NativeProcessRuntimes second = isolated();
        RuntimePlatform runtimes = second.forService(serviceId);
        await("reattachment", () -> runtimes.status("w").map(s -> s.state() == RuntimeState.RUNNING).orElse(false)
                && ProcessTable.launchedBy(store.home().toString()).containsKey(r.pid()));
        assertEquals("reattached by its marker (the platform reads the environment of another uid's process)",
                r.pid(), runtimes.launch(RuntimeSpec.builder("w").command("sleep", "300").build()).pid());
        runtimes.stop("w", Duration.ofSeconds(10));
        assertFalse("stopped", ProcessHandle.of(r.pid()).map(ProcessHandle::isAlive).orElse(false));

        RuntimeInfo again = runtimes.launch(RuntimeSpec.builder("w").command("sleep", "300").build());
        assertEquals("the same uid after a restart of the platform", uid, processUid(again.pid()));
        String another = TestStores.insertService(store, "another");
        RuntimeInfo b = second.forService(another).launch(RuntimeSpec.builder("w").command("sleep", "300").build());
        uids.add(processUid(b.pid()));
        assertNotEquals("another service gets another uid", uid, processUid(b.pid()));
    }

    @Test
    public void whatThePlatformWroteIntoAServicesDirectoriesIsGivenToItsUid() throws Exception {
        assumePrivileged();
        NativeProcessRuntimes platform = isolated();
        String serviceId = TestStores.insertService(store, "db");
        platform.prepare(serviceId);
        // an engine (running in the platform's JVM, as root) creates the database before the first launch
        Path db = Files.createDirectories(platform.dataDirectory(serviceId).resolve("db"));
        Files.writeString(db.resolve("db.mv.db"), "pages");
        Files.setPosixFilePermissions(db.resolve("db.mv.db"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.createSymbolicLink(db.resolve("elsewhere"), etc.resolve("users.properties"));
        RuntimeInfo r = platform.forService(serviceId).launch(RuntimeSpec.builder("h2")
                .command("/bin/sh", "-c", "echo more >> \"$DB/db.mv.db\" && echo appended; exec sleep 300")
                .env("DB", db.toString()).build());
        int uid = processUid(r.pid());
        uids.add(uid);
        await("the runtime to write to the file", () -> read(r.logFile()).contains("appended"));
        assertOwnerAndMode(uid, "0700", db);
        assertOwnerAndMode(uid, "0600", db.resolve("db.mv.db"));
        assertEquals("a link is not followed", 0, ServiceFiles.owner(etc.resolve("users.properties")));
        assertEquals("0644", ServiceFiles.octal(ServiceFiles.mode(etc.resolve("users.properties"))));
    }

    @Test
    public void aJavaServerRunsIsolatedOnWhatThePlatformPreparedAndAnswersItsProtocol() throws Exception {
        assumePrivileged();
        NativeProcessRuntimes platform = isolated();
        String serviceId = TestStores.insertService(store, "orders");
        platform.prepare(serviceId);
        Path data = platform.dataDirectory(serviceId);
        // what the database engine does in the platform's JVM (as root): install the server's jar, create the data
        Path lib = Files.createDirectories(data.resolve("lib"));
        Files.copy(Path.of(org.h2.Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI()),
                lib.resolve("h2.jar"));
        try (Connection c = DriverManager.getConnection("jdbc:h2:" + data.resolve("db").resolve("db"), "admin",
                "secret"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes(id INT PRIMARY KEY, text VARCHAR(100))");
            s.execute("INSERT INTO notes VALUES (1, 'written by the platform')");
        }
        RuntimeInfo r = platform.forService(serviceId).launch(RuntimeSpec.builder("h2")
                .command(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                        "-cp", lib.resolve("h2.jar").toString(), "org.h2.tools.Server", "-tcp", "-tcpPort",
                        "${port.jdbc}", "-baseDir", data.resolve("db").toString())
                .port("jdbc").build());
        int uid = processUid(r.pid());
        uids.add(uid);
        assertTrue("a service's uid: " + uid, uid >= uidStart);
        String url = "jdbc:h2:tcp://127.0.0.1:" + r.port("jdbc") + "/db";
        await("the server to answer JDBC (log: " + r.logFile() + ")", () -> {
            try (Connection c = DriverManager.getConnection(url, "admin", "secret")) {
                return true;
            } catch (SQLException e) {
                return false;
            }
        });
        try (Connection c = DriverManager.getConnection(url, "admin", "secret"); Statement s = c.createStatement()) {
            s.execute("INSERT INTO notes VALUES (2, 'written by the service')");
            ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM notes");
            assertTrue(rs.next());
            assertEquals(2, rs.getInt(1));
        }
        assertOwnerAndMode(uid, "0600", data.resolve("db").resolve("db.mv.db"));
        assertOwnerAndMode(uid, "0600", lib.resolve("h2.jar"));
    }

    @Test
    public void processesAServiceLeftBehindAreStoppedWithItsLastRuntime() throws Exception {
        assumePrivileged();
        NativeProcessRuntimes platform = isolated();
        String serviceId = TestStores.insertService(store, "leaky");
        RuntimePlatform runtimes = platform.forService(serviceId);
        // the subshell exits at once: its sleep leaves the runtime's process tree
        RuntimeInfo r = runtimes.launch(RuntimeSpec.builder("w")
                .command("/bin/sh", "-c", "(sleep 301 &); exec sleep 300").build());
        int uid = processUid(r.pid());
        uids.add(uid);
        await("the detached process", () -> ProcessTable.ownedBy(uid).size() == 2);
        long stray = ProcessTable.ownedBy(uid).stream().filter(pid -> pid != r.pid()).findFirst().orElseThrow();
        assertFalse("not in the runtime's tree", ProcessHandle.of(r.pid()).orElseThrow().descendants()
                .anyMatch(h -> h.pid() == stray));

        runtimes.stop("w", Duration.ofSeconds(10));
        await("nothing of the service to run", () -> ProcessTable.ownedBy(uid).isEmpty());
    }

    @Test
    public void theSweepStopsProcessesLeftUnderTheUidOfADeletedService() throws Exception {
        assumePrivileged();
        NativeProcessRuntimes platform = platform(sweeping());
        String serviceId = TestStores.insertService(store, "gone");
        platform.prepare(serviceId);
        int uid = ServiceFiles.owner(platform.dataDirectory(serviceId));
        uids.add(uid);
        assertTrue(uid >= uidStart);
        // a process under the service's uid that no runtime knows of (no marker either)
        Process leftover = new ProcessBuilder(Isolation.setpriv().orElseThrow().toString(), "--reuid=" + uid,
                "--regid=" + uid, "--clear-groups", "sleep", "300").start();
        Thread.sleep(300);
        assertTrue("the service exists: its process is left alone", leftover.isAlive());
        store.transact(c -> Sql.update(c, "DELETE FROM services WHERE id = ?", serviceId));
        assertTrue("stopped by the sweep", leftover.waitFor(20, TimeUnit.SECONDS));
    }

    @Test
    public void processesOfAUidAnotherStratumClaimedAreNeverStoppedAndUnclaimedRecordedUidsAreClaimed()
            throws Exception {
        assumePrivileged();
        // uids this Stratum recorded before uids were claimed host-wide; another Stratum has since claimed two of them
        String elsewhere = "/elsewhere/other-stratum";
        int theirsDeleted = uidStart;
        int ownDeleted = uidStart + 1;
        int theirsLive = uidStart + 2;
        uids.addAll(List.of(theirsDeleted, ownDeleted, theirsLive));
        String deletedShared = recordHome("deleted-shared", theirsDeleted);
        String deletedOwn = recordHome("deleted-own", ownDeleted);
        String live = recordHome("live", theirsLive);
        Files.createDirectories(claims);
        Files.writeString(claims.resolve(Integer.toString(theirsDeleted)), elsewhere + "\n");
        Files.writeString(claims.resolve(Integer.toString(theirsLive)), elsewhere + "\n");
        // processes the other Stratum's services run under those uids, and one of this Stratum's deleted service
        Process theirs = runAs(theirsDeleted);
        Process theirsToo = runAs(theirsLive);
        Process mine = runAs(ownDeleted);
        store.transact(c -> Sql.update(c, "DELETE FROM services WHERE id IN (?, ?)", deletedShared, deletedOwn));

        NativeProcessRuntimes platform = platform(sweeping());
        assertTrue(platform.isolation().description(), platform.isolation().active());
        assertEquals("an unclaimed recorded uid is claimed on activation", store.home().toString(),
                new UidClaims(claims, "?").claimant(ownDeleted).orElse(null));
        assertTrue("the sweep stops what runs under this Stratum's own deleted service's uid",
                mine.waitFor(20, TimeUnit.SECONDS));
        // a sweep takes the uids lowest first: the other Stratum's was passed over before this one's was stopped
        assertTrue("the sweep leaves alone what runs under a uid another Stratum claimed", theirs.isAlive());
        assertEquals("the other Stratum's claim is kept", elsewhere + "\n",
                Files.readString(claims.resolve(Integer.toString(theirsDeleted))));

        RuntimePlatform runtimes = platform.forService(live);
        RuntimeInfo r = runtimes.launch(RuntimeSpec.builder("w").command("sleep", "300").build());
        assertEquals("a service keeps its recorded uid", theirsLive, processUid(r.pid()));
        runtimes.stop("w", Duration.ofSeconds(10));
        assertFalse("stopped", ProcessHandle.of(r.pid()).map(ProcessHandle::isAlive).orElse(false));
        assertTrue("stopping a service's last runtime leaves alone what runs under its uid when another Stratum "
                + "claimed it", theirsToo.isAlive());
        assertTrue(theirs.isAlive());
    }

    @Test
    public void twoStratumsOnOneHostGiveTheirServicesDifferentUids() throws Exception {
        assumePrivileged();
        NativeProcessRuntimes first = isolated();
        Path otherHome = Files.createDirectories(base.resolve("other-home"));
        Store otherStore = TestStores.open(otherHome);
        try {
            NativeProcessRuntimes second = new NativeProcessRuntimes(otherStore, settings(Isolation.Mode.AUTO,
                    base.resolve("other-services"), null), null, null);
            try {
                String a = TestStores.insertService(store, "a");
                String b = TestStores.insertService(otherStore, "b");
                first.prepare(a);
                second.prepare(b);
                int uidA = ServiceFiles.owner(first.dataDirectory(a));
                int uidB = ServiceFiles.owner(second.dataDirectory(b));
                uids.addAll(List.of(uidA, uidB));
                assertTrue(uidA >= uidStart && uidB >= uidStart);
                assertNotEquals("each Stratum's service has a uid of its own", uidA, uidB);
                UidClaims read = new UidClaims(claims, "?");
                assertEquals(store.home().toString(), read.claimant(uidA).orElse(null));
                assertEquals(otherStore.home().toString(), read.claimant(uidB).orElse(null));
                assertEquals("the claims directory is the platform's only", "0700",
                        ServiceFiles.octal(ServiceFiles.mode(claims)));
                assertOwnerAndMode(0, "0600", claims.resolve(Integer.toString(uidA)));
            } finally {
                second.deactivate();
            }
        } finally {
            otherStore.close();
        }
    }

    @Test
    public void withoutAServiceRootTheFilesGoWhereEveryServicesUserCanReachThem() throws Exception {
        assumePrivileged();
        NativeProcessRuntimes platform = platform(settings(Isolation.Mode.AUTO, null, null));
        assertTrue(platform.isolation().description(), platform.isolation().active());
        String serviceId = TestStores.insertService(store, "svc");
        Path dir = platform.serviceDirectory(serviceId);
        Path fallback = base.resolve("var-lib-stratum");
        assertTrue(dir + " is under " + fallback, dir.startsWith(fallback));
        assertEquals(fallback.resolve(dir.getParent().getParent().getFileName()).resolve("services"), dir.getParent());
        RuntimeInfo r = platform.forService(serviceId).launch(RuntimeSpec.builder("w")
                .command("/bin/sh", "-c", "echo ok > ok.txt; exec sleep 300").build());
        uids.add(processUid(r.pid()));
        await("the runtime's file", () -> read(r.workingDirectory().resolve("ok.txt")).equals("ok\n"));
        assertEquals("0711", ServiceFiles.octal(ServiceFiles.mode(dir.getParent())));
        assertEquals("0711", ServiceFiles.octal(ServiceFiles.mode(dir.getParent().getParent())));
        assertEquals("Karaf's data directory (here: the Stratum home) is closed", "0750",
                ServiceFiles.octal(ServiceFiles.mode(home)));
        assertEquals("its directory is recorded: a later serviceRoot does not move it", dir,
                isolated().serviceDirectory(serviceId));
    }

    @Test
    public void aProgramTheServicesUserCannotRunIsALaunchErrorThatSaysWhy() throws Exception {
        assumePrivileged();
        Path closed = Files.createDirectories(base.resolve("closed"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        Path program = Files.copy(Path.of("/bin/sleep"), closed.resolve("sleep"), StandardCopyOption.COPY_ATTRIBUTES);
        NativeProcessRuntimes platform = isolated();
        String serviceId = TestStores.insertService(store, "svc");
        try {
            platform.forService(serviceId).launch(RuntimeSpec.builder("w").command(program.toString(), "300").build());
            fail("expected a launch error");
        } catch (RuntimeLaunchException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("cannot be run by the service's user")
                    && e.getMessage().contains(closed.toString()) && e.getMessage().contains("0700"));
        }
    }

    @Test
    public void aServiceCreatedBeforeIsolationKeepsItsFilesAndRunsAsThePlatformsUser() throws Exception {
        assumePrivileged();
        String serviceId = TestStores.insertService(store, "legacy");
        // created by an earlier Stratum, without isolation: its files are in the Stratum home, closed to others
        Path legacy = Files.createDirectories(home.resolve("services").resolve(serviceId).resolve("data"));
        Files.writeString(legacy.resolve("db.mv.db"), "pages");
        NativeProcessRuntimes platform = isolated();
        assertEquals("its files stay where they are", legacy, platform.dataDirectory(serviceId));
        RuntimeInfo r = platform.forService(serviceId).launch(RuntimeSpec.builder("w")
                .command("/bin/sh", "-c", "echo uid=$(id -u); exec sleep 300").build());
        await("the uid line", () -> Pattern.compile("(?m)^uid=\\d+$").matcher(read(r.logFile())).find());
        assertTrue("its own user could not reach them: it runs as the platform's " + read(r.logFile()),
                read(r.logFile()).contains("\nuid=0\n"));
        assertEquals("pages", Files.readString(legacy.resolve("db.mv.db")));

        NativeProcessRuntimes strict = platform(settings(Isolation.Mode.REQUIRED, root, null));
        try {
            strict.prepare(serviceId);
            fail("expected an error");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("isolation = required")
                    && e.getMessage().contains(home.resolve("services").resolve(serviceId).toString()));
        }
    }

    // ---------------------------------------------------------------- without it (simulated)

    @Test
    public void withoutThePrivilegeIsolationIsOffAndSaysSo() throws Exception {
        NativeProcessRuntimes platform = platform(settings(Isolation.Mode.AUTO, root, 0L));
        IsolationStatus status = platform.isolation();
        assertFalse(status.active());
        assertTrue(status.description(), status.description().startsWith("Runtime isolation is OFF: Stratum is not "
                + "running as root or with CAP_SETUID and CAP_SETGID; service processes run as "));
        String serviceId = TestStores.insertService(store, "svc");
        RuntimeInfo r = platform.forService(serviceId).launch(RuntimeSpec.builder("w")
                .command("/bin/sh", "-c", "echo uid=$(id -u); exec sleep 300").build());
        String own = new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip();
        await("the uid line", () -> Pattern.compile("(?m)^uid=\\d+$").matcher(read(r.logFile())).find());
        assertTrue("runs as the platform's user: " + read(r.logFile()),
                read(r.logFile()).contains("\nuid=" + own + "\n"));
        assertEquals("deploy/ is left as it was", "0777", ServiceFiles.octal(ServiceFiles.mode(deploy)));
    }

    @Test
    public void requiredIsolationWithoutThePrivilegeRefusesToStartRuntimes() throws Exception {
        NativeProcessRuntimes platform = platform(settings(Isolation.Mode.REQUIRED, root, 0L));
        assertFalse(platform.isolation().active());
        assertTrue(platform.isolation().description(), platform.isolation().description()
                .startsWith("Runtime isolation is REQUIRED (isolation = required) but not possible: Stratum is not "
                        + "running as root or with CAP_SETUID and CAP_SETGID"));
        String serviceId = TestStores.insertService(store, "svc");
        try {
            platform.prepare(serviceId);
            fail("expected an error");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("isolation = required"));
        }
        try {
            platform.forService(serviceId).launch(RuntimeSpec.builder("w").command("sleep", "300").build());
            fail("expected a launch error");
        } catch (RuntimeLaunchException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("isolation = required"));
        }
        assertEquals(RuntimeState.FAILED, platform.forService(serviceId).status("w").orElseThrow().state());
        assertTrue("nothing started", ProcessTable.launchedBy(store.home().toString()).isEmpty());
    }

    @Test
    public void isolationOffRunsAsThePlatformsUser() {
        NativeProcessRuntimes platform = platform(settings(Isolation.Mode.OFF, null, null));
        assertFalse(platform.isolation().active());
        assertEquals("off", platform.isolation().mode());
        assertTrue(platform.isolation().description(), platform.isolation().description()
                .startsWith("Runtime isolation is OFF (isolation = off)"));
        String serviceId = TestStores.insertService(store, "svc");
        assertEquals("without isolation, services' files stay in the Stratum home",
                home.resolve("services").resolve(serviceId), platform.serviceDirectory(serviceId));
        assertNull(new ServiceHomes(store).find(serviceId).orElse(null));
    }

    // ---------------------------------------------------------------- helpers

    /** Records a service's home as a Stratum did before uids were claimed host-wide; returns the service's id. */
    private String recordHome(String name, int uid) {
        String serviceId = TestStores.insertService(store, name);
        store.transact(c -> Sql.update(c, "INSERT INTO service_homes(service_id, directory, uid, created_at) "
                + "VALUES (?, ?, ?, ?)", serviceId, root.resolve(serviceId).toString(), uid,
                System.currentTimeMillis()));
        return serviceId;
    }

    /** Starts {@code sleep 300} under a uid, as another Stratum's service would run, and waits until it runs so. */
    private static Process runAs(int uid) throws Exception {
        Process p = new ProcessBuilder(Isolation.setpriv().orElseThrow().toString(), "--reuid=" + uid,
                "--regid=" + uid, "--clear-groups", "sleep", "300").start();
        await("pid " + p.pid() + " to run under uid " + uid, () -> ProcessTable.ownedBy(uid).contains(p.pid()));
        return p;
    }

    /**
     * The uid a runtime's program runs under. Right after a launch the process may still be in the launch chain
     * (setsid, sh, setpriv: root until setpriv drops to the service's uid), so this waits until the process runs
     * its program.
     */
    private static int processUid(long pid) throws Exception {
        await("pid " + pid + " to run its program", () -> ProcessHandle.of(pid)
                .flatMap(h -> h.info().command())
                .map(c -> !c.endsWith("/setsid") && !c.endsWith("/sh") && !c.endsWith("/dash")
                        && !c.endsWith("/setpriv"))
                .orElse(false));
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("Uid:")) {
                return Integer.parseInt(line.substring(4).strip().split("\\s+")[0]);
            }
        }
        throw new AssertionError("no Uid line for " + pid);
    }

    private static void assertOwnerAndMode(int uid, String mode, Path p) throws IOException {
        assertEquals(p + " owner", uid, ServiceFiles.owner(p));
        assertEquals(p + " mode", mode, ServiceFiles.octal(ServiceFiles.mode(p)));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return "";
        }
    }
}
