package io.stratum.sme.webtier.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.stratum.testkit.FreePorts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.Invocable;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The proxy with real HTTP backends: balancing, health checks in and out, routes, metrics. */
public class WebTierTest {

    static {
        // lets HttpURLConnection send the Host header the tests choose (virtual hosts)
        System.setProperty("sun.net.http.allowRestrictedHeaders", "true");
    }

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final Map<String, HttpServer> backends = new HashMap<>();
    private Server webtier;
    private int port;
    private int admin;
    private Path routes;

    @Before
    public void setUp() throws Exception {
        routes = tmp.getRoot().toPath().resolve("routes.properties");
        port = freePort();
        admin = freePort();
    }

    @After
    public void tearDown() throws Exception {
        if (webtier != null) {
            webtier.stop();
        }
        backends.values().forEach(b -> b.stop(0));
    }

    /** A backend answering its name; /health answers 200. */
    private String backend(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = (name + " " + exchange.getRequestURI() + " host=" + exchange.getRequestHeaders()
                    .getFirst("Host")).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("X-Backend", name);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        backends.put(name, server);
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void start(String routesText) throws Exception {
        Files.writeString(routes, routesText);
        webtier = WebTierMain.start(port, admin, routes, 200);
    }

    private String[] get(String path, String host) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL()
                .openConnection();
        if (host != null) {
            c.setRequestProperty("Host", host);
        }
        int status = c.getResponseCode();
        byte[] body = (status < 400 ? c.getInputStream() : c.getErrorStream()).readAllBytes();
        return new String[] {Integer.toString(status), c.getHeaderField("X-Backend"),
            new String(body, StandardCharsets.UTF_8)};
    }

    private String metrics() throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + admin + "/metrics").toURL()
                .openConnection();
        return new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    public void balancesOverHealthyBackendsAndFollowsTheirHealth() throws Exception {
        String a = backend("a");
        String b = backend("b");
        start("default = app\nroute.app.hosts = app.localhost\nroute.app.backends = " + a + "," + b
                + "\nroute.app.healthPath = /health\n");
        Map<String, Integer> hits = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            String[] r = get("/notes?x=1", null);
            assertEquals("200", r[0]);
            assertTrue(r[2], r[2].contains("/notes?x=1"));
            hits.merge(r[1], 1, Integer::sum);
        }
        assertEquals(Map.of("a", 10, "b", 10), hits);

        backends.remove("a").stop(0);
        await("a to be taken out", () -> metricsContain("route.app.backends.healthy=1"));
        for (int i = 0; i < 10; i++) {
            String[] r = get("/", null);
            assertEquals("no request fails once the check saw it", "200", r[0]);
            assertEquals("b", r[1]);
        }

        HttpServer again = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                URI.create(a).getPort()), 0);
        again.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("X-Backend", "a");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        again.start();
        backends.put("a", again);
        await("a to come back", () -> metricsContain("route.app.backends.healthy=2"));
        boolean sawA = false;
        for (int i = 0; i < 4; i++) {
            sawA |= "a".equals(get("/", null)[1]);
        }
        assertTrue("a gets traffic again", sawA);
        String m = metrics();
        assertTrue(m, m.contains("route.app.requests=34"));
        assertTrue(m, m.contains("route.app.latency.p95.ms="));
    }

    @Test
    public void aRequestThatCannotConnectGoesToAnotherBackendBeforeAnyCheckNotices() throws Exception {
        String a = backend("a");
        String b = backend("b");
        Files.writeString(routes, "default = app\nroute.app.backends = " + a + "," + b + "\n");
        webtier = WebTierMain.start(port, admin, routes, 60_000); // the active check will not run again
        await("both up", () -> metricsContain("route.app.backends.healthy=2"));
        backends.remove("a").stop(0);
        for (int i = 0; i < 10; i++) {
            String[] r = get("/x", null);
            assertEquals("request " + i, "200", r[0]);
            assertEquals("b", r[1]);
        }
        String m = metrics();
        assertTrue(m, m.contains("route.app.backends.healthy=1"));
        assertTrue(m, m.contains("route.app.errors=0"));
    }

    @Test
    public void routesByVirtualHostAndReloads() throws Exception {
        String a = backend("a");
        String b = backend("b");
        start("route.one.hosts = one.localhost\nroute.one.backends = " + a + "\n");
        assertEquals("a", get("/", "one.localhost")[1]);
        assertEquals("a", get("/", "ONE.localhost:8080")[1]);
        String[] unknown = get("/", "two.localhost");
        assertEquals("404", unknown[0]);
        assertTrue(unknown[2], unknown[2].contains("no route for host 'two.localhost'"));

        Files.writeString(routes, "default = two\nroute.one.hosts = one.localhost\nroute.one.backends = " + a
                + "\nroute.two.hosts = two.localhost\nroute.two.backends = " + b + "\n");
        HttpURLConnection reload = (HttpURLConnection) URI.create("http://127.0.0.1:" + admin + "/reload").toURL()
                .openConnection();
        reload.setRequestMethod("POST");
        assertEquals(200, reload.getResponseCode());
        assertEquals("b", get("/", "two.localhost")[1]);
        assertEquals("the default route takes other hosts", "b", get("/", "elsewhere")[1]);
        assertEquals("a", get("/", "one.localhost")[1]);
    }

    @Test
    public void aRouteKeepsItsCountersAndLatencyWhenTheRoutesAreReloaded() throws Exception {
        String a = backend("a");
        String b = backend("b");
        start("default = app\nroute.app.backends = " + a + "\n");
        for (int i = 0; i < 5; i++) {
            assertEquals("200", get("/", null)[0]);
        }
        // a request's latency is recorded when the proxy has finished it, which may be after its client has the
        // response: wait until all five are counted (total / average = 5) before reading the total
        await("the five latencies to be recorded", () -> {
            try {
                double avg = metric("route.app.latency.avg.ms");
                return avg > 0 && Math.round(metric("route.app.latency.total.ms") / avg) == 5;
            } catch (IOException e) {
                return false;
            }
        });
        double total = metric("route.app.latency.total.ms");
        assertTrue("latency is counted: " + total, total > 0);

        Files.writeString(routes, "default = app\nroute.app.backends = " + a + "," + b + "\n");
        HttpURLConnection reload = (HttpURLConnection) URI.create("http://127.0.0.1:" + admin + "/reload").toURL()
                .openConnection();
        reload.setRequestMethod("POST");
        assertEquals(200, reload.getResponseCode());
        String m = metrics();
        assertTrue(m, m.contains("route.app.backends=2\n"));
        assertTrue(m, m.contains("route.app.requests=5\n"));
        assertEquals("the latency total survives the reload", total, metric("route.app.latency.total.ms"), 0.0);
        assertTrue(m, metric("route.app.latency.p95.ms") > 0);
        assertTrue(m, metric("route.app.latency.p50.ms") > 0);
        assertTrue(m, metric("route.app.latency.p99.ms") >= metric("route.app.latency.p95.ms"));
        assertEquals(m, 5, metric("route.app.latency.count"), 0);
        assertEquals(m, 0, metric("route.app.inflight"), 0);
        long since = (long) metric("route.app.since");
        assertTrue(m, since > 0 && since <= System.currentTimeMillis());
        long histogramCount = 0;
        for (String bucket : m.split("route.app.latency.histogram=")[1].split("\n")[0].split(",")) {
            histogramCount += Long.parseLong(bucket.split(":")[1]);
        }
        assertEquals(m, 5, histogramCount);

        assertEquals("200", get("/", null)[0]);
        assertTrue(metrics().contains("route.app.requests=6\n"));
        assertTrue(metric("route.app.latency.total.ms") > total);
    }

    private double metric(String name) throws IOException {
        for (String line : metrics().split("\n")) {
            if (line.startsWith(name + "=")) {
                return Double.parseDouble(line.substring(name.length() + 1));
            }
        }
        throw new AssertionError("no metric " + name + " in " + metrics());
    }

    @Test
    public void theBackendGetsTheClientsHeadersWithForwardedAndViaAndNoUserAgentOfTheProxy() throws Exception {
        Map<String, List<String>> seen = new ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            if (!exchange.getRequestURI().getPath().equals("/health")) { // the health checker's requests come too
                exchange.getRequestHeaders().forEach((name, values) -> seen.put(name.toLowerCase(Locale.ROOT),
                        List.copyOf(values)));
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        backends.put("h", server);
        start("default = app\nroute.app.hosts = app.localhost\nroute.app.backends = http://127.0.0.1:"
                + server.getAddress().getPort() + "\nroute.app.healthPath = /health\n");

        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/x").toURL()
                .openConnection();
        c.setRequestProperty("Host", "app.localhost");
        c.setRequestProperty("User-Agent", "notes-client/1.0");
        assertEquals(204, c.getResponseCode());
        assertEquals("the client's User-Agent, once", List.of("notes-client/1.0"), seen.get("user-agent"));
        assertEquals(List.of("by=\"127.0.0.1\";for=\"127.0.0.1\";host=\"app.localhost\";proto=http"),
                seen.get("forwarded"));
        assertTrue(seen.toString(), seen.get("via").get(0).startsWith("1.1 "));

        seen.clear();
        c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/x").toURL().openConnection();
        c.setRequestProperty("Host", "app.localhost");
        c.setRequestProperty("Forwarded", "for=192.0.2.1");
        assertEquals(204, c.getResponseCode());
        assertEquals("a Forwarded header that came along is kept, the proxy's element appended",
                List.of("for=192.0.2.1, by=\"127.0.0.1\";for=\"127.0.0.1\";host=\"app.localhost\";proto=http"),
                seen.get("forwarded"));
    }

    @Test
    public void requestsAreHandledWithoutBlockingAndManyAtOnceAllGetTheirAnswer() throws Exception {
        String a = backend("a");
        String b = backend("b");
        start("default = app\nroute.app.backends = " + a + "," + b + "\nroute.app.healthPath = /health\n");
        // the server runs a non-blocking handler tree on its selector threads instead of a pool thread per request
        assertEquals(Invocable.InvocationType.NON_BLOCKING, webtier.getInvocationType());

        // more clients at once than the proxy has threads, each on its own keep-alive connection
        int clients = WebTierMain.MAX_THREADS + 8;
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> answers = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < clients; i++) {
                answers.add(http.sendAsync(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/r" + round + "/c" + i)).timeout(java.time.Duration.ofSeconds(30)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()));
            }
        }
        int i = 0;
        for (var answer : answers) {
            java.net.http.HttpResponse<String> r = answer.get(60, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            assertTrue(r.body(), r.body().contains("/r" + (i / clients) + "/c" + (i % clients) + " "));
            i++;
        }
        await("every request counted and none in flight", () -> metricsContain("route.app.requests="
                + answers.size()) && metricsContain("route.app.inflight=0") && metricsContain("route.app.errors=0"));
    }

    @Test
    public void noHealthyBackendIsA503() throws Exception {
        start("default = app\nroute.app.backends = http://127.0.0.1:" + freePort() + "\n");
        await("the dead backend to be taken out", () -> metricsContain("route.app.backends.healthy=0"));
        String[] r = get("/", null);
        assertEquals("503", r[0]);
        assertTrue(r[2], r[2].contains("no healthy backend for route 'app'"));
    }

    @Test
    public void aRouteUnderMaintenanceAnswersThePageUntilTheLockoutIsLifted() throws Exception {
        String a = backend("a");
        String b = backend("b");
        start("default = other\nroute.other.backends = " + b + "\n"
                + "route.notes.hosts = notes.localhost\nroute.notes.backends = " + a + "\nroute.notes.maintenance = 90\n");
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/x").toURL()
                .openConnection();
        c.setRequestProperty("Host", "notes.localhost");
        assertEquals(503, c.getResponseCode());
        assertEquals("90", c.getHeaderField("Retry-After"));
        assertEquals("notes", c.getHeaderField("X-Stratum-Maintenance"));
        assertTrue(c.getContentType(), c.getContentType().startsWith("text/html"));
        String page = new String(c.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(page, page.contains("<h1>notes is under maintenance</h1>"));
        assertEquals("another route still forwards", "b", get("/", "other.localhost")[1]);
        String m = metrics();
        assertTrue(m, m.contains("route.notes.maintenance=true\n"));
        assertTrue(m, m.contains("route.notes.maintenance.pages=1\n"));
        assertTrue("the page is not a forwarded request nor an error: " + m, m.contains("route.notes.requests=0\n")
                && m.contains("route.notes.errors=0\n"));

        Files.writeString(routes, "default = other\nroute.other.backends = " + b + "\n"
                + "route.notes.hosts = notes.localhost\nroute.notes.backends = " + a + "\n");
        HttpURLConnection reload = (HttpURLConnection) URI.create("http://127.0.0.1:" + admin + "/reload").toURL()
                .openConnection();
        reload.setRequestMethod("POST");
        assertEquals(200, reload.getResponseCode());
        String[] r = get("/x", "notes.localhost");
        assertEquals("200", r[0]);
        assertEquals("a", r[1]);
        assertTrue(metrics().contains("route.notes.maintenance=false\n"));
    }

    @Test
    public void aMaintenanceValueThatIsNoNumberStillLocksTheRouteOut() {
        assertEquals(-1, Router.retryAfter(null));
        assertEquals(-1, Router.retryAfter(" "));
        assertEquals(0, Router.retryAfter("0"));
        assertEquals(Router.DEFAULT_RETRY_AFTER, Router.retryAfter("soon"));
        assertEquals(Router.DEFAULT_RETRY_AFTER, Router.retryAfter("-5"));
        assertEquals("the name is escaped", true, BalancingProxy.page("<b>&", 5).contains("&lt;b&gt;&amp; is under"));
    }

    private boolean metricsContain(String line) {
        try {
            return metrics().contains(line + "\n");
        } catch (IOException e) {
            return false;
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static int freePort() {
        return FreePorts.next();
    }
}
