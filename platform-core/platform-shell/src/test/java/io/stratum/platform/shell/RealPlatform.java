package io.stratum.platform.shell;

import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.internal.account.AccessControl;
import io.stratum.platform.internal.account.AccountHistory;
import io.stratum.platform.internal.account.AccountManager;
import io.stratum.platform.internal.account.Passwords;
import io.stratum.platform.internal.account.UserDirectory;
import io.stratum.platform.internal.orchestration.OrchestrationEngine;
import io.stratum.platform.internal.orchestration.PlanFactory;
import io.stratum.platform.internal.runtime.NativeProcessRuntimes;
import io.stratum.platform.internal.sdp.Catalog;
import io.stratum.platform.internal.sdp.DescriptorReader;
import io.stratum.platform.internal.service.JobKinds;
import io.stratum.platform.internal.service.PlatformAccessImpl;
import io.stratum.platform.internal.service.ServiceManager;
import io.stratum.platform.internal.service.ServicePlans;
import io.stratum.platform.internal.store.Store;
import io.stratum.sme.api.ConnectionInfo;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.ServiceHealth;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.TaskMonitor;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The platform the shell commands drive in Stratum, without OSGi: the real store, accounts, users (their passwords
 * hashed with fewer PBKDF2 iterations, for speed), access control, account history, orchestration engine and the
 * service create and delete jobs, with one service type, {@code database}, whose engine only pretends to run (and is
 * as healthy as {@link #health} says).
 */
final class RealPlatform implements AutoCloseable {

    final Store store;
    final UserDirectory users;
    final PlatformAccess access;
    /** What the pretend database's health checks answer. */
    volatile ServiceHealth health = ServiceHealth.healthy("pretending");
    private final NativeProcessRuntimes runtimes;
    final ServiceManager services;
    private final OrchestrationEngine engine;

    RealPlatform(Path home) {
        store = new Store(home, 8);
        AccountManager accounts = new AccountManager(store);
        runtimes = new NativeProcessRuntimes(store, 1000, 3_600_000, false);
        Catalog catalog = new Catalog(DescriptorReader.nativeOnly(), Duration.ofSeconds(10), Clock.systemUTC(),
                e -> { });
        catalog.engineAdded(1, "database", new PretendDatabase(this));
        catalog.bundleAdded(1, "db.bundle", "sdp.json", new ByteArrayInputStream(("{\"name\": \"h2-database\", "
                + "\"serviceType\": \"database\", \"version\": \"1.0.0\", \"virtualization\": [\"native-process\"], "
                + "\"plans\": [{\"name\": \"small\", \"settings\": {}}], \"provides\": [\"database\"]}")
                .getBytes(StandardCharsets.UTF_8)));
        services = new ServiceManager(store, catalog, runtimes, new ServiceManager.Settings(Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMillis(100),
                Duration.ZERO));
        engine = new OrchestrationEngine(store, 2, Duration.ofMillis(10), Duration.ofMillis(50));
        engine.bindFactory(new ServicePlans.Create(services), Map.of(PlanFactory.KIND, JobKinds.CREATE));
        engine.bindFactory(new ServicePlans.Delete(services), Map.of(PlanFactory.KIND, JobKinds.DELETE));
        users = new UserDirectory(store, new Passwords(1000));
        access = new PlatformAccessImpl(accounts, catalog, services, engine, new AccessControl(users, accounts), users,
                new AccountHistory(store));
    }

    @Override
    public void close() {
        engine.deactivate();
        services.deactivate();
        runtimes.deactivate();
        store.close();
    }

    /** Answers every call at once; as healthy as {@link #health} says, with connection details of its own. */
    private static final class PretendDatabase implements ServiceManagementEngine {
        private final RealPlatform platform;

        PretendDatabase(RealPlatform platform) {
            this.platform = platform;
        }

        @Override
        public void provision(ServiceContext service, TaskMonitor monitor) {
        }

        @Override
        public void start(ServiceContext service, TaskMonitor monitor) {
        }

        @Override
        public void stop(ServiceContext service, TaskMonitor monitor) {
        }

        @Override
        public void unprovision(ServiceContext service, TaskMonitor monitor) {
        }

        @Override
        public ServiceHealth health(ServiceContext service) {
            return platform.health;
        }

        @Override
        public ConnectionInfo connectionInfo(ServiceContext service) {
            return new ConnectionInfo("fake://" + service.name(), "app", "secret-of-" + service.name(), Map.of());
        }
    }
}
