package io.stratum.sme.webtier.launcher;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Random;
import org.junit.Test;

/** Latency percentiles of the recent requests and the histogram a reader subtracts. */
public class RouteStatsTest {

    @Test
    public void everyLatencyFallsInABucketNoWiderThanAnEighthOfItsLowerBound() {
        Random random = new Random(42);
        for (int i = 0; i < 100_000; i++) {
            long v = i < 1000 ? i : random.nextLong() >>> (1 + random.nextInt(63));
            int b = RouteStats.bucket(v);
            long lower = RouteStats.lowerBound(b);
            long next = RouteStats.lowerBound(b + 1);
            assertTrue(v + " in [" + lower + ", " + next + ")", lower <= v && (v < next || next <= lower));
            assertTrue(v + ": bucket too wide", lower < 8 ? next - lower == 1 : next - lower <= lower / 8);
        }
        assertEquals(RouteStats.bucket(Long.MAX_VALUE), RouteStats.bucket(Long.MAX_VALUE - 1));
        assertEquals(0, RouteStats.lowerBound(RouteStats.bucket(0)));
    }

    @Test
    public void histogramCountsEveryLatencyByTheLowerBoundOfItsBucket() {
        RouteStats stats = new RouteStats();
        assertEquals("", stats.histogram());
        stats.recordLatency(3);
        stats.recordLatency(3);
        stats.recordLatency(1000); // 1000 = 0b1111101000: octave 9, bucket [960, 1024)
        stats.recordLatency(1023);
        stats.recordLatency(1024);
        assertEquals("3:2,960:2,1024:1", stats.histogram());
        assertEquals(5, stats.latencyCount());
    }

    @Test
    public void recentPercentilesAreNearestRanksOfTheLastRequests() {
        RouteStats stats = new RouteStats();
        assertArrayEquals(new double[] {0, 0}, stats.recentPercentilesMs(0.5, 0.99), 0);
        for (int ms = 100; ms >= 1; ms--) {
            stats.recordLatency(ms * 1000L);
        }
        assertArrayEquals(new double[] {50, 95, 99, 100}, stats.recentPercentilesMs(0.5, 0.95, 0.99, 1.0), 0);
        for (int i = 0; i < 1024; i++) {
            stats.recordLatency(2000);
        }
        assertArrayEquals("only the last 1024 count", new double[] {2, 2}, stats.recentPercentilesMs(0.5, 0.99), 0);
        assertEquals(1124, stats.latencyCount());
    }
}
