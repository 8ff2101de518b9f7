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
import io.stratum.testkit.FreePorts;
import io.stratum.testkit.sme.EngineFixtures;
import io.stratum.testkit.sme.FakeService;
import io.stratum.testkit.sme.LocalRuntimes;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The web tier engine with a real proxy process and real HTTP backends. */
public class WebTierEngineTest {

    static {
        // lets HttpURLConnection send the Host header the tests choose (virtual hosts)
        System.setProperty("sun.net.http.allowRestrictedHeaders", "true");
    }

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

    /** A monitor that keeps what it is told. */
    private static final class Recording implements TaskMonitor {
        final List<String> messages = new CopyOnWriteArrayList<>();

        @Override
        public void progress(int percent, String message) {
            messages.add(message);
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    }

    /**
     * An instance that answers as {@code name}; {@code GET /slow} counts down {@code arrived}, waits for
     * {@code answer} (at most {@code seconds}), answers, and then takes the next number of {@code events} into
     * {@code answeredAt}.
     */
    private static HttpServer instance(String name, CountDownLatch arrived, CountDownLatch answer, long seconds,
            AtomicInteger events, AtomicInteger answeredAt) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                FreePorts.next()), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            boolean slow = exchange.getRequestURI().getPath().equals("/slow");
            if (slow) {
                arrived.countDown();
                try {
                    answer.await(seconds, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("X-Backend", name);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
            if (slow) {
                answeredAt.set(events.incrementAndGet());
            }
        });
        server.start();
        return server;
    }

    /** Sends {@code GET /slow} through the proxy until one reaches the instance that {@code arrived} belongs to. */
    private static Future<HttpResponse<String>> slowRequest(HttpClient http, String url, CountDownLatch arrived)
            throws Exception {
        for (int i = 0; i < 4; i++) {
            CompletableFuture<HttpResponse<String>> r = http.sendAsync(HttpRequest.newBuilder(URI.create(url + "slow"))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            while (!r.isDone() && arrived.getCount() > 0) {
                arrived.await(20, TimeUnit.MILLISECONDS);
            }
            if (arrived.getCount() == 0) {
                return r;
            }
        }
        throw new AssertionError("no GET /slow reached the instance that leaves");
    }

    @Test
    public void aScaleDownReturnsOnlyWhenTheRequestsToTheLeavingInstanceHaveEnded() throws Exception {
        AtomicInteger events = new AtomicInteger();
        AtomicInteger answeredAt = new AtomicInteger();
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        HttpServer leaving = instance("two", arrived, answer, 2, events, answeredAt); // a request that takes 2 s
        HttpClient http = HttpClient.newHttpClient();
        try {
            engine.provision(service, MONITOR);
            String url = engine.connectionInfo(service).url();
            String one = "http://127.0.0.1:" + backend.getAddress().getPort();
            String two = "http://127.0.0.1:" + leaving.getAddress().getPort();
            engine.associate(service, new Dependant("n1", "notes", "appserver", Map.of("backends", one + "," + two,
                    "healthPath", "/")), MONITOR);
            Future<HttpResponse<String>> slow = slowRequest(http, url, arrived);

            // the platform refreshes the association of the service scaled down to one instance
            Recording monitor = new Recording();
            engine.associate(service, new Dependant("n1", "notes", "appserver", Map.of("backends", one,
                    "healthPath", "/")), monitor);
            int stoppedAt = events.incrementAndGet(); // as the platform does next: stop the instance
            leaving.stop(0);

            HttpResponse<String> r = slow.get(30, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            assertEquals("the leaving instance answered it, not another one it was sent to again", "two", r.body());
            assertTrue("answered (" + answeredAt.get() + ") before it was stopped (" + stoppedAt + ")",
                    answeredAt.get() > 0 && answeredAt.get() < stoppedAt);
            assertTrue(monitor.messages.toString(), monitor.messages.contains("waiting for 1 request(s) in flight to "
                    + two + " to end"));
            assertTrue(monitor.messages.toString(), monitor.messages.contains("no request in flight to " + two
                    + " any more"));
        } finally {
            answer.countDown();
            leaving.stop(0);
        }
    }

    @Test
    public void aScaleDownWaitsAtMostDrainTimeoutSeconds() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        HttpServer leaving = instance("two", arrived, answer, 60, new AtomicInteger(), new AtomicInteger());
        HttpClient http = HttpClient.newHttpClient();
        FakeService capped = new FakeService("id2", "lb2", tmp.newFolder("data2").toPath(),
                Map.of("heapMb", "64", "healthIntervalMs", "200", "drainTimeoutSeconds", "1"), runtimes);
        try {
            engine.provision(capped, MONITOR);
            String url = engine.connectionInfo(capped).url();
            String one = "http://127.0.0.1:" + backend.getAddress().getPort();
            String two = "http://127.0.0.1:" + leaving.getAddress().getPort();
            engine.associate(capped, new Dependant("n1", "notes", "appserver", Map.of("backends", one + "," + two,
                    "healthPath", "/")), MONITOR);
            Future<HttpResponse<String>> held = slowRequest(http, url, arrived);

            Recording monitor = new Recording();
            engine.associate(capped, new Dependant("n1", "notes", "appserver", Map.of("backends", one,
                    "healthPath", "/")), monitor);
            assertTrue(monitor.messages.toString(), monitor.messages.contains("stopped waiting after 1 s "
                    + "(drainTimeoutSeconds) for 1 request(s) in flight to " + two));
            assertFalse("the request is still in flight", held.isDone());
            answer.countDown();
            assertEquals("two", held.get(30, TimeUnit.SECONDS).body());
        } finally {
            answer.countDown();
            leaving.stop(0);
        }
    }

    /** A GET through the proxy: status, the maintenance header, Retry-After, X-Backend, body. */
    private static String[] get(String url, String host) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        if (host != null) {
            c.setRequestProperty("Host", host);
        }
        int status = c.getResponseCode();
        java.io.InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
        String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return new String[] {Integer.toString(status), c.getHeaderField("X-Stratum-Maintenance"),
            c.getHeaderField("Retry-After"), c.getHeaderField("X-Backend"), body};
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    public void maintenanceAnswersThePageLetsRequestsInFlightEndAndOutlivesRestartAndReassociation()
            throws Exception {
        AtomicInteger events = new AtomicInteger();
        AtomicInteger answeredAt = new AtomicInteger();
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        HttpServer one = instance("one", arrived, answer, 30, events, answeredAt);
        HttpClient http = HttpClient.newHttpClient();
        java.util.concurrent.ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            engine.provision(service, MONITOR);
            String url = engine.connectionInfo(service).url();
            Dependant notes = new Dependant("n1", "notes", "appserver", Map.of("backends",
                    "http://127.0.0.1:" + one.getAddress().getPort(), "healthPath", "/"));
            engine.associate(service, notes, MONITOR);
            assertEquals("200", get(url + "x", null)[0]);
            Future<HttpResponse<String>> slow = slowRequest(http, url, arrived);

            Recording monitor = new Recording();
            AtomicInteger lockedAt = new AtomicInteger();
            Future<?> begin = caller.submit(() -> {
                engine.beginMaintenance(service, notes, 120, monitor);
                lockedAt.set(events.incrementAndGet());
                return null;
            });
            await("the lockout to wait for the request in flight", () -> monitor.messages.contains(
                    "waiting for 1 request(s) in flight to 'notes' to end"));
            String[] page = get(url + "x", null);
            assertEquals("503", page[0]);
            assertEquals("notes", page[1]);
            assertEquals("120", page[2]);
            assertTrue(page[4], page[4].contains("<h1>notes is under maintenance</h1>"));
            assertFalse("still waiting for the request in flight", begin.isDone());

            answer.countDown();
            begin.get(30, TimeUnit.SECONDS);
            HttpResponse<String> r = slow.get(30, TimeUnit.SECONDS);
            assertEquals("the request in flight finished normally", 200, r.statusCode());
            assertEquals("one", r.body());
            assertTrue("the lockout returned (" + lockedAt.get() + ") after the request was answered ("
                    + answeredAt.get() + ")", answeredAt.get() > 0 && answeredAt.get() < lockedAt.get());
            assertTrue(engine.health(service).message(), engine.health(service).message().contains(
                    "(under maintenance)"));

            engine.associate(service, notes, MONITOR);
            assertEquals("associating again does not end the lockout", "notes", get(url + "x", null)[1]);
            engine.beginMaintenance(service, notes, 120, MONITOR); // idempotent

            engine.stop(service, MONITOR);
            engine.start(service, MONITOR);
            String[] afterRestart = get(url + "x", null);
            assertEquals("the restarted proxy keeps the lockout", "503", afterRestart[0]);
            assertEquals("notes", afterRestart[1]);

            engine.endMaintenance(service, notes, MONITOR);
            String[] open = get(url + "x", null);
            assertEquals("200", open[0]);
            assertEquals("one", open[3]);
            engine.endMaintenance(service, notes, MONITOR); // idempotent
            assertEquals("200", get(url + "x", null)[0]);
        } finally {
            answer.countDown();
            caller.shutdownNow();
            one.stop(0);
        }
    }

    @Test
    public void aDependantWithoutARouteIsLockedOutOnItsOwnHostAndLeavesNoRouteBehind() throws Exception {
        engine.endMaintenance(service, new Dependant("s1", "shop", "appserver", Map.of()), MONITOR);
        engine.provision(service, MONITOR);
        String url = engine.connectionInfo(service).url();
        engine.associate(service, new Dependant("n1", "notes", "appserver", Map.of("backends",
                "http://127.0.0.1:" + backend.getAddress().getPort(), "healthPath", "/")), MONITOR);
        Dependant shop = new Dependant("s1", "shop", "appserver", Map.of());
        engine.beginMaintenance(service, shop, 30, MONITOR);
        String[] page = get(url, "shop.localhost");
        assertEquals("not the default route's backend", "503", page[0]);
        assertEquals("shop", page[1]);
        assertEquals("30", page[2]);
        assertEquals("other routes forward", "one", get(url, "notes.localhost")[3]);

        engine.endMaintenance(service, shop, MONITOR);
        String[] after = get(url, "shop.localhost");
        assertEquals("its host goes to the default route again", "200", after[0]);
        assertEquals("one", after[3]);
        assertFalse(engine.connectionInfo(service).properties().toString(),
                engine.connectionInfo(service).properties().containsKey("route shop"));
    }

    @Test
    public void aLockoutWaitsAtMostDrainTimeoutSecondsForRequestsInFlight() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        HttpServer slowOne = instance("one", arrived, answer, 60, new AtomicInteger(), new AtomicInteger());
        HttpClient http = HttpClient.newHttpClient();
        FakeService capped = new FakeService("id2", "lb2", tmp.newFolder("data2").toPath(),
                Map.of("heapMb", "64", "healthIntervalMs", "200", "drainTimeoutSeconds", "1"), runtimes);
        try {
            engine.provision(capped, MONITOR);
            String url = engine.connectionInfo(capped).url();
            Dependant notes = new Dependant("n1", "notes", "appserver", Map.of("backends",
                    "http://127.0.0.1:" + slowOne.getAddress().getPort(), "healthPath", "/"));
            engine.associate(capped, notes, MONITOR);
            Future<HttpResponse<String>> held = slowRequest(http, url, arrived);

            Recording monitor = new Recording();
            engine.beginMaintenance(capped, notes, 10, monitor);
            assertTrue(monitor.messages.toString(), monitor.messages.contains("stopped waiting after 1 s "
                    + "(drainTimeoutSeconds) for 1 request(s) in flight to 'notes'"));
            assertFalse("the request is still in flight", held.isDone());
            assertEquals("503", get(url, null)[0]);
            answer.countDown();
            assertEquals("one", held.get(30, TimeUnit.SECONDS).body());
        } finally {
            answer.countDown();
            slowOne.stop(0);
        }
    }
}
