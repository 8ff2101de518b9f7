package io.stratum.platform.internal.service;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.internal.runtime.NativeProcessRuntimes;
import io.stratum.platform.internal.sdp.Catalog;
import io.stratum.platform.internal.sdp.DescriptorReader;
import io.stratum.platform.internal.sdp.SdpEntry;
import io.stratum.platform.internal.store.Sql;
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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
        /** What its health check answers; {@code null}: it throws. */
        volatile ServiceHealth healthAnswer;

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
            if (healthAnswer != null) {
                return healthAnswer;
            }
            throw new IllegalStateException("health check bug");
        }

        @Override
        public ConnectionInfo connectionInfo(ServiceContext s) {
            return new ConnectionInfo("test://" + s.name(), null, null, null);
        }
    }

    private final Engine engine = new Engine();

    /** An engine whose health check hangs until released, and ignores interruption (like a stuck socket read). */
    private static final class Hanging extends Engine {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger entered = new AtomicInteger();

        @Override
        public ServiceHealth health(ServiceContext s) {
            entered.incrementAndGet();
            boolean interrupted = false;
            while (true) {
                try {
                    release.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return ServiceHealth.healthy("released");
        }
    }

    private final Hanging hanging = new Hanging();

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
        hanging.release.countDown();
        services.deactivate();
        runtimes.deactivate();
        store.close();
    }

    private static ByteArrayInputStream descriptor(String name, String type) {
        return new ByteArrayInputStream(("{\"name\": \"" + name + "\", \"serviceType\": \"" + type + "\","
                + " \"version\": \"1.0.0\", \"virtualization\": [\"native-process\"],"
                + " \"plans\": [{\"name\": \"small\"}]}").getBytes(StandardCharsets.UTF_8));
    }

    private static long engineCallThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("stratum-engine-call")).count();
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
            assertEquals("engine test-sdp 1.0.0 did not finish provision of 'svc' within 300 ms", e.getMessage());
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
    public void aHealthCheckThatKeepsFailingIsLoggedOnceUntilItAnswersAgain() {
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream logged = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(logged, true, StandardCharsets.UTF_8));
        try {
            for (int sweep = 0; sweep < 3; sweep++) {
                assertEquals(HealthState.UNKNOWN, services.health(service).state());
            }
            assertTrue(services.healthCheckFailing(service.id()));
            engine.healthAnswer = ServiceHealth.healthy("fine");
            assertEquals(HealthState.HEALTHY, services.health(service).state());
            assertFalse("a check that answers ends the run", services.healthCheckFailing(service.id()));
            engine.healthAnswer = null;
            services.health(service);
        } finally {
            System.setErr(err);
        }
        String log = logged.toString(StandardCharsets.UTF_8);
        assertEquals("logged at the first failure of each run, not at every sweep:\n" + log, 2,
                log.lines().filter(l -> l.contains("ERROR") && l.contains("threw during health check")).count());
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

    @Test
    public void anEngineWhoseHealthCheckHangsHoldsABoundedNumberOfThreadsAndAnswersComeBackInTime()
            throws Exception {
        services.deactivate();
        services = new ServiceManager(store, catalog, runtimes, new ServiceManager.Settings(Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMillis(100),
                Duration.ZERO, 4, 8));
        catalog.engineAdded(2, "stuck", hanging);
        catalog.bundleAdded(2, "stuck.bundle", "sdp.json", descriptor("stuck-sdp", "stuck"));
        String id = TestStores.insertService(store, "frozen");
        store.transact(c -> Sql.update(c, "UPDATE services SET service_type = 'stuck', sdp_name = 'stuck-sdp' "
                + "WHERE id = ?", id));
        ServiceRecord frozen = services.repository().byId(id).orElseThrow();

        ExecutorService callers = Executors.newFixedThreadPool(100);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ServiceHealth>> answers = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                answers.add(callers.submit(() -> {
                    go.await();
                    return services.health(frozen);
                }));
            }
            long start = System.nanoTime();
            go.countDown();
            List<String> messages = new ArrayList<>();
            for (Future<ServiceHealth> answer : answers) {
                ServiceHealth h = answer.get(10, TimeUnit.SECONDS);
                assertEquals(h.message(), HealthState.UNKNOWN, h.state());
                messages.add(h.message());
            }
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue("100 answers within the health-check bound, took " + tookMs + " ms", tookMs < 3000);
            assertEquals("only as many calls as the engine's pool has threads reached it", 4, hanging.entered.get());
            assertTrue("threads: " + engineCallThreads(), engineCallThreads() <= 4);
            assertEquals(messages.toString(), 4, messages.stream()
                    .filter(m -> m.equals("health check timed out after 500 ms (engine stuck-sdp 1.0.0 (bundle 2))"))
                    .count());
            assertTrue(messages.toString(), messages.stream().filter(m -> !m.startsWith("health check timed out"))
                    .allMatch(m -> m.startsWith("engine stuck-sdp 1.0.0 (bundle 2) is busy: ")
                            && m.contains("Try again later")));

            assertEquals("another engine's calls are not held up", "test://svc",
                    services.connectionInfo(service).orElseThrow().url());
            assertTrue("still busy while its calls hang",
                    services.health(frozen).message().contains("is busy: 4 call(s) in progress"));

            hanging.release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            ServiceHealth after = services.health(frozen);
            while (after.state() != HealthState.HEALTHY && System.nanoTime() < deadline) {
                Thread.sleep(20);
                after = services.health(frozen);
            }
            assertEquals("once its calls end, the engine is called again", "released", after.message());
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    public void aBadSettingIsRefusedTheOneInEffectKeptAndTheComponentKeepsWorking() throws Exception {
        services.deactivate();
        services = new ServiceManager(store, catalog, runtimes, Map.of("healthCheckTimeoutSeconds", "abc",
                "engineCallThreads", "0", "drainSeconds", "7", "provisionTimeoutSeconds", 99999999999L));
        assertEquals("the default, as nothing valid was set yet", Duration.ofSeconds(5),
                services.settings().healthCheck());
        assertEquals(ServiceManager.Settings.DEFAULT_CALL_THREADS, services.settings().callThreads());
        assertEquals(Duration.ofSeconds(300), services.settings().provision());
        assertEquals("a valid value beside bad ones is taken", Duration.ofSeconds(7), services.settings().drain());

        services.modified(Map.of("healthCheckTimeoutSeconds", "2", "engineCallThreads", " 3 "));
        assertEquals(Duration.ofSeconds(2), services.settings().healthCheck());
        assertEquals(3, services.settings().callThreads());
        services.modified(Map.of("healthCheckTimeoutSeconds", "-1", "engineCallThreads", "three",
                "engineCallQueue", List.of(1)));
        assertEquals("kept", Duration.ofSeconds(2), services.settings().healthCheck());
        assertEquals("kept", 3, services.settings().callThreads());
        assertEquals("kept", ServiceManager.Settings.DEFAULT_CALL_QUEUE, services.settings().callQueue());
        assertEquals("an absent key takes its default", Duration.ZERO, services.settings().drain());

        provision(Duration.ofSeconds(5));
        assertEquals("the component still works", "secret",
                services.repository().property(service.id(), "password").orElseThrow());
    }

    @Test
    public void theDirectoriesOpenToTenantsFollowTheConfiguration() {
        services.deactivate();
        services = new ServiceManager(store, catalog, runtimes, Map.of(HostFiles.KEY, "/srv/wars, /srv/more"));
        assertEquals(List.of(Path.of("/srv/wars"), Path.of("/srv/more")), services.hostFiles().tenantRoots());
        services.modified(Map.of(HostFiles.KEY, "/srv/apps"));
        assertEquals("taken without a restart", List.of(Path.of("/srv/apps")), services.hostFiles().tenantRoots());
        services.modified(Map.of(HostFiles.KEY, "${karaf.base}/examples"));
        assertEquals("an unresolved value is refused, the roots in effect kept", List.of(Path.of("/srv/apps")),
                services.hostFiles().tenantRoots());
        services.modified(Map.of(HostFiles.KEY, ""));
        assertEquals("empty: none", List.of(), services.hostFiles().tenantRoots());
        services.modified(Map.of());
        assertEquals("absent: the default", HostFiles.defaults().tenantRoots(), services.hostFiles().tenantRoots());
    }
}
