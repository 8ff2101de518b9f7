package io.stratum.platform.internal.service;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.internal.account.AccessControl;
import io.stratum.platform.internal.account.AccountHistory;
import io.stratum.platform.internal.account.Passwords;
import io.stratum.platform.internal.account.UserDirectory;
import io.stratum.platform.api.JobState;
import io.stratum.platform.internal.account.AccountManager;
import io.stratum.platform.internal.orchestration.JobRecord;
import io.stratum.platform.internal.orchestration.OrchestrationEngine;
import io.stratum.platform.internal.orchestration.PlanFactory;
import io.stratum.platform.internal.runtime.NativeProcessRuntimes;
import io.stratum.platform.internal.sdp.Catalog;
import io.stratum.platform.internal.sdp.DescriptorReader;
import io.stratum.platform.internal.store.Store;
import io.stratum.platform.internal.store.TestStores;
import io.stratum.sme.api.Binding;
import io.stratum.sme.api.ConnectionInfo;
import io.stratum.sme.api.Dependant;
import io.stratum.sme.api.DependantEngine;
import io.stratum.sme.api.ProviderEngine;
import io.stratum.sme.api.ScalableEngine;
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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * The platform's service and environment jobs on a real store and the real orchestration engine, with two test
 * double engines that record what the platform asked of them: {@code database} (a provider that hands each dependant
 * a schema of its own and drops it on dissociation) and {@code appserver} (a scalable dependant of a database).
 */
final class PlatformFixture implements AutoCloseable {

    /** What the engines were asked to do, in order, e.g. "drop schema of app", "scale app to 3". */
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    /** Instances per appserver service id. */
    final Map<String, Integer> instances = new ConcurrentHashMap<>();
    /** Appserver names whose provisioning waits for {@link #releaseProvisioning} and then fails. */
    final Set<String> failingProvision = ConcurrentHashMap.newKeySet();
    /** Instance counts the appserver engine refuses to scale to. */
    final Set<Integer> failingScale = ConcurrentHashMap.newKeySet();
    /** Instance counts whose scaling waits for {@link #releaseScale}; {@link #scaleReached} tells it began. */
    final Set<Integer> heldScale = ConcurrentHashMap.newKeySet();
    final CountDownLatch scaleReached = new CountDownLatch(1);
    final CountDownLatch releaseScale = new CountDownLatch(1);
    /** Run once by the next {@link ScalableEngine#instances} call, after it read the count and before it answers. */
    final AtomicReference<Runnable> onInstances = new AtomicReference<>();
    /** What the engines' health checks answer, by service name (default: healthy "fine"). */
    final Map<String, ServiceHealth> health = new ConcurrentHashMap<>();
    /** Health checks the engines were asked for. */
    final java.util.concurrent.atomic.AtomicInteger healthChecks = new java.util.concurrent.atomic.AtomicInteger();
    /** What the appserver hands its database provider, from its instance count (0 before it is provisioned). */
    final AtomicReference<IntFunction<Map<String, String>>> databaseParameters = new AtomicReference<>();
    final CountDownLatch provisioningReached = new CountDownLatch(1);
    final CountDownLatch releaseProvisioning = new CountDownLatch(1);

    final Store store;
    final NativeProcessRuntimes runtimes;
    final Catalog catalog;
    final ServiceManager services;
    final OrchestrationEngine engine;
    final UserDirectory users;
    /** The way in, for facades of any caller (the first admin is {@code admin}). */
    final PlatformAccessImpl access;
    /** The facade, as a platform component acting on its own. */
    final PlatformService platform;
    final ServiceLifecycle lifecycle;

    PlatformFixture(Path home) {
        this(home, HostFiles.defaults());
    }

    /**
     * @param home the store's directory
     * @param hostFiles which files of the host callers may name
     */
    PlatformFixture(Path home, HostFiles hostFiles) {
        store = TestStores.open(home);
        runtimes = new NativeProcessRuntimes(store, 1000, 3_600_000, false);
        catalog = new Catalog(DescriptorReader.nativeOnly(), Duration.ofSeconds(10), Clock.systemUTC(), e -> { });
        catalog.engineAdded(1, "database", new Db());
        catalog.bundleAdded(1, "db.bundle", "sdp.json", descriptor("database", "[]"));
        catalog.engineAdded(2, "appserver", new App());
        catalog.bundleAdded(2, "app.bundle", "sdp.json", descriptor("appserver",
                "[{\"serviceType\": \"database\", \"optional\": false}]"));
        services = new ServiceManager(store, catalog, runtimes, new ServiceManager.Settings(Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMillis(100),
                Duration.ZERO), hostFiles);
        engine = new OrchestrationEngine(store, 2, Duration.ofMillis(10), Duration.ofMillis(50));
        AccountManager accounts = new AccountManager(store);
        users = new UserDirectory(store, new Passwords(1000));
        bindFactories(engine);
        access = new PlatformAccessImpl(accounts, catalog, services, engine, new AccessControl(users, accounts), users,
                new AccountHistory(store));
        platform = access.as(Caller.system("test"));
        lifecycle = new ServiceLifecycle(services, engine, new AccessControl(users, accounts));
    }

    /** Gives an engine the plan factories of every service and environment job. */
    void bindFactories(OrchestrationEngine e) {
        AccountManager accounts = new AccountManager(store);
        e.bindFactory(new ServicePlans.Create(services), Map.of(PlanFactory.KIND, JobKinds.CREATE));
        e.bindFactory(new ServicePlans.Delete(services), Map.of(PlanFactory.KIND, JobKinds.DELETE));
        e.bindFactory(new ServicePlans.Scale(services), Map.of(PlanFactory.KIND, JobKinds.SCALE));
        e.bindFactory(new ServicePlans.Bind(services), Map.of(PlanFactory.KIND, JobKinds.BIND));
        e.bindFactory(new ServicePlans.Unbind(services), Map.of(PlanFactory.KIND, JobKinds.UNBIND));
        e.bindFactory(new EnvironmentPlans.Create(services, e, accounts,
                new AccessControl(users, accounts)), Map.of(PlanFactory.KIND, JobKinds.ENV_CREATE,
                PlanFactory.COMPOSITE, "true"));
        e.bindFactory(new EnvironmentPlans.Delete(services, e, accounts,
                new AccessControl(users, accounts)), Map.of(PlanFactory.KIND, JobKinds.ENV_DELETE,
                PlanFactory.COMPOSITE, "true"));
    }

    /** A descriptor whose one plan gives each instance 64 MiB of heap (what quotas count). */
    private static ByteArrayInputStream descriptor(String type, String requires) {
        return new ByteArrayInputStream(("{\"name\": \"" + type + "-sdp\", \"serviceType\": \"" + type + "\", "
                + "\"version\": \"1.0.0\", \"virtualization\": [\"native-process\"], "
                + "\"plans\": [{\"name\": \"small\", \"settings\": {\"heapMb\": \"64\"}}], "
                + "\"configSchema\": {\"heapMb\": {\"type\": \"integer\", \"defaultValue\": \"64\", "
                + "\"userSettable\": false}}, "
                + " \"requires\": " + requires + ", \"provides\": [\"" + type + "\"]}").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        engine.deactivate();
        services.deactivate();
        runtimes.deactivate();
        store.close();
    }

    /** Waits (at most 20 s) until the job ended and its runner let go of it. */
    JobRecord await(OrchestrationEngine e, long id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            JobRecord j = e.jobs().find(id).orElseThrow();
            if (j.state().isDone() && !e.activeJobs().contains(id)) {
                return j;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("job " + id + " did not end: " + e.jobs().find(id));
    }

    JobRecord await(long id) throws InterruptedException {
        return await(engine, id);
    }

    JobRecord succeeded(long id) throws InterruptedException {
        JobRecord j = await(id);
        if (j.state() != JobState.SUCCEEDED) {
            throw new AssertionError("job " + id + " (" + j.kind() + ") ended " + j.state() + ": " + j.error());
        }
        return j;
    }

    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Lifecycle methods that succeed. */
    private abstract class Engine implements ServiceManagementEngine {
        @Override
        public void provision(ServiceContext service, TaskMonitor monitor) throws SmeException {
        }

        @Override
        public void start(ServiceContext service, TaskMonitor monitor) {
        }

        @Override
        public void stop(ServiceContext service, TaskMonitor monitor) {
        }

        @Override
        public void unprovision(ServiceContext service, TaskMonitor monitor) {
            calls.add("unprovision " + service.name());
        }

        @Override
        public ServiceHealth health(ServiceContext service) {
            healthChecks.incrementAndGet();
            return health.getOrDefault(service.name(), ServiceHealth.healthy("fine"));
        }

        @Override
        public ConnectionInfo connectionInfo(ServiceContext service) {
            return new ConnectionInfo("fake://" + service.name(), "app", "s3cret-of-" + service.name(), Map.of());
        }
    }

    /** A database: a schema per dependant, dropped when the dependant is dissociated. */
    private final class Db extends Engine implements ProviderEngine {
        @Override
        public Binding associate(ServiceContext provider, Dependant dependant, TaskMonitor monitor) {
            calls.add("create schema of " + dependant.name());
            return new Binding(provider.serviceId(), "database", Map.of("url", "fake://" + provider.name() + "/"
                    + dependant.name()));
        }

        @Override
        public void dissociate(ServiceContext provider, Dependant dependant, TaskMonitor monitor) {
            calls.add("drop schema of " + dependant.name());
        }
    }

    /** An app server: scalable, one instance to begin with. */
    private final class App extends Engine implements DependantEngine, ScalableEngine {
        @Override
        public void provision(ServiceContext service, TaskMonitor monitor) throws SmeException {
            instances.put(service.serviceId(), 1);
            if (failingProvision.contains(service.name())) {
                provisioningReached.countDown();
                try {
                    releaseProvisioning.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new SmeException("'" + service.name() + "' cannot start (a test makes it fail)");
            }
        }

        @Override
        public Map<String, String> parameters(ServiceContext service, String providerType) {
            IntFunction<Map<String, String>> given = databaseParameters.get();
            return given == null || !providerType.equals("database") ? Map.of()
                    : given.apply(instances.getOrDefault(service.serviceId(), 0));
        }

        @Override
        public int instances(ServiceContext service) {
            int now = instances.getOrDefault(service.serviceId(), 1);
            Runnable hook = onInstances.getAndSet(null);
            if (hook != null) {
                hook.run();
            }
            return now;
        }

        @Override
        public void scale(ServiceContext service, int count, TaskMonitor monitor) throws SmeException {
            calls.add("scale " + service.name() + " to " + count);
            if (heldScale.contains(count)) {
                scaleReached.countDown();
                try {
                    releaseScale.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SmeException("interrupted");
                }
            }
            if (failingScale.contains(count)) {
                throw new SmeException("cannot run " + count + " instances (a test makes it fail)");
            }
            instances.put(service.serviceId(), count);
        }

        @Override
        public void retire(ServiceContext service, TaskMonitor monitor) {
        }
    }
}
