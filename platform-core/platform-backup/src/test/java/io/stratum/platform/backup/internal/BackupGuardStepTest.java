package io.stratum.platform.backup.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.internal.orchestration.JobsService;
import io.stratum.platform.internal.orchestration.OrchestrationEngine;
import io.stratum.platform.internal.store.Store;
import io.stratum.platform.spi.EnvironmentInfo;
import io.stratum.platform.spi.JobContext;
import io.stratum.platform.spi.JobInfo;
import io.stratum.platform.spi.JobPlan;
import io.stratum.platform.spi.JobPlanner;
import io.stratum.platform.spi.JobRequest;
import io.stratum.platform.spi.JobTask;
import io.stratum.platform.spi.ManagedService;
import io.stratum.platform.spi.ServiceSteps;
import io.stratum.platform.spi.Services;
import io.stratum.platform.spi.StepContributor;
import io.stratum.sme.api.BackupEngine;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.TaskMonitor;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The pre-update backup ({@code backup.guard}) inside an update job on the real orchestration engine: it is taken
 * after the lockout and stays listed; when a later task fails, its compensation restores that backup after the old
 * version is recorded again, and starts the service.
 */
public class BackupGuardStepTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Store store;
    private OrchestrationEngine engine;
    private JobsService jobs;
    private Backups backups;
    private final BackupEngines engines = new BackupEngines();
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private ManagedService app;
    /** The task of the fake update plan that fails, or empty. */
    private volatile String failAt = "";
    private volatile String data = "rows 1-10";

    private final BackupEngine recording = new BackupEngine() {
        @Override
        public void lock(ServiceContext s, TaskMonitor m) {
            calls.add("lock " + s.name());
        }

        @Override
        public void backup(ServiceContext s, ArtifactSink sink, TaskMonitor m) {
            calls.add("backup " + s.name());
            try (OutputStream out = sink.create("data")) {
                out.write(data.getBytes(StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void unlock(ServiceContext s, TaskMonitor m) {
            calls.add("unlock " + s.name());
        }

        @Override
        public void restore(ServiceContext s, ArtifactSource source, TaskMonitor m) {
            try (InputStream in = source.open("data")) {
                data = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            calls.add("restore " + s.name() + " to " + data);
        }
    };

    private final ServiceSteps steps = new ServiceSteps() {
        @Override
        public <T> T call(JobContext job, String serviceId, String what, EngineCall<T> call) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void stop(JobContext job, String serviceId) {
            calls.add("stop " + serviceId);
        }

        @Override
        public void start(JobContext job, String serviceId) {
            calls.add("start " + serviceId);
        }

        @Override
        public void awaitHealthy(JobContext job, String serviceId) {
        }

        @Override
        public void refreshAssociations(JobContext job, String serviceId) {
        }

        @Override
        public void release(JobContext job, String serviceId, String sdpVersion, Map<String, String> configuration) {
        }

        @Override
        public java.util.List<String> problems(String serviceType, String sdpVersion,
                Map<String, String> configuration) {
            return java.util.List.of();
        }
    };

    /** A hard update's plan, reduced to what the guard sits among. */
    private final JobPlanner update = job -> JobPlan.builder()
            .phase("lockout", step("lock out", null))
            .phase("stop", step("stop", null))
            .phase("release", step("release 1.1.0", j -> calls.add("release 1.0.0 again")))
            .phase("migrate", JobTask.of("migrate", j -> {
                calls.add("migrate");
                data = "rows 1-10, migrated";
                fail("migrate");
            }))
            .phase("start", step("start", null))
            .build();

    private JobTask step(String name, JobTask.Action undo) {
        JobTask t = JobTask.of(name, j -> {
            calls.add(name);
            fail(name);
        });
        return undo == null ? t : t.compensatedBy(undo);
    }

    private void fail(String name) {
        if (name.equals(failAt)) {
            throw new IllegalStateException("injected failure at " + name);
        }
    }

    @Before
    public void setUp() throws Exception {
        store = new Store(tmp.newFolder("home").toPath(), 4);
        engine = new OrchestrationEngine(store, 2, Duration.ofMillis(10), Duration.ofMillis(50));
        jobs = new JobsService(engine);
        engines.add("appserver", "1.0.0", recording);
        String id = java.util.UUID.randomUUID().toString();
        io.stratum.platform.internal.account.AccountManager accounts = new io.stratum.platform.internal.account.AccountManager(store);
        String accountId = store.inTransaction(c -> accounts.create(c, "shop")).id();
        store.transact(c -> io.stratum.platform.internal.store.Sql.update(c, "INSERT INTO services(id, account_id, "
                + "name, service_type, sdp_name, sdp_version, plan, config, state, state_message, created_at, "
                + "updated_at) SELECT ?, id, 'app', 'appserver', 'appserver-sdp', '1.0.0', 'small', '{}', 'RUNNING', "
                + "'', 0, 0 FROM accounts WHERE id = ?", id, accountId));
        app = new ManagedService(id, "acc", "shop", "app", "appserver", "appserver-sdp", "1.0.0", "small",
                Map.of(), 1, ServiceState.RUNNING, null, Map.of(), false);
        backups = new Backups(tmp.newFolder("repo").toPath(), tmp.newFolder("staging").toPath(), new OneService(),
                engines);
        engine.bindPlanner(update, Map.of(JobPlanner.KINDS, "update.service"));
        engine.bindContributor(new BackupGuardStep(backups, steps), Map.of(StepContributor.NAME, BackupGuardStep.NAME,
                JobPlanner.KINDS, BackupGuardStep.KIND));
    }

    @After
    public void tearDown() {
        engine.deactivate();
        backups.deactivate();
        store.close();
    }

    private JobInfo runUpdate() throws Exception {
        JobInfo job = jobs.submit(JobRequest.of("update.service", "app", Caller.system("test")).service(app.id())
                .param("update", "u-1").param(StepContributor.REQUIRED, BackupGuardStep.NAME));
        return jobs.await(job.id(), Duration.ofSeconds(20));
    }

    @Test
    public void theBackupIsTakenAfterTheLockoutAndStaysListedWithItsUpdate() throws Exception {
        JobInfo job = runUpdate();
        assertEquals(job.error(), JobState.SUCCEEDED, job.state());
        assertEquals(List.of("lock out", "lock app", "backup app", "unlock app", "stop", "release 1.1.0", "migrate",
                "start"), calls);
        var listed = backups.repository().list();
        assertEquals(1, listed.size());
        assertEquals("update-u-1-" + job.id(), listed.get(0).id());
        assertEquals("update u-1", listed.get(0).properties().get(Backups.SOURCE));
        assertEquals("service", listed.get(0).properties().get(Backups.SCOPE));
        assertTrue(job.message(), job.message().contains("backup update-u-1-" + job.id()));
    }

    @Test
    public void aFailureAfterTheBackupRestoresItAfterTheOldVersionIsBackAndStartsTheService() throws Exception {
        failAt = "migrate";
        JobInfo job = runUpdate();
        assertEquals(JobState.FAILED, job.state());
        int failed = calls.indexOf("migrate");
        assertEquals(List.of("release 1.0.0 again", "lock app", "restore app to rows 1-10", "unlock app",
                "start " + app.id(),
                "unlock app"), calls.subList(failed + 1, calls.size()));
        // the last unlock is the compensation of the backup's lock: harmless on an unlocked service
        assertEquals("rows 1-10", data);
        assertTrue(job.error(), job.error().contains("restored from backup update-u-1-" + job.id()));
        assertEquals("the backup stays listed", 1, backups.repository().list().size());
    }

    @Test
    public void aFailureBeforeTheBackupRestoresNothing() throws Exception {
        failAt = "lock out";
        JobInfo job = runUpdate();
        assertEquals(JobState.FAILED, job.state());
        assertEquals(List.of("lock out"), calls);
        assertTrue(backups.repository().list().isEmpty());
    }

    /** The one service, as the SPI shows it. */
    private final class OneService implements Services {
        @Override
        public Optional<ManagedService> find(String serviceId) {
            return Optional.ofNullable(serviceId.equals(app.id()) ? app : null);
        }

        @Override
        public Optional<ManagedService> find(String accountId, String name) {
            return Optional.ofNullable(name.equals(app.name()) ? app : null);
        }

        @Override
        public List<ManagedService> ofAccount(String accountId) {
            return List.of(app);
        }

        @Override
        public List<ManagedService> all() {
            return List.of(app);
        }

        @Override
        public Optional<EnvironmentInfo> environment(String accountId, String name) {
            return Optional.empty();
        }

        @Override
        public ServiceContext context(String serviceId) {
            return (ServiceContext) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ServiceContext.class}, (p, method, args) -> switch (method.getName()) {
                        case "name" -> app.name();
                        case "serviceId" -> app.id();
                        case "account" -> "shop";
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        @Override
        public JobInfo create(Caller caller, CreateServiceRequest request, Map<String, String> params) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JobInfo createEnvironment(Caller caller, EnvironmentRequest request,
                Map<String, Map<String, String>> memberParams) {
            throw new UnsupportedOperationException();
        }
    }
}
