package io.stratum.sme.webtier.launcher;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Active health checks: every interval, an HTTP GET of each backend's health path; an answer below 500 within
 * {@value #TIMEOUT_MS} ms (connecting, headers and body) is healthy. Also watches the routes file, and takes a
 * backend out at once when a request to it fails.
 * <p>
 * The checks go on whatever happens in one of them: a check that throws marks its backend down with the reason and
 * the others are still checked; a round that fails as a whole is logged and the next round runs (a periodic task
 * that threw would never run again).
 */
final class HealthChecker implements AutoCloseable {

    /** Longest a check may take, connecting included. */
    static final long TIMEOUT_MS = 1000;

    /** How a backend's health URL is asked. */
    @FunctionalInterface
    interface Probe {
        /**
         * @param uri the health URL
         * @return the HTTP status it answers; completes exceptionally if it cannot be reached in time
         */
        CompletableFuture<Integer> status(URI uri);
    }

    private final Router router;
    private final long intervalMs;
    private final Probe probe;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "stratum-health");
        t.setDaemon(true);
        return t;
    });

    HealthChecker(Router router, long intervalMs) {
        this(router, intervalMs, httpProbe(Math.min(TIMEOUT_MS, intervalMs)));
    }

    /**
     * @param router the routes
     * @param intervalMs milliseconds between rounds of checks
     * @param probe how a backend is asked
     */
    HealthChecker(Router router, long intervalMs, Probe probe) {
        this.router = router;
        this.intervalMs = intervalMs;
        this.probe = probe;
    }

    /**
     * @param connectTimeoutMs how long connecting may take
     * @return a probe that sends an HTTP GET and gives up after {@value #TIMEOUT_MS} ms in all
     */
    static Probe httpProbe(long connectTimeoutMs) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(connectTimeoutMs))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        return uri -> {
            CompletableFuture<HttpResponse<Void>> exchange = http.sendAsync(HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofMillis(TIMEOUT_MS)).GET().build(), HttpResponse.BodyHandlers.discarding());
            // the request's timeout ends at the headers; this one covers a body that never ends too
            return exchange.thenApply(HttpResponse::statusCode).orTimeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .whenComplete((status, failure) -> {
                        if (failure != null) {
                            exchange.cancel(true);
                        }
                    });
        };
    }

    void start() {
        scheduler.scheduleWithFixedDelay(this::round, 0, intervalMs, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::watchRoutes, 500, 500, TimeUnit.MILLISECONDS);
    }

    /** One round of checks; never throws, so the scheduler keeps running it. */
    private void round() {
        try {
            checkAll();
        } catch (Throwable t) {
            log("a round of health checks failed (the next one runs as planned): " + t);
        }
    }

    private void watchRoutes() {
        try {
            if (router.reloadIfChanged()) {
                log("routes reloaded: " + router.routes().size() + " route(s)");
                checkAll();
            }
        } catch (Throwable t) {
            log("cannot read the routes (tried again in 500 ms): " + t);
        }
    }

    void checkAll() {
        for (Route route : router.routes()) {
            for (Backend b : route.backends) {
                check(route, b);
            }
        }
    }

    private void check(Route route, Backend b) {
        URI uri = null;
        try {
            uri = b.uri.resolve(route.healthPath);
            URI checked = uri;
            probe.status(uri).whenComplete((status, failure) -> {
                if (failure != null) {
                    markDown(route, b, describe(failure) + " from " + checked);
                } else if (status >= 500) {
                    markDown(route, b, "HTTP " + status + " from " + checked);
                } else if (b.markHealthy()) {
                    log("backend " + b.uri + " of route " + route.name + " is up");
                }
            });
        } catch (RuntimeException e) {
            markDown(route, b, "its health check failed: " + e + (uri == null ? "" : " (" + uri + ")"));
        }
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof TimeoutException || cause instanceof HttpTimeoutException
                ? "no answer within " + TIMEOUT_MS + " ms"
                : cause.getClass().getSimpleName();
    }

    void markDown(Route route, Backend b, String problem) {
        if (b.markUnhealthy(problem)) {
            log("backend " + b.uri + " of route " + (route == null ? "?" : route.name) + " is down: " + problem);
        }
    }

    private static void log(String message) {
        System.out.println(Instant.now() + " stratum-webtier: " + message);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
