package io.stratum.sme.webtier.launcher;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A route: the virtual hosts it answers for, and the backends it balances requests over (round robin among the
 * healthy ones). Its {@link RouteStats} (requests, errors, latency) outlive it: the route that replaces it on a
 * reload of the routes file takes them over, so counters never go back to zero while the proxy runs.
 */
final class Route {

    final String name;
    final List<String> hosts;
    final List<Backend> backends;
    final String healthPath;
    final RouteStats stats;
    /**
     * While the service behind the route is locked out for maintenance: the seconds its maintenance page's
     * {@code Retry-After} header says; {@code -1} when the route forwards requests.
     */
    final int maintenanceRetryAfter;
    private final AtomicInteger next = new AtomicInteger();

    Route(String name, List<String> hosts, List<Backend> backends, String healthPath, RouteStats stats) {
        this(name, hosts, backends, healthPath, stats, -1);
    }

    Route(String name, List<String> hosts, List<Backend> backends, String healthPath, RouteStats stats,
            int maintenanceRetryAfter) {
        this.name = name;
        this.hosts = List.copyOf(hosts);
        this.backends = List.copyOf(backends);
        this.healthPath = healthPath;
        this.stats = stats;
        this.maintenanceRetryAfter = maintenanceRetryAfter;
    }

    /** @return whether the route answers with the maintenance page instead of forwarding */
    boolean inMaintenance() {
        return maintenanceRetryAfter >= 0;
    }

    /** @return the next healthy backend, or null if none is */
    Backend next() {
        return next(List.of());
    }

    /**
     * @param tried backends a request was already sent to
     * @return the next healthy backend that is not one of them, or null if none is
     */
    Backend next(Collection<Backend> tried) {
        // in turn among the healthy ones not tried, without a list per request: count them, then take the n-th
        int count = 0;
        for (Backend b : backends) {
            if (eligible(b, tried)) {
                count++;
            }
        }
        if (count == 0) {
            return null;
        }
        int n = Math.floorMod(next.getAndIncrement(), count);
        Backend last = null;
        for (Backend b : backends) {
            if (eligible(b, tried)) {
                if (n-- == 0) {
                    return b;
                }
                last = b;
            }
        }
        return last; // one went down between the two passes: take the last one still healthy, if any
    }

    private static boolean eligible(Backend b, Collection<Backend> tried) {
        return b.isHealthy() && (tried.isEmpty() || !tried.contains(b));
    }
}
