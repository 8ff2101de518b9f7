package io.stratum.sme.webtier;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.sun.net.httpserver.HttpServer;
import io.stratum.sme.api.Binding;
import io.stratum.sme.api.Dependant;
import io.stratum.sme.api.HealthState;
import io.stratum.sme.api.SmeException;
import io.stratum.sme.api.TaskMonitor;
import io.stratum.testkit.sme.EngineFixtures;
import io.stratum.testkit.sme.FakeService;
import io.stratum.testkit.sme.LocalRuntimes;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The web tier engine with a real proxy process and real HTTP backends. */
public class WebTierEngineTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static final TaskMonitor MONITOR = EngineFixtures.QUIET;

    private LocalRuntimes runtimes;
    private FakeService service;
    private WebTierEngine engine;
    private HttpServer backend;

    @Before
    public void setUp() throws Exception {
        runtimes = new LocalRuntimes(tmp.newFolder("runtimes").toPath());
        List<URL> jars = EngineFixtures.jarsIn(Path.of("target/classes/runtime"));
        engine = new WebTierEngine(() -> jars);
        service = new FakeService("id", "lb", tmp.newFolder("data").toPath(),
                Map.of("heapMb", "64", "healthIntervalMs", "200"), runtimes);
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("X-Backend", "one");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        backend.start();
    }

    @After
    public void tearDown() {
        runtimes.killAll();
        backend.stop(0);
    }

    private static int status(String url) throws Exception {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        return c.getResponseCode();
    }

    @Test
    public void routesAnAssociatedServiceUntilItIsDissociated() throws Exception {
        engine.provision(service, MONITOR);
        assertEquals(HealthState.HEALTHY, engine.health(service).state());
        String url = engine.connectionInfo(service).url();
        assertEquals("no route yet", 404, status(url));

        Dependant notes = new Dependant("n1", "notes", "appserver", Map.of("backends",
                "http://127.0.0.1:" + backend.getAddress().getPort(), "healthPath", "/"));
        Binding binding = engine.associate(service, notes, MONITOR);
        assertEquals(url, binding.credentials().get("url"));
        assertEquals("notes.localhost", binding.credentials().get("host"));
        assertEquals("the first route is the default", 200, status(url + "anything"));
        assertTrue(engine.health(service).message(), engine.health(service).message().contains("notes 1/1"));
        Map<String, Double> sample = engine.sample(service);
        assertEquals(sample.toString(), 1.0, sample.get("webtier.routes"), 0.0);
        assertEquals(sample.toString(), 1.0, sample.get("webtier.backends.healthy"), 0.0);
        assertEquals(sample.toString(), 0.0, sample.get("webtier.inflight"), 0.0);

        engine.dissociate(service, notes, MONITOR);
        assertEquals(404, status(url));
        engine.dissociate(service, notes, MONITOR); // idempotent
        engine.unprovision(service, MONITOR);
        assertTrue(runtimes.list().isEmpty());
    }

    @Test
    public void aRouteThatPointsElsewhereIsRefusedBeforeAnythingIsWritten() throws Exception {
        String backendUrl = "http://127.0.0.1:" + backend.getAddress().getPort();
        Map<String, String> refused = Map.of(
                "healthPath", "//evil.example/x",
                "backends", "file:///etc/passwd",
                "host", "evil.example/x");
        for (Map.Entry<String, String> bad : refused.entrySet()) {
            Map<String, String> parameters = new java.util.HashMap<>(Map.of("backends", backendUrl,
                    "healthPath", "/health"));
            parameters.put(bad.getKey(), bad.getValue());
            try {
                engine.associate(service, new Dependant("n1", "notes", "appserver", parameters), MONITOR);
                fail(bad.getKey());
            } catch (SmeException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("cannot route to 'notes': "
                        + bad.getKey().replace("backends", "backend") + " '"
                        + bad.getValue() + "' is not allowed: it must be "));
                assertFalse("a refusal, not a transient failure", e.isTransient());
            }
        }
        try {
            engine.associate(service, new Dependant("n1", "notes", "appserver", Map.of("backends",
                    "http://me:secret@127.0.0.1:1")), MONITOR);
            fail();
        } catch (SmeException e) {
            assertFalse(e.getMessage(), e.getMessage().contains("secret"));
        }
        assertFalse("no route was written", java.nio.file.Files.exists(service.dataDirectory()
                .resolve("routes.properties")));
    }
}
