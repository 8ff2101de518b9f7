package io.stratum.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.ServiceDTO;
import io.stratum.platform.api.ServiceState;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/** A database service on the real distribution, checked through real JDBC. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DatabaseServiceIT extends StratumTestSupport {

    private ServiceDTO create(String name, String plan, Map<String, String> config) throws Exception {
        await("the database type", Duration.ofSeconds(60),
                () -> platform.listSdps(false).stream().anyMatch(s -> s.serviceType().equals("database")));
        JobDTO job = platform.createService(new CreateServiceRequest(null, "database", name, plan, null, config));
        succeeded(job);
        return platform.getService(null, name, true);
    }

    private static long pid(ServiceDTO s) {
        return s.runtimes().get(0).pid();
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    public void rowsWrittenOverJdbcSurviveStopAndStartAndDeleteRemovesEverything() throws Exception {
        ServiceDTO db = create("orders", "large", Map.of());
        assertEquals(ServiceState.RUNNING, db.state());
        assertEquals(db.healthMessage(), "HEALTHY", db.health());
        assertNotNull(db.connection());
        String url = db.connection().url();
        String user = db.connection().user();
        String password = db.connection().password();
        assertTrue(url, url.startsWith("jdbc:h2:tcp://127.0.0.1:"));
        long pid = pid(db);
        assertTrue(alive(pid));

        try (Connection c = jdbc(url, user, password); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders(id INT PRIMARY KEY, item VARCHAR(50))");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders VALUES (?, ?)")) {
                for (int i = 1; i <= 100; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "item " + i);
                    ps.executeUpdate();
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
                    + "WHERE SETTING_NAME = 'CACHE_SIZE'")) {
                assertTrue(rs.next());
                assertEquals("the large plan's page cache (256 MB, in KB)", "262144", rs.getString(1));
            }
        }
        assertTrue("wrong credentials are refused", refused(url, user, "wrong"));

        succeeded(platform.stopService(null, "orders"));
        assertFalse("the server process is gone", alive(pid));
        assertEquals(ServiceState.STOPPED, platform.getService(null, "orders").state());
        assertTrue("a stopped database does not answer", refused(url, user, password));

        succeeded(platform.startService(null, "orders"));
        ServiceDTO started = platform.getService(null, "orders", true);
        assertEquals(ServiceState.RUNNING, started.state());
        assertEquals("the URL is stable across stop/start", url, started.connection().url());
        try (Connection c = jdbc(url, user, password); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(item) FROM orders")) {
            assertTrue(rs.next());
            assertEquals(100, rs.getInt(1));
            assertEquals("item 99", rs.getString(2));
        }

        long startedPid = pid(started);
        succeeded(platform.deleteService(null, "orders"));
        assertFalse("delete stops the process", alive(startedPid));
        assertFalse("delete removes the files", Files.exists(stratumHome().resolve("services").resolve(started.id())));
        assertTrue(platform.listServices(null).stream().noneMatch(s -> s.name().equals("orders")));
        try {
            platform.getService(null, "orders");
            fail("a deleted service is gone");
        } catch (PlatformException e) {
            assertEquals(PlatformException.Reason.NOT_FOUND, e.reason());
        }
    }

    @Test
    public void planAndConfigurationChangeRealSettings() throws Exception {
        ServiceDTO db = create("pgmode", "small", Map.of("mode", "PostgreSQL"));
        assertTrue(db.connection().url(), db.connection().url().endsWith(";MODE=PostgreSQL"));
        try (Connection c = jdbc(db.connection().url(), db.connection().user(), db.connection().password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
                        + "WHERE SETTING_NAME = 'CACHE_SIZE'")) {
            assertTrue(rs.next());
            assertEquals("the small plan's page cache (16 MB, in KB)", "16384", rs.getString(1));
        }
        String command = ProcessHandle.of(pid(db)).orElseThrow().info().arguments()
                .map(args -> String.join(" ", args)).orElseThrow();
        assertTrue("the small plan's heap: " + command, command.contains("-Xmx64m"));
        succeeded(platform.deleteService(null, "pgmode"));
    }

    @Test
    public void badRequestsGetClearErrorsAndChangeNothing() throws Exception {
        create("taken", null, Map.of());
        expect(PlatformException.Reason.ALREADY_EXISTS, "already exists",
                () -> platform.createService(new CreateServiceRequest(null, "database", "taken", null, null, null)));
        expect(PlatformException.Reason.NOT_FOUND, "no service type 'queue'",
                () -> platform.createService(new CreateServiceRequest(null, "queue", "q1", null, null, null)));
        expect(PlatformException.Reason.INVALID, "no plan 'huge'",
                () -> platform.createService(new CreateServiceRequest(null, "database", "x1", "huge", null, null)));
        expect(PlatformException.Reason.INVALID, "invalid service name",
                () -> platform.createService(new CreateServiceRequest(null, "database", "No Spaces", null, null, null)));
        expect(PlatformException.Reason.INVALID, "unknown configuration key 'colour'",
                () -> platform.createService(new CreateServiceRequest(null, "database", "x2", null, null,
                        Map.of("colour", "red"))));
        expect(PlatformException.Reason.NOT_FOUND, "no account 'nobody'",
                () -> platform.createService(new CreateServiceRequest("nobody", "database", "x3", null, null, null)));
        assertEquals(1, platform.listServices(null).stream().filter(s -> s.name().startsWith("x")
                || s.name().equals("taken")).count());

        JobDTO stop = platform.stopService(null, "taken");
        expect(PlatformException.Reason.CONCURRENCY, "busy with job " + stop.id(),
                () -> platform.deleteService(null, "taken"));
        succeeded(stop);
        succeeded(platform.deleteService(null, "taken"));
    }

    @Inject
    private BundleContext context;

    @Test
    public void jobStateChangesArePostedToEventAdmin() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        ServiceRegistration<EventHandler> handler = context.registerService(EventHandler.class, events::add,
                new Hashtable<>(Map.of(EventConstants.EVENT_TOPIC, "io/stratum/job/*")));
        try {
            JobDTO job = succeeded(platform.createService(
                    new CreateServiceRequest(null, "database", "evented", null, null, null)));
            await("the job's events", Duration.ofSeconds(10), () -> topicsOf(events, job.id()).size() >= 3);
            assertEquals(List.of("io/stratum/job/QUEUED", "io/stratum/job/RUNNING", "io/stratum/job/SUCCEEDED"),
                    topicsOf(events, job.id()));
            succeeded(platform.deleteService(null, "evented"));
        } finally {
            handler.unregister();
        }
    }

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Test
    public void settingsChangedWhileAJobRunsApplyWithoutRestartingAnything() throws Exception {
        List<String> components = List.of("io.stratum.platform.internal.orchestration.OrchestrationEngine",
                "io.stratum.platform.internal.service.ServiceManager",
                "io.stratum.platform.internal.runtime.RuntimeManager",
                "io.stratum.platform.internal.sdp.SdpCatalog");
        Map<String, Object> before = serviceIds(components);
        JobDTO job = platform.createService(new CreateServiceRequest(null, "database", "configured", null, null, null));
        String[][] changes = {
            {"io.stratum.orchestration", "workers", "3"},
            {"io.stratum.services", "drainSeconds", "1"},
            {"io.stratum.runtime", "monitorIntervalMs", "500"},
            {"io.stratum.sdp", "engineGraceSeconds", "4"},
        };
        for (String[] c : changes) { // as editing etc/<pid>.cfg does
            Configuration config = configurationAdmin.getConfiguration(c[0], "?");
            Dictionary<String, Object> properties = config.getProperties() == null ? new Hashtable<>()
                    : config.getProperties();
            properties.put(c[1], c[2]);
            config.update(properties);
        }
        assertEquals(JobState.SUCCEEDED, succeeded(job).state());
        Thread.sleep(2000); // Configuration Admin delivers changes asynchronously
        assertEquals("the same component instances, not restarted ones", before, serviceIds(components));
        ServiceDTO created = platform.getService(null, "configured");
        assertEquals(ServiceState.RUNNING, created.state());
        assertEquals(created.healthMessage(), "HEALTHY", created.health());
        succeeded(platform.deleteService(null, "configured"));
    }

    private Map<String, Object> serviceIds(List<String> classes) {
        Map<String, Object> ids = new TreeMap<>();
        for (String c : classes) {
            ServiceReference<?> ref = context.getServiceReference(c);
            assertNotNull(c + " is registered", ref);
            ids.put(c, ref.getProperty(Constants.SERVICE_ID));
        }
        return ids;
    }

    private static List<String> topicsOf(List<Event> events, long jobId) {
        return events.stream().filter(e -> Long.valueOf(jobId).equals(e.getProperty("job.id")))
                .map(Event::getTopic).toList();
    }

    @Test
    public void accountsIsolateNames() throws Exception {
        platform.createAccount("acme");
        create("shared-name", null, Map.of());
        succeeded(platform.createService(new CreateServiceRequest("acme", "database", "shared-name", null, null, null)));
        assertEquals(1, platform.listServices("acme").size());
        ServiceDTO ours = platform.getService(null, "shared-name");
        ServiceDTO theirs = platform.getService("acme", "shared-name");
        assertFalse(ours.id().equals(theirs.id()));
        assertFalse(ours.connection().url().equals(theirs.connection().url()));
        succeeded(platform.deleteService("acme", "shared-name"));
        succeeded(platform.deleteService(null, "shared-name"));
    }

    @Test
    public void shellCommandsDriveTheWholeLifecycle() throws Exception {
        await("the database type", Duration.ofSeconds(60),
                () -> platform.listSdps(false).stream().anyMatch(s -> s.serviceType().equals("database")));
        String sdps = shell("stratum:sdp-list");
        assertTrue(sdps, sdps.contains("database") && sdps.contains("h2-database") && sdps.contains("AVAILABLE"));

        String created = shell("stratum:service-create database shelldb --plan small --wait");
        assertTrue(created, created.contains("SUCCEEDED"));
        assertTrue(created, created.contains("provision/provision"));

        String info = shell("stratum:service-info shelldb --credentials");
        assertTrue(info, info.contains("URL:") && info.contains("jdbc:h2:tcp://127.0.0.1:"));
        assertTrue(info, info.contains("Password:") && info.contains("HEALTHY"));
        String url = line(info, "URL:");
        String password = line(info, "Password:");
        try (Connection c = jdbc(url, line(info, "User:"), password); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(x INT)");
        }

        assertTrue(shell("stratum:service-list").contains("shelldb"));
        String jobs = shell("stratum:job-list --service shelldb");
        assertTrue(jobs, jobs.contains("service.create") && jobs.contains("SUCCEEDED"));
        long jobId = platform.listJobs(new io.stratum.platform.api.JobQuery(null, "shelldb", false, 1)).get(0).id();
        String jobInfo = shell("stratum:job-info " + jobId);
        assertTrue(jobInfo, jobInfo.contains("await-healthy") && jobInfo.contains("Progress:  100%"));

        String error = shellError("stratum:service-create database shelldb");
        assertTrue(error, error.contains("already exists"));

        String deleted = shell("stratum:service-delete shelldb --wait");
        assertTrue(deleted, deleted.contains("SUCCEEDED"));
    }

    private String shellError(String command) {
        try {
            String out = shell(command);
            throw new AssertionError("expected " + command + " to fail, it printed: " + out);
        } catch (Exception e) {
            return e.getMessage();
        }
    }

    private static String line(String output, String key) {
        for (String l : output.split("\n")) {
            if (l.startsWith(key)) {
                return l.substring(key.length()).strip();
            }
        }
        throw new AssertionError("no '" + key + "' in " + output);
    }

    private static boolean refused(String url, String user, String password) {
        try (Connection c = jdbc(url, user, password)) {
            return false;
        } catch (SQLException e) {
            return true;
        }
    }

    private static void expect(PlatformException.Reason reason, String text, Runnable r) {
        try {
            r.run();
            fail("expected " + reason + " (" + text + ")");
        } catch (PlatformException e) {
            assertEquals(e.getMessage(), reason, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains(text));
        }
    }
}
