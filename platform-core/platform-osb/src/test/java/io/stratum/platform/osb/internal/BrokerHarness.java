package io.stratum.platform.osb.internal;

import static org.junit.Assert.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.stratum.platform.spi.store.DataStore;
import io.stratum.platform.spi.store.Migration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * The broker's servlet in a real embedded Jetty 9.4 (the Jetty of Karaf's Pax Web) on 127.0.0.1, over a real H2 store
 * and a {@link FakePlatform} (with the {@link FakeUpdates} of the update bundle), driven over real HTTP.
 */
final class BrokerHarness implements AutoCloseable {

    static final String USER = "cf-broker";
    static final String PASSWORD = "correct-horse-battery-staple";
    private static final AtomicLong DB = new AtomicLong();

    final FakePlatform platform = new FakePlatform();
    final FakeUpdates updates = new FakeUpdates(platform);
    /** Whether the update bundle is "there". */
    volatile boolean updating = true;
    final String jdbcUrl = "jdbc:h2:mem:osb-" + DB.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
    final DataStore dataStore = new H2Store(jdbcUrl);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Server server;
    private OsbServlet servlet;
    private String base;

    /** A store over H2 with a connection per transaction, as the platform's store gives one. */
    static final class H2Store implements DataStore {
        private final String url;

        H2Store(String url) {
            this.url = url;
        }

        @Override
        public Path home() {
            throw new UnsupportedOperationException();
        }

        @Override
        public String seal(String plaintext) {
            return plaintext; // this test's store keeps nothing secret
        }

        @Override
        public String open(String stored) {
            return stored;
        }

        @Override
        public <T> T inTransaction(Work<T> work) {
            try (Connection c = DriverManager.getConnection(url)) {
                c.setAutoCommit(false);
                try {
                    T t = work.run(c);
                    c.commit();
                    return t;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void migrate(String owner, List<Migration> migrations) {
            inTransaction(c -> {
                for (Migration m : migrations) {
                    for (String sql : m.script().split(";\\s*\\n")) {
                        if (!sql.isBlank()) {
                            try (Statement s = c.createStatement()) {
                                s.execute(sql);
                            }
                        }
                    }
                }
                return null;
            });
        }
    }

    BrokerHarness() throws Exception {
        start(config());
    }

    static Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>();
        config.put("username", USER);
        config.put("passwordHash", BrokerPassword.hash(PASSWORD.toCharArray(), 1000));
        return config;
    }

    /** (Re)starts the servlet, as Karaf does after a restart or an update of the bundle. */
    void start(Map<String, Object> config) throws Exception {
        if (server != null) {
            server.stop();
        }
        servlet = new OsbServlet(platform, dataStore, config);
        servlet.updates = updating ? updates : null;
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(servlet), "/osb/v2/*");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort() + "/osb/v2";
    }

    OsbServlet servlet() {
        return servlet;
    }

    BrokerStore store() {
        return new BrokerStore(dataStore);
    }

    /** An answer: status, headers, body as JSON. */
    record Answer(int status, HttpResponse<String> response, JsonNode json) {
        String text(String field) {
            return json.path(field).asText();
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + response.body();
        }
    }

    /** A request as a platform sends it: the broker's login, version 2.17, an originating identity. */
    Request request(String method, String path) {
        return new Request(method, path);
    }

    final class Request {
        private final String method;
        private final String path;
        private String body;
        private final Map<String, String> headers = new HashMap<>();

        Request(String method, String path) {
            this.method = method;
            this.path = path;
            headers.put("Authorization", basic(USER, PASSWORD));
            headers.put("X-Broker-API-Version", "2.17");
            headers.put("X-Broker-API-Originating-Identity", "cloudfoundry " + Base64.getEncoder().encodeToString(
                    "{\"user_id\": \"683ea748-3092-4ff4-b656-39cacc4d5360\"}".getBytes(StandardCharsets.UTF_8)));
            headers.put("Content-Type", "application/json");
        }

        Request body(String json) {
            this.body = json;
            return this;
        }

        Request header(String name, String value) {
            if (value == null) {
                headers.remove(name);
            } else {
                headers.put(name, value);
            }
            return this;
        }

        Answer send() {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            headers.forEach(b::header);
            try {
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                JsonNode json = r.body().isEmpty() ? null : Requests.JSON.readTree(r.body());
                if (json != null && r.statusCode() >= 400 && r.statusCode() != 410) {
                    // every error answer has the spec's error body (410 Gone is {}: the platform takes it as done)
                    assertEquals(r.body(), true, json.has("description"));
                }
                return new Answer(r.statusCode(), r, json);
            } catch (Exception e) {
                throw new AssertionError(method + " " + path + ": " + e, e);
            }
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** @return everything a refused request must leave as it was: the platform's state and the broker's rows */
    String state() {
        return platform.snapshot() + " || " + store().dump();
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.stop();
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        }
    }
}
