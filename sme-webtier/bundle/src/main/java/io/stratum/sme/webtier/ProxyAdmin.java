package io.stratum.sme.webtier;

import io.stratum.sme.api.runtime.RuntimeInfo;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Talks to a proxy's admin port (see the launcher's {@code AdminHandler}): its health, its metrics, reloads. Every
 * exchange ends within its time limit, body included.
 */
final class ProxyAdmin {

    /** The runtime's port of the admin connector. */
    static final String ADMIN_PORT = "admin";
    /** Longest a health or metrics request to a proxy's admin port may take, connecting included. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();

    /**
     * @param r a proxy's runtime
     * @return its {@code /metrics}
     * @throws IOException if it does not answer within {@link #PROBE_TIMEOUT}
     */
    Properties metrics(RuntimeInfo r) throws IOException {
        return parse(get(r, "/metrics").body());
    }

    /**
     * @param r a proxy's runtime
     * @return its {@code /metrics}, when they come (the request itself gives up after {@link #PROBE_TIMEOUT})
     */
    CompletableFuture<Properties> metricsAsync(RuntimeInfo r) {
        return http.sendAsync(request(r, "/metrics").timeout(PROBE_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("/metrics answered " + response.statusCode());
                    }
                    try {
                        return parse(response.body());
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    /**
     * @param r a proxy's runtime
     * @param path e.g. {@code /health}
     * @return its answer to a GET
     * @throws IOException if it does not answer within {@link #PROBE_TIMEOUT}
     */
    HttpResponse<String> get(RuntimeInfo r, String path) throws IOException {
        return send(request(r, path).timeout(PROBE_TIMEOUT).GET().build(), PROBE_TIMEOUT);
    }

    /**
     * @param r a proxy's runtime
     * @param path e.g. {@code /reload}
     * @param limit how long the whole exchange may take
     * @return its answer to a POST without a body
     * @throws IOException if it does not answer within the limit
     */
    HttpResponse<String> post(RuntimeInfo r, String path, Duration limit) throws IOException {
        return send(request(r, path).timeout(limit).POST(HttpRequest.BodyPublishers.noBody()).build(), limit);
    }

    private static HttpRequest.Builder request(RuntimeInfo r, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.port(ADMIN_PORT) + path));
    }

    private static Properties parse(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return p;
    }

    /**
     * Sends a request to a proxy's admin port and reads the answer, all within the time limit: the request's own
     * timeout ends when the headers come, so a proxy that stops half-way through a body (e.g. a stopped process)
     * would otherwise hold the caller for ever.
     */
    private HttpResponse<String> send(HttpRequest request, Duration limit) throws IOException {
        CompletableFuture<HttpResponse<String>> exchange = http.sendAsync(request,
                HttpResponse.BodyHandlers.ofString());
        try {
            return exchange.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new HttpTimeoutException("no answer from " + request.uri() + " within " + limit.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause), cause);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
