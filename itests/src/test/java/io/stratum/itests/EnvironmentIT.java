package io.stratum.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.EnvironmentDTO;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.ExternalServiceRequest;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.ServiceDTO;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The example environment of the distribution, end to end on real processes and real HTTP: a notes application
 * (two Tomcat instances) behind a Jetty load balancer, storing rows in an H2 database.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EnvironmentIT extends StratumTestSupport {

    /** The example's health-check interval, plus a margin. */
    private static final long HEALTH_INTERVAL_MS = 1000;

    @Test
    public void loadBalancedNotesApplicationFromCreateToDelete() throws Exception {
        Path examples = Path.of(System.getProperty("karaf.base"), "examples");
        String document = Files.readString(examples.resolve("notes-env.yaml"));
        succeeded(platform.createEnvironment(new EnvironmentRequest(null, document, examples.toString())));

        EnvironmentDTO env = platform.getEnvironment(null, "notes");
        assertEquals("READY", env.state());
        assertEquals(List.of(List.of("notes-db", "notes-lb"), List.of("notes-app")), env.levels());
        ServiceDTO app = platform.getService(null, "notes-app");
        assertEquals("HEALTHY", app.health());
        assertEquals("notes-db", app.providers().get("database"));
        assertEquals("notes-lb", app.providers().get("webtier"));
        String lb = platform.getService(null, "notes-lb").connection().url();

        // data goes in and comes back through the load balancer...
        for (int i = 1; i <= 5; i++) {
            assertEquals(201, post(lb + "api/notes", "note " + i));
        }
        String listed = get(lb + "api/notes").body();
        for (int i = 1; i <= 5; i++) {
            assertTrue(listed, listed.contains("\"text\":\"note " + i + "\""));
        }
        // ...and is in the database, in the application's own schema
        ServiceDTO db = platform.getService(null, "notes-db", true);
        try (Connection c = jdbc(db.connection().url(), db.connection().user(), db.connection().password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT TABLE_SCHEMA FROM INFORMATION_SCHEMA.TABLES "
                        + "WHERE TABLE_NAME = 'NOTES'")) {
            assertTrue("the application created its table", rs.next());
            String schema = rs.getString(1);
            assertTrue(schema, schema.startsWith("S_NOTES_APP_"));
            try (ResultSet count = s.executeQuery("SELECT COUNT(*) FROM " + schema + ".NOTES "
                    + "WHERE TEXT LIKE 'note %'")) {
                count.next();
                assertEquals(5, count.getInt(1));
            }
        }

        // what a user sees of it in the shell
        String info = shell("stratum:env-info notes");
        assertTrue(info, info.contains("notes-db + notes-lb  ->  notes-app"));
        assertTrue(info, info.lines().anyMatch(l -> l.contains("notes-app") && l.contains("appserver")
                && l.contains("RUNNING") && l.contains("HEALTHY") && l.contains("notes-db (database), notes-lb (webtier)")));

        // scale to three from the shell: requests land on all of them
        String scaled = shell("stratum:service-scale notes-app 3 --wait");
        assertTrue(scaled, scaled.contains("SUCCEEDED"));
        assertEquals(3, platform.getService(null, "notes-app").runtimes().size());
        assertEquals(Set.of("i1", "i2", "i3"), instancesServing(lb, 30));

        // kill one instance: after the health-check interval no request fails, and it comes back
        ServiceDTO.RuntimeDTO victim = platform.getService(null, "notes-app").runtimes().stream()
                .filter(r -> r.name().equals("i2")).findFirst().orElseThrow();
        ProcessHandle.of(victim.pid()).orElseThrow().destroyForcibly();
        Thread.sleep(2 * HEALTH_INTERVAL_MS + 500);
        for (int i = 0; i < 60; i++) {
            // requests with a body too: the proxy cannot resend those, so only the health check keeps them safe
            assertEquals("POST " + i + " after the health-check interval", 201, post(lb + "api/notes", "after " + i));
            Response r = get(lb + "health");
            assertEquals("GET " + i + " after the health-check interval", 200, r.status());
        }
        await("the killed instance to be restarted and routed to again", Duration.ofSeconds(60),
                () -> instancesServingQuietly(lb, 9).contains("i2"));
        ServiceDTO.RuntimeDTO restarted = platform.getService(null, "notes-app").runtimes().stream()
                .filter(r -> r.name().equals("i2")).findFirst().orElseThrow();
        assertEquals(1, restarted.restarts());
        assertFalse(restarted.pid() == victim.pid());

        // scale back down: removed instances stop getting traffic first, then stop
        succeeded(platform.scaleService(null, "notes-app", 1));
        assertEquals(Set.of("i1"), instancesServing(lb, 10));

        // deleting the environment leaves no process and no port
        List<Long> pids = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (String name : List.of("notes-db", "notes-lb", "notes-app")) {
            for (ServiceDTO.RuntimeDTO r : platform.getService(null, name).runtimes()) {
                pids.add(r.pid());
                ports.addAll(r.ports().values());
            }
        }
        try {
            platform.deleteService(null, "notes-db", false);
            fail("a provider in use cannot be deleted");
        } catch (PlatformException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("is the provider of 'notes-app'"));
        }
        succeeded(platform.deleteEnvironment(null, "notes", false));
        for (long pid : pids) {
            assertFalse("process " + pid + " is gone", ProcessHandle.of(pid).map(ProcessHandle::isAlive)
                    .orElse(false));
        }
        for (int port : ports) {
            assertFalse("port " + port + " is closed", accepts(port));
        }
        assertEquals("no process launched by this platform is left", List.of(), launchedProcesses());
        assertTrue(platform.listEnvironments(null).isEmpty());
        assertTrue(platform.listServices(null).isEmpty());
    }

    @Test
    public void anEnvironmentWithMistakesIsRefusedWithEveryProblemBeforeAnythingIsCreated() throws Exception {
        String document = "name: broken\n"
                + "services:\n"
                + "  - name: b-db\n"
                + "    type: database\n"
                + "  - name: b-app\n"
                + "    type: appserver\n"
                + "    config:\n"
                + "      war: ${envDir}/no-such.war\n"
                + "    providers:\n"
                + "      database: b-db\n"
                + "  - name: b-cache\n"
                + "    type: cache\n";
        try {
            platform.createEnvironment(new EnvironmentRequest(null, document, "/tmp"));
            fail("the environment has mistakes");
        } catch (PlatformException e) {
            assertEquals(PlatformException.Reason.INVALID, e.reason());
            // every problem on a line of its own, naming the service, the field and its line
            assertTrue(e.getMessage(), e.getMessage().contains("\n  - service 'b-app', config.war (line 8): "));
            assertTrue(e.getMessage(), e.getMessage().contains("/tmp/no-such.war"));
            assertTrue(e.getMessage(), e.getMessage().contains("\n  - service 'b-cache', type (line 12): no service "
                    + "type 'cache' is installed"));
        }
        assertTrue("nothing was created", platform.listServices(null).isEmpty());
        assertTrue(platform.listEnvironments(null).isEmpty());
    }

    @Test
    public void anExternalDatabaseRegisteredByUrlIsAProvider() throws Exception {
        Path dir = Files.createTempDirectory("external-db");
        int port = sparePort();
        Process external = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("stratum.h2.jar"), "org.h2.tools.Server", "-tcp", "-tcpPort",
                Integer.toString(port), "-baseDir", dir.toString(), "-ifNotExists")
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        String url = "jdbc:h2:tcp://127.0.0.1:" + port + "/legacy";
        try {
            await("the external database", Duration.ofSeconds(30), () -> {
                try (Connection c = jdbc(url, "sa", "")) {
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
            ServiceDTO legacy = platform.registerExternalService(new ExternalServiceRequest(
                    null, "database", "legacy", url, "sa", "", Map.of("driver", "org.h2.Driver")));
            assertTrue(legacy.external());
            assertEquals(legacy.healthMessage(), "HEALTHY", legacy.health());

            String war = Path.of(System.getProperty("karaf.base"), "examples", "notes.war").toString();
            succeeded(platform.createService(new CreateServiceRequest(null, "appserver",
                    "legacy-app", null, null, Map.of("war", war, "healthPath", "/health"),
                    Map.of("database", "legacy"), false)));
            String app = platform.getService(null, "legacy-app").connection().url();
            assertEquals(201, post(app + "api/notes", "stored outside Stratum"));
            try (Connection c = jdbc(url, "sa", ""); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT TEXT FROM NOTES")) {
                assertTrue(rs.next());
                assertEquals("stored outside Stratum", rs.getString(1));
            }
            assertEquals(List.of("legacy-app"), platform.getService(null, "legacy").dependants());
            succeeded(platform.deleteService(null, "legacy-app", false));
            succeeded(platform.deleteService(null, "legacy", false));
            assertTrue("deleting an external service leaves it running", external.isAlive());
        } finally {
            external.destroyForcibly().waitFor();
        }
    }

    /** @return which instances answered {@code n} requests through the load balancer */
    private static Set<String> instancesServing(String lb, int n) throws IOException {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            Response r = get(lb + "health");
            assertEquals(200, r.status());
            seen.add(r.instance());
        }
        return seen;
    }

    private static Set<String> instancesServingQuietly(String lb, int n) {
        try {
            return instancesServing(lb, n);
        } catch (IOException | AssertionError e) {
            return Set.of();
        }
    }

    /** @return pids of live processes whose environment says this platform launched them */
    private static List<Long> launchedProcesses() throws IOException {
        String marker = "STRATUM_HOME=" + stratumHome();
        List<Long> out = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String environ = new String(Files.readAllBytes(p.resolve("environ")), StandardCharsets.UTF_8);
                    if (List.of(environ.split("\0")).contains(marker)) {
                        out.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // exited meanwhile
                }
            }
        }
        return out;
    }
}
