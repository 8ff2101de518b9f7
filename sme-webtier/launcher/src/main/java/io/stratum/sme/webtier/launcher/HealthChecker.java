package io.stratum.sme.webtier.launcher;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Active health checks: every interval, an HTTP GET of each backend's health path; an answer below 500 within a
 * second is healthy. Also watches the routes file, and takes a backend out at once when a request to it fails.
 */
final class HealthChecker implements AutoCloseable {

    private final Router router;
    private final long intervalMs;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "stratum-health");
        t.setDaemon(true);
        return t;
    });

    HealthChecker(Router router, long intervalMs) {
        this.router = router;
        this.intervalMs = intervalMs;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(Math.min(1000, intervalMs)))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    void start() {
        scheduler.scheduleWithFixedDelay(this::checkAll, 0, intervalMs, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::watchRoutes, 500, 500, TimeUnit.MILLISECONDS);
    }

    private void watchRoutes() {
        try {
            if (router.reloadIfChanged()) {
                log("routes reloaded: " + router.routes().size() + " route(s)");
                checkAll();
            }
        } catch (Exception e) {
            log("cannot read the routes: " + e);
        }
    }

    void checkAll() {
        for (Route route : router.routes()) {
            for (Backend b : route.backends) {
                URI uri = b.uri.resolve(route.healthPath);
                http.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(1)).GET().build(),
                        HttpResponse.BodyHandlers.discarding())
                        .whenComplete((response, failure) -> {
                            if (failure != null) {
                                markDown(route, b, failure.getClass().getSimpleName() + " from " + uri);
                            } else if (response.statusCode() >= 500) {
                                markDown(route, b, "HTTP " + response.statusCode() + " from " + uri);
                            } else if (b.markHealthy()) {
                                log("backend " + b.uri + " of route " + route.name + " is up");
                            }
                        });
            }
        }
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
