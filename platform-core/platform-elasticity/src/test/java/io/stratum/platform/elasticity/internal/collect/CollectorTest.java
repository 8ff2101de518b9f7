package io.stratum.platform.elasticity.internal.collect;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.ServiceState;
import io.stratum.platform.elasticity.internal.ElasticitySettings;
import io.stratum.platform.elasticity.internal.FakeServices;
import io.stratum.platform.elasticity.internal.TestClock;
import io.stratum.platform.elasticity.internal.series.MetricHistory.Aggregation;
import io.stratum.platform.elasticity.internal.series.TimeSeriesStore;
import io.stratum.sme.api.MetricsEngine;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.SmeException;
import io.stratum.sme.api.metrics.MetricGatherer;
import io.stratum.sme.api.metrics.MetricInfo;
import io.stratum.sme.api.metrics.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The collector with gatherers and engines that record what they are asked, over the real time series store: which
 * services each source is asked about, where samples go, and that a failing or hanging source is logged once and
 * does not stop the others.
 */
public class CollectorTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeServices services = new FakeServices();
    private final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    private TimeSeriesStore store;
    private Collector collector;

    @Before
    public void setUp() throws Exception {
        ElasticitySettings settings = new ElasticitySettings(Duration.ofHours(1), Duration.ofMinutes(15),
                Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ofSeconds(5));
        store = newStore(settings);
        collector = new Collector(store, services, settings, warnings::add, false);
        services.add("app1", "a1", "acme", "app1", "appserver", "1.0.0", 1, ServiceState.RUNNING);
        services.add("app2", "a1", "acme", "app2", "appserver", "1.0.0", 1, ServiceState.STOPPED);
        services.add("db", "a1", "acme", "db", "database", "1.0.0", 1, ServiceState.RUNNING);
        services.add("lb", "a1", "acme", "lb", "webtier", "1.0.0", 1, ServiceState.RUNNING);
    }

    private TimeSeriesStore newStore(ElasticitySettings settings) throws Exception {
        return new TimeSeriesStore(tmp.newFolder().toPath(), settings, clock, services);
    }

    @After
    public void tearDown() {
        collector.deactivate();
    }

    /** A gatherer that records whom it is asked about and answers with {@code answer}. */
    private static final class Recording implements MetricGatherer {
        final List<List<String>> asked = Collections.synchronizedList(new ArrayList<>());
        final List<MetricInfo> metrics;
        volatile Function<List<ServiceContext>, List<Sample>> answer;
        volatile Duration interval = Duration.ofSeconds(5);

        Recording(Function<List<ServiceContext>, List<Sample>> answer, String... metrics) {
            this.answer = answer;
            this.metrics = new ArrayList<>();
            for (String m : metrics) {
                this.metrics.add(new MetricInfo(m, "u", "the " + m));
            }
        }

        @Override
        public List<MetricInfo> metrics() {
            return metrics;
        }

        @Override
        public Duration interval() {
            return interval;
        }

        @Override
        public List<Sample> gather(List<ServiceContext> services) throws SmeException {
            asked.add(services.stream().map(ServiceContext::name).sorted().toList());
            return answer.apply(services);
        }
    }

    private double last(String serviceId, String metric) {
        OptionalDouble d = store.aggregate(serviceId, metric, Duration.ofMinutes(1), Aggregation.LAST);
        assertTrue("no sample of " + metric + " for " + serviceId, d.isPresent());
        return d.getAsDouble();
    }

    private List<String> warningsAbout(String text) {
        synchronized (warnings) {
            return warnings.stream().filter(w -> w.contains(text)).toList();
        }
    }

    @Test
    public void aGathererIsAskedAboutTheRunningServicesOfItsTypeAndItsSamplesGoToTheServicesTheyName() {
        Recording typed = new Recording(cs -> List.of(new Sample("acme", "app1", "cpu", 0.5),
                new Sample("acme", "db", "cpu", 0.7)), "cpu");
        Recording everyType = new Recording(cs -> cs.stream().map(c -> new Sample(c.account(), c.name(), "mem",
                100)).toList(), "mem");
        collector.addGatherer(typed, Map.of(MetricGatherer.SERVICE_TYPE, "appserver"));
        collector.addGatherer(everyType, Map.of());
        collector.gatherNow();
        assertEquals(List.of(List.of("app1")), typed.asked);
        assertEquals(List.of(List.of("app1", "db", "lb")), everyType.asked);
        assertEquals(0.5, last("app1", "cpu"), 0);
        assertEquals(0.7, last("db", "cpu"), 0); // reported for a service it was not asked about
        assertEquals(100, last("lb", "mem"), 0);
        assertFalse(store.aggregate("app2", "mem", Duration.ofMinutes(1), Aggregation.LAST).isPresent());
        assertTrue(warnings.toString(), warnings.isEmpty());

        collector.removeGatherer(typed);
        collector.gatherNow();
        assertEquals(1, typed.asked.size());
        assertEquals(2, everyType.asked.size());
    }

    @Test
    public void aMetricTheGathererDoesNotDeclareAndAnUnknownServiceAreIgnored() {
        Recording g = new Recording(cs -> List.of(new Sample("acme", "app1", "cpu", 1),
                new Sample("acme", "app1", "secret.metric", 2), new Sample("acme", "nosuch", "cpu", 3),
                new Sample("other", "app1", "cpu", 4)), "cpu");
        collector.addGatherer(g, Map.of());
        for (int i = 0; i < 3; i++) {
            collector.gatherNow();
        }
        assertEquals(1, last("app1", "cpu"), 0);
        assertEquals(java.util.Set.of("cpu"), store.metrics("app1"));
        assertEquals(warnings.toString(), 1, warningsAbout("'secret.metric'").size());
    }

    @Test
    public void aThrowingGathererIsLoggedOnceAndDoesNotStopTheOthers() {
        Recording bad = new Recording(cs -> {
            throw new IllegalStateException("the agent is down");
        }, "cpu");
        Recording good = new Recording(cs -> List.of(new Sample("acme", "db", "mem", 5)), "mem");
        collector.addGatherer(bad, Map.of());
        collector.addGatherer(good, Map.of());
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(5));
            collector.gatherNow();
        }
        assertEquals(3, bad.asked.size());
        assertEquals(warnings.toString(), 1, warningsAbout("the agent is down").size());
        assertEquals(3, store.aggregate("db", "mem", Duration.ofMinutes(1), Aggregation.COUNT).getAsDouble(), 0);

        bad.answer = cs -> List.of(new Sample("acme", "app1", "cpu", 9));
        collector.gatherNow();
        assertEquals(9, last("app1", "cpu"), 0);
        bad.answer = cs -> {
            throw new IllegalStateException("the agent is down");
        };
        collector.gatherNow();
        assertEquals("a problem that comes back is logged again", 2, warningsAbout("the agent is down").size());
    }

    @Test
    public void aHangingGathererIsAbandonedAfterTheTimeLimitAndNotCalledAgainUntilItReturns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Recording hanging = new Recording(cs -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                interrupted.countDown();
                try {
                    release.await(); // ignores the interrupt, as a badly written gatherer would
                } catch (InterruptedException again) {
                    Thread.currentThread().interrupt();
                }
            }
            return List.of(new Sample("acme", "app1", "cpu", 1));
        }, "cpu");
        Recording good = new Recording(cs -> List.of(new Sample("acme", "db", "mem", 5)), "mem");
        collector.addGatherer(hanging, Map.of());
        collector.addGatherer(good, Map.of());
        long start = System.nanoTime();
        collector.gatherNow();
        assertTrue("the round waited only for the time limit", System.nanoTime() - start
                < TimeUnit.SECONDS.toNanos(3));
        assertTrue("the abandoned call was interrupted", interrupted.await(5, TimeUnit.SECONDS));
        assertEquals(warnings.toString(), 1, warningsAbout("took longer than 300 ms").size());
        assertEquals(5, last("db", "mem"), 0);
        collector.gatherNow();
        collector.gatherNow();
        assertEquals("not called while its call hangs", 1, hanging.asked.size());
        assertEquals(warnings.toString(), 1, warningsAbout("has not returned").size());
        assertEquals(3, good.asked.size());
        release.countDown();
        // once its call returned, it is called again
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (hanging.asked.size() < 2 && System.nanoTime() < deadline) {
            collector.gatherNow();
        }
        assertEquals(2, hanging.asked.size());
    }

    @Test
    public void eachSourceRunsOnItsOwnIntervalUntilItGoes() throws Exception {
        ElasticitySettings settings = new ElasticitySettings(Duration.ofHours(1), Duration.ofMinutes(15),
                Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ofSeconds(5));
        Collector scheduled = new Collector(store, services, settings, warnings::add, true);
        try {
            Recording every1s = new Recording(cs -> List.of(new Sample("acme", "db", "mem", 5)), "mem");
            every1s.interval = Duration.ofSeconds(1);
            Recording every1h = new Recording(cs -> List.of(), "cpu");
            every1h.interval = Duration.ofHours(1);
            scheduled.addGatherer(every1s, Map.of());
            scheduled.addGatherer(every1h, Map.of());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (every1s.asked.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(every1s.asked.size() >= 3);
            assertEquals("called at once, then hourly", 1, every1h.asked.size());
            assertEquals(5, last("db", "mem"), 0);
        } finally {
            scheduled.deactivate();
        }
    }

    /** An SDP's engine that records whom it samples. */
    private static final class Engine implements MetricsEngine {
        final List<String> sampled = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Map<String, Double> sample(ServiceContext service) throws SmeException {
            sampled.add(service.name());
            if (service.name().equals("broken")) {
                throw new SmeException("cannot reach " + service.name());
            }
            return Map.of("http.requests.rate", 12.5, "undeclared", 1.0);
        }
    }

    @Test
    public void anEngineSamplesTheServicesWhoseEngineItIsAndOnlyWhatItsDescriptorDeclares() {
        services.sdp("appserver", "1.0.0", FakeServices.metrics("http.requests.rate"));
        services.sdp("appserver", "1.1.0", FakeServices.metrics("http.requests.rate"));
        services.sdp("appserver", "2.0.0", FakeServices.metrics("http.requests.rate"));
        services.add("app3", "a1", "acme", "app3", "appserver", "1.1.0", 1, ServiceState.RUNNING);
        services.add("app4", "a1", "acme", "app4", "appserver", "2.0.0", 1, ServiceState.RUNNING);
        services.add("broken", "a1", "acme", "broken", "appserver", "1.0.0", 1, ServiceState.RUNNING);
        Engine v1 = new Engine();
        Engine v2 = new Engine();
        collector.addEngine(v1, Map.of(ServiceManagementEngine.SERVICE_TYPE, "appserver",
                ServiceManagementEngine.SDP_VERSION, "1.0.0"));
        collector.addEngine(v2, Map.of(ServiceManagementEngine.SERVICE_TYPE, "appserver",
                ServiceManagementEngine.SDP_VERSION, "2.0.0"));
        collector.gatherNow();
        collector.gatherNow();
        // app3 (1.1.0) has no engine of its version: the newest of major 1 samples it
        assertEquals(List.of("app1", "app3", "broken"), v1.sampled.stream().distinct().sorted().toList());
        assertEquals(List.of("app4"), v2.sampled.stream().distinct().toList());
        assertEquals(12.5, last("app1", "http.requests.rate"), 0);
        assertEquals(12.5, last("app4", "http.requests.rate"), 0);
        assertEquals(java.util.Set.of("http.requests.rate"), store.metrics("app1"));
        assertEquals(warnings.toString(), 1, warningsAbout("cannot reach broken").size());
        assertTrue(warnings.toString(), warningsAbout("'undeclared'").size() >= 1);
    }

    @Test
    public void theCatalogOfAServiceHasItsTypesGatherersItsSdpsMetricsAndWhatWasRecordedForIt() {
        services.sdp("appserver", "1.0.0", FakeServices.metrics("http.requests.rate"));
        Recording forApps = new Recording(cs -> List.of(), "jvm.heap");
        Recording forAll = new Recording(cs -> List.of(), "process.cpu");
        Recording forLbs = new Recording(cs -> List.of(new Sample("acme", "app1", "http.latency.p95", 20)),
                "http.latency.p95", "lb.connections");
        collector.addGatherer(forApps, Map.of(MetricGatherer.SERVICE_TYPE, "appserver"));
        collector.addGatherer(forAll, Map.of());
        collector.addGatherer(forLbs, Map.of(MetricGatherer.SERVICE_TYPE, "webtier"));
        collector.gatherNow();
        Map<String, MetricInfo> app = collector.catalog(services.find("app1").orElseThrow());
        assertEquals(java.util.Set.of("jvm.heap", "process.cpu", "http.requests.rate", "http.latency.p95"),
                app.keySet());
        assertEquals("u", app.get("http.latency.p95").unit());
        assertEquals(java.util.Set.of("process.cpu"), collector.catalog(services.find("db").orElseThrow()).keySet());
    }

    @Test
    public void aServiceHasTheMetricsOfItsProvidersGatherersBeforeTheyReportAnything() {
        // the web tier's gatherer reports the request rate of the services it routes to: an alert on it may be
        // written as soon as the service has a web tier, not only once load has come
        Recording forLbs = new Recording(cs -> List.of(), "http.requests.rate");
        collector.addGatherer(forLbs, Map.of(MetricGatherer.SERVICE_TYPE, "webtier"));
        assertFalse(collector.catalog(services.find("app1").orElseThrow()).containsKey("http.requests.rate"));
        services.providers("app1", Map.of("webtier", "lb"));
        assertTrue(collector.catalog(services.find("app1").orElseThrow()).containsKey("http.requests.rate"));
        assertFalse(collector.catalog(services.find("db").orElseThrow()).containsKey("http.requests.rate"));
    }
}
