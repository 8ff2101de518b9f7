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
import io.stratum.platform.spi.JobInfo;
import io.stratum.platform.spi.JobPlanner;
import io.stratum.platform.spi.JobRequest;
import io.stratum.platform.spi.ManagedService;
import io.stratum.platform.spi.Services;
import io.stratum.sme.api.BackupEngine;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.SmeException;
import io.stratum.sme.api.TaskMonitor;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The backup job's stages on the real orchestration engine and store, with engines that record what they are asked:
 * the order of locks and unlocks, and that every service whose lock was tried is unlocked when a lock or a backup
 * fails, with no manifest left.
 */
public class StagedBackupTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Store store;
    private OrchestrationEngine engine;
    private JobsService jobs;
    private Backups backups;
    private final BackupEngines engines = new BackupEngines();
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, ManagedService> services = new java.util.concurrent.ConcurrentHashMap<>();

    /** A recording engine; {@code failing} names the service whose stage fails, e.g. "backup app". */
    private String failing = "";

    private final BackupEngine recording = new BackupEngine() {
        @Override
        public void lock(ServiceContext s, TaskMonitor m) throws SmeException {
            record("lock " + s.name());
        }

        @Override
        public void backup(ServiceContext s, ArtifactSink sink, TaskMonitor m) throws SmeException {
            record("backup " + s.name());
            try (OutputStream out = sink.create("data")) {
                out.write(("data of " + s.name()).getBytes(StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                throw new SmeException("cannot write", e);
            }
        }

        @Override
        public void unlock(ServiceContext s, TaskMonitor m) {
            calls.add("unlock " + s.name());
        }

        @Override
        public void restore(ServiceContext s, ArtifactSource source, TaskMonitor m) {
            calls.add("restore " + s.name());
        }

        private void record(String call) throws SmeException {
            calls.add(call);
            if (call.equals(failing)) {
                throw new SmeException(call + " failed (the test makes it fail)");
            }
        }
    };

    @Before
    public void setUp() throws Exception {
        store = new Store(tmp.newFolder("home").toPath(), 4);
        engine = new OrchestrationEngine(store, 2, Duration.ofMillis(10), Duration.ofMillis(50));
        jobs = new JobsService(engine);
        engines.add("database", "1.0.0", recording);
        engines.add("appserver", "1.0.0", recording);
        engines.add("webtier", "1.0.0", recording);
        add("db", "database", Map.of());
        add("app", "appserver", Map.of("database", "db"));
        add("lb", "webtier", Map.of());
        backups = new Backups(tmp.newFolder("repo").toPath(), tmp.newFolder("staging").toPath(), new FakeServices(),
                engines);
        engine.bindPlanner(new BackupPlanner(backups), Map.of(JobPlanner.KINDS, new String[] {BackupPlanner.CREATE,
            BackupPlanner.RESTORE, BackupPlanner.VERIFY, BackupPlanner.COPY}));
    }

    @After
    public void tearDown() {
        engine.deactivate();
        backups.deactivate();
        store.close();
    }

    private void add(String name, String type, Map<String, String> providers) {
        services.put(name, new ManagedService(name, "acc", "default", name, type, type + "-sdp", "1.0.0", "small",
                Map.of(), 1, ServiceState.RUNNING, null, providers, false));
    }

    /** Submits a backup of the three services in the order the SDPs of the shipped types declare. */
    private JobInfo backup() throws Exception {
        List<ManagedService> ordered = LockOrder.of(List.copyOf(services.values()), s -> switch (s.serviceType()) {
            case "webtier" -> List.of("appserver");
            case "appserver" -> List.of("database");
            default -> List.of();
        });
        String ids = ordered.stream().map(ManagedService::id).collect(Collectors.joining(","));
        JobInfo job = jobs.submit(JobRequest.of(BackupPlanner.CREATE, "environment shop", Caller.system("test"))
                .param(BackupPlanner.PARAM_BACKUP, "b1").param(BackupPlanner.PARAM_SCOPE, "environment")
                .param(BackupPlanner.PARAM_SOURCE, "shop").param(BackupPlanner.PARAM_MEMBERS, ids)
                .lock(Set.of()));
        return jobs.await(job.id(), Duration.ofSeconds(20));
    }

    private List<String> calls(String prefix) {
        return calls.stream().filter(c -> c.startsWith(prefix)).toList();
    }

    @Test
    public void everyLockBeforeAnyBackupAndUnlocksInReverseOrder() throws Exception {
        JobInfo job = backup();
        assertEquals(job.error(), JobState.SUCCEEDED, job.state());
        assertEquals(List.of("lock lb", "lock app", "lock db"), calls.subList(0, 3));
        assertEquals(Set.of("backup lb", "backup app", "backup db"), Set.copyOf(calls.subList(3, 6)));
        assertEquals(List.of("unlock db", "unlock app", "unlock lb"), calls.subList(6, 9));
        assertTrue(job.message(), job.message().contains("backup b1"));
        assertEquals(List.of("b1"), backups.repository().list().stream().map(m -> m.id()).toList());
    }

    @Test
    public void aCopyToTheSecondRepositorySendsOnlyWhatItLacksAndIsVerified() throws Exception {
        assertEquals(JobState.SUCCEEDED, backup().state());
        backups.copies(new io.stratum.platform.backup.internal.repo.LocalRepository("copy",
                tmp.newFolder("copies").toPath()));
        JobInfo first = copy("b1");
        assertEquals(first.error(), JobState.SUCCEEDED, first.state());
        assertTrue(first.message(), first.message().matches("(?s).*: [1-9]\\d* chunks sent .*, 0 already there.*"));
        assertEquals(List.of("b1"), backups.copies().orElseThrow().list().stream().map(m -> m.id()).toList());
        JobInfo again = copy("b1");
        assertTrue(again.message(), again.message().contains(": 0 chunks sent (0.0 MB)"));
    }

    private JobInfo copy(String id) throws Exception {
        JobInfo job = jobs.submit(JobRequest.of(BackupPlanner.COPY, "backup " + id, Caller.system("test"))
                .param(BackupPlanner.PARAM_BACKUP, id));
        return jobs.await(job.id(), Duration.ofSeconds(20));
    }

    @Test
    public void aFailedBackupUnlocksEveryServiceAndLeavesNoManifest() throws Exception {
        failing = "backup app";
        JobInfo job = backup();
        assertEquals(JobState.FAILED, job.state());
        assertTrue(job.error(), job.error().contains("backup app failed"));
        assertEquals(Set.of("unlock lb", "unlock app", "unlock db"), Set.copyOf(calls("unlock")));
        assertTrue(backups.repository().list().isEmpty());
        assertTrue(backups.repository().pending().isEmpty());
    }

    @Test
    public void aFailedLockUnlocksTheServicesLockedBeforeItAndTheOneThatFailed() throws Exception {
        failing = "lock app";
        JobInfo job = backup();
        assertEquals(JobState.FAILED, job.state());
        assertEquals(List.of("lock lb", "lock app"), calls("lock"));
        assertTrue(calls("backup").isEmpty());
        assertEquals(Set.of("unlock lb", "unlock app"), Set.copyOf(calls("unlock")));
        assertTrue(backups.repository().list().isEmpty());
    }

    /** The services above, as the SPI shows them; contexts carry only what the recording engine reads. */
    private final class FakeServices implements Services {
        @Override
        public Optional<ManagedService> find(String serviceId) {
            return Optional.ofNullable(services.get(serviceId));
        }

        @Override
        public Optional<ManagedService> find(String accountId, String name) {
            return find(name);
        }

        @Override
        public List<ManagedService> ofAccount(String accountId) {
            return List.copyOf(services.values());
        }

        @Override
        public List<ManagedService> all() {
            return List.copyOf(services.values());
        }

        @Override
        public Optional<EnvironmentInfo> environment(String accountId, String name) {
            return Optional.empty();
        }

        @Override
        public ServiceContext context(String serviceId) {
            String name = services.get(serviceId).name();
            return (ServiceContext) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ServiceContext.class}, (p, method, args) -> switch (method.getName()) {
                        case "name", "serviceId" -> name;
                        case "account" -> "default";
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
