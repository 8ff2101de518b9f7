package io.stratum.sme.webtier.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.stratum.testkit.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.server.Server;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * What the proxy does when a backend dies under it: a request that is safe to send twice (GET, HEAD, OPTIONS, TRACE,
 * without a body) and whose answer has not begun goes to another healthy backend, whether its backend refused the
 * connection, reset it or closed it without answering; a POST gets a 502 and is never sent twice.
 */
public class ResendTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final List<RawBackend> backends = new ArrayList<>();
    private final ExecutorService clients = Executors.newFixedThreadPool(16);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private Server webtier;
    private int port;
    private int admin;

    @After
    public void tearDown() throws Exception {
        clients.shutdownNow();
        if (webtier != null) {
            webtier.stop();
        }
        for (RawBackend b : backends) {
            b.close();
        }
    }

    private RawBackend backend(String name) throws IOException {
        RawBackend b = new RawBackend(name);
        backends.add(b);
        return b;
    }

    /** Starts the proxy over the backends; the active health check runs once at the start, then not for a minute. */
    private void start(RawBackend... route) throws Exception {
        Path routes = tmp.getRoot().toPath().resolve("routes.properties");
        List<String> urls = new ArrayList<>();
        for (RawBackend b : route) {
            urls.add(b.url());
        }
        Files.writeString(routes, "default = app\nroute.app.backends = " + String.join(",", urls)
                + "\nroute.app.healthPath = /health\n");
        port = FreePorts.next();
        admin = FreePorts.next();
        webtier = WebTierMain.start(port, admin, routes, 60_000);
        await("the first health checks", () -> Arrays.stream(route).allMatch(b -> b.healthChecks() > 0)
                && metric("route.app.backends.healthy").equals(Integer.toString(route.length)));
    }

    private HttpResponse<String> send(String method, String body) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher content = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x"))
                .timeout(Duration.ofSeconds(30)).method(method, content).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Future<HttpResponse<String>> sendAsync(String method, String body) {
        return clients.submit(() -> send(method, body));
    }

    @Test
    public void aBackendThatDiesUnderLoadCostsNoGet() throws Exception {
        RawBackend a = backend("a");
        RawBackend b = backend("b");
        RawBackend victim = backend("victim");
        start(a, b, victim);
        for (int i = 0; i < 30; i++) {
            assertEquals(200, send("GET", null).statusCode()); // the proxy keeps connections to each backend
        }

        victim.mode(RawBackend.Mode.HOLD);
        List<Future<HttpResponse<String>>> load = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            load.add(sendAsync(i % 4 == 0 ? "HEAD" : "GET", null));
        }
        await("GETs waiting on the victim", () -> victim.held() >= 4);
        victim.kill(); // the requests it holds are reset, its idle connections too, and new ones refused
        for (int i = 0; i < 100; i++) {
            load.add(sendAsync("GET", null));
        }

        int failed = 0;
        StringBuilder failures = new StringBuilder();
        for (Future<HttpResponse<String>> f : load) {
            HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
            if (r.statusCode() != 200 || !Set.of("a", "b").contains(r.headers().firstValue("X-Backend").orElse(""))) {
                failed++;
                failures.append(r.statusCode()).append(' ').append(r.body().strip()).append("; ");
            }
        }
        assertEquals("failed requests: " + failures, 0, failed);
        long retries = Long.parseLong(metric("route.app.retries"));
        assertTrue("each request the victim held was sent again: " + retries + " < " + victim.held(),
                retries >= victim.held());
        assertEquals("0", metric("route.app.errors"));
        assertEquals("false", metric("route.app.backend.2.healthy"));
        assertEquals("true", metric("route.app.backend.0.healthy"));
    }

    @Test
    public void aGetWhoseBackendClosesWithoutAnsweringGoesToAnother() throws Exception {
        RawBackend silent = backend("silent");
        RawBackend a = backend("a");
        start(silent, a);
        silent.mode(RawBackend.Mode.CLOSE);
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = send(i % 2 == 0 ? "GET" : "OPTIONS", null);
            assertEquals("request " + i + ": " + r.body(), 200, r.statusCode());
            assertEquals("a", r.body());
        }
        assertEquals("the first request went to it, and nothing after it was taken out", 1, silent.received("GET"));
        assertEquals("1", metric("route.app.retries"));
        assertEquals("false", metric("route.app.backend.0.healthy"));
        assertTrue(metric("route.app.backend.0.problem"), metric("route.app.backend.0.problem")
                .startsWith("request failed: "));
    }

    @Test
    public void aPostWhoseBackendDiesIsA502AndIsNeverSentTwice() throws Exception {
        RawBackend victim = backend("victim");
        RawBackend a = backend("a");
        start(victim, a);
        victim.mode(RawBackend.Mode.HOLD);
        Future<HttpResponse<String>> post = sendAsync("POST", "{\"text\":\"hello\"}");
        await("the POST to reach the victim", () -> victim.held() == 1);
        victim.kill();
        HttpResponse<String> r = post.get(30, TimeUnit.SECONDS);
        assertEquals(r.body(), 502, r.statusCode());
        assertEquals("the POST was not sent again", 0, a.received("POST"));
        assertEquals("0", metric("route.app.retries"));
        assertEquals("1", metric("route.app.errors"));
        assertEquals("200", Integer.toString(send("GET", null).statusCode()));
    }

    @Test
    public void aPostToABackendThatRefusesIsA502AndIsNeverSentToAnother() throws Exception {
        RawBackend dead = backend("dead");
        RawBackend a = backend("a");
        start(dead, a);
        dead.kill(); // the proxy does not know yet: its next health check is a minute away
        HttpResponse<String> r = send("POST", "{\"text\":\"hello\"}");
        assertEquals(r.body(), 502, r.statusCode());
        assertEquals(0, a.received("POST"));
        assertEquals("0", metric("route.app.retries"));
        assertEquals("it was taken out at once", "false", metric("route.app.backend.0.healthy"));
    }

    @Test
    public void aBackendTakenOutOfItsRouteIsListedAsDrainingWhileItHasRequestsAndGetsNoMore() throws Exception {
        RawBackend leaving = backend("leaving");
        RawBackend a = backend("a");
        start(leaving, a);
        leaving.mode(RawBackend.Mode.HOLD);
        Future<HttpResponse<String>> held = sendAsync("GET", null);
        await("the GET to reach the leaving backend", () -> leaving.held() == 1);

        Path routes = tmp.getRoot().toPath().resolve("routes.properties");
        Files.writeString(routes, "default = app\nroute.app.backends = " + a.url() + "\nroute.app.healthPath = /health\n");
        HttpResponse<String> reload = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin
                + "/reload")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, reload.statusCode());
        assertEquals("1", metric("draining"));
        assertEquals("app", metric("draining.0.route"));
        assertEquals(leaving.url(), metric("draining.0.url"));
        assertEquals("1", metric("draining.0.inflight"));
        for (int i = 0; i < 4; i++) {
            assertEquals("a", send("GET", null).body());
        }
        assertEquals("it got nothing new", 1, leaving.received("GET"));

        leaving.kill(); // the GET it held goes to the route as it is now
        HttpResponse<String> r = held.get(30, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        assertEquals("a", r.body());
        assertEquals("0", metric("draining"));
        assertEquals("(no draining.0.url)", metric("draining.0.url"));
    }

    @Test
    public void aClientThatHangsUpDoesNotTakeTheBackendOut() throws Exception {
        // a backend that sends its headers and then a body slowly, so that the client can leave half-way
        try (ServerSocket slow = new ServerSocket(FreePorts.next(), 50, InetAddress.getLoopbackAddress())) {
            CompletableFuture.runAsync(() -> serveSlowly(slow), clients);
            Path routes = tmp.getRoot().toPath().resolve("routes.properties");
            Files.writeString(routes, "default = app\nroute.app.backends = http://127.0.0.1:" + slow.getLocalPort()
                    + "\n");
            port = FreePorts.next();
            admin = FreePorts.next();
            webtier = WebTierMain.start(port, admin, routes, 60_000);
            await("the backend healthy", () -> metric("route.app.backends.healthy").equals("1"));
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                client.getOutputStream().write("GET /big HTTP/1.1\r\nHost: app\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                InputStream in = client.getInputStream();
                assertTrue("the answer began", in.read(new byte[1024]) > 0);
                client.setSoLinger(true, 0);
            }
            await("the proxy to finish the request", () -> metric("route.app.inflight").equals("0"));
            assertEquals("true", metric("route.app.backend.0.healthy"));
            assertEquals("0", metric("route.app.backend.0.failures"));
            assertEquals("0", metric("route.app.retries"));
        }
    }

    /** Answers /health at once, anything else with 200 and a body that never ends, a chunk every 50 ms. */
    private static void serveSlowly(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                new Thread(() -> {
                    try (s) {
                        InputStream in = s.getInputStream();
                        OutputStream out = s.getOutputStream();
                        StringBuilder head = new StringBuilder();
                        while (!head.toString().endsWith("\r\n\r\n")) {
                            int c = in.read();
                            if (c < 0) {
                                return;
                            }
                            head.append((char) c);
                        }
                        if (head.toString().startsWith("GET /health")) {
                            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                                    .getBytes(StandardCharsets.US_ASCII));
                            return;
                        }
                        out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                        while (true) {
                            out.write(("400\r\n" + "x".repeat(1024) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            Thread.sleep(50);
                        }
                    } catch (IOException | InterruptedException e) {
                        // the proxy went away
                    }
                }).start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private String metric(String name) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin
                    + "/metrics")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            for (String line : r.body().split("\n")) {
                if (line.startsWith(name + "=")) {
                    return line.substring(name.length() + 1);
                }
            }
            return "(no " + name + ")";
        } catch (IOException e) {
            return "(no metrics: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
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
}
