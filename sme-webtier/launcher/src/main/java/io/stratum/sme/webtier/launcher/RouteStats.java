package io.stratum.sme.webtier.launcher;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a route has served since the proxy started: requests, errors, and their latency (a running total, so that a
 * reader that samples twice gets the average over its own window, and the last requests, for a percentile).
 */
final class RouteStats {

    private static final int WINDOW = 1024;

    final LongAdder requests = new LongAdder();
    final LongAdder errors = new LongAdder();
    private final long[] latencies = new long[WINDOW];
    private long latencyCount;
    private long latencyTotal;

    synchronized void recordLatency(long micros) {
        latencies[(int) (latencyCount % WINDOW)] = micros;
        latencyCount++;
        latencyTotal += micros;
    }

    /** @return the latency of all requests, added up, in ms */
    synchronized double totalMs() {
        return latencyTotal / 1000.0;
    }

    /** @return average latency in ms over all requests, or 0 */
    synchronized double averageMs() {
        return latencyCount == 0 ? 0 : latencyTotal / 1000.0 / latencyCount;
    }

    /** @return the 95th percentile latency in ms over the last requests (at most 1024), or 0 */
    synchronized double p95Ms() {
        int n = (int) Math.min(latencyCount, WINDOW);
        if (n == 0) {
            return 0;
        }
        long[] copy = Arrays.copyOf(latencies, n);
        Arrays.sort(copy);
        return copy[Math.min(n - 1, (int) Math.ceil(0.95 * n) - 1)] / 1000.0;
    }
}
