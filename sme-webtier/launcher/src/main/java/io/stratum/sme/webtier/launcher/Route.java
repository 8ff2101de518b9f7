package io.stratum.sme.webtier.launcher;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A route: the virtual hosts it answers for, and the backends it balances requests over (round robin among the
 * healthy ones). Counts requests, errors and latency for the elasticity manager.
 */
final class Route {

    private static final int WINDOW = 1024;

    final String name;
    final List<String> hosts;
    final List<Backend> backends;
    final String healthPath;
    final LongAdder requests = new LongAdder();
    final LongAdder errors = new LongAdder();
    private final AtomicInteger next = new AtomicInteger();
    private final long[] latencies = new long[WINDOW];
    private int latencyCount;
    private long latencyTotal;

    Route(String name, List<String> hosts, List<Backend> backends, String healthPath) {
        this.name = name;
        this.hosts = List.copyOf(hosts);
        this.backends = List.copyOf(backends);
        this.healthPath = healthPath;
    }

    /** @return the next healthy backend, or null if none is */
    Backend next() {
        List<Backend> healthy = backends.stream().filter(Backend::isHealthy).toList();
        if (healthy.isEmpty()) {
            return null;
        }
        return healthy.get(Math.floorMod(next.getAndIncrement(), healthy.size()));
    }

    synchronized void recordLatency(long micros) {
        latencies[latencyCount % WINDOW] = micros;
        latencyCount++;
        latencyTotal += micros;
    }

    /** @return average latency in ms over all requests, or 0 */
    synchronized double averageMs() {
        return latencyCount == 0 ? 0 : latencyTotal / 1000.0 / latencyCount;
    }

    /** @return the 95th percentile latency in ms over the last requests, or 0 */
    synchronized double p95Ms() {
        int n = Math.min(latencyCount, WINDOW);
        if (n == 0) {
            return 0;
        }
        long[] copy = java.util.Arrays.copyOf(latencies, n);
        java.util.Arrays.sort(copy);
        return copy[Math.min(n - 1, (int) Math.ceil(0.95 * n) - 1)] / 1000.0;
    }
}
