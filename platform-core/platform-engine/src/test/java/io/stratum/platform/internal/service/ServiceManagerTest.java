package io.stratum.platform.internal.service;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.internal.runtime.NativeProcessRuntimes;
import io.stratum.platform.internal.sdp.Catalog;
import io.stratum.platform.internal.sdp.DescriptorReader;
import io.stratum.platform.internal.sdp.SdpEntry;
import io.stratum.platform.internal.store.Store;
import io.stratum.platform.internal.store.TestStores;
import io.stratum.sme.api.ConnectionInfo;
import io.stratum.sme.api.HealthState;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.ServiceHealth;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.SmeException;
import io.stratum.sme.api.TaskMonitor;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Engine calls are isolated: an engine that throws or hangs fails its call with a clear message. */
public class ServiceManagerTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Store store;
    private NativeProcessRuntimes runtimes;
    private Catalog catalog;
    private ServiceManager services;
    private ServiceRecord service;

    /** An engine whose behaviour each test sets. */
    private static class Engine implements ServiceManagementEngine {
        volatile RuntimeException provisionThrows;
        volatile CountDownLatch provisionBlocks;
        final AtomicBoolean sawCancellation = new AtomicBoolean();
        final CountDownLatch provisionEnded = new CountDownLatch(1);

        @Override
        public void provision(ServiceContext s, TaskMonitor m) throws SmeException {
            try {
                if (provisionThrows != null) {
                    throw provisionThrows;
                }
                if (provisionBlocks != null) {
                    try {
                        provisionBlocks.await();
                    } catch (InterruptedException e) {
                        sawCancellation.set(m.isCancelled());
                        throw new SmeException("interrupted");
                    }
                }
                s.properties().put("password", "secret");
            } finally {
                provisionEnded.countDown();
            }
        }

        @Override
        public void start(ServiceContext s, TaskMonitor m) {
        }

        @Override
        public void stop(ServiceContext s, TaskMonitor m) {
        }

        @Override
        public void unprovision(ServiceContext s, TaskMonitor m) {
        }

        @Override
        public ServiceHealth health(ServiceContext s) {
            throw new IllegalStateException("health check bug");
        }

        @Override
        public ConnectionInfo connectionInfo(ServiceContext s) {
            return new ConnectionInfo("test://" + s.name(), null, null, null);
        }
    }

    private final Engine engine = new Engine();

    @Before
    public void setUp() {
        store = TestStores.open(tmp.getRoot().toPath());
        runtimes = new NativeProcessRuntimes(store, 1000, 3_600_000, false);
        catalog = new Catalog(DescriptorReader.nativeOnly(), Duration.ofSeconds(10), Clock.systemUTC(), e -> { });
        catalog.engineAdded(1, "test", engine);
        String descriptor = "{\"name\": \"test-sdp\", \"serviceType\": \"test\", \"version\": \"1.0.0\","
                + " \"virtualization\": [\"native-process\"], \"plans\": [{\"name\": \"small\"}]}";
        catalog.bundleAdded(1, "test.bundle", "sdp.json",
                new ByteArrayInputStream(descriptor.getBytes(StandardCharsets.UTF_8)));
        services = new ServiceManager(store, catalog, runtimes, new ServiceManager.Settings(Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMillis(100),
                Duration.ZERO));
        service = services.repository().byId(TestStores.insertService(store, "svc")).orElseThrow();
    }

    @After
    public void tearDown() {
        services.deactivate();
        runtimes.deactivate();
        store.close();
    }

    private SdpEntry sdp() {
        return services.engineFor(service).orElseThrow();
    }

    private void provision(Duration timeout) throws Exception {
        services.invoke(service, sdp(), "provision", timeout, ServiceManager.NO_MONITOR, (e, c, m) -> {
            e.provision(c, m);
            return null;
        });
    }

    @Test
    public void aWorkingCallGetsAContextWithDurableProperties() throws Exception {
        provision(Duration.ofSeconds(5));
        assertEquals("secret", services.repository().property(service.id(), "password").orElseThrow());
        assertTrue(services.connectionInfo(service).orElseThrow().url().equals("test://svc"));
    }

    @Test
    public void anEngineThatThrowsFailsTheCallWithItsNameAndTheService() throws Exception {
        engine.provisionThrows = new IllegalStateException("bug in the engine");
        try {
            provision(Duration.ofSeconds(5));
            fail();
        } catch (SmeException e) {
            assertEquals("engine test-sdp 1.0.0 failed during provision of 'svc': "
                    + "java.lang.IllegalStateException: bug in the engine", e.getMessage());
            assertTrue("a bug is not worth retrying", !e.isTransient());
        }
    }

    @Test
    public void anEngineThatHangsIsAbandonedAfterItsTimeAndToldSo() throws Exception {
        engine.provisionBlocks = new CountDownLatch(1);
        long start = System.nanoTime();
        try {
            provision(Duration.ofMillis(300));
            fail();
        } catch (SmeException e) {
            assertEquals("engine test-sdp 1.0.0 did not finish provision of 'svc' within 0 s", e.getMessage());
        }
        assertTrue("the caller did not wait for the engine",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 5000);
        assertTrue(engine.provisionEnded.await(5, TimeUnit.SECONDS));
        assertTrue("the engine's monitor reported the cancellation", engine.sawCancellation.get());
    }

    @Test
    public void aThrowingHealthCheckIsReportedNotThrown() {
        ServiceHealth h = services.health(service);
        assertEquals(HealthState.UNKNOWN, h.state());
        assertTrue(h.message(), h.message().contains("health check bug"));
    }

    @Test
    public void withoutAnEngineHealthIsUnknownAndJobsWaitThenGiveUp() throws Exception {
        catalog.bundleRemoved(1);
        assertEquals(HealthState.UNKNOWN, services.health(service).state());
        assertTrue(services.health(service).message().contains("no engine"));
        try {
            services.awaitEngine(service);
            fail();
        } catch (io.stratum.platform.internal.orchestration.Failures.TransientException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("install its SDP"));
        }
    }
}
