package io.stratum.sme.webtier;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.stratum.sme.api.Dependant;
import io.stratum.sme.api.HealthState;
import io.stratum.sme.api.TaskMonitor;
import io.stratum.testkit.sme.DirectoryArtifacts;
import io.stratum.testkit.sme.EngineFixtures;
import io.stratum.testkit.sme.FakeService;
import io.stratum.testkit.sme.LocalRuntimes;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Backup and restore of the web tier engine with real proxy processes and real HTTP backends, staged as the platform
 * stages them. The source routes {@code shop} (associated first: the default) and {@code notes}.
 */
public class WebTierBackupTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static final TaskMonitor MONITOR = EngineFixtures.QUIET;

    private final List<LocalRuntimes> runtimes = new ArrayList<>();
    private final List<HttpServer> backends = new ArrayList<>();
    private WebTierEngine engine;
    private FakeService source;
    private String sourceShop;
    private String sourceNotes;
    private String cloneNotes;

    @Before
    public void setUp() throws Exception {
        List<URL> jars = EngineFixtures.jarsIn(Path.of("target/classes/runtime"));
        engine = new WebTierEngine(() -> jars);
        sourceShop = backend("source-shop");
        sourceNotes = backend("source-notes");
        cloneNotes = backend("clone-notes");
        source = webtier("lb");
        engine.provision(source, MONITOR);
        engine.associate(source, app("shop", sourceShop), MONITOR);
        engine.associate(source, app("notes", sourceNotes), MONITOR);
        assertEquals("source-shop", awaitBackend(source, "other.localhost", "source-shop"));
    }

    @After
    public void tearDown() {
        runtimes.forEach(LocalRuntimes::killAll);
        backends.forEach(b -> b.stop(0));
    }

    @Test
    public void aCloneRoutesToTheClonesAppServersNeverToTheSources() throws Exception {
        DirectoryArtifacts backup = backUp(source);
        FakeService clone = webtier("lb-copy");
        engine.provision(clone, MONITOR);
        engine.associate(clone, app("notes-copy", cloneNotes), MONITOR); // associated before the restore

        restore(clone, backup);

        assertEquals(HealthState.HEALTHY, engine.health(clone).state());
        Set<String> seen = new LinkedHashSet<>();
        for (String host : List.of("notes-copy.localhost", "notes.localhost", "shop.localhost", "other.localhost")) {
            seen.add(awaitBackend(clone, host, "clone-notes"));
        }
        assertEquals("every request reaches the clone's backend", Set.of("clone-notes"), seen);
        String routes = Files.readString(clone.dataDirectory().resolve("routes.properties"));
        assertFalse(routes, routes.contains(sourceShop) || routes.contains(sourceNotes));
        assertEquals("the source still routes as before", "source-notes",
                awaitBackend(source, "notes.localhost", "source-notes"));
    }

    @Test
    public void aCloneWhoseAppServerIsAssociatedAfterTheRestoreRoutesToIt() throws Exception {
        FakeService clone = webtier("lb-copy");
        engine.provision(clone, MONITOR);
        restore(clone, backUp(source));
        assertFalse("no route of the source's", engine.connectionInfo(clone).properties().keySet().stream()
                .anyMatch(k -> k.startsWith("route ")));

        engine.associate(clone, app("notes-copy", cloneNotes), MONITOR);
        assertEquals("clone-notes", awaitBackend(clone, "notes-copy.localhost", "clone-notes"));
    }

    /** A web tier restored into a new service that the same app servers are associated with: routes come back. */
    @Test
    public void theRoutesAndTheirDefaultComeBackWhenTheSameServicesAreAssociated() throws Exception {
        DirectoryArtifacts backup = backUp(source);
        FakeService fresh = webtier("lb-new");
        engine.provision(fresh, MONITOR);
        engine.associate(fresh, app("notes", sourceNotes), MONITOR); // now first: the default
        assertEquals("source-notes", awaitBackend(fresh, "other.localhost", "source-notes"));

        restore(fresh, backup);
        engine.associate(fresh, app("shop", sourceShop), MONITOR); // associated after the restore

        assertEquals("the backup's default route is the default again", "source-shop",
                awaitBackend(fresh, "other.localhost", "source-shop"));
        assertEquals("source-notes", awaitBackend(fresh, "notes.localhost", "source-notes"));
        assertEquals("shop", engine.connectionInfo(fresh).properties().get("default route"));
    }

    // ------------------------------------------------------------------ helpers

    private FakeService webtier(String name) throws Exception {
        LocalRuntimes own = new LocalRuntimes(tmp.newFolder("runtimes-" + name).toPath());
        runtimes.add(own);
        return new FakeService("id-" + name, name, tmp.newFolder("data-" + name).toPath(),
                Map.of("heapMb", "64", "healthIntervalMs", "100"), own);
    }

    private static Dependant app(String name, String backend) {
        return new Dependant("id-" + name, name, "appserver", Map.of("backends", backend, "healthPath", "/"));
    }

    /** @return the URL of a new HTTP backend that names itself in an {@code X-Backend} header */
    private String backend(String name) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("X-Backend", name);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        backends.add(server);
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private DirectoryArtifacts backUp(FakeService service) throws Exception {
        DirectoryArtifacts artifacts = new DirectoryArtifacts(tmp.newFolder("backup-" + service.name()).toPath(),
                service);
        try {
            engine.lock(service, MONITOR);
            engine.backup(service, artifacts, MONITOR);
        } finally {
            engine.unlock(service, MONITOR);
        }
        assertTrue(artifacts.names().contains(WebTierEngine.ARTIFACT_ROUTES));
        return artifacts;
    }

    private void restore(FakeService service, DirectoryArtifacts artifacts) throws Exception {
        try {
            engine.lock(service, MONITOR);
            engine.restore(service, artifacts, MONITOR);
        } finally {
            engine.unlock(service, MONITOR);
        }
    }

    /**
     * Asks the proxy for {@code /} on a virtual host until the expected backend answers (its backends are health
     * checked before they get requests), at most 10 s.
     *
     * @return the backend that answered last, or what the proxy said instead
     */
    private String awaitBackend(FakeService webtier, String host, String expected) throws Exception {
        int port = webtier.runtimes().status(WebTierEngine.RUNTIME).orElseThrow().port(WebTierEngine.PORT);
        long deadline = System.nanoTime() + 10_000_000_000L;
        String answer = "";
        while (System.nanoTime() < deadline) {
            answer = get(port, host);
            if (answer.equals(expected) || answer.startsWith("source") && !expected.startsWith("source")) {
                return answer; // the right backend, or one it must never reach
            }
            Thread.sleep(50);
        }
        return answer;
    }

    /** @return the {@code X-Backend} of the answer to {@code GET /} with a Host header, or its status line */
    private static String get(int port, String host) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            String status = in.readLine();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                if (line.toLowerCase().startsWith("x-backend:")) {
                    return line.substring("x-backend:".length()).strip();
                }
            }
            return String.valueOf(status);
        }
    }
}
