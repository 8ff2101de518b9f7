package io.stratum.platform.elasticity.internal.action;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import io.stratum.platform.spi.AlertAction.Firing;
import io.stratum.testkit.FreePorts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** The webhook action against a real HTTP server on 127.0.0.1. */
public class WebhookActionTest {

    /** A request the server got. */
    private record Received(String method, String path, Headers headers, byte[] body) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private ExecutorService threads;
    private HttpServer server;
    private String base;

    @Before
    public void startServer() throws IOException {
        threads = Executors.newCachedThreadPool();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), FreePorts.next()), 16);
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders(), exchange.getRequestBody().readAllBytes()));
            String path = exchange.getRequestURI().getPath();
            try {
                switch (path) {
                    case "/hook/secret-token" -> exchange.sendResponseHeaders(204, -1);
                    case "/ok" -> {
                        byte[] body = "{\"ok\":true}".getBytes();
                        exchange.sendResponseHeaders(200, body.length);
                        exchange.getResponseBody().write(body);
                    }
                    case "/down" -> exchange.sendResponseHeaders(503, -1);
                    case "/moved" -> {
                        exchange.getResponseHeaders().add("Location", base + "/hook/secret-token");
                        exchange.sendResponseHeaders(302, -1);
                    }
                    case "/silent" -> release.await(30, TimeUnit.SECONDS);
                    case "/trickle" -> {
                        exchange.sendResponseHeaders(200, 0);
                        OutputStream out = exchange.getResponseBody();
                        while (!release.await(100, TimeUnit.MILLISECONDS)) {
                            out.write(' ');
                            out.flush();
                        }
                    }
                    default -> exchange.sendResponseHeaders(404, -1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException closed) {
                // the client gave up
            } finally {
                exchange.close();
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @After
    public void stopServer() throws InterruptedException {
        release.countDown();
        server.stop(0);
        threads.shutdownNow();
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    public void postsTheDocumentAsJson() throws Exception {
        WebhookAction action = new WebhookAction(Map.of());
        String url = base + "/hook/secret-token";
        action.validate(url);

        action.run(Firings.firing("OK", "ALARM", url));

        assertEquals(1, received.size());
        Received request = received.get(0);
        assertEquals("POST", request.method());
        assertEquals("/hook/secret-token", request.path());
        assertEquals("application/json; charset=utf-8", request.headers().getFirst("Content-Type"));
        assertNull("no credentials", request.headers().getFirst("Authorization"));
        assertNull("no cookies", request.headers().getFirst("Cookie"));
        JsonNode document = new ObjectMapper().readTree(request.body());
        assertEquals(new ObjectMapper().readTree("{\"account\":\"acme\",\"service\":\"shop\",\"alert\":\"busy\","
                + "\"expression\":\"avg('http.requests.rate','1m') > 50 && instances < 4\",\"from\":\"OK\","
                + "\"to\":\"ALARM\",\"values\":{\"avg('http.requests.rate','1m')\":62.5,\"instances\":1.0},"
                + "\"at\":\"2026-05-04T10:15:30Z\"}"), document);
    }

    @Test
    public void anyTwoHundredIsSuccessAndNotFiniteValuesAreNull() throws Exception {
        new WebhookAction(Map.of()).run(new Firing("a-1", "acme", "s-7", "shop", "idle", "rate < 1", "ALARM",
                "NO_DATA", Map.of("rate", Double.NaN), Firings.AT, base + "/ok"));

        JsonNode document = new ObjectMapper().readTree(received.get(0).body());
        assertTrue(document.get("values").get("rate").isNull());
        assertEquals("NO_DATA", document.get("to").asText());
    }

    @Test
    public void anotherStatusIsAFailureThatNamesIt() {
        IOException e = assertThrows(IOException.class,
                () -> new WebhookAction(Map.of()).run(Firings.firing("OK", "ALARM", base + "/down")));

        assertEquals("webhook " + base + "/… answered 503 (expected 2xx)", e.getMessage());
    }

    @Test
    public void aRedirectIsNotFollowed() {
        IOException e = assertThrows(IOException.class,
                () -> new WebhookAction(Map.of()).run(Firings.firing("OK", "ALARM", base + "/moved")));

        assertEquals("webhook " + base + "/… answered 302 (a redirect: not followed; give the URL it redirects to)",
                e.getMessage());
        assertEquals(List.of("/moved"), received.stream().map(Received::path).toList());
    }

    @Test
    public void aServerThatDoesNotAnswerFailsWhenTheTimeIsUp() {
        WebhookAction action = new WebhookAction(Map.of(), Duration.ofSeconds(2), Duration.ofMillis(500));

        long start = System.nanoTime();
        IOException e = assertThrows(IOException.class,
                () -> action.run(Firings.firing("OK", "ALARM", base + "/silent")));

        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals("webhook " + base + "/… did not answer within 500 ms", e.getMessage());
        assertTrue("gave up after the timeout: " + millis + " ms", millis >= 400 && millis < 3000);
    }

    @Test
    public void anAnswerThatNeverEndsFailsWhenTheTimeIsUp() {
        WebhookAction action = new WebhookAction(Map.of(), Duration.ofSeconds(2), Duration.ofMillis(700));

        long start = System.nanoTime();
        IOException e = assertThrows(IOException.class,
                () -> action.run(Firings.firing("OK", "ALARM", base + "/trickle")));

        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals("webhook " + base + "/… did not answer within 700 ms", e.getMessage());
        assertTrue("gave up after the timeout: " + millis + " ms", millis >= 600 && millis < 3000);
    }

    @Test
    public void anUnreachableServerIsAClearFailureWithoutThePath() {
        String url = "http://127.0.0.1:" + FreePorts.next() + "/hook/secret-token";

        IOException e = assertThrows(IOException.class,
                () -> new WebhookAction(Map.of()).run(Firings.firing("OK", "ALARM", url)));

        assertTrue(e.getMessage(), e.getMessage().endsWith("/… cannot be reached (connection refused)"));
        assertFalse(e.getMessage(), e.getMessage().contains("secret-token"));
    }

    @Test
    public void onlyAbsoluteHttpUrlsWithoutCredentialsAreAccepted() {
        WebhookAction action = new WebhookAction(Map.of());

        action.validate("https://hooks.example.com/services/T0/B0/x?channel=ops");
        action.validate("HTTP://127.0.0.1:9000/hook");
        assertRefused(action, "", "webhook needs the URL to POST to");
        assertRefused(action, "/hook", "an absolute http:// or https:// URL");
        assertRefused(action, "ftp://example.com/hook", "an absolute http:// or https:// URL");
        assertRefused(action, "file:///etc/passwd", "an absolute http:// or https:// URL");
        assertRefused(action, "http:hook", "names no valid host");
        assertRefused(action, "http://exa mple.com/", "the webhook URL is not a URL: Illegal character in authority");
        assertRefused(action, "https://user:pw@example.com/hook", "may not carry credentials");
        assertRefused(action, "https://example.com/" + "x".repeat(2000), "at most 2000 characters");
    }

    @Test
    public void withoutNonLoopbackOnlyTheLoopbackMayBeCalled() throws Exception {
        WebhookAction action = new WebhookAction(Map.of("allowNonLoopback", "false"));

        action.validate("http://localhost:9000/hook");
        action.validate("http://127.0.0.1/hook");
        action.validate("http://127.1.2.3/hook");
        action.validate("http://[::1]:9000/hook");
        assertRefused(action, "https://hooks.example.com/x", "webhooks may only call localhost, 127.0.0.0/8 or "
                + "[::1] here, not hooks.example.com (allowNonLoopback=false in io.stratum.elasticity.webhook)");
        assertRefused(action, "http://10.0.0.1/x", "not 10.0.0.1");
        assertRefused(action, "http://127.0.0.1.nip.io/x", "not 127.0.0.1.nip.io");
        assertRefused(action, "http://[::ffff:10.0.0.1]/x", "not [::ffff:10.0.0.1]");
        action.run(Firings.firing("OK", "ALARM", base + "/ok"));
        assertEquals(1, received.size());

        action.modified(Map.of("allowNonLoopback", "true"));
        action.validate("https://hooks.example.com/x");
    }

    @Test
    public void messagesShowSchemeHostAndPortOnly() {
        assertEquals("https://hooks.example.com/…",
                WebhookAction.shown(URI.create("https://hooks.example.com/services/T0/B0/secret")));
        assertEquals("http://127.0.0.1:9000/…", WebhookAction.shown(URI.create("http://127.0.0.1:9000/?token=x")));
        assertEquals("http://127.0.0.1:9000/", WebhookAction.shown(URI.create("http://127.0.0.1:9000")));
    }

    @Test
    public void loopbackIsDecidedWithoutLookingNamesUp() {
        assertTrue(WebhookAction.loopback("localhost"));
        assertTrue(WebhookAction.loopback("127.255.0.1"));
        assertTrue(WebhookAction.loopback("[::1]"));
        assertTrue(WebhookAction.loopback("[0:0:0:0:0:0:0:1]"));
        assertFalse(WebhookAction.loopback("127.0.0.256"));
        assertFalse(WebhookAction.loopback("128.0.0.1"));
        assertFalse(WebhookAction.loopback("localhost.example.com"));
        assertFalse(WebhookAction.loopback("[::2]"));
    }

    private static void assertRefused(WebhookAction action, String argument, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> action.validate(argument));
        assertTrue(e.getMessage(), e.getMessage().contains(message));
    }
}
