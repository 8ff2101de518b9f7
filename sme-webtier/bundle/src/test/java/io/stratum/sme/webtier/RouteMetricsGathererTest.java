package io.stratum.sme.webtier;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.metrics.Sample;
import io.stratum.testkit.sme.FakeService;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/** The arithmetic of the route gatherer over proxy readings written by the test, at times the test chooses. */
public class RouteMetricsGathererTest {

    private final RouteMetricsGatherer gatherer = new RouteMetricsGatherer(r -> {
        throw new AssertionError("no proxy in this test");
    }, () -> 0);
    private final ServiceContext lb = new FakeService("lb-id", "lb", Path.of("lb"), Map.of(), null);
    private final ServiceContext lb2 = new FakeService("lb2-id", "lb2", Path.of("lb2"), Map.of(), null);

    /** A proxy's /metrics with one route per entry: since, requests, errors, histogram, inflight, healthy. */
    private static Properties proxy(String... routes) throws IOException {
        StringBuilder text = new StringBuilder("routes=" + routes.length + "\n");
        for (String route : routes) {
            String[] f = route.split(" ", -1);
            String p = "route." + f[0] + ".";
            text.append(p).append("hosts=").append(f[0]).append(".localhost\n")
                    .append(p).append("since=").append(f[1]).append('\n')
                    .append(p).append("requests=").append(f[2]).append('\n')
                    .append(p).append("errors=").append(f[3]).append('\n')
                    .append(p).append("latency.histogram=").append(f[4]).append('\n')
                    .append(p).append("inflight=").append(f[5]).append('\n')
                    .append(p).append("backends=3\n")
                    .append(p).append("backends.healthy=").append(f[6]).append('\n');
        }
        Properties p = new Properties();
        p.load(new StringReader(text.toString()));
        return p;
    }

    private static long seconds(double s) {
        return (long) (s * TimeUnit.SECONDS.toNanos(1));
    }

    private List<Sample> read(long atNanos, Object... tiersAndReadings) {
        Map<ServiceContext, Properties> read = new LinkedHashMap<>();
        for (int i = 0; i < tiersAndReadings.length; i += 2) {
            read.put((ServiceContext) tiersAndReadings[i], (Properties) tiersAndReadings[i + 1]);
        }
        return gatherer.samples(read, Set.of("lb-id", "lb2-id"), atNanos);
    }

    private static Map<String, Double> of(List<Sample> samples, String service) {
        Map<String, Double> out = new TreeMap<>();
        for (Sample s : samples) {
            if (s.service().equals(service)) {
                assertEquals("default", s.account());
                assertTrue("one sample per metric: " + samples, out.put(s.metric(), s.value()) == null);
                assertTrue(s + " is never negative", s.value() >= 0);
            }
        }
        return out;
    }

    @Test
    public void ratesAndPercentilesAreThoseOfTheRequestsBetweenTwoReadings() throws IOException {
        Map<String, Double> first = of(read(seconds(10), lb, proxy("notes 1000 10 1 1000:10 0 2")), "notes");
        assertEquals("no previous reading: only what is true now",
                Map.of(RouteMetricsGatherer.INFLIGHT, 0.0, RouteMetricsGatherer.HEALTHY, 2.0), first);

        // 5 s later: 100 more requests, 10 more errors; 90 latencies in [8192, 9216) µs and 10 in [196608, 212992)
        Map<String, Double> m = of(read(seconds(15), lb,
                proxy("notes 1000 110 11 1000:10,8192:90,196608:10 3 2")), "notes");
        assertEquals(20.0, m.get(RouteMetricsGatherer.REQUESTS), 1e-9);
        assertEquals(2.0, m.get(RouteMetricsGatherer.ERRORS), 1e-9);
        assertEquals(0.1, m.get(RouteMetricsGatherer.ERROR_RATIO), 1e-9);
        assertEquals("rank 50 of 90 in the first bucket", (8192 + 1024 * 50 / 90.0) / 1000,
                m.get(RouteMetricsGatherer.P50), 1e-9);
        assertEquals("rank 95: 5th of 10 in the last", (196608 + 16384 * 5 / 10.0) / 1000,
                m.get(RouteMetricsGatherer.P95), 1e-9);
        assertEquals((196608 + 16384 * 9 / 10.0) / 1000, m.get(RouteMetricsGatherer.P99), 1e-9);
        assertEquals(3.0, m.get(RouteMetricsGatherer.INFLIGHT), 0);
        assertEquals(2.0, m.get(RouteMetricsGatherer.HEALTHY), 0);
    }

    @Test
    public void anIdleServiceHasNoRequestsNoErrorsAndNoLatency() throws IOException {
        read(seconds(0), lb, proxy("notes 1000 10 1 1000:10 0 1"));
        Map<String, Double> idle = of(read(seconds(5), lb, proxy("notes 1000 10 1 1000:10 0 1")), "notes");
        assertEquals(0.0, idle.get(RouteMetricsGatherer.REQUESTS), 0);
        assertEquals(0.0, idle.get(RouteMetricsGatherer.ERRORS), 0);
        assertEquals(0.0, idle.get(RouteMetricsGatherer.ERROR_RATIO), 0);
        assertFalse(idle.toString(), idle.containsKey(RouteMetricsGatherer.P95));
    }

    @Test
    public void countersThatRestartedNeverGiveANegativeRateAndCountAgainFromTheNextReading() throws IOException {
        read(seconds(0), lb, proxy("notes 1000 500 50 1000:500 0 1"));
        // the proxy restarted: new counters, fewer requests
        Map<String, Double> restarted = of(read(seconds(5), lb, proxy("notes 2000 20 0 1000:20 0 1")), "notes");
        assertFalse(restarted.toString(), restarted.containsKey(RouteMetricsGatherer.REQUESTS));
        assertFalse(restarted.toString(), restarted.containsKey(RouteMetricsGatherer.P50));
        assertEquals(1.0, restarted.get(RouteMetricsGatherer.HEALTHY), 0);
        Map<String, Double> after = of(read(seconds(10), lb, proxy("notes 2000 70 5 1000:70 0 1")), "notes");
        assertEquals(10.0, after.get(RouteMetricsGatherer.REQUESTS), 1e-9);
        assertEquals(1.0, after.get(RouteMetricsGatherer.ERRORS), 1e-9);

        // restarted with more requests than before, within one interval: its 'since' tells
        Map<String, Double> again = of(read(seconds(15), lb, proxy("notes 3000 900 5 1000:900 0 1")), "notes");
        assertFalse(again.toString(), again.containsKey(RouteMetricsGatherer.REQUESTS));
        // a proxy without 'since' (an older launcher): a counter that went down tells
        read(seconds(20), lb, proxy("notes  100 5 1000:100 0 1"));
        Map<String, Double> down = of(read(seconds(25), lb, proxy("notes  40 5 1000:40 0 1")), "notes");
        assertFalse(down.toString(), down.containsKey(RouteMetricsGatherer.REQUESTS));
    }

    @Test
    public void aServiceBehindTwoWebTiersGetsOneSampleOfEachMetricOverBoth() throws IOException {
        read(seconds(0), lb, proxy("notes 1 0 0  0 2", "wiki 1 0 0  0 1"), lb2, proxy("notes 1 0 0  0 2"));
        List<Sample> samples = read(seconds(2), lb, proxy("notes 1 20 2 8192:20 1 2", "wiki 1 4 0 8192:4 0 1"),
                lb2, proxy("notes 1 10 0 196608:10 4 2"));
        Map<String, Double> notes = of(samples, "notes");
        assertEquals(15.0, notes.get(RouteMetricsGatherer.REQUESTS), 1e-9);
        assertEquals(1.0, notes.get(RouteMetricsGatherer.ERRORS), 1e-9);
        assertEquals(1 / 15.0, notes.get(RouteMetricsGatherer.ERROR_RATIO), 1e-9);
        assertEquals("rank 30 of all 30 requests: the top of the slow bucket", (196608 + 16384) / 1000.0,
                notes.get(RouteMetricsGatherer.P99), 1e-9);
        assertEquals(5.0, notes.get(RouteMetricsGatherer.INFLIGHT), 0);
        assertEquals("the same backends seen by both", 2.0, notes.get(RouteMetricsGatherer.HEALTHY), 0);
        assertEquals(2.0, of(samples, "wiki").get(RouteMetricsGatherer.REQUESTS), 1e-9);

        // a third web tier starts routing to it: no rate until that route has a previous reading
        ServiceContext lb3 = new FakeService("lb3-id", "lb3", Path.of("lb3"), Map.of(), null);
        Map<String, Double> partly = of(read(seconds(4), lb, proxy("notes 1 40 2 8192:40 0 2"),
                lb3, proxy("notes 1 7 0 8192:7 0 2")), "notes");
        assertFalse(partly.toString(), partly.containsKey(RouteMetricsGatherer.REQUESTS));
    }

    @Test
    public void routesThatAreGoneAndWebTiersNoLongerAskedAboutAreForgotten() throws IOException {
        read(seconds(0), lb, proxy("notes 1 0 0  0 1", "wiki 1 0 0  0 1"), lb2, proxy("blog 1 0 0  0 1"));
        assertEquals(3, gatherer.tracked());
        read(seconds(5), lb, proxy("notes 1 0 0  0 1")); // wiki dissociated; lb2 did not answer or was stopped
        assertEquals(2, gatherer.tracked());
        gatherer.samples(Map.of(lb, proxy("notes 1 0 0  0 1")), Set.of("lb-id"),
                seconds(10 + RouteMetricsGatherer.FORGET_AFTER_SECONDS));
        assertEquals(1, gatherer.tracked());
    }

    @Test
    public void percentilesInterpolateWithinTheProxysBuckets() {
        TreeMap<Long, Long> one = new TreeMap<>(Map.of(3L, 1L));
        assertEquals(0.004, RouteMetricsGatherer.percentileMs(one, 0.5), 1e-12);
        assertEquals(1, RouteMetricsGatherer.bucketWidth(7));
        assertEquals(1, RouteMetricsGatherer.bucketWidth(8));
        assertEquals(2, RouteMetricsGatherer.bucketWidth(16));
        assertEquals(64, RouteMetricsGatherer.bucketWidth(960));
        assertEquals(128, RouteMetricsGatherer.bucketWidth(1024));
    }
}
