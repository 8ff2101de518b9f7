package io.stratum.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.MaintenanceWindowRequest;
import io.stratum.platform.api.PatchDTO;
import io.stratum.platform.api.ServiceDTO;
import io.stratum.platform.api.UpdateAccess;
import io.stratum.platform.api.UpdateDTO;
import io.stratum.platform.api.UpdateService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The update manager end to end on the real distribution: two database SDP versions side by side and an upgrade that
 * keeps every row; a soft patch applied live; a failure injected at each step of a hard update, after which data and
 * configuration equal what they were; a rolling update of three app server instances under HTTP load with no failed
 * request, and a hard one behind the maintenance page; a window in the future that holds an update until it is run.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class UpdateIT extends StratumTestSupport {

    private static final Duration UPDATE_TIMEOUT = Duration.ofMinutes(3);

    @Inject
    protected ConfigurationAdmin configAdmin;

    /** The update manager as the test's caller sees it, looked up each time (a configuration change restarts it). */
    private UpdateService updates() throws InterruptedException {
        BundleContext ctx = FrameworkUtil.getBundle(getClass()).getBundleContext();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            ServiceReference<UpdateAccess> ref = ctx.getServiceReference(UpdateAccess.class);
            if (ref != null) {
                UpdateAccess a = ctx.getService(ref);
                if (a != null) {
                    return a.as(Caller.system("itest"));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the update manager (UpdateAccess) is not there");
            }
            Thread.sleep(100);
        }
    }

    /** @return the service id of the update manager's facade now (a new one after it restarted), or -1 */
    private long updateAccessId() {
        ServiceReference<UpdateAccess> ref = FrameworkUtil.getBundle(getClass()).getBundleContext()
                .getServiceReference(UpdateAccess.class);
        return ref == null ? -1 : (Long) ref.getProperty(org.osgi.framework.Constants.SERVICE_ID);
    }

    @After
    public void noFaults() throws Exception {
        Configuration c = configAdmin.getConfiguration("io.stratum.update", null);
        if (c.getProperties() != null && c.getProperties().get("faultInjection") != null) {
            c.delete();
        }
        Files.deleteIfExists(deployFolder().resolve("sme-database-1.0.0.jar"));
    }

    private UpdateDTO ended(UpdateDTO u) throws Exception {
        UpdateService up = updates();
        long deadline = System.nanoTime() + UPDATE_TIMEOUT.toNanos();
        while (true) {
            UpdateDTO now = up.update(u.id());
            if (now.state() == UpdateDTO.State.SUCCEEDED || now.state() == UpdateDTO.State.FAILED
                    || now.state() == UpdateDTO.State.CANCELLED) {
                return now;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("update " + u.id() + " did not end: " + now);
            }
            Thread.sleep(200);
            up = updates();
        }
    }

    private UpdateDTO succeededUpdate(UpdateDTO u) throws Exception {
        UpdateDTO done = ended(u);
        assertEquals("update " + done.id() + ": " + done.message(), UpdateDTO.State.SUCCEEDED, done.state());
        return done;
    }

    private void installDatabase100() throws Exception {
        Path jar = Path.of(System.getProperty("karaf.base"), "sdp", "sme-database-1.0.0.jar");
        assertTrue("the distribution ships database SDP 1.0.0 in sdp/: " + jar, Files.isRegularFile(jar));
        Files.copy(jar, deployFolder().resolve("sme-database-1.0.0.jar"), StandardCopyOption.REPLACE_EXISTING);
        await("database 1.0.0 and 1.1.0 side by side", Duration.ofSeconds(60), () -> {
            try {
                return updates().versions("database").stream()
                        .filter(v -> v.state() == io.stratum.platform.api.SdpDTO.State.AVAILABLE)
                        .map(v -> v.version()).toList().containsAll(List.of("1.0.0", "1.1.0"));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * Asks for an upgrade, again while the engines are not all back: installing or removing one version of a bundle
     * makes Karaf refresh the other for a moment (the platform then says UNAVAILABLE, as it would to a user).
     */
    private List<UpdateDTO> upgrade(String service, boolean force) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return updates().upgrade(null, service, null, "1.1.0", force);
            } catch (io.stratum.platform.api.PlatformException e) {
                if (e.reason() != io.stratum.platform.api.PlatformException.Reason.UNAVAILABLE
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private ServiceDTO database(String name, String version) throws Exception {
        succeeded(platform.createService(new CreateServiceRequest(null, "database", name, null, version, Map.of())));
        return platform.getService(null, name);
    }

    private Connection connect(ServiceDTO db) throws Exception {
        ServiceDTO revealed = platform.getService(null, db.name(), true);
        return jdbc(revealed.connection().url(), revealed.connection().user(), revealed.connection().password());
    }

    /** @return every row of the test's table, in order, as text */
    private List<String> rows(ServiceDTO db) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = connect(db); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, body FROM notes ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getInt(1) + "=" + rs.getString(2));
            }
        }
        return rows;
    }

    private void fill(ServiceDTO db, int n) throws Exception {
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes(id INT PRIMARY KEY, body VARCHAR(200))");
            for (int i = 1; i <= n; i++) {
                s.execute("INSERT INTO notes VALUES (" + i + ", 'note " + i + " " + "x".repeat(i % 50) + "')");
            }
        }
    }

    private int lockTimeout(ServiceDTO db) throws Exception {
        try (Connection c = connect(db); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT LOCK_TIMEOUT()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static List<Long> pids(ServiceDTO s) {
        return s.runtimes().stream().map(r -> r.pid()).sorted().toList();
    }

    /** Writes a patch and its published checksum into the patch folder. */
    private static Path writePatch(String id, String json, boolean rightChecksum) throws Exception {
        Path dir = Path.of(System.getProperty("karaf.base"), "patches");
        Files.createDirectories(dir);
        Path file = dir.resolve(id + ".json");
        Files.writeString(file, json);
        String sum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                Files.readAllBytes(file)));
        Files.writeString(dir.resolve(id + ".json.sha256"), (rightChecksum ? sum : "0".repeat(64)) + "  " + id
                + ".json\n");
        return file;
    }

    private PatchDTO patch(String id) throws Exception {
        await("patch " + id + " to be read", Duration.ofSeconds(30), () -> {
            try {
                return updates().patches().stream().anyMatch(p -> p.id().equals(id));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        return updates().patch(id);
    }

    @Test
    public void twoDatabaseVersionsSideBySideAndAnUpgradeThatKeepsEveryRow() throws Exception {
        await("the database type", Duration.ofSeconds(60), () -> platform.listSdps(false).stream()
                .anyMatch(s -> s.serviceType().equals("database")));
        installDatabase100();
        ServiceDTO legacy = database("legacy", "1.0.0");
        ServiceDTO fresh = database("fresh", null);
        assertEquals("1.0.0", legacy.sdpVersion());
        assertEquals("a new service gets the newest version", "1.1.0", fresh.sdpVersion());
        assertTrue(legacy.configuration().toString(), !legacy.configuration().containsKey("lockTimeoutMs"));
        fill(legacy, 200);
        List<String> before = rows(legacy);
        var versions = updates().versions("database");
        assertTrue(versions.toString(), versions.stream().anyMatch(v -> v.version().equals("1.0.0")
                && v.services().contains("default/legacy") && !v.newest()));
        assertTrue(versions.toString(), versions.stream().anyMatch(v -> v.version().equals("1.1.0")
                && v.services().contains("default/fresh") && v.newest()));

        List<UpdateDTO> asked = upgrade("legacy", true);
        assertEquals(1, asked.size());
        assertEquals("HARD", asked.get(0).mode());
        assertEquals(UpdateDTO.Type.UPGRADE, asked.get(0).type());
        UpdateDTO done = succeededUpdate(asked.get(0));
        System.out.println("upgrade 1.0.0 -> 1.1.0 of a 200-row database: " + Duration.between(done.requestedAt(),
                done.endedAt()).toMillis() + " ms (job " + done.jobId() + ")");

        ServiceDTO after = platform.getService(null, "legacy");
        assertEquals("1.1.0", after.sdpVersion());
        assertEquals("the new version's new key with its default", "10000",
                after.configuration().get("lockTimeoutMs"));
        assertEquals(before, rows(after));
        assertEquals("1.1.0's migration made the lock timeout persistent", 10000, lockTimeout(after));
        assertEquals("RUNNING", after.state().name());
        // the pre-update backup is kept, named after the update
        String backups = shell("stratum:backup-list");
        assertTrue(backups, backups.contains("update " + done.id()));

        // removing a version that a service still uses leaves it running and says which
        ServiceDTO old = database("old", "1.0.0");
        fill(old, 3);
        Files.delete(deployFolder().resolve("sme-database-1.0.0.jar"));
        await("database 1.0.0 to leave the catalog", Duration.ofSeconds(60), () -> {
            try {
                return updates().versions("database").stream().noneMatch(v -> v.version().equals("1.0.0")
                        && v.state() == io.stratum.platform.api.SdpDTO.State.AVAILABLE);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(3, rows(platform.getService(null, "old")).size());
        Path log = Path.of(System.getProperty("karaf.data"), "log", "karaf.log");
        await("karaf.log to name the service left on the removed version", Duration.ofSeconds(20), () -> {
            try {
                return Files.readString(log).contains("was removed while 1 service uses it: default/old");
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    public void aSoftPatchChangesALiveSettingWithoutARestartAndABadOneIsRefused() throws Exception {
        ServiceDTO db = database("fresh", null);
        writePatch("db-lock-2s", "{\"id\": \"db-lock-2s\", \"title\": \"Shorter lock waits\", \"description\": "
                + "\"Statements wait at most 2 s for a row lock\", \"serviceType\": \"database\", "
                + "\"sdpVersions\": \"[1.1.0,2.0.0)\", \"configuration\": {\"lockTimeoutMs\": \"2000\"}}", true);
        writePatch("db-tampered", "{\"id\": \"db-tampered\", \"title\": \"x\", \"description\": \"x\", "
                + "\"serviceType\": \"database\", \"sdpVersions\": \"[1.1.0,2.0.0)\", \"configuration\": "
                + "{\"lockTimeoutMs\": \"1\"}}", false);
        PatchDTO good = patch("db-lock-2s");
        assertEquals(good.reason(), PatchDTO.State.VALID, good.state());
        PatchDTO bad = patch("db-tampered");
        assertEquals(PatchDTO.State.REFUSED, bad.state());
        assertTrue(bad.reason(), bad.reason().toLowerCase().contains("checksum"));
        try {
            updates().applyPatch("db-tampered", null, "fresh", true);
            throw new AssertionError("a refused patch was applied");
        } catch (io.stratum.platform.api.PlatformException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("db-tampered"));
        }

        List<Long> pids = pids(db);
        List<UpdateDTO> asked = updates().applyPatch("db-lock-2s", null, "fresh", true);
        assertEquals(1, asked.size());
        assertEquals("SOFT", asked.get(0).mode());
        succeededUpdate(asked.get(0));
        ServiceDTO after = platform.getService(null, "fresh");
        assertEquals("2000", after.configuration().get("lockTimeoutMs"));
        assertEquals("no restart", pids, pids(after));
        assertEquals(2000, lockTimeout(after));
        String shown = shell("stratum:update-list --all");
        assertTrue(shown, shown.contains(asked.get(0).id()) && shown.contains("SUCCEEDED"));
    }

    @Test
    public void aFailureAtEachStepOfAHardUpdatePutsDataAndConfigurationBackAsTheyWere() throws Exception {
        installDatabase100();
        ServiceDTO db = database("legacy", "1.0.0");
        fill(db, 50);
        List<String> rows = rows(db);
        Map<String, String> config = new TreeMap<>(db.configuration());
        for (String step : List.of("lock out", "back up", "store backup", "guard", "stop", "release 1.1.0",
                "migrate", "start", "refresh associations", "open up")) {
            Configuration c = configAdmin.getConfiguration("io.stratum.update", null);
            Dictionary<String, Object> p = new Hashtable<>();
            p.put("faultInjection", "true");
            p.put("failAt", step);
            long before = updateAccessId();
            c.update(p);
            await("the update manager to restart with failAt '" + step + "'", Duration.ofSeconds(30),
                    () -> {
                        long now = updateAccessId();
                        return now != before && now != -1;
                    });
            UpdateDTO done = ended(upgrade("legacy", true).get(0));
            assertEquals("failure at '" + step + "': " + done.message(), UpdateDTO.State.FAILED, done.state());
            assertTrue(done.message(), done.message().contains("injected failure at " + step));
            ServiceDTO now = platform.getService(null, "legacy");
            assertEquals("version after a failure at '" + step + "'", "1.0.0", now.sdpVersion());
            assertEquals("configuration after a failure at '" + step + "'", config,
                    new TreeMap<>(now.configuration()));
            assertEquals("rows after a failure at '" + step + "'", rows, rows(now));
            assertEquals("RUNNING", now.state().name());
            System.out.println("failure at '" + step + "': restored (" + Duration.between(done.requestedAt(),
                    done.endedAt()).toMillis() + " ms)");
        }
    }

    @Test
    public void aRollingUpdateUnderLoadFailsNoRequestAndAHardOneShowsTheMaintenancePage() throws Exception {
        await("the three service types", Duration.ofSeconds(60), () -> platform.listSdps(false).stream()
                .map(s -> s.serviceType()).toList().containsAll(List.of("database", "webtier", "appserver")));
        Path examples = Path.of(System.getProperty("karaf.base"), "examples");
        String document = Files.readString(examples.resolve("notes-env.yaml")).replace("instances: 2",
                "instances: 3");
        succeeded(platform.createEnvironment(new EnvironmentRequest(null, document, examples.toString())));
        String lb = platform.getService(null, "notes-lb").connection().url();
        Path patches = Path.of(System.getProperty("karaf.base"), "patches");
        Files.createDirectories(patches);
        for (String f : List.of("appserver-maxthreads.json", "appserver-maxthreads.json.sha256")) {
            Files.copy(examples.resolve("patches").resolve(f), patches.resolve(f),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        assertEquals(PatchDTO.State.VALID, patch("appserver-maxthreads").state());
        List<Long> before = pids(platform.getService(null, "notes-app"));
        assertEquals(3, before.size());

        Load load = new Load(lb + "health", 4);
        UpdateDTO rolling;
        try {
            rolling = updates().applyPatch("appserver-maxthreads", null, "notes-app", true).get(0);
            assertEquals("ROLLING", rolling.mode());
            rolling = succeededUpdate(rolling);
        } finally {
            load.stop();
        }
        System.out.println("rolling update of 3 instances under load: " + Duration.between(rolling.requestedAt(),
                rolling.endedAt()).toMillis() + " ms; " + load.ok.get() + " requests answered 200, "
                + load.failed.get() + " failed, " + load.maintenance.get() + " maintenance pages");
        assertEquals("failed requests during the rolling update", 0, load.failed.get());
        assertEquals("maintenance pages during the rolling update", 0, load.maintenance.get());
        ServiceDTO app = platform.getService(null, "notes-app");
        assertEquals("100", app.configuration().get("maxThreads"));
        List<Long> after = pids(app);
        assertEquals(3, after.size());
        for (Long pid : before) {
            assertTrue("instance " + pid + " was replaced: " + after, !after.contains(pid));
        }

        // one instance: a hard update, behind the maintenance page
        succeeded(platform.scaleService(null, "notes-app", 1));
        writePatch("appserver-150", "{\"id\": \"appserver-150\", \"title\": \"150 threads\", \"description\": "
                + "\"maxThreads 150\", \"serviceType\": \"appserver\", \"sdpVersions\": \"[1.0.0,2.0.0)\", "
                + "\"configuration\": {\"maxThreads\": \"150\"}}", true);
        assertEquals(PatchDTO.State.VALID, patch("appserver-150").state());
        Load hard = new Load(lb + "health", 2);
        UpdateDTO h;
        try {
            h = updates().applyPatch("appserver-150", null, "notes-app", true).get(0);
            assertEquals("HARD", h.mode());
            h = succeededUpdate(h);
            Thread.sleep(500);
        } finally {
            hard.stop();
        }
        System.out.println("hard update of 1 instance: " + Duration.between(h.requestedAt(), h.endedAt()).toMillis()
                + " ms; maintenance page answered for " + hard.longestMaintenanceMs() + " ms at the longest; "
                + hard.ok.get() + " 200, " + hard.maintenance.get() + " maintenance pages, " + hard.failed.get()
                + " other failures");
        assertTrue("the maintenance page was served during the hard update", hard.maintenance.get() > 0);
        assertEquals("requests that got neither the application nor the maintenance page", 0, hard.failed.get());
        assertEquals(200, get(lb + "health").status());
        assertEquals("150", platform.getService(null, "notes-app").configuration().get("maxThreads"));
    }

    @Test
    public void aWindowInTheFutureHoldsAnUpdateUntilItIsRunAndACancelledOneNeverRuns() throws Exception {
        installDatabase100();
        database("legacy", "1.0.0");
        database("other", "1.0.0");
        Instant inThreeHours = Instant.now().plus(Duration.ofHours(3));
        String at = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC).format(inThreeHours);
        String frame = "daily " + at + "/1h";
        for (String s : List.of("legacy", "other")) {
            updates().setWindow(null, s, new MaintenanceWindowRequest(frame, "UTC", List.of(frame, frame, frame), 1,
                    null));
        }
        UpdateDTO held = upgrade("legacy", false).get(0);
        UpdateDTO cancelled = upgrade("other", false).get(0);
        assertEquals(UpdateDTO.State.PENDING, held.state());
        assertTrue(held.notBefore() + " is in the window, not now",
                held.notBefore().isAfter(Instant.now().plus(Duration.ofHours(2))));
        String listed = shell("stratum:update-list");
        assertTrue(listed, listed.contains(held.id()) && listed.contains("PENDING"));
        Thread.sleep(6_000); // several rounds of the scheduler
        assertEquals(UpdateDTO.State.PENDING, updates().update(held.id()).state());
        assertEquals("1.0.0", platform.getService(null, "legacy").sdpVersion());

        assertEquals(UpdateDTO.State.CANCELLED, updates().cancel(cancelled.id()).state());
        updates().runNow(held.id());
        succeededUpdate(held);
        assertEquals("1.1.0", platform.getService(null, "legacy").sdpVersion());
        assertEquals(UpdateDTO.State.CANCELLED, updates().update(cancelled.id()).state());
        assertEquals("1.0.0", platform.getService(null, "other").sdpVersion());
    }

    /** Clients sending GETs through the web tier until stopped, counting answers. */
    private static final class Load {
        final AtomicLong ok = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong maintenance = new AtomicLong();
        private final AtomicLong firstPage = new AtomicLong(-1);
        private final AtomicLong longest = new AtomicLong();
        private final AtomicLong stretchStart = new AtomicLong(-1);
        private final AtomicBoolean stop = new AtomicBoolean();
        private final ExecutorService clients;
        private final List<Future<?>> running = new ArrayList<>();

        Load(String url, int n) {
            clients = Executors.newFixedThreadPool(n);
            for (int i = 0; i < n; i++) {
                running.add(clients.submit(() -> {
                    while (!stop.get()) {
                        try {
                            Response r = http("GET", url, null, Map.of(), null, Duration.ofSeconds(10));
                            if (r.status() == 200) {
                                ok.incrementAndGet();
                                endStretch();
                            } else if (r.status() == 503 && r.header("X-Stratum-Maintenance") != null) {
                                maintenance.incrementAndGet();
                                stretchStart.compareAndSet(-1, System.nanoTime());
                            } else {
                                failed.incrementAndGet();
                                System.out.println("failed: " + r.status() + " " + r.body());
                            }
                        } catch (IOException e) {
                            failed.incrementAndGet();
                            System.out.println("failed: " + e);
                        }
                    }
                }));
            }
        }

        private synchronized void endStretch() {
            long s = stretchStart.getAndSet(-1);
            if (s != -1) {
                longest.set(Math.max(longest.get(), (System.nanoTime() - s) / 1_000_000));
            }
        }

        long longestMaintenanceMs() {
            return longest.get();
        }

        void stop() throws Exception {
            stop.set(true);
            for (Future<?> f : running) {
                f.get(30, TimeUnit.SECONDS);
            }
            clients.shutdownNow();
            endStretch();
        }
    }
}
