package io.stratum.sme.webtier.launcher;

import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The admin port (127.0.0.1 only): {@code GET /health}, {@code GET /metrics}, {@code POST /reload} (read the routes
 * file now).
 * <p>
 * {@code /metrics} is properties text: {@code routes}, {@code default}, {@code refused.<route>} with the reason for each
 * route of the file left out, and for each route {@code route.<name>.}:
 * <ul>
 * <li>{@code since}: when its counters started (ms since the epoch; a reader that sees it change knows they
 * restarted, e.g. the proxy did);</li>
 * <li>{@code requests}, {@code errors} (answers 500 and above, requests that failed, and 503s for want of a healthy
 * backend): counters since then;</li>
 * <li>{@code retries}: requests sent again to another backend after theirs failed ({@link BalancingProxy} says
 * which), one per resend, since then;</li>
 * <li>{@code latency.count}, {@code latency.total.ms}, {@code latency.avg.ms}: of the requests that reached a backend
 * and finished;</li>
 * <li>{@code latency.p50.ms}, {@code latency.p95.ms}, {@code latency.p99.ms}: over its last 1024 requests;</li>
 * <li>{@code latency.histogram}: every latency since {@code since}, as {@code lower:count} buckets in microseconds
 * ({@link RouteStats}), so that a reader gets the percentiles of the requests between two of its readings;</li>
 * <li>{@code inflight}: requests being forwarded now; {@code backends}, {@code backends.healthy};</li>
 * <li>{@code maintenance}: {@code true} while the route answers with the maintenance page, and
 * {@code maintenance.pages}: how many requests got it since {@code since} (they are not in {@code requests} or
 * {@code errors});</li>
 * <li>per backend {@code backend.<i>.}: {@code url}, {@code healthy}, {@code requests}, {@code failures},
 * {@code inflight}, {@code problem}.</li>
 * </ul>
 * Then {@code draining}: how many backends reloads took out of their routes still have requests in flight, and for
 * each {@code draining.<i>.}: {@code route} (the route it was taken out of), {@code url}, {@code inflight}. Such a
 * backend gets no new request; it is listed until its last request has ended, so that whoever stops it can wait for
 * that.
 */
final class AdminHandler extends Handler.Abstract {

    private final Router router;
    private final HealthChecker health;

    AdminHandler(Router router, HealthChecker health) {
        // non-blocking, as the proxy's handlers must be for the server to run them on its selector threads; the one
        // slow request (reading the routes file) is handed to a pool thread
        super(InvocationType.NON_BLOCKING);
        this.router = router;
        this.health = health;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        if ("GET".equals(method) && "/health".equals(path)) {
            return answer(response, callback, 200, "ok");
        }
        if ("GET".equals(method) && "/metrics".equals(path)) {
            return answer(response, callback, 200, metrics());
        }
        if ("POST".equals(method) && "/reload".equals(path)) {
            request.getComponents().getThreadPool().execute(() -> {
                try {
                    int routes = router.reload();
                    health.checkAll();
                    answer(response, callback, 200, "reloaded " + routes + " route(s)");
                } catch (Throwable t) {
                    callback.failed(t);
                }
            });
            return true;
        }
        return answer(response, callback, 404, "GET /health, GET /metrics, POST /reload");
    }

    String metrics() {
        StringBuilder out = new StringBuilder();
        Route def = router.defaultRoute();
        out.append("routes=").append(router.routes().size()).append('\n');
        out.append("default=").append(def == null ? "" : def.name).append('\n');
        router.refused().forEach((name, why) -> out.append("refused.").append(name).append('=')
                .append(why.replace('\n', ' ')).append('\n'));
        for (Route r : router.routes()) {
            String p = "route." + r.name + ".";
            long healthy = r.backends.stream().filter(Backend::isHealthy).count();
            double[] recent = r.stats.recentPercentilesMs(0.5, 0.95, 0.99);
            out.append(p).append("hosts=").append(String.join(",", r.hosts)).append('\n');
            out.append(p).append("since=").append(r.stats.since).append('\n');
            out.append(p).append("requests=").append(r.stats.requests.sum()).append('\n');
            out.append(p).append("errors=").append(r.stats.errors.sum()).append('\n');
            out.append(p).append("retries=").append(r.stats.retries.sum()).append('\n');
            out.append(p).append("latency.count=").append(r.stats.latencyCount()).append('\n');
            out.append(p).append("latency.total.ms=").append(ms(r.stats.totalMs())).append('\n');
            out.append(p).append("latency.avg.ms=").append(ms(r.stats.averageMs())).append('\n');
            out.append(p).append("latency.p50.ms=").append(ms(recent[0])).append('\n');
            out.append(p).append("latency.p95.ms=").append(ms(recent[1])).append('\n');
            out.append(p).append("latency.p99.ms=").append(ms(recent[2])).append('\n');
            out.append(p).append("latency.histogram=").append(r.stats.histogram()).append('\n');
            out.append(p).append("inflight=").append(r.backends.stream().mapToLong(b -> b.inFlight.get()).sum())
                    .append('\n');
            out.append(p).append("maintenance=").append(r.inMaintenance()).append('\n');
            out.append(p).append("maintenance.pages=").append(r.stats.maintenancePages.sum()).append('\n');
            out.append(p).append("backends=").append(r.backends.size()).append('\n');
            out.append(p).append("backends.healthy=").append(healthy).append('\n');
            for (int i = 0; i < r.backends.size(); i++) {
                Backend b = r.backends.get(i);
                String q = p + "backend." + i + ".";
                out.append(q).append("url=").append(b.uri).append('\n');
                out.append(q).append("healthy=").append(b.isHealthy()).append('\n');
                out.append(q).append("requests=").append(b.requests.sum()).append('\n');
                out.append(q).append("failures=").append(b.failures.sum()).append('\n');
                out.append(q).append("inflight=").append(b.inFlight.get()).append('\n');
                out.append(q).append("problem=").append(b.lastProblem().replace('\n', ' ')).append('\n');
            }
        }
        List<Router.Draining> draining = router.draining();
        out.append("draining=").append(draining.size()).append('\n');
        for (int i = 0; i < draining.size(); i++) {
            Router.Draining d = draining.get(i);
            String q = "draining." + i + ".";
            out.append(q).append("route=").append(d.route()).append('\n');
            out.append(q).append("url=").append(d.backend().uri).append('\n');
            out.append(q).append("inflight=").append(d.backend().inFlight.get()).append('\n');
        }
        return out.toString();
    }

    private static String ms(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private static boolean answer(Response response, Callback callback, int status, String text) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
        Content.Sink.write(response, true, text.endsWith("\n") ? text : text + "\n", callback);
        return true;
    }
}
