package io.stratum.platform.internal.service;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.AccountDTO;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.internal.account.AccessControl;
import io.stratum.platform.internal.account.AccountHistory;
import io.stratum.platform.internal.account.AccountManager;
import io.stratum.platform.internal.account.Passwords;
import io.stratum.platform.internal.account.UserDirectory;
import io.stratum.platform.internal.orchestration.JobRecord;
import io.stratum.platform.internal.orchestration.OrchestrationEngine;
import io.stratum.platform.internal.orchestration.PlanFactory;
import io.stratum.platform.internal.runtime.NativeProcessRuntimes;
import io.stratum.platform.internal.sdp.Catalog;
import io.stratum.platform.internal.sdp.DescriptorReader;
import io.stratum.platform.internal.store.Store;
import io.stratum.platform.internal.store.TestStores;
import io.stratum.sme.api.Binding;
import io.stratum.sme.api.ConfigurationChecker;
import io.stratum.sme.api.ConnectionInfo;
import io.stratum.sme.api.Dependant;
import io.stratum.sme.api.DependantEngine;
import io.stratum.sme.api.ProviderEngine;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.ServiceHealth;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.SmeException;
import io.stratum.sme.api.TaskMonitor;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Association and dissociation through the real orchestration engine and store: the provider's engine hands out
 * bindings and revokes them; the dependant's engine sees them; rollback and deletion undo them. The engines are
 * test doubles that record what the platform asked of them.
 */
public class ProviderAssociationTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private Store store;
    private NativeProcessRuntimes runtimes;
    private ServiceManager services;
    private OrchestrationEngine engine;
    private ServiceLifecycle lifecycle;
    private AccountDTO account;
    private volatile boolean failProvision;
    private final Db db = new Db();
    private Catalog catalog;
    /** Provisioning a service whose name starts with "held" waits for this; {@link #provisioning} counts them. */
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private final Semaphore provisioning = new Semaphore(0);

    /** A database engine: hands each dependant a URL naming it. */
    private final class Db extends Recording implements ProviderEngine {
        @Override
        public Binding associate(ServiceContext provider, Dependant dependant, TaskMonitor monitor) {
            calls.add("associate " + dependant.name() + " " + dependant.parameters());
            return new Binding(provider.serviceId(), "database", Map.of("url", "fake://" + dependant.name()));
        }

        @Override
        public void dissociate(ServiceContext provider, Dependant dependant, TaskMonitor monitor) {
            calls.add("dissociate " + dependant.name());
        }
    }

    /**
     * An app engine: tells providers its backends, records the bindings it is provisioned with, and finds fault with
     * the configuration of services named "bad-...".
     */
    private final class App extends Recording implements DependantEngine, ConfigurationChecker {
        @Override
        public List<String> check(String serviceName, Map<String, String> configuration) {
            return serviceName.startsWith("bad-") ? List.of("configuration 'war' names no file") : List.of();
        }

        @Override
        public void provision(ServiceContext service, TaskMonitor monitor) throws SmeException {
            calls.add("provision " + service.name() + " with " + service.bindings().stream()
                    .map(b -> b.providerType() + "=" + b.credentials().get("url")).toList());
            if (failProvision) {
                throw new SmeException("cannot start");
            }
        }

        @Override
        public Map<String, String> parameters(ServiceContext service, String providerType) {
            return Map.of("backends", "http://" + service.name());
        }
    }

    /** Lifecycle methods that only succeed; unprovisioning is recorded. */
    private abstract class Recording implements ServiceManagementEngine {
        @Override
        public void provision(ServiceContext service, TaskMonitor monitor) throws SmeException {
            if (service.name().startsWith("held")) {
                provisioning.release();
                try {
                    hold.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SmeException("interrupted");
                }
            }
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
            return ServiceHealth.healthy("fine");
        }

        @Override
        public ConnectionInfo connectionInfo(ServiceContext service) {
            return new ConnectionInfo("fake://" + service.name(), null, null, null);
        }
    }

    private static String descriptor(String type, String requires) {
        return "{\"name\": \"" + type + "-sdp\", \"serviceType\": \"" + type + "\", \"version\": \"1.0.0\","
                + " \"virtualization\": [\"native-process\"], \"plans\": [{\"name\": \"small\"}],"
                + " \"requires\": " + requires + ", \"provides\": [\"" + type + "\"]}";
    }

    @Before
    public void setUp() {
        store = TestStores.open(tmp.getRoot().toPath());
        runtimes = new NativeProcessRuntimes(store, 1000, 3_600_000, false);
        catalog = new Catalog(DescriptorReader.nativeOnly(), Duration.ofSeconds(10), Clock.systemUTC(), e -> { });
        catalog.engineAdded(1, "database", db);
        catalog.bundleAdded(1, "db.bundle", "sdp.json", new ByteArrayInputStream(descriptor("database", "[]")
                .getBytes(StandardCharsets.UTF_8)));
        catalog.engineAdded(2, "appserver", new App());
        catalog.bundleAdded(2, "app.bundle", "sdp.json", new ByteArrayInputStream(descriptor("appserver",
                "[{\"serviceType\": \"database\", \"optional\": false}]").getBytes(StandardCharsets.UTF_8)));
        services = new ServiceManager(store, catalog, runtimes, new ServiceManager.Settings(Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMillis(100),
                Duration.ZERO));
        engine = new OrchestrationEngine(store, 2, Duration.ofMillis(10), Duration.ofMillis(50));
        engine.bindFactory(new ServicePlans.Create(services), Map.of(PlanFactory.KIND, JobKinds.CREATE));
        engine.bindFactory(new ServicePlans.Delete(services), Map.of(PlanFactory.KIND, JobKinds.DELETE));
        engine.bindFactory(new ServicePlans.Stop(services), Map.of(PlanFactory.KIND, JobKinds.STOP));
        lifecycle = new ServiceLifecycle(services, engine, new AccessControl(new UserDirectory(store,
                new Passwords(1000)), new AccountManager(store)));
        account = new AccountManager(store).require("default");
    }

    private static final Caller TEST = Caller.system("test");

    /** @return the facade, as a platform component acting on its own */
    private PlatformService platform() {
        AccountManager accounts = new AccountManager(store);
        UserDirectory users = new UserDirectory(store, new Passwords(1000));
        return new PlatformAccessImpl(accounts, catalog, services, engine, new AccessControl(users, accounts), users,
                new AccountHistory(store)).as(TEST);
    }

    @After
    public void tearDown() {
        engine.deactivate();
        services.deactivate();
        runtimes.deactivate();
        store.close();
    }

    private JobRecord create(String type, String name, Map<String, String> providers) throws Exception {
        JobRecord job = lifecycle.submit(account, lifecycle.check(TEST, type, name, null, null, Map.of()),
                lifecycle.resolveProviders(account, providers), null, TEST);
        return await(job.id());
    }

    private JobRecord delete(String name, boolean force) throws Exception {
        ServiceRecord s = services.store().query(c -> services.repository().byName(c, account.id(), name))
                .orElseThrow();
        return await(lifecycle.submitDelete(s, force, TEST).id());
    }

    /**
     * Submits two creates whose provisioning waits for {@link #release}, and returns once both workers of the engine
     * run them: a job submitted now stays queued.
     */
    private List<JobRecord> occupyBothWorkers() throws InterruptedException {
        hold = new CountDownLatch(1);
        List<JobRecord> jobs = List.of(
                lifecycle.submit(account, lifecycle.check(TEST, "database", "held-1", null, null, Map.of()), Map.of(), null, TEST),
                lifecycle.submit(account, lifecycle.check(TEST, "database", "held-2", null, null, Map.of()), Map.of(), null, TEST));
        assertTrue("both workers are busy", provisioning.tryAcquire(2, 20, TimeUnit.SECONDS));
        return jobs;
    }

    /** Lets the creates of {@link #occupyBothWorkers} finish, and waits until they succeeded. */
    private void release(List<JobRecord> busy) throws InterruptedException {
        hold.countDown();
        for (JobRecord j : busy) {
            assertEquals(JobState.SUCCEEDED, await(j.id()).state());
        }
    }

    private JobRecord await(long id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            JobRecord j = engine.jobs().find(id).orElseThrow();
            if (j.state().isDone() && !engine.activeJobs().contains(id)) {
                return j;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("job " + id + " did not end");
    }

    private String id(String name) {
        return services.store().query(c -> services.repository().byName(c, account.id(), name)).orElseThrow().id();
    }

    @Test
    public void aDependantIsBoundBeforeItIsProvisionedAndUnboundWhenDeleted() throws Exception {
        assertEquals(JobState.SUCCEEDED, create("database", "db", Map.of()).state());
        assertEquals(JobState.SUCCEEDED, create("appserver", "app", Map.of("database", "db")).state());
        // handed the same parameters once the app runs, the provider is not asked again
        assertEquals(List.of(
                "associate app {backends=http://app}",
                "provision app with [database=fake://app]"), calls);
        List<Association> bound = services.associations().providersOf(id("app"));
        assertEquals(1, bound.size());
        assertEquals(id("db"), bound.get(0).providerId());
        assertEquals(Map.of("url", "fake://app"), bound.get(0).binding());

        try {
            delete("db", false);
            fail("a provider in use cannot be deleted");
        } catch (PlatformException e) {
            assertEquals(PlatformException.Reason.INVALID, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("'db' is the provider of 'app' (appserver)"));
        }

        calls.clear();
        assertEquals(JobState.SUCCEEDED, delete("app", false).state());
        assertEquals("its instances are gone before its database binding is revoked",
                List.of("unprovision app", "dissociate app"), calls);
        assertTrue(services.associations().dependantsOf(id("db")).isEmpty());
        assertEquals(JobState.SUCCEEDED, delete("db", false).state());
    }

    @Test
    public void aFailedCreateRollsItsBindingBack() throws Exception {
        create("database", "db", Map.of());
        failProvision = true;
        JobRecord failed = create("appserver", "app", Map.of("database", "db"));
        assertEquals(JobState.FAILED, failed.state());
        assertTrue(failed.error(), failed.error().contains("cannot start"));
        assertEquals("the binding is revoked in the rollback", "dissociate app", calls.get(calls.size() - 1));
        assertTrue(services.associations().dependantsOf(id("db")).isEmpty());
        assertTrue("the failed service is forgotten", services.store().query(c ->
                services.repository().byName(c, account.id(), "app")).isEmpty());
    }

    @Test
    public void aCreateCancelledWhileQueuedLeavesNoServiceAndFreesItsName() throws Exception {
        List<JobRecord> busy = occupyBothWorkers();
        JobRecord queued = lifecycle.submit(account, lifecycle.check(TEST, "database", "later", null, null, Map.of()),
                Map.of(), null, TEST);
        assertTrue(engine.cancel(queued.id()));
        release(busy);
        assertEquals(JobState.CANCELLED, await(queued.id()).state());
        assertTrue("the cancelled service is forgotten", services.store().query(c ->
                services.repository().byName(c, account.id(), "later")).isEmpty());
        assertEquals("its name can be used again", JobState.SUCCEEDED, create("database", "later", Map.of()).state());
    }

    @Test
    public void aDependantWhoseProviderHasNoEngineIsNotDeletedWithoutForce() throws Exception {
        create("database", "db", Map.of());
        create("appserver", "app", Map.of("database", "db"));
        catalog.engineRemoved(1, db);
        calls.clear();
        try {
            delete("app", false);
            fail("nobody could revoke its binding");
        } catch (PlatformException e) {
            assertEquals(PlatformException.Reason.UNAVAILABLE, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("its database provider 'db' has no engine installed"));
        }
        assertEquals("refused before anything was done", List.of(), calls);
        assertEquals(JobState.SUCCEEDED, delete("app", true).state());
        assertEquals("forced: removed, and the binding forgotten", List.of("unprovision app"), calls);
        assertTrue(services.associations().dependantsOf(id("db")).isEmpty());
    }

    @Test
    public void aStopCancelledBeforeItBeganLeavesTheServiceAsItWas() throws Exception {
        create("database", "db", Map.of());
        PlatformService platform = platform();
        List<JobRecord> busy = occupyBothWorkers();
        long stop = platform.stopService(null, "db").id();
        assertEquals("STOPPING", platform.getService(null, "db").state().name());
        assertTrue(engine.cancel(stop));
        release(busy);
        assertEquals(JobState.CANCELLED, await(stop).state());
        assertEquals("it never stopped, so it still runs", "RUNNING", platform.getService(null, "db").state().name());
    }

    @Test
    public void aProviderCannotBeDeletedFromUnderACreateThatIsStillQueued() throws Exception {
        create("database", "db", Map.of());
        List<JobRecord> busy = occupyBothWorkers();
        JobRecord app = lifecycle.submit(account, lifecycle.check(TEST, "appserver", "app", null, null, Map.of()),
                lifecycle.resolveProviders(account, Map.of("database", "db")), null, TEST);
        try {
            delete("db", false);
            fail("the queued create will use it");
        } catch (PlatformException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("'db' is the provider of 'app' (appserver)"));
        }
        assertEquals("the refused delete left it as it was", "RUNNING", services.repository().byId(id("db"))
                .orElseThrow().state().name());
        release(busy);
        assertEquals(JobState.SUCCEEDED, await(app.id()).state());
        assertEquals(Map.of("url", "fake://app"), services.associations().providersOf(id("app")).get(0).binding());
    }

    @Test
    public void aCreateWhoseProviderIsStoppedFailsAndIsUndoneInFull() throws Exception {
        create("database", "db", Map.of());
        PlatformService platform = platform();
        assertEquals(JobState.SUCCEEDED, await(platform.stopService(null, "db").id()).state());
        calls.clear();
        JobRecord failed = create("appserver", "app", Map.of("database", "db"));
        assertEquals(JobState.FAILED, failed.state());
        assertTrue(failed.error(), failed.error().contains("is STOPPED, not RUNNING")
                && failed.error().endsWith("rolled back"));
        assertEquals("nothing was handed out, so nothing is revoked", List.of(), calls);
        assertTrue(services.associations().dependantsOf(id("db")).isEmpty());
    }

    @Test
    public void deletingAProviderByForceRevokesItsDependantsBindings() throws Exception {
        create("database", "db", Map.of());
        create("appserver", "app", Map.of("database", "db"));
        calls.clear();
        assertEquals(JobState.SUCCEEDED, delete("db", true).state());
        assertEquals(List.of("dissociate app", "unprovision db"), calls);
        assertTrue("the dependant keeps running, unbound", services.associations().providersOf(id("app")).isEmpty());
    }

    @Test
    public void anEngineThatFindsFaultWithTheConfigurationRefusesTheServiceBeforeAnythingIsCreated() throws Exception {
        create("database", "db", Map.of());
        int jobs = engine.jobs().list(null, null, false, 100).size();
        try {
            create("appserver", "bad-app", Map.of("database", "db"));
            fail("the engine refused its configuration");
        } catch (PlatformException e) {
            assertEquals(PlatformException.Reason.INVALID, e.reason());
            assertEquals("configuration 'war' names no file", e.getMessage());
        }
        assertEquals("no job was submitted", jobs, engine.jobs().list(null, null, false, 100).size());
        assertEquals(JobState.SUCCEEDED, create("appserver", "good-app", Map.of("database", "db")).state());
    }

    @Test
    public void providersAreCheckedBeforeAnythingIsCreated() {
        try {
            create("appserver", "app", Map.of());
            fail();
        } catch (Exception e) {
            assertTrue(e.getMessage(), e.getMessage().contains("appserver 'app' needs a database provider"));
        }
        try {
            create("appserver", "app", Map.of("database", "nothing"));
            fail();
        } catch (Exception e) {
            assertTrue(e.getMessage(), e.getMessage().contains("no service 'nothing'"));
        }
        assertTrue(engine.jobs().list(null, null, false, 10).isEmpty());
    }
}
