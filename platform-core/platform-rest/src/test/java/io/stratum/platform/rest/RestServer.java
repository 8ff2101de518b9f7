package io.stratum.platform.rest;

import static org.junit.Assert.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stratum.platform.api.UserEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.osgi.service.event.Event;

/**
 * The REST servlet in a real servlet container for the tests: Jetty 9.4 (the line inside Karaf 4.4.10's Pax Web) on
 * 127.0.0.1 and a port it picks, the servlet at {@code /api/v1/*} as the whiteboard registers it, logins through the
 * real {@link JaasAuthenticator} and a real {@link javax.security.auth.login.LoginContext} over {@link FakeLoginModule},
 * failed logins throttled by a {@link LoginThrottle} on a clock of the test's,
 * the facades of a {@link FakePlatform}, a {@link FakeElasticity} and a {@link FakeUpdates}; and a {@link HttpClient}
 * to call it over HTTP.
 */
final class RestServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final FakePlatform fake = new FakePlatform();
    final FakeElasticity elasticity = new FakeElasticity(fake);
    final FakeUpdates updates = new FakeUpdates(fake);
    final JaasAuthenticator authenticator;
    final RestServlet servlet;
    /** The clock of the login throttle (5 failures allowed), moved by tests. */
    final AtomicLong throttleClock = new AtomicLong();
    final LoginThrottle throttle;
    final URI base;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    volatile boolean backups = true;
    volatile boolean clones = true;
    /** Whether the elasticity bundle is "there". */
    volatile boolean elastic = true;
    /** Whether the update bundle is "there". */
    volatile boolean updating = true;
    private final Server jetty;

    /** A server with the default limits: long polls up to 30 s, heartbeat 200 ms, 4 streams. */
    RestServer() throws Exception {
        this(Duration.ofSeconds(30), Duration.ofMillis(200), 4);
    }

    RestServer(Duration maxWait, Duration heartbeat, int maxStreams) throws Exception {
        authenticator = new JaasAuthenticator("karaf", FakeLoginModule.configuration(fake, "stratum"), "stratum",
                Duration.ofSeconds(60), System::nanoTime);
        fake.userChanged.add(user -> authenticator.handleEvent(new Event(UserEvents.TOPIC_CHANGED,
                Map.of(UserEvents.USER, user, UserEvents.CHANGE, UserEvents.PASSWORD))));
        throttle = new LoginThrottle(5, Duration.ofMinutes(15), Duration.ofMinutes(15), 100, throttleClock::get);
        servlet = new RestServlet(fake, authenticator, () -> backups ? fake : null, () -> clones ? fake : null,
                () -> elastic ? elasticity : null, () -> updating ? updates : null, maxWait, heartbeat, maxStreams,
                throttle);
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(servlet), RestServlet.PATTERN);
        jetty.setHandler(context);
        jetty.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/api/v1");
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop Jetty", e);
        }
    }

    /** An answer: status, headers, body. */
    record Response(int status, HttpHeaders headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** @return the error code of an error body */
        String error() {
            return json().path("error").asText();
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** Starts a request to {@code base + path} (path may carry a query). */
    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** @return the request with the credentials of a fake user, {@code null} for none */
    static HttpRequest.Builder as(HttpRequest.Builder b, String user) {
        return user == null ? b : b.header("Authorization", basic(user, FakePlatform.password(user)));
    }

    Response send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Response get(String user, String path) {
        return send(as(request(path), user).GET().build());
    }

    Response delete(String user, String path) {
        return send(as(request(path), user).DELETE().build());
    }

    /** A request with a JSON body ({@code null}: none). */
    Response json(String method, String user, String path, String body) {
        HttpRequest.Builder b = as(request(path), user);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return send(b.build());
    }

    Response post(String user, String path, String body) {
        return json("POST", user, path, body);
    }

    /** A request with a body of any content type ({@code null}: no Content-Type header). */
    Response raw(String method, String user, String path, String contentType, String body) {
        HttpRequest.Builder b = as(request(path), user);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b.method(method, HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /**
     * Runs a request that must be refused and checks that the fake platform, elasticity and updates are unchanged.
     *
     * @return the answer
     */
    Response unchanged(Supplier<Response> request) {
        String before = fake.state() + elasticity.state() + updates.state();
        Response r = request.get();
        assertEquals("a refused request (" + r + ") changed the platform", before, fake.state() + elasticity.state()
                + updates.state());
        return r;
    }
}
