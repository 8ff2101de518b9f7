package io.stratum.platform.elasticity.internal.series;

import io.stratum.platform.api.MetricSeriesDTO.PointDTO;
import io.stratum.platform.elasticity.internal.series.MetricHistory.Aggregation;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;

/**
 * One metric of one service: a ring of raw samples (its capacity fixed when the series is made) and a ring of
 * 1-minute buckets (least, greatest, sum, count and last value of the samples taken in that minute), every sample
 * being folded into its minute's bucket as it is recorded. Raw samples older than the raw window and buckets older
 * than the retention are dropped.
 * <p>
 * Memory: 16 bytes per raw sample of the ring's capacity, 40 bytes per bucket; the bucket arrays grow (doubling) as
 * history accumulates, up to one bucket per minute of retention plus one. At the defaults (10 s samples, 15 min of raw
 * samples, 24 h of retention) that is at most 92 * 16 B + 1441 * 40 B, about 58 KiB per series.
 * <p>
 * Thread-safe (every method holds the series' lock).
 */
final class Series {

    static final long MINUTE_MS = 60_000;
    private static final int FIRST_BUCKETS = 16;

    private final long rawWindowMs;
    private final long retentionMinutes;

    // raw ring: oldest at rawHead
    private final long[] rawAt;
    private final double[] rawValue;
    private int rawHead;
    private int rawSize;
    /** Every sample taken after this instant (epoch ms) is in the raw ring; MIN_VALUE: every sample ever taken. */
    private long rawFrom = Long.MIN_VALUE;
    private long lastAt = Long.MIN_VALUE;

    // bucket ring: oldest at bHead; grows up to maxBuckets
    private final int maxBuckets;
    private int[] bMinute = new int[0];
    private double[] bMin = new double[0];
    private double[] bMax = new double[0];
    private double[] bSum = new double[0];
    private double[] bLast = new double[0];
    private int[] bCount = new int[0];
    private int bHead;
    private int bSize;

    /**
     * @param rawCapacity how many raw samples the ring holds
     * @param rawWindowMs how long raw samples are kept
     * @param retentionMs how long buckets are kept
     */
    Series(int rawCapacity, long rawWindowMs, long retentionMs) {
        if (rawCapacity < 2) {
            throw new IllegalArgumentException("a series holds at least 2 raw samples");
        }
        this.rawAt = new long[rawCapacity];
        this.rawValue = new double[rawCapacity];
        this.rawWindowMs = rawWindowMs;
        this.retentionMinutes = Math.max(1, retentionMs / MINUTE_MS);
        this.maxBuckets = (int) Math.min(Integer.MAX_VALUE - 8, retentionMinutes + 1);
    }

    int rawCapacity() {
        return rawAt.length;
    }

    /**
     * Records a sample. A sample taken before the last one (the clock went back) is recorded at the last one's time.
     *
     * @param at when it was taken (epoch ms)
     * @param value its value
     */
    synchronized void record(long at, double value) {
        long t = Math.max(at, lastAt);
        lastAt = t;
        // raw
        while (rawSize > 0 && rawAt[rawHead] <= t - rawWindowMs) {
            evictRaw();
        }
        if (rawSize == rawAt.length) {
            evictRaw();
        }
        int i = (rawHead + rawSize) % rawAt.length;
        rawAt[i] = t;
        rawValue[i] = value;
        rawSize++;
        // bucket
        int minute = (int) Math.floorDiv(t, MINUTE_MS);
        if (bSize > 0 && bMinute[bucket(bSize - 1)] == minute) {
            int b = bucket(bSize - 1);
            bMin[b] = Math.min(bMin[b], value);
            bMax[b] = Math.max(bMax[b], value);
            bSum[b] += value;
            bLast[b] = value;
            bCount[b]++;
        } else {
            appendBucket(minute, value, value, value, value, 1);
        }
        while (bSize > 0 && bMinute[bHead] <= minute - retentionMinutes - 1) {
            bHead = (bHead + 1) % bMinute.length;
            bSize--;
        }
    }

    private void evictRaw() {
        rawFrom = Math.max(rawFrom, rawAt[rawHead]);
        rawHead = (rawHead + 1) % rawAt.length;
        rawSize--;
    }

    private int bucket(int k) {
        return (bHead + k) % bMinute.length;
    }

    private void appendBucket(int minute, double min, double max, double sum, double last, int count) {
        if (bSize == bMinute.length) {
            if (bSize < maxBuckets) {
                grow(Math.min(maxBuckets, Math.max(FIRST_BUCKETS, bSize * 2)));
            } else {
                bHead = (bHead + 1) % bMinute.length;
                bSize--;
            }
        }
        int b = bucket(bSize);
        bMinute[b] = minute;
        bMin[b] = min;
        bMax[b] = max;
        bSum[b] = sum;
        bLast[b] = last;
        bCount[b] = count;
        bSize++;
    }

    private void grow(int capacity) {
        int[] minute = new int[capacity];
        double[] min = new double[capacity];
        double[] max = new double[capacity];
        double[] sum = new double[capacity];
        double[] last = new double[capacity];
        int[] count = new int[capacity];
        for (int k = 0; k < bSize; k++) {
            int b = bucket(k);
            minute[k] = bMinute[b];
            min[k] = bMin[b];
            max[k] = bMax[b];
            sum[k] = bSum[b];
            last[k] = bLast[b];
            count[k] = bCount[b];
        }
        bMinute = minute;
        bMin = min;
        bMax = max;
        bSum = sum;
        bLast = last;
        bCount = count;
        bHead = 0;
    }

    /** @return whether the raw samples hold every sample taken in {@code (from, ...]} */
    private boolean rawCovers(long from) {
        return from >= rawFrom;
    }

    /**
     * @param now the end of the window (epoch ms)
     * @param windowMs the window's length
     * @param aggregation the reduction
     * @return the reduction of the samples taken in {@code (now - window, now]} (from raw samples when they hold the
     *     whole window, else from the buckets that overlap it), empty when there is none (for RATE: fewer than two)
     */
    synchronized OptionalDouble aggregate(long now, long windowMs, Aggregation aggregation) {
        long from = now - windowMs;
        return rawCovers(from) ? aggregateRaw(from, now, aggregation) : aggregateBuckets(from, now, aggregation);
    }

    private OptionalDouble aggregateRaw(long from, long now, Aggregation aggregation) {
        int n = 0;
        double[] values = new double[rawSize];
        long[] times = new long[rawSize];
        for (int k = 0; k < rawSize; k++) {
            int i = (rawHead + k) % rawAt.length;
            if (rawAt[i] > from && rawAt[i] <= now) {
                values[n] = rawValue[i];
                times[n] = rawAt[i];
                n++;
            }
        }
        if (n == 0) {
            return OptionalDouble.empty();
        }
        return switch (aggregation) {
            case AVG -> OptionalDouble.of(sum(values, n) / n);
            case SUM -> OptionalDouble.of(sum(values, n));
            case MIN -> OptionalDouble.of(Arrays.stream(values, 0, n).min().orElseThrow());
            case MAX -> OptionalDouble.of(Arrays.stream(values, 0, n).max().orElseThrow());
            case COUNT -> OptionalDouble.of(n);
            case LAST -> OptionalDouble.of(values[n - 1]);
            case P50 -> OptionalDouble.of(percentile(values, n, 0.50));
            case P95 -> OptionalDouble.of(percentile(values, n, 0.95));
            case P99 -> OptionalDouble.of(percentile(values, n, 0.99));
            case RATE -> rate(values, times, n);
        };
    }

    private OptionalDouble aggregateBuckets(long from, long now, Aggregation aggregation) {
        List<Integer> in = new ArrayList<>();
        for (int k = 0; k < bSize; k++) {
            int b = bucket(k);
            long start = bMinute[b] * MINUTE_MS;
            if (start + MINUTE_MS > from && start <= now) {
                in.add(b);
            }
        }
        if (in.isEmpty()) {
            return OptionalDouble.empty();
        }
        double sum = 0;
        long count = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int b : in) {
            sum += bSum[b];
            count += bCount[b];
            min = Math.min(min, bMin[b]);
            max = Math.max(max, bMax[b]);
        }
        return switch (aggregation) {
            case AVG -> OptionalDouble.of(sum / count);
            case SUM -> OptionalDouble.of(sum);
            case MIN -> OptionalDouble.of(min);
            case MAX -> OptionalDouble.of(max);
            case COUNT -> OptionalDouble.of(count);
            case LAST -> OptionalDouble.of(bLast[in.get(in.size() - 1)]);
            case P50 -> OptionalDouble.of(weightedPercentile(in, 0.50));
            case P95 -> OptionalDouble.of(weightedPercentile(in, 0.95));
            case P99 -> OptionalDouble.of(weightedPercentile(in, 0.99));
            case RATE -> {
                double[] lasts = new double[in.size()];
                long[] ends = new long[in.size()];
                for (int k = 0; k < in.size(); k++) {
                    lasts[k] = bLast[in.get(k)];
                    ends[k] = (bMinute[in.get(k)] + 1) * MINUTE_MS;
                }
                yield rate(lasts, ends, in.size());
            }
        };
    }

    private static double sum(double[] values, int n) {
        double s = 0;
        for (int k = 0; k < n; k++) {
            s += values[k];
        }
        return s;
    }

    /** Nearest rank: the least value with at least {@code p} of the values at or below it. */
    static double percentile(double[] values, int n, double p) {
        double[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p * n);
        return sorted[Math.max(0, Math.min(n, rank) - 1)];
    }

    /** Nearest rank over the buckets' means, each counting as many times as it has samples. */
    private double weightedPercentile(List<Integer> buckets, double p) {
        List<Integer> sorted = new ArrayList<>(buckets);
        sorted.sort((a, b) -> Double.compare(bSum[a] / bCount[a], bSum[b] / bCount[b]));
        long total = 0;
        for (int b : sorted) {
            total += bCount[b];
        }
        long rank = Math.max(1, (long) Math.ceil(p * total));
        long seen = 0;
        for (int b : sorted) {
            seen += bCount[b];
            if (seen >= rank) {
                return bSum[b] / bCount[b];
            }
        }
        int b = sorted.get(sorted.size() - 1);
        return bSum[b] / bCount[b];
    }

    /**
     * The increase per second of a counter: the sum of the increases between successive values (a value below the
     * one before is a restarted counter, which counts from zero) over the time from the first to the last.
     */
    private static OptionalDouble rate(double[] values, long[] times, int n) {
        if (n < 2 || times[n - 1] <= times[0]) {
            return OptionalDouble.empty();
        }
        double increase = 0;
        for (int k = 1; k < n; k++) {
            double d = values[k] - values[k - 1];
            increase += d >= 0 ? d : values[k];
        }
        return OptionalDouble.of(increase * 1000.0 / (times[n - 1] - times[0]));
    }

    /**
     * @param now the end of the window (epoch ms)
     * @param windowMs the window's length
     * @return the raw samples taken in {@code (now - window, now]} when the raw ring holds the whole window, else the
     *     buckets that overlap it (at the minute's start, the mean, least and greatest value); oldest first
     */
    synchronized List<PointDTO> points(long now, long windowMs) {
        long from = now - windowMs;
        List<PointDTO> points = new ArrayList<>();
        if (rawCovers(from)) {
            for (int k = 0; k < rawSize; k++) {
                int i = (rawHead + k) % rawAt.length;
                if (rawAt[i] > from && rawAt[i] <= now) {
                    double v = rawValue[i];
                    points.add(new PointDTO(Instant.ofEpochMilli(rawAt[i]), v, v, v));
                }
            }
        } else {
            for (int k = 0; k < bSize; k++) {
                int b = bucket(k);
                long start = bMinute[b] * MINUTE_MS;
                if (start + MINUTE_MS > from && start <= now) {
                    points.add(new PointDTO(Instant.ofEpochMilli(start), bSum[b] / bCount[b], bMin[b], bMax[b]));
                }
            }
        }
        return points;
    }

    /** @return when the last sample was taken (epoch ms), MIN_VALUE if none is held */
    synchronized long lastSampleAt() {
        if (rawSize > 0) {
            return rawAt[(rawHead + rawSize - 1) % rawAt.length];
        }
        return lastAt;
    }

    /** @return whether it holds no sample and no bucket */
    synchronized boolean isEmpty() {
        return rawSize == 0 && bSize == 0;
    }

    /**
     * Drops what is older than the windows at {@code now}.
     *
     * @param now now (epoch ms)
     */
    synchronized void expire(long now) {
        while (rawSize > 0 && rawAt[rawHead] <= now - rawWindowMs) {
            evictRaw();
        }
        long minute = Math.floorDiv(now, MINUTE_MS);
        while (bSize > 0 && bMinute[bHead] <= minute - retentionMinutes - 1) {
            bHead = (bHead + 1) % bMinute.length;
            bSize--;
        }
    }

    /**
     * Writes the series (see {@link #read}).
     *
     * @param out where
     * @throws IOException if it cannot be written
     */
    synchronized void write(DataOutput out) throws IOException {
        out.writeInt(rawAt.length);
        out.writeLong(rawFrom);
        out.writeLong(lastAt);
        out.writeInt(rawSize);
        for (int k = 0; k < rawSize; k++) {
            int i = (rawHead + k) % rawAt.length;
            out.writeLong(rawAt[i]);
            out.writeDouble(rawValue[i]);
        }
        out.writeInt(bSize);
        for (int k = 0; k < bSize; k++) {
            int b = bucket(k);
            out.writeInt(bMinute[b]);
            out.writeDouble(bMin[b]);
            out.writeDouble(bMax[b]);
            out.writeDouble(bSum[b]);
            out.writeDouble(bLast[b]);
            out.writeInt(bCount[b]);
        }
    }

    /**
     * Reads a series that {@link #write} wrote, with the current windows, dropping what they no longer hold at
     * {@code now}.
     *
     * @param in where from
     * @param rawWindowMs how long raw samples are kept now
     * @param retentionMs how long buckets are kept now
     * @param now now (epoch ms)
     * @return the series
     * @throws IOException if it cannot be read or is not a series
     */
    static Series read(DataInput in, long rawWindowMs, long retentionMs, long now) throws IOException {
        int capacity = in.readInt();
        if (capacity < 2 || capacity > 1_000_000) {
            throw new IOException("not a series (raw capacity " + capacity + ")");
        }
        Series s = new Series(capacity, rawWindowMs, retentionMs);
        long rawFrom = in.readLong();
        long lastAt = in.readLong();
        int rawSize = in.readInt();
        if (rawSize < 0 || rawSize > capacity) {
            throw new IOException("not a series (" + rawSize + " raw samples)");
        }
        for (int k = 0; k < rawSize; k++) {
            s.rawAt[k] = in.readLong();
            s.rawValue[k] = in.readDouble();
        }
        s.rawSize = rawSize;
        s.rawFrom = rawFrom;
        s.lastAt = lastAt;
        int buckets = in.readInt();
        if (buckets < 0 || buckets > 10_000_000) {
            throw new IOException("not a series (" + buckets + " buckets)");
        }
        for (int k = 0; k < buckets; k++) {
            int minute = in.readInt();
            double min = in.readDouble();
            double max = in.readDouble();
            double sum = in.readDouble();
            double last = in.readDouble();
            int count = in.readInt();
            if (count > 0) {
                s.appendBucket(minute, min, max, sum, last, count);
            }
        }
        s.expire(now);
        return s;
    }
}
