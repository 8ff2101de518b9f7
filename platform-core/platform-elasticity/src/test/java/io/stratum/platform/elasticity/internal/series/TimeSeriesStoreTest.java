package io.stratum.platform.elasticity.internal.series;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.MetricSeriesDTO.PointDTO;
import io.stratum.platform.api.PlatformEvents;
import io.stratum.platform.elasticity.internal.ElasticitySettings;
import io.stratum.platform.elasticity.internal.TestClock;
import io.stratum.platform.elasticity.internal.series.MetricHistory.Aggregation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.service.event.Event;

/**
 * Windowed functions over raw samples and over the 1-minute history, retention, and the snapshot that carries the
 * series over a restart, with a clock the test moves.
 */
public class TimeSeriesStoreTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TEN_S = Duration.ofSeconds(10);

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final TestClock clock = new TestClock(T0);

    private TimeSeriesStore store(Path dir, Duration rawWindow, Duration retention) {
        return new TimeSeriesStore(dir, new ElasticitySettings(retention, rawWindow, Duration.ofMinutes(1),
                TEN_S, Duration.ofSeconds(5), Duration.ofSeconds(60)), clock, null);
    }

    private TimeSeriesStore store() throws Exception {
        return store(tmp.newFolder().toPath(), Duration.ofMinutes(15), Duration.ofHours(24));
    }

    private static double value(OptionalDouble d) {
        assertTrue("expected a value", d.isPresent());
        return d.getAsDouble();
    }

    private static double agg(TimeSeriesStore s, String window, Aggregation a) {
        return value(s.aggregate("svc", "m", Duration.parse("PT" + window.toUpperCase()), a));
    }

    @Test
    public void functionsOverRawSamplesSeeOnlyTheWindow() throws Exception {
        TimeSeriesStore s = store();
        for (int k = 1; k <= 10; k++) {
            clock.advance(TEN_S);
            s.record("svc", "m", k, TEN_S);
        }
        // now = T0 + 100 s; the 1 m window (T0+40 s, T0+100 s] holds 5..10
        assertEquals(7.5, agg(s, "1m", Aggregation.AVG), 1e-9);
        assertEquals(5, agg(s, "1m", Aggregation.MIN), 0);
        assertEquals(10, agg(s, "1m", Aggregation.MAX), 0);
        assertEquals(45, agg(s, "1m", Aggregation.SUM), 1e-9);
        assertEquals(6, agg(s, "1m", Aggregation.COUNT), 0);
        assertEquals(10, agg(s, "1m", Aggregation.LAST), 0);
        assertEquals(7, agg(s, "1m", Aggregation.P50), 0);
        assertEquals(10, agg(s, "1m", Aggregation.P95), 0);
        assertEquals(10, agg(s, "1m", Aggregation.P99), 0);
        assertEquals(0.1, agg(s, "1m", Aggregation.RATE), 1e-9);
        // the 5 m window holds all ten
        assertEquals(5.5, agg(s, "5m", Aggregation.AVG), 1e-9);
        assertEquals(10, agg(s, "5m", Aggregation.COUNT), 0);
        assertEquals(Instant.parse("2026-01-01T00:01:40Z"), s.lastSampleAt("svc", "m").orElseThrow());
    }

    @Test
    public void anEmptyWindowHasNoValueAndARateNeedsTwoSamples() throws Exception {
        TimeSeriesStore s = store();
        assertFalse(s.aggregate("svc", "m", Duration.ofMinutes(1), Aggregation.AVG).isPresent());
        clock.advance(TEN_S);
        s.record("svc", "m", 3, TEN_S);
        assertEquals(3, agg(s, "1m", Aggregation.AVG), 0);
        assertFalse(s.aggregate("svc", "m", Duration.ofMinutes(1), Aggregation.RATE).isPresent());
        clock.advance(Duration.ofMinutes(2));
        assertFalse(s.aggregate("svc", "m", Duration.ofMinutes(1), Aggregation.AVG).isPresent());
        assertFalse(s.aggregate("svc", "m", Duration.ofMinutes(1), Aggregation.COUNT).isPresent());
        assertEquals(3, agg(s, "5m", Aggregation.AVG), 0);
        assertFalse(s.aggregate("svc", "other", Duration.ofMinutes(5), Aggregation.AVG).isPresent());
    }

    @Test
    public void aRateCountsARestartedCounterFromZero() throws Exception {
        TimeSeriesStore s = store();
        for (double v : new double[] {100, 110, 5, 15}) {
            clock.advance(TEN_S);
            s.record("svc", "m", v, TEN_S);
        }
        // increases 10, 5 (restart from 0), 10 over 30 s
        assertEquals(25.0 / 30, agg(s, "1m", Aggregation.RATE), 1e-9);
    }

    /** Samples every 10 s for 10 minutes, value 10 * minute + k (k = 0..5 within the minute). */
    private void tenMinutes(TimeSeriesStore s) {
        for (int m = 0; m < 10; m++) {
            for (int k = 0; k < 6; k++) {
                if (m > 0 || k > 0) {
                    clock.advance(TEN_S);
                }
                s.record("svc", "m", 10 * m + k, TEN_S);
            }
        }
        assertEquals(T0.plusSeconds(9 * 60 + 50), clock.instant());
    }

    @Test
    public void aWindowLongerThanTheRawSamplesUsesTheMinuteBucketsThatOverlapIt() throws Exception {
        TimeSeriesStore s = store(tmp.newFolder().toPath(), Duration.ofMinutes(2), Duration.ofHours(1));
        tenMinutes(s);
        // 5 m: (T0+4m50s, T0+9m50s] overlaps the buckets of minutes 4..9, 36 samples
        assertEquals(36, agg(s, "5m", Aggregation.COUNT), 0);
        assertEquals(67.5, agg(s, "5m", Aggregation.AVG), 1e-9);
        assertEquals(40, agg(s, "5m", Aggregation.MIN), 0);
        assertEquals(95, agg(s, "5m", Aggregation.MAX), 0);
        assertEquals(36 * 67.5, agg(s, "5m", Aggregation.SUM), 1e-9);
        assertEquals(95, agg(s, "5m", Aggregation.LAST), 0);
        // percentiles of the minute means (42.5, 52.5, ... 92.5), each weighing 6 samples
        assertEquals(62.5, agg(s, "5m", Aggregation.P50), 1e-9);
        assertEquals(92.5, agg(s, "5m", Aggregation.P95), 1e-9);
        // counter rate from the buckets' last values: 45 -> 95 over 5 minutes
        assertEquals(50.0 / 300, agg(s, "5m", Aggregation.RATE), 1e-9);
        // 1 m fits in the 2 m of raw samples: (T0+8m50s, T0+9m50s] holds minute 9's six samples
        assertEquals(6, agg(s, "1m", Aggregation.COUNT), 0);
        assertEquals(92.5, agg(s, "1m", Aggregation.AVG), 1e-9);

        List<PointDTO> minutes = s.points("svc", "m", Duration.ofMinutes(5));
        assertEquals(6, minutes.size());
        assertEquals(new PointDTO(T0.plusSeconds(4 * 60), 42.5, 40, 45), minutes.get(0));
        assertEquals(new PointDTO(T0.plusSeconds(9 * 60), 92.5, 90, 95), minutes.get(5));
        List<PointDTO> raw = s.points("svc", "m", Duration.ofMinutes(1));
        assertEquals(6, raw.size());
        assertEquals(new PointDTO(T0.plusSeconds(9 * 60), 90, 90, 90), raw.get(0));
    }

    @Test
    public void historyPastTheRetentionIsDropped() throws Exception {
        TimeSeriesStore s = store(tmp.newFolder().toPath(), Duration.ofMinutes(2), Duration.ofMinutes(30));
        tenMinutes(s);
        assertEquals(60, agg(s, "1h", Aggregation.COUNT), 0);
        clock.advance(Duration.ofMinutes(35));
        s.record("svc", "m", 1000, TEN_S);
        // the ten first minutes are more than 30 minutes old now
        assertEquals(1, agg(s, "1h", Aggregation.COUNT), 0);
        assertEquals(1000, agg(s, "1h", Aggregation.MIN), 0);
    }

    @Test
    public void theRawRingHoldsTheRawWindowAtTheGatherersInterval() throws Exception {
        TimeSeriesStore s = store();
        assertEquals(91, s.rawCapacity(TEN_S));
        assertEquals(TimeSeriesStore.MAX_RAW, s.rawCapacity(Duration.ofMillis(100)));
        assertEquals(TimeSeriesStore.MIN_RAW, s.rawCapacity(Duration.ofMinutes(10)));
        // a gatherer faster than its series was sized for: the ring drops the oldest, the buckets keep the count
        TimeSeriesStore small = store(tmp.newFolder().toPath(), Duration.ofMinutes(15), Duration.ofHours(1));
        for (int k = 0; k < 100; k++) {
            clock.advance(Duration.ofSeconds(1));
            small.record("svc", "m", k, Duration.ofMinutes(5)); // sized for 5 min: 8 samples
        }
        // 100 s of samples; 8 raw ones held; the 1 m window no longer fits the ring and comes from the buckets
        assertEquals(8, small.points("svc", "m", Duration.ofSeconds(8)).size());
        assertEquals(100, agg(small, "5m", Aggregation.COUNT), 0);
    }

    @Test
    public void aSnapshotCarriesTheSeriesOverARestart() throws Exception {
        Path dir = tmp.getRoot().toPath().resolve("home").resolve("elasticity");
        TimeSeriesStore before = store(dir, Duration.ofMinutes(2), Duration.ofHours(1));
        tenMinutes(before);
        before.record("other", "cpu", 0.5, TEN_S);
        before.snapshot();
        Path file = dir.resolve(TimeSeriesStore.SNAPSHOT);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertFalse(Files.exists(dir.resolve(TimeSeriesStore.SNAPSHOT + ".tmp")));

        clock.advance(Duration.ofSeconds(30)); // the platform was down for 30 s
        TimeSeriesStore after = store(dir, Duration.ofMinutes(2), Duration.ofHours(1));
        assertEquals(value(before.aggregate("svc", "m", Duration.ofMinutes(5), Aggregation.AVG)),
                agg(after, "5m", Aggregation.AVG), 0);
        assertEquals(value(before.aggregate("svc", "m", Duration.ofMinutes(2), Aggregation.COUNT)),
                agg(after, "2m", Aggregation.COUNT), 0);
        assertEquals(before.points("svc", "m", Duration.ofMinutes(10)), after.points("svc", "m",
                Duration.ofMinutes(10)));
        assertEquals(0.5, value(after.aggregate("other", "cpu", Duration.ofMinutes(1), Aggregation.LAST)), 0);
        // samples go on into the series read back
        clock.advance(TEN_S);
        after.record("svc", "m", 200, TEN_S);
        assertEquals(200, agg(after, "1m", Aggregation.MAX), 0);

        // read back after the retention: nothing left
        after.snapshot();
        clock.advance(Duration.ofHours(2));
        TimeSeriesStore late = store(dir, Duration.ofMinutes(2), Duration.ofHours(1));
        assertTrue(late.serviceIds().isEmpty());
    }

    @Test
    public void aDamagedSnapshotIsSetAsideAndTheHistoryStartsEmpty() throws Exception {
        Path dir = tmp.newFolder().toPath();
        TimeSeriesStore before = store(dir, Duration.ofMinutes(2), Duration.ofHours(1));
        tenMinutes(before);
        before.snapshot();
        Path file = dir.resolve(TimeSeriesStore.SNAPSHOT);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(file, bytes);
        TimeSeriesStore after = store(dir, Duration.ofMinutes(2), Duration.ofHours(1));
        assertTrue(after.serviceIds().isEmpty());
        assertTrue(Files.exists(dir.resolve(TimeSeriesStore.SNAPSHOT + ".damaged")));
        assertFalse(Files.exists(file));
    }

    @Test
    public void theSeriesOfADeletedServiceAreDropped() throws Exception {
        TimeSeriesStore s = store();
        s.record("gone", "m", 1, TEN_S);
        s.record("kept", "m", 1, TEN_S);
        s.handleEvent(new Event(PlatformEvents.SERVICE_TOPIC_PREFIX + "DELETED",
                Map.of(PlatformEvents.SERVICE_ID, "gone")));
        assertEquals(java.util.Set.of("kept"), s.serviceIds());
    }
}
