package io.stratum.sme.appserver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.sme.api.Binding;
import io.stratum.sme.api.HealthState;
import io.stratum.sme.api.SmeException;
import io.stratum.sme.api.TaskMonitor;
import io.stratum.sme.api.runtime.RuntimeInfo;
import io.stratum.testkit.sme.EngineFixtures;
import io.stratum.testkit.sme.FakeService;
import io.stratum.testkit.sme.LocalRuntimes;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The app server engine with real Tomcat instances serving the sample WAR. */
public class AppServerEngineTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static final TaskMonitor MONITOR = EngineFixtures.QUIET;

    private LocalRuntimes runtimes;
    private FakeService service;
    private AppServerEngine engine;

    @Before
    public void setUp() throws Exception {
        runtimes = new LocalRuntimes(tmp.newFolder("runtimes").toPath());
        List<URL> jars = EngineFixtures.jarsIn(Path.of("target/classes/runtime"));
        engine = new AppServerEngine(() -> jars);
        service = new FakeService("7d3e0000-0000-0000-0000-000000000001", "notes", tmp.newFolder("data").toPath(),
                Map.of("war", System.getProperty("sample.war"), "instances", "2", "heapMb", "128",
                        "contextPath", "/", "healthPath", "/health"), runtimes)
                .bind(new Binding("db-id", "database", Map.of("url", "jdbc:h2:tcp://127.0.0.1:1/db",
                        "user", "S_NOTES", "password", "secret")));
    }

    @After
    public void tearDown() {
        runtimes.killAll();
    }

    private static String instanceAt(String url) throws Exception {
        HttpURLConnection c = (HttpURLConnection) URI.create(url + "health").toURL().openConnection();
        assertEquals(200, c.getResponseCode());
        return c.getHeaderField("X-Stratum-Instance");
    }

    @Test
    public void provisionsInstancesThatServeTheWarWithTheBindingsInTheirEnvironment() throws Exception {
        engine.provision(service, MONITOR);
        assertEquals(HealthState.HEALTHY, engine.health(service).state());
        assertEquals("2/2 instances answer HTTP", engine.health(service).message());
        Set<String> seen = new HashSet<>();
        for (RuntimeInfo r : runtimes.list()) {
            seen.add(instanceAt("http://127.0.0.1:" + r.port("http") + "/"));
            String environ = Files.readString(Path.of("/proc", Long.toString(r.pid()), "environ"));
            assertTrue(environ.contains("DATABASE_URL=jdbc:h2:tcp://127.0.0.1:1/db"));
            assertTrue(environ.contains("DATABASE_PASSWORD=secret"));
            assertTrue(environ.contains("STRATUM_INSTANCE=" + r.name()));
        }
        assertEquals(Set.of("i1", "i2"), seen);
        assertTrue("the WAR is copied next to the service's data",
                Files.exists(service.dataDirectory().resolve("app.war")));
        engine.provision(service, MONITOR);
        assertEquals("provision again launches nothing new", 2, runtimes.launches());
    }

    @Test
    public void scalesUpAndDownInTwoSteps() throws Exception {
        engine.provision(service, MONITOR);
        engine.scale(service, 3, MONITOR);
        assertEquals(3, engine.instances(service));
        assertEquals(3, engine.parameters(service, "webtier").get("backends").split(",").length);
        assertEquals("/health", engine.parameters(service, "webtier").get("healthPath"));

        engine.scale(service, 1, MONITOR);
        assertEquals("leaving instances are no longer offered to providers",
                1, engine.parameters(service, "webtier").get("backends").split(",").length);
        assertEquals("but keep running until retired", 3, runtimes.list().size());
        long leavingPid = runtimes.status("i3").orElseThrow().pid();
        engine.retire(service, MONITOR);
        assertEquals(List.of("i1"), runtimes.list().stream().map(RuntimeInfo::name).toList());
        assertFalse(ProcessHandle.of(leavingPid).map(ProcessHandle::isAlive).orElse(false));
        assertEquals(HealthState.HEALTHY, engine.health(service).state());
        assertEquals(Map.of(), engine.parameters(service, "database"));
    }

    /** A monitor that keeps what it is told. */
    private static final class Recording implements TaskMonitor {
        final List<String> messages = new java.util.ArrayList<>();

        @Override
        public synchronized void progress(int percent, String message) {
            messages.add(message);
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        synchronized List<String> starting() {
            return messages.stream().filter(m -> m.startsWith("starting instance")).toList();
        }
    }

    @Test
    public void progressNamesOnlyTheInstancesAScaleStartsOrRemoves() throws Exception {
        Recording provision = new Recording();
        engine.provision(service, provision);
        assertEquals(List.of("starting instance i1", "starting instance i2"), provision.starting());

        Recording up = new Recording();
        engine.scale(service, 3, up);
        assertEquals("i1 and i2 were running already: " + up.messages, List.of("starting instance i3"),
                up.starting());
        assertFalse(up.messages.toString(), up.messages.stream().anyMatch(m -> m.contains("i1") || m.contains("i2")));
        assertEquals("3 instance(s) answer HTTP (started i3)", up.messages.get(up.messages.size() - 1));
        assertEquals(3, runtimes.launches());

        Recording down = new Recording();
        engine.scale(service, 1, down);
        assertEquals(List.of(), down.starting());
        assertTrue(down.messages.toString(), down.messages.contains("instance(s) i2, i3 leaving: no new requests are "
                + "sent to them, and they are removed once the ones they have are done"));
        Recording retire = new Recording();
        engine.retire(service, retire);
        assertEquals(List.of("removing instance i2", "removing instance i3"), retire.messages);

        // an instance that died and was not restarted is started again by the next scale, and named
        runtimes.stop("i1", java.time.Duration.ofSeconds(10));
        Recording again = new Recording();
        engine.scale(service, 2, again);
        assertEquals(List.of("starting instance i1", "starting instance i2"), again.starting());
    }

    @Test
    public void stopStartAndUnprovision() throws Exception {
        engine.provision(service, MONITOR);
        engine.stop(service, MONITOR);
        assertEquals(HealthState.STOPPED, engine.health(service).state());
        engine.start(service, MONITOR);
        assertEquals(HealthState.HEALTHY, engine.health(service).state());
        engine.unprovision(service, MONITOR);
        assertTrue(runtimes.list().isEmpty());
        assertFalse(Files.exists(service.dataDirectory().resolve("app.war")));
    }

    @Test
    public void aFileThatIsNotAWebApplicationIsRefusedAndNothingIsCopied() throws Exception {
        java.nio.file.Path secret = tmp.newFile("secrets.key").toPath();
        java.nio.file.Files.writeString(secret, "the platform's key");
        java.nio.file.Path data = tmp.newFolder("thief").toPath();
        FakeService thief = new FakeService("t", "thief", data, Map.of("war", secret.toString()), runtimes);
        assertEquals(List.of("the application '" + secret + "' (configuration 'war') is not a web application "
                + "archive: a WAR is a ZIP file with a WEB-INF/ folder"), engine.check("thief", thief.configuration()));
        try {
            engine.provision(thief, MONITOR);
            fail();
        } catch (SmeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("is not a web application archive"));
        }
        assertFalse("the file was not copied to where the service's user could read it",
                java.nio.file.Files.exists(data.resolve("app.war")));
    }

    @Test
    public void aMissingWarIsAClearError() throws Exception {
        FakeService broken = new FakeService("x", "broken", tmp.newFolder("broken").toPath(),
                Map.of("war", "/no/such/app.war"), runtimes);
        try {
            engine.provision(broken, MONITOR);
            fail();
        } catch (SmeException e) {
            assertTrue(e.getMessage(),
                    e.getMessage().contains("'/no/such/app.war' (configuration 'war') is not a file"));
        }
        assertEquals("the platform hears of it before anything is created", List.of("the application "
                + "'/no/such/app.war' (configuration 'war') is not a file on the Stratum host, or cannot be read"),
                engine.check("broken", Map.of("war", "/no/such/app.war")));
        assertEquals(List.of(), engine.check("notes", service.configuration()));
        assertTrue(engine.check("none", Map.of()).get(0).contains("configuration 'war' is required"));
        FakeService none = new FakeService("y", "none", tmp.newFolder("none").toPath(), Map.of(), runtimes);
        try {
            engine.provision(none, MONITOR);
            fail();
        } catch (SmeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("configuration 'war' is required"));
        }
    }

    @Test
    public void contextAndHealthPathsMustBePlainPathsAndAreRefusedBeforeAnythingIsCreated() throws Exception {
        String war = System.getProperty("sample.war");
        for (String ok : List.of("/", "", "/notes", "notes", "/api/v1/health", "/health/")) {
            assertEquals(ok, List.of(), engine.check("ok", Map.of("war", war, "contextPath", ok, "healthPath", ok)));
        }
        for (String bad : List.of("http://evil.example/x", "//evil.example/x", "/a//b", "/../admin", "/a/./b",
                "/h?x=1", "/h#x", "/%2e%2e", "/a b", "/a\rb", "/" + "x".repeat(100))) {
            List<String> problems = engine.check("bad", Map.of("war", war, "contextPath", bad, "healthPath", bad));
            assertEquals(bad + ": " + problems, 2, problems.size());
            assertTrue(problems.get(0), problems.get(0).startsWith("configuration 'contextPath' = '"));
            assertTrue(problems.get(1), problems.get(1).startsWith("configuration 'healthPath' = '"));
            assertTrue(problems.get(1), problems.get(1).contains("is not allowed: it must be a path such as /health:"
                    + " letters, digits and - . _ ~ between single slashes"));
            assertFalse("no control character reaches a message", problems.get(1).contains("\r"));
        }

        FakeService away = new FakeService("z", "away", tmp.newFolder("away").toPath(),
                Map.of("war", war, "healthPath", "//evil.example/x"), runtimes);
        try {
            engine.provision(away, MONITOR);
            fail();
        } catch (SmeException e) {
            assertEquals("'away': configuration 'healthPath' = '//evil.example/x' is not allowed: it must be a path "
                    + "such as /health: letters, digits and - . _ ~ between single slashes (a leading '/' is added "
                    + "if missing); no scheme or host, no '//', no '.' or '..' segment, no '?', '#', '%', spaces or "
                    + "control characters; at most 100 characters", e.getMessage());
            assertFalse("a refusal, not a transient failure", e.isTransient());
        }
        assertEquals("nothing was launched", 0, runtimes.launches());
        assertFalse("nothing was copied", Files.exists(away.dataDirectory().resolve("app.war")));
    }

    private static void signal(String signal, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor());
    }

    @Test
    public void instancesThatStopAnsweringAreCheckedAtOnceAndWithinTheProbeTimeout() throws Exception {
        engine.provision(service, MONITOR);
        List<Long> pids = runtimes.list().stream().map(RuntimeInfo::pid).toList();
        assertEquals(2, pids.size());
        for (long pid : pids) {
            signal("STOP", pid); // accepts connections (the kernel does), never answers
        }
        try {
            long start = System.nanoTime();
            io.stratum.sme.api.ServiceHealth h = engine.health(service);
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(h.message(), h.message().startsWith("0/2 instances answer HTTP"));
            assertTrue(h.message(), h.message().contains("/health within 2 s"));
            assertTrue("both instances are asked at once, each for 2 s at most: took " + tookMs + " ms",
                    tookMs < 3500);
        } finally {
            for (long pid : pids) {
                signal("CONT", pid);
            }
        }
        assertEquals(HealthState.HEALTHY, engine.health(service).state());
    }

    /** @return the maxThreads the last start of an instance reported in its log */
    private static String reportedMaxThreads(RuntimeInfo r) throws Exception {
        String last = null;
        for (String line : Files.readAllLines(r.logFile())) {
            if (line.startsWith("stratum: instance " + r.name() + " serves ")) {
                last = line;
            }
        }
        assertTrue("no start line in " + r.logFile(), last != null);
        return last.substring(last.lastIndexOf("(maxThreads ") + 12, last.length() - 1);
    }

    @Test
    public void aRollingReplaceRestartsOneDrainedInstanceWithTheNewMaxThreads() throws Exception {
        engine.provision(service, MONITOR);
        assertEquals(List.of("i1", "i2"), engine.instanceNames(service));
        assertEquals("Tomcat's default", "200", reportedMaxThreads(runtimes.status("i1").orElseThrow()));
        assertEquals(Set.of(), engine.liveSettings(service));

        RuntimeInfo i1 = runtimes.status("i1").orElseThrow();
        RuntimeInfo i2 = runtimes.status("i2").orElseThrow();
        engine.drain(service, "i1");
        engine.drain(service, "i1"); // idempotent
        assertEquals("the drained instance is no longer a backend", "http://127.0.0.1:" + i2.port("http"),
                engine.parameters(service, "webtier").get("backends"));
        assertTrue("it keeps running", runtimes.status("i1").orElseThrow().state() == io.stratum.sme.api.runtime
                .RuntimeState.RUNNING);
        try {
            engine.drain(service, "i9");
            fail();
        } catch (SmeException e) {
            assertEquals("'notes' has no instance 'i9'; its instances are i1, i2", e.getMessage());
        }

        // the platform records the new configuration, then replaces the instance
        FakeService updated = new FakeService(service.serviceId(), service.name(), service.dataDirectory(),
                Map.of("war", System.getProperty("sample.war"), "instances", "2", "heapMb", "128",
                        "contextPath", "/", "healthPath", "/health", "maxThreads", "100"), runtimes)
                .bind(service.bindings().get(0));
        service.asMap().forEach(updated::put);
        Recording monitor = new Recording();
        engine.replace(updated, "i1", monitor);
        RuntimeInfo replaced = runtimes.status("i1").orElseThrow();
        assertTrue("a new process: " + i1.pid() + " then " + replaced.pid(), replaced.pid() != i1.pid());
        assertFalse(ProcessHandle.of(i1.pid()).map(ProcessHandle::isAlive).orElse(false));
        assertEquals("i1", instanceAt("http://127.0.0.1:" + replaced.port("http") + "/"));
        assertEquals("100", reportedMaxThreads(replaced));
        assertEquals("the other instance was left alone", i2.pid(), runtimes.status("i2").orElseThrow().pid());
        assertEquals("200", reportedMaxThreads(runtimes.status("i2").orElseThrow()));
        assertEquals("reported to providers again", 2, engine.parameters(updated, "webtier").get("backends")
                .split(",").length);
        assertEquals(monitor.messages.get(monitor.messages.size() - 1), "instance i1 answers HTTP on 127.0.0.1:"
                + replaced.port("http") + " with the new configuration");
        assertEquals(HealthState.HEALTHY, engine.health(updated).state());
    }

    @Test
    public void aStartReportsEveryInstanceAgainAndUpgradeHasNothingToMigrate() throws Exception {
        engine.provision(service, MONITOR);
        engine.drain(service, "i2");
        assertEquals(1, engine.parameters(service, "webtier").get("backends").split(",").length);
        engine.upgrade(service, "0.9.0", MONITOR);
        engine.reconfigure(service, Map.of(), MONITOR);
        engine.stop(service, MONITOR);
        engine.start(service, MONITOR);
        assertEquals(2, engine.parameters(service, "webtier").get("backends").split(",").length);
    }
}
