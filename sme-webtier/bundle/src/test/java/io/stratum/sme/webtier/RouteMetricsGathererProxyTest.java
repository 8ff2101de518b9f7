package io.stratum.sme.webtier;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.stratum.sme.api.Dependant;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.metrics.Sample;
import io.stratum.testkit.sme.EngineFixtures;
import io.stratum.testkit.sme.FakeService;
import io.stratum.testkit.sme.LocalRuntimes;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The route gatherer reading a real proxy process that forwards real HTTP requests to a real backend; the gatherer's
 * clock is the test's, so that rates are exact.
 */
public class RouteMetricsGathererProxyTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private LocalRuntimes runtimes;
    private FakeService lb;
    private WebTierEngine engine;
    private HttpServer backend;
    private final ProxyAdmin admin = new ProxyAdmin();
    private final AtomicLong nanos = new AtomicLong();
    private RouteMetricsGatherer gatherer;

    @Before
    public void setUp() throws Exception {
        runtimes = new LocalRuntimes(tmp.newFolder("runtimes").toPath());
        List<URL> jars = EngineFixtures.jarsIn(Path.of("target/classes/runtime"));
        engine = new WebTierEngine(() -> jars);
        lb = new FakeService("lb-id", "lb", tmp.newFolder("data").toPath(),
                Map.of("heapMb", "64", "healthIntervalMs", "200"), runtimes);
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        backend.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        backend.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            try {
                if (path.equals("/slow")) {
                    Thread.sleep(250);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(path.equals("/fail") ? 500 : 200, -1);
            exchange.close();
        });
        backend.start();
        gatherer = new RouteMetricsGatherer(admin::metricsAsync, nanos::get);
    }

    @After
    public void tearDown() {
        runtimes.killAll();
        backend.stop(0);
        ((java.util.concurrent.ExecutorService) backend.getExecutor()).shutdownNow();
    }

    private static int status(String url) throws Exception {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        try {
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }

    private Map<String, Double> gatherIn(long seconds) {
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
        Map<String, Double> out = new TreeMap<>();
        for (Sample s : gatherer.gather(List.<ServiceContext>of(lb))) {
            assertEquals("the route's dependant: " + s, "notes", s.service());
            assertEquals(lb.account(), s.account());
            assertTrue(s + " is never negative", s.value() >= 0);
            out.put(s.metric(), s.value());
        }
        return out;
    }

    /** Waits until the proxy has recorded the latency of every request sent (it may do so after the answer). */
    private void awaitLatencies(long count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String seen = "";
        while (System.nanoTime() < deadline) {
            seen = admin.metrics(runtimes.status(WebTierEngine.RUNTIME).orElseThrow())
                    .getProperty("route.notes.latency.count", "");
            if (seen.equals(Long.toString(count))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the proxy recorded " + seen + " latencies, not " + count);
    }

    @Test
    public void reportsTheRequestRateErrorsAndLatencyOfTheServiceARouteLeadsTo() throws Exception {
        engine.provision(lb, EngineFixtures.QUIET);
        engine.associate(lb, new Dependant("notes-id", "notes", "appserver", Map.of("backends",
                "http://127.0.0.1:" + backend.getAddress().getPort(), "healthPath", "/")), EngineFixtures.QUIET);
        String url = engine.connectionInfo(lb).url(); // the first route is the default: any host reaches notes

        Map<String, Double> first = gatherIn(0);
        assertEquals(Map.of(RouteMetricsGatherer.INFLIGHT, 0.0, RouteMetricsGatherer.HEALTHY, 1.0), first);

        for (int i = 0; i < 80; i++) {
            assertEquals(200, status(url + "fast"));
        }
        for (int i = 0; i < 10; i++) {
            assertEquals(500, status(url + "fail"));
        }
        for (int i = 0; i < 10; i++) {
            assertEquals(200, status(url + "slow"));
        }
        awaitLatencies(100);
        Map<String, Double> m = gatherIn(5);
        assertEquals("100 requests in 5 s", 20.0, m.get(RouteMetricsGatherer.REQUESTS), 1e-9);
        assertEquals(2.0, m.get(RouteMetricsGatherer.ERRORS), 1e-9);
        assertEquals(0.1, m.get(RouteMetricsGatherer.ERROR_RATIO), 1e-9);
        assertTrue("most requests are fast: " + m, m.get(RouteMetricsGatherer.P50) < 100);
        assertTrue("the slowest 10% took 250 ms: " + m, m.get(RouteMetricsGatherer.P95) >= 220
                && m.get(RouteMetricsGatherer.P95) < 2000);
        assertTrue(m.toString(), m.get(RouteMetricsGatherer.P99) >= m.get(RouteMetricsGatherer.P95));
        assertEquals(1.0, m.get(RouteMetricsGatherer.HEALTHY), 0);

        // the next interval has only fast requests: its percentiles forget the slow ones
        for (int i = 0; i < 20; i++) {
            assertEquals(200, status(url + "fast"));
        }
        awaitLatencies(120);
        Map<String, Double> fast = gatherIn(10);
        assertEquals(2.0, fast.get(RouteMetricsGatherer.REQUESTS), 1e-9);
        assertEquals(0.0, fast.get(RouteMetricsGatherer.ERROR_RATIO), 0);
        assertTrue("over the interval, not since the start: " + fast, fast.get(RouteMetricsGatherer.P99) < 200);

        // the proxy restarts: its counters start again at 0, which is no negative rate
        engine.stop(lb, EngineFixtures.QUIET);
        engine.start(lb, EngineFixtures.QUIET);
        for (int i = 0; i < 3; i++) {
            assertEquals(200, status(url + "fast"));
        }
        awaitLatencies(3);
        Map<String, Double> restarted = gatherIn(5);
        assertFalse("no previous reading of the new counters: " + restarted,
                restarted.containsKey(RouteMetricsGatherer.REQUESTS));
        for (int i = 0; i < 15; i++) {
            assertEquals(200, status(url + "fast"));
        }
        awaitLatencies(18);
        assertEquals(3.0, gatherIn(5).get(RouteMetricsGatherer.REQUESTS), 1e-9);
    }
}
