package io.stratum.platform.internal.service;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.AccountDTO;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.internal.account.AccessControl;
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
import io.stratum.platform.internal.store.StoreScan;
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
import io.stratum.sme.api.runtime.RuntimeInfo;
import io.stratum.sme.api.runtime.RuntimeSpec;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Secrets stay secret: after creates with providers (a database that generates passwords and hands out bindings, an
 * external database registered with credentials, app servers whose instances get the bindings in their environment,
 * an engine that fails with its password in its messages), no text column of any table of the store, no file of the
 * store and no log line at any level holds the plaintext of any of those secrets, while the engines and processes
 * still get them.
 */
public class SecretsTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final SecureRandom random = new SecureRandom();
    /** Every secret the scenario makes, by what it is. */
    private final Map<String, String> secrets = new LinkedHashMap<>();
    private Store store;
    private NativeProcessRuntimes runtimes;
    private ServiceManager services;
    private OrchestrationEngine engine;
    private ServiceLifecycle lifecycle;
    private AccountDTO account;

    private synchronized String secret(String what) {
        return secrets.computeIfAbsent(what, w -> {
            byte[] b = new byte[12];
            random.nextBytes(b);
            return "s3cr3t-" + HexFormat.of().formatHex(b);
        });
    }

    /** A database: a generated admin password, and a user with a generated password for each dependant. */
    private final class Db extends Lifecycle implements ProviderEngine {
        @Override
        public void provision(ServiceContext service, TaskMonitor monitor) {
            service.properties().put("admin.password", secret("admin password of " + service.name()));
        }

        @Override
        public Binding associate(ServiceContext provider, Dependant dependant, TaskMonitor monitor) {
            String password = secret("binding password of " + dependant.name());
            provider.properties().put("binding." + dependant.serviceId() + ".password", password);
            monitor.progress(50, "creating the user of " + dependant.name());
            return new Binding(provider.serviceId(), "database", Map.of("url", "jdbc:fake://" + provider.name(),
                    "user", "u_" + dependant.name(), "password", password));
        }

        @Override
        public void dissociate(ServiceContext provider, Dependant dependant, TaskMonitor monitor) {
            provider.properties().remove("binding." + dependant.serviceId() + ".password");
        }

        @Override
        public ConnectionInfo connectionInfo(ServiceContext service) {
            return new ConnectionInfo("jdbc:fake://" + service.name(), "admin",
                    service.properties().get("admin.password").orElse(null), null);
        }
    }

    /** An app server: one instance, a real process, with its bindings in its environment (DATABASE_PASSWORD...). */
    private final class App extends Lifecycle implements DependantEngine {
        @Override
        public void provision(ServiceContext service, TaskMonitor monitor) throws SmeException {
            RuntimeSpec.Builder spec = RuntimeSpec.builder("i1").command("sleep", "300");
            for (Binding b : service.bindings()) {
                b.credentials().forEach((k, v) -> spec.env(b.providerType().toUpperCase(Locale.ROOT) + "_"
                        + k.toUpperCase(Locale.ROOT), v));
            }
            spec.env("API_TOKEN", service.configuration().getOrDefault("apiToken", ""));
            try {
                service.runtimes().launch(spec.build());
            } catch (io.stratum.sme.api.runtime.RuntimeLaunchException e) {
                throw new SmeException("cannot launch: " + e.getMessage(), e);
            }
        }

        @Override
        public void unprovision(ServiceContext service, TaskMonitor monitor) {
            service.runtimes().remove("i1", Duration.ofSeconds(5));
        }

        @Override
        public Map<String, String> parameters(ServiceContext service, String providerType) {
            return Map.of();
        }
    }

    /**
     * An engine that says its password in its progress, its failure, and in what it throws when undoing, and its
     * configuration's token in what it throws when checking it.
     */
    private final class Leaky extends Lifecycle implements ConfigurationChecker {
        @Override
        public List<String> check(String serviceName, Map<String, String> configuration) {
            throw new IllegalStateException("token " + configuration.get("apiToken") + " is not accepted");
        }

        @Override
        public void provision(ServiceContext service, TaskMonitor monitor) throws SmeException {
            String password = secret("admin password of " + service.name());
            service.properties().put("admin.password", password);
            monitor.progress(40, "logging in with admin/" + password);
            throw new SmeException("cannot log in as admin/" + password + " at jdbc:fake://leaky");
        }

        @Override
        public void unprovision(ServiceContext service, TaskMonitor monitor) {
            throw new IllegalStateException("cleanup as admin/" + service.properties().get("admin.password")
                    .orElse("?") + " failed");
        }
    }

    private abstract class Lifecycle implements ServiceManagementEngine {
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
                + " \"configSchema\": {\"apiToken\": {\"type\": \"string\", \"description\": \"a token\"}},"
                + " \"requires\": " + requires + ", \"provides\": [\"" + type + "\"]}";
    }

    @Before
    public void setUp() {
        Assume.assumeTrue("reads the instances' environments from /proc (Linux)", Files.isDirectory(Path.of(
                "/proc/self")));
        store = TestStores.open(tmp.getRoot().toPath());
        runtimes = new NativeProcessRuntimes(store, 1000, 3_600_000, false);
        Catalog catalog = new Catalog(DescriptorReader.nativeOnly(), Duration.ofSeconds(10), Clock.systemUTC(),
                e -> { });
        register(catalog, 1, "database", new Db(), "[]");
        register(catalog, 2, "appserver", new App(), "[{\"serviceType\": \"database\", \"optional\": false}]");
        register(catalog, 3, "leaky", new Leaky(), "[]");
        services = new ServiceManager(store, catalog, runtimes, new ServiceManager.Settings(Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMillis(100),
                Duration.ZERO));
        engine = new OrchestrationEngine(store, 2, Duration.ofMillis(10), Duration.ofMillis(50));
        engine.bindFactory(new ServicePlans.Create(services), Map.of(PlanFactory.KIND, JobKinds.CREATE));
        engine.bindFactory(new ServicePlans.Delete(services), Map.of(PlanFactory.KIND, JobKinds.DELETE));
        lifecycle = new ServiceLifecycle(services, engine, new AccessControl(new UserDirectory(store,
                new Passwords(1000)), new AccountManager(store)));
        account = new AccountManager(store).require("default");
    }

    private static void register(Catalog catalog, long bundle, String type, ServiceManagementEngine e,
            String requires) {
        catalog.engineAdded(bundle, type, e);
        catalog.bundleAdded(bundle, type + ".bundle", "sdp.json", new ByteArrayInputStream(descriptor(type, requires)
                .getBytes(StandardCharsets.UTF_8)));
    }

    @After
    public void tearDown() {
        stopPlatform();
    }

    private void stopPlatform() {
        if (store == null) {
            return;
        }
        engine.deactivate();
        for (ServiceRecord s : services.repository().all()) { // the instances' processes outlive the platform
            for (RuntimeInfo r : runtimes.forService(s.id()).list()) {
                runtimes.forService(s.id()).remove(r.name(), Duration.ofSeconds(5));
            }
        }
        services.deactivate();
        runtimes.deactivate();
        store.close();
        store = null;
    }

    /** Runs every path that handles a secret; checks the engines and processes got them in plaintext. */
    private void scenario() throws Exception {
        assertEquals(JobState.SUCCEEDED, create("database", "db", Map.of(), Map.of()).state());
        assertEquals(JobState.SUCCEEDED, create("appserver", "app", Map.of("database", "db"),
                Map.of("apiToken", secret("api token of app"))).state());

        String extPassword = secret("password of ext");
        String urlPassword = secret("password in the URL of ext");
        Instant now = Instant.now();
        store.transact(c -> services.repository().insert(c, new ServiceRecord(UUID.randomUUID().toString(),
                account.id(), account.name(), "ext", "database", ExternalServices.SDP, "0.0.0", "external",
                Map.of("url", "jdbc:postgresql://app:" + urlPassword + "@127.0.0.1:1/orders", "user", "app",
                        "password", extPassword), ServiceState.RUNNING, "", 0, now, now, null, true)));
        assertEquals(JobState.SUCCEEDED, create("appserver", "app2", Map.of("database", "ext"), Map.of()).state());

        JobRecord leaky = create("leaky", "leaky", Map.of(), Map.of("apiToken", secret("api token of leaky")));
        assertEquals(JobState.FAILED, leaky.state());
        assertTrue(leaky.error(), leaky.error().contains("cannot log in as admin/******** at jdbc:fake://leaky"));

        EnvironmentRepository environments = new EnvironmentRepository(store);
        String envId = UUID.randomUUID().toString();
        store.transact(c -> environments.insert(c, envId, account.id(), "env", new EnvironmentSpec("env", null,
                List.of(new EnvironmentSpec.Member("member", "appserver", null, null,
                        Map.of("apiToken", secret("api token of an environment member")), Map.of())),
                List.of(List.of("member")))));
        assertEquals(secret("api token of an environment member"), environments.byId(envId).orElseThrow().spec()
                .member("member").config().get("apiToken"));

        // what the engines and processes see is the plaintext
        assertEquals(secret("admin password of db"), services.repository().property(id("db"), "admin.password")
                .orElseThrow());
        assertEquals(secret("binding password of app"), services.associations().providersOf(id("app")).get(0)
                .binding().get("password"));
        assertEquals(extPassword, services.associations().providersOf(id("app2")).get(0).binding().get("password"));
        String appEnv = environ("app");
        assertTrue(appEnv.contains("DATABASE_PASSWORD=" + secret("binding password of app")));
        assertTrue(appEnv.contains("API_TOKEN=" + secret("api token of app")));
        assertTrue(environ("app2").contains("DATABASE_PASSWORD=" + extPassword));
        assertTrue(environ("app2").contains("DATABASE_URL=jdbc:postgresql://app:" + urlPassword + "@"));
        assertEquals(8, secrets.size());
    }

    @Test
    public void noSecretIsInAnyTextColumnOfTheStoreNorInItsFiles() throws Exception {
        scenario();
        List<String> columns = StoreScan.textColumns(store);
        for (String expected : List.of("SERVICE_PROPERTIES.PROP_VALUE", "SERVICES.CONFIG", "ASSOCIATIONS.BINDING",
                "RUNTIMES.SPEC", "ENVIRONMENTS.SPEC", "JOBS.ERROR", "JOBS.PARAMS", "JOB_STEPS.ERROR",
                "SERVICES.STATE_MESSAGE")) {
            assertTrue(expected + " is scanned: " + columns, columns.contains(expected));
        }
        List<String> found = new ArrayList<>();
        secrets.forEach((what, secret) -> StoreScan.find(store, secret).forEach(where -> found.add(what + " in "
                + where)));
        assertEquals("secrets in plaintext in the store", List.of(), found);
        assertTrue("the scan finds what is there", StoreScan.find(store, "jdbc:fake://leaky").size() > 0);

        stopPlatform();
        for (Map.Entry<String, String> s : secrets.entrySet()) {
            assertEquals(s.getKey() + " in the store's files", List.of(),
                    StoreScan.findInFiles(tmp.getRoot().toPath().resolve("store"), s.getValue()));
        }
    }

    @Test
    public void noSecretIsLoggedAtAnyLevel() throws Exception {
        String logged;
        try (LogCapture log = new LogCapture("io.stratum")) {
            scenario();
            stopPlatform();
            logged = log.text();
        }
        assertTrue("the capture saw the platform's info and error lines:\n" + logged,
                logged.contains("INFO io.stratum.platform.internal.orchestration.OrchestrationEngine - Job 1 "
                        + "submitted: service.create db") && logged.contains("threw during unprovision of default/leaky")
                        && logged.contains("failed to check the configuration of 'leaky'")
                        && logged.contains("token ******** is not accepted")
                        && logged.contains("cleanup as admin/******** failed"));
        List<String> found = new ArrayList<>();
        secrets.forEach((what, secret) -> {
            if (logged.contains(secret)) {
                found.add(what);
            }
        });
        assertEquals("secrets in the log:\n" + logged, List.of(), found);
    }

    private JobRecord create(String type, String name, Map<String, String> providers, Map<String, String> config)
            throws Exception {
        JobRecord job = lifecycle.submit(account, lifecycle.check(io.stratum.platform.api.Caller.system("test"), type, name,
                null, null, config),
                lifecycle.resolveProviders(account, providers), null, io.stratum.platform.api.Caller.system("test"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            JobRecord j = engine.jobs().find(job.id()).orElseThrow();
            if (j.state().isDone() && !engine.activeJobs().contains(job.id())) {
                return j;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("job " + job.id() + " did not end");
    }

    private String id(String name) {
        return store.query(c -> services.repository().byName(c, account.id(), name)).orElseThrow().id();
    }

    /** @return the environment of the service's instance process, one {@code KEY=value} a line */
    private String environ(String service) throws Exception {
        RuntimeInfo r = runtimes.forService(id(service)).status("i1").orElseThrow();
        byte[] env = Files.readAllBytes(Path.of("/proc", Long.toString(r.pid()), "environ"));
        return new String(env, StandardCharsets.UTF_8).replace('\0', '\n');
    }
}
