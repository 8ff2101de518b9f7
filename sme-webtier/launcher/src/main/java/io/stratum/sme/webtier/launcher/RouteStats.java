package io.stratum.sme.webtier.launcher;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a route has served since {@link #since} (when the proxy started, or when the route first appeared): requests,
 * errors, resends to another backend, and latency. Latency is kept three ways, all bounded: a running total (a reader that samples twice
 * gets the average over its own window), the last {@value #WINDOW} latencies (percentiles of the recent requests,
 * for people), and a histogram of every latency since {@link #since} (counts per bucket that only grow, so that a
 * reader that samples twice gets the percentiles of exactly the requests in between by subtracting its two readings).
 * <p>
 * Histogram buckets, in microseconds: each value {@code v < 8} has a bucket {@code [v, v+1)} of its own; above, each
 * power of two is cut into 8 equal buckets, so a bucket that starts at {@code lower} ends (exclusive) at
 * {@code lower + 2^(floor(log2(lower)) - 3)} and no bucket is wider than 1/8 of its lower bound. A bucket is named by
 * its lower bound.
 */
final class RouteStats {

    private static final int WINDOW = 1024;
    private static final int SUB_BUCKETS = 8;
    private static final int SUB_BITS = 3;

    final LongAdder requests = new LongAdder();
    final LongAdder errors = new LongAdder();
    /** Requests sent again to another backend after theirs failed (each resend counts once). */
    final LongAdder retries = new LongAdder();
    /** Requests answered with the maintenance page (not counted in {@link #requests} or {@link #errors}). */
    final LongAdder maintenancePages = new LongAdder();
    /** When these counters started, in ms since the epoch: a reader that sees it change knows they restarted. */
    final long since = System.currentTimeMillis();
    private final long[] latencies = new long[WINDOW];
    /** Counts per bucket: 8 exact ones, then 8 per power of two up to 2^63. */
    private final long[] histogram = new long[SUB_BUCKETS * (64 - SUB_BITS + 1)];
    private long latencyCount;
    private long latencyTotal;

    synchronized void recordLatency(long micros) {
        long v = Math.max(0, micros);
        latencies[(int) (latencyCount % WINDOW)] = v;
        latencyCount++;
        latencyTotal += v;
        histogram[bucket(v)]++;
    }

    /** @return the index of the histogram bucket of a latency in microseconds (see the class comment) */
    static int bucket(long micros) {
        if (micros < SUB_BUCKETS) {
            return (int) micros;
        }
        int octave = 63 - Long.numberOfLeadingZeros(micros);
        int sub = (int) (micros >>> (octave - SUB_BITS)) & (SUB_BUCKETS - 1);
        return (octave - SUB_BITS + 1) * SUB_BUCKETS + sub;
    }

    /** @return the lower bound, in microseconds, of a histogram bucket */
    static long lowerBound(int bucket) {
        if (bucket < SUB_BUCKETS) {
            return bucket;
        }
        int octave = bucket / SUB_BUCKETS + SUB_BITS - 1;
        return (long) (SUB_BUCKETS + bucket % SUB_BUCKETS) << (octave - SUB_BITS);
    }

    /** @return how many latencies were recorded (requests that reached a backend and finished) */
    synchronized long latencyCount() {
        return latencyCount;
    }

    /** @return the latency of all requests, added up, in ms */
    synchronized double totalMs() {
        return latencyTotal / 1000.0;
    }

    /** @return average latency in ms over all requests, or 0 */
    synchronized double averageMs() {
        return latencyCount == 0 ? 0 : latencyTotal / 1000.0 / latencyCount;
    }

    /**
     * @param quantiles e.g. 0.5, 0.95, 0.99
     * @return for each, the latency in ms under which that share of the last requests (at most {@value #WINDOW})
     *     fell (nearest rank), or 0 when there was none
     */
    synchronized double[] recentPercentilesMs(double... quantiles) {
        int n = (int) Math.min(latencyCount, WINDOW);
        double[] out = new double[quantiles.length];
        if (n == 0) {
            return out;
        }
        long[] copy = Arrays.copyOf(latencies, n);
        Arrays.sort(copy);
        for (int i = 0; i < quantiles.length; i++) {
            out[i] = copy[Math.max(0, Math.min(n - 1, (int) Math.ceil(quantiles[i] * n) - 1))] / 1000.0;
        }
        return out;
    }

    /**
     * @return the histogram's non-empty buckets as {@code lower:count} separated by commas, lowest first (see the
     *     class comment)
     */
    synchronized String histogram() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < histogram.length; i++) {
            if (histogram[i] != 0) {
                if (out.length() > 0) {
                    out.append(',');
                }
                out.append(lowerBound(i)).append(':').append(histogram[i]);
            }
        }
        return out.toString();
    }
}
