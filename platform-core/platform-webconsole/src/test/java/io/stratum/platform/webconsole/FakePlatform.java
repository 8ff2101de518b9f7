package io.stratum.platform.webconsole;

import io.stratum.platform.api.AccountDTO;
import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.AccountVersionDTO;
import io.stratum.platform.api.BackupAccess;
import io.stratum.platform.api.BackupDTO;
import io.stratum.platform.api.BackupScheduleDTO;
import io.stratum.platform.api.BackupService;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CloneAccess;
import io.stratum.platform.api.CloneService;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.EnvironmentDTO;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.ExternalServiceRequest;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobPlanDTO;
import io.stratum.platform.api.JobQuery;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.QuotaDTO;
import io.stratum.platform.api.SdpDTO;
import io.stratum.platform.api.ServiceDTO;
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.api.UserDTO;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A hand-written stand-in for the platform, for the unit tests of the console layer only: it holds a few users,
 * accounts, services, environments, jobs, SDPs and a backup in memory, applies simple visibility rules (platform
 * admins see every account, others the accounts they are members of; viewers may not change anything or see
 * credentials), records every call that would change something, and refuses a call when a test asks it to. The
 * platform's real rules are tested in platform-engine; here only the console's handling of answers and refusals is.
 */
final class FakePlatform implements PlatformAccess {

    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    static final String PASSWORD = "s3cret-pass-0rders";
    static final String SCRIPT_NAME = "<script>alert(1)</script>";

    /** Every facade handed out, by caller. */
    final List<Caller> callers = new CopyOnWriteArrayList<>();
    /** Every call that would change something, as {@code method args by user (via)}. */
    final List<String> changes = new CopyOnWriteArrayList<>();
    /** Refusals to throw, by method name, once each. */
    final Map<String, PlatformException> refusals = new ConcurrentHashMap<>();

    final Map<String, UserDTO> users = new ConcurrentHashMap<>();
    final Map<String, AccountDTO> accounts = new ConcurrentHashMap<>();
    final Map<String, ServiceDTO> services = new ConcurrentHashMap<>(); // account/name
    final Map<String, EnvironmentDTO> environments = new ConcurrentHashMap<>(); // account/name
    final Map<Long, JobDTO> jobs = new ConcurrentHashMap<>();
    final List<SdpDTO> sdps = new CopyOnWriteArrayList<>();
    final Map<String, BackupDTO> backups = new ConcurrentHashMap<>();
    private final AtomicLong nextJob = new AtomicLong(100);

    FakePlatform() {
        users.put("admin", new UserDTO("admin", true, Map.of(), T0));
        users.put("alice", new UserDTO("alice", false, Map.of("default", AccountRole.MEMBER), T0));
        users.put("victor", new UserDTO("victor", false, Map.of("default", AccountRole.VIEWER), T0));
        users.put("olga", new UserDTO("olga", false, Map.of("other", AccountRole.ADMIN), T0));
        account("default");
        account("other");

        sdps.add(new SdpDTO("h2-database", "database", "1.0.0", "Stratum", "H2 databases", SdpDTO.State.AVAILABLE, "",
                41, "io.stratum.sme-database", "small", List.of(new SdpDTO.PlanDTO("small", "64 MB heap", List.of()),
                        new SdpDTO.PlanDTO("large", "512 MB heap", List.of())), List.of("native"), "dedicated",
                List.of(), List.of("database")));
        sdps.add(new SdpDTO("tomcat", "appserver", "1.0.0", "Stratum", "Tomcat", SdpDTO.State.AVAILABLE, "", 42,
                "io.stratum.sme-appserver", "one", List.of(new SdpDTO.PlanDTO("one", "one instance", List.of())),
                List.of("native"), "dedicated", List.of("database", "webtier?"), List.of()));
        sdps.add(new SdpDTO("broken", "", "", "", "", SdpDTO.State.REFUSED,
                "descriptor field 'plans' is missing <b>bold</b>", 43, "com.example.broken", "", List.of(), List.of(),
                "", List.of(), List.of()));

        service("default", "orders-db", "database", ServiceState.RUNNING, "", Map.of(), "shop");
        service("default", "shop-lb", "webtier", ServiceState.RUNNING, "", Map.of(), "shop");
        service("default", "shop-app", "appserver", ServiceState.RUNNING, "",
                Map.of("database", "orders-db", "webtier", "shop-lb"), "shop");
        service("default", "shop-worker", "appserver", ServiceState.STOPPED, "", Map.of("database", "legacy-db"), "shop");
        service("default", "legacy-db", "database", ServiceState.RUNNING, "", Map.of(), "");
        service("default", SCRIPT_NAME, "database", ServiceState.FAILED, "<img src=x onerror=alert(2)>", Map.of(), "");
        service("default", "${oops", "database", ServiceState.STOPPED, "", Map.of(), "");
        service("other", "secret-db", "database", ServiceState.RUNNING, "", Map.of(), "");

        environments.put("default/shop", new EnvironmentDTO("e1", "default", "shop", "READY", "", List.of(
                new EnvironmentDTO.Member("orders-db", "database", "small", "RUNNING", Map.of()),
                new EnvironmentDTO.Member("shop-lb", "webtier", "small", "RUNNING", Map.of()),
                new EnvironmentDTO.Member("shop-app", "appserver", "one", "RUNNING",
                        Map.of("database", "orders-db", "webtier", "shop-lb")),
                new EnvironmentDTO.Member("shop-worker", "appserver", "one", "ABSENT", Map.of("database", "legacy-db"))),
                List.of(List.of("orders-db", "shop-lb"), List.of("shop-app", "shop-worker")), 0, T0));

        jobs.put(1L, job(1, "service.create", "default", "orders-db", JobState.SUCCEEDED, 100, "admin", "shell", ""));
        jobs.put(2L, job(2, "service.start", "default", "shop-app", JobState.RUNNING, 35, "alice", "console",
                "alert <i>cpu</i>"));
        jobs.put(3L, job(3, "service.create", "other", "secret-db", JobState.SUCCEEDED, 100, "olga", "rest", ""));

        backups.put("b-1", new BackupDTO("b-1", "default", "service", "orders-db", T0, T0.plusSeconds(2), "alice", 1,
                5_000_000, 1_000_000, List.of(new BackupDTO.MemberDTO("s-orders-db", "orders-db", "database", "1.0.0",
                        "small", 1, 5_000_000, 12, Map.of(), Map.of()))));
    }

    private void account(String name) {
        accounts.put(name, new AccountDTO("a-" + name, name, T0, 1, QuotaDTO.UNLIMITED, new QuotaDTO(1, 1, 64)));
    }

    void service(String account, String name, String type, ServiceState state, String message,
            Map<String, String> providers, String environment) {
        services.put(account + "/" + name, new ServiceDTO("s-" + name, account, name, type, "sdp-" + type, "1.0.0",
                "small", Map.of("heap", "64m"), state, message, true, "UNKNOWN", "", null,
                List.of(new ServiceDTO.RuntimeDTO("main", state == ServiceState.RUNNING ? "RUNNING" : "STOPPED", 4242,
                        Map.of("jdbc", 40001), "/var/log/" + name + ".log", 0, "", T0)),
                0, T0, T0, providers, List.of(), environment, false));
    }

    static JobDTO job(long id, String kind, String account, String target, JobState state, int progress, String by,
            String via, String cause) {
        List<JobDTO.StepDTO> steps = new ArrayList<>();
        steps.add(new JobDTO.StepDTO("provision", "provision", false, progress >= 35 ? "DONE" : "RUNNING", 1, "", T0,
                progress >= 35 ? T0.plusSeconds(1) : null));
        if (progress >= 35) {
            steps.add(new JobDTO.StepDTO("start", "await-healthy", false, state.isDone() ? "DONE" : "RUNNING", 1, "",
                    T0.plusSeconds(1), state.isDone() ? T0.plusSeconds(2) : null));
        }
        return new JobDTO(id, kind, account, target, "s-" + target, state, progress >= 35 ? "start" : "provision",
                progress >= 35 ? "await-healthy" : "provision", progress, 1,
                state.isDone() ? "done" : "starting " + target, "", T0, T0, T0.plusSeconds(1),
                state.isDone() ? T0.plusSeconds(2) : null, steps, by, via, cause);
    }

    /** Moves a job on, as the orchestrator would. */
    void progress(long id, JobState state, int progress) {
        JobDTO j = jobs.get(id);
        jobs.put(id, job(id, j.kind(), j.account(), j.target(), state, progress, j.requestedBy(), j.requestedVia(),
                j.cause()));
    }

    @Override
    public PlatformService as(Caller caller) {
        callers.add(caller);
        return new Facade(caller);
    }

    @Override
    public Optional<UserDTO> authenticate(String user, char[] password) {
        throw new UnsupportedOperationException("the console never authenticates; the web console's login does");
    }

    /** The backup bundle's access, over the same data. */
    final BackupAccess backupAccess = caller -> {
        callers.add(caller);
        return new Backups(new Facade(caller), caller);
    };

    /** The clone bundle's access, over the same data. */
    final CloneAccess cloneAccess = caller -> {
        callers.add(caller);
        return new Clones(new Facade(caller));
    };

    private final class Backups implements BackupService {

        private final Facade platform;
        private final Caller caller;

        Backups(Facade platform, Caller caller) {
            this.platform = platform;
            this.caller = caller;
        }

        @Override
        public JobDTO backup(String account, String scope, String name) {
            String a = platform.writable(account, "back up");
            platform.change("backup", a + "/" + scope + "/" + name);
            return platform.submit("backup.create", a, name);
        }

        @Override
        public JobPlanDTO previewBackup(String account, String scope, String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<BackupDTO> listBackups(String account) {
            return backups.values().stream().filter(b -> platform.sees(b.account()))
                    .filter(b -> account == null || account.equals(b.account())).toList();
        }

        @Override
        public BackupDTO getBackup(String id) {
            BackupDTO b = backups.get(id);
            if (b == null || !platform.sees(b.account())) {
                throw new PlatformException(Reason.NOT_FOUND, "backup '" + id + "' does not exist (" + caller + ")");
            }
            return b;
        }

        @Override
        public JobDTO verifyBackup(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JobDTO copyBackup(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public BackupDTO deleteBackup(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JobDTO restore(String id, String service, String into) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JobPlanDTO previewRestore(String id, String service, String into) {
            throw new UnsupportedOperationException();
        }

        @Override
        public BackupScheduleDTO schedule(String account, String scope, String name, String cron, int keepLast,
                Duration keepFor) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<BackupScheduleDTO> listSchedules(String account) {
            return List.of();
        }

        @Override
        public void deleteSchedule(String account, String id) {
            throw new UnsupportedOperationException();
        }
    }

    private final class Clones implements CloneService {

        private final Facade platform;

        Clones(Facade platform) {
            this.platform = platform;
        }

        @Override
        public JobDTO cloneService(String account, String source, String target, String fromBackup) {
            ServiceDTO s = platform.find(account, source);
            platform.writable(s.account(), "clone services");
            platform.change("cloneService", s.account() + "/" + source + " -> " + target);
            return platform.submit("clone.service", s.account(), source + " -> " + target);
        }

        @Override
        public JobPlanDTO previewCloneService(String account, String source, String target, String fromBackup) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JobDTO cloneEnvironment(String account, String source, String target, String fromBackup) {
            EnvironmentDTO e = platform.getEnvironment(account, source);
            platform.writable(e.account(), "clone environments");
            platform.change("cloneEnvironment", e.account() + "/" + source + " -> " + target);
            return platform.submit("clone.environment", e.account(), source + " -> " + target);
        }

        @Override
        public JobPlanDTO previewCloneEnvironment(String account, String source, String target, String fromBackup) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JobDTO cloneAccount(String source, String target, long version, boolean withData) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JobPlanDTO previewCloneAccount(String source, String target, long version, boolean withData) {
            throw new UnsupportedOperationException();
        }
    }

    private final class Facade implements PlatformService {

        private final Caller caller;

        Facade(Caller caller) {
            this.caller = caller;
        }

        // consumers of a provider (the service broker's bindings) have no page yet
        @Override
        public JobDTO bindConsumer(String account, String service, String consumer, Map<String, String> parameters) {
            throw new UnsupportedOperationException("no console page binds consumers");
        }

        @Override
        public JobDTO unbindConsumer(String account, String service, String consumer) {
            throw new UnsupportedOperationException("no console page unbinds consumers");
        }

        @Override
        public List<io.stratum.platform.api.ConsumerDTO> listConsumers(String account, String service) {
            throw new UnsupportedOperationException("no console page lists consumers");
        }

        @Override
        public io.stratum.platform.api.ConsumerDTO getConsumer(String account, String service, String consumer,
                boolean credentials) {
            throw new UnsupportedOperationException("no console page reads consumers");
        }

        private UserDTO me() {
            UserDTO u = users.get(caller.user());
            if (u == null) {
                throw new PlatformException(Reason.FORBIDDEN, "user '" + caller.user() + "' does not exist");
            }
            return u;
        }

        private boolean sees(String account) {
            return me().platformAdmin() || me().memberships().containsKey(account);
        }

        private String readable(String account) {
            String a = account == null ? DEFAULT_ACCOUNT : account;
            if (!accounts.containsKey(a) || !sees(a)) {
                throw new PlatformException(Reason.NOT_FOUND, "account '" + a + "' does not exist");
            }
            return a;
        }

        private String writable(String account, String what) {
            String a = readable(account);
            if (!me().platformAdmin() && !me().memberships().get(a).canMutate()) {
                throw new PlatformException(Reason.FORBIDDEN, "viewers of account '" + a + "' may not " + what);
            }
            return a;
        }

        private void change(String method, String what) {
            PlatformException refusal = refusals.remove(method);
            if (refusal != null) {
                throw refusal;
            }
            changes.add(method + " " + what + " by " + caller);
        }

        private JobDTO submit(String kind, String account, String target) {
            long id = nextJob.incrementAndGet();
            JobDTO j = new JobDTO(id, kind, account, target, "", JobState.QUEUED, "", "", 0, 0, "queued", "",
                    Instant.now(), null, Instant.now(), null, List.of(), caller.user(), caller.via(), caller.cause());
            jobs.put(id, j);
            return j;
        }

        private ServiceDTO find(String account, String name) {
            String a = readable(account);
            ServiceDTO s = services.get(a + "/" + name);
            if (s == null) {
                throw new PlatformException(Reason.NOT_FOUND, "service '" + name + "' does not exist in '" + a + "'");
            }
            return s;
        }

        @Override
        public List<SdpDTO> listSdps(boolean includeRefused) {
            if (includeRefused && !me().platformAdmin()) {
                throw new PlatformException(Reason.FORBIDDEN, "only platform admins see refused SDPs");
            }
            return sdps.stream().filter(s -> includeRefused || s.state() == SdpDTO.State.AVAILABLE).toList();
        }

        @Override
        public List<AccountDTO> listAccounts() {
            return accounts.values().stream().filter(a -> sees(a.name()))
                    .sorted(Comparator.comparing(AccountDTO::name)).toList();
        }

        @Override
        public AccountDTO getAccount(String name) {
            return accounts.get(readable(name));
        }

        @Override
        public AccountDTO createAccount(String name) {
            if (!me().platformAdmin()) {
                throw new PlatformException(Reason.FORBIDDEN, "only platform admins create accounts");
            }
            change("createAccount", name);
            account(name);
            return accounts.get(name);
        }

        @Override
        public AccountDTO setQuota(String account, QuotaDTO quota) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<AccountVersionDTO> accountHistory(String account, int limit) {
            return List.of();
        }

        @Override
        public List<AccountVersionDTO.ChangeDTO> diffAccount(String account, long from, long to) {
            return List.of();
        }

        @Override
        public UserDTO whoAmI() {
            return me();
        }

        @Override
        public UserDTO createUser(String name, char[] password, boolean platformAdmin) {
            if (!me().platformAdmin()) {
                throw new PlatformException(Reason.FORBIDDEN, "only platform admins create users");
            }
            change("createUser", name + " admin=" + platformAdmin + " password-length=" + password.length);
            UserDTO u = new UserDTO(name, platformAdmin, Map.of(), Instant.now());
            users.put(name, u);
            return u;
        }

        @Override
        public List<UserDTO> listUsers() {
            return me().platformAdmin() ? new ArrayList<>(new TreeMap<>(users).values()) : List.of(me());
        }

        @Override
        public void setPassword(String user, char[] password) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void deleteAccount(String account) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void deleteUser(String user) {
            throw new UnsupportedOperationException();
        }

        @Override
        public UserDTO grant(String account, String user, AccountRole role) {
            writable(account, "grant roles");
            change("grant", account + "/" + user + "=" + role);
            UserDTO u = users.get(user);
            Map<String, AccountRole> m = new TreeMap<>(u.memberships());
            m.put(account, role);
            users.put(user, new UserDTO(user, u.platformAdmin(), m, u.createdAt()));
            return users.get(user);
        }

        @Override
        public UserDTO revoke(String account, String user) {
            writable(account, "revoke roles");
            change("revoke", account + "/" + user);
            return users.get(user);
        }

        @Override
        public JobDTO createService(CreateServiceRequest r) {
            String a = writable(r.account(), "create services");
            change("createService", a + "/" + r.name() + " type=" + r.serviceType() + " plan=" + r.plan()
                    + " env=" + r.createProviders());
            service(a, r.name(), r.serviceType(), ServiceState.PROVISIONING, "", Map.of(), "");
            return submit(r.createProviders() ? "environment.create" : "service.create", a, r.name());
        }

        @Override
        public List<ServiceDTO> listServices(String account) {
            String a = readable(account);
            return services.values().stream().filter(s -> s.account().equals(a))
                    .sorted(Comparator.comparing(ServiceDTO::name)).toList();
        }

        @Override
        public ServiceDTO getService(String account, String name, boolean credentials) {
            ServiceDTO s = find(account, name);
            if (credentials) {
                writable(s.account(), "see credentials of '" + name + "'");
            }
            ServiceDTO.ConnectionDTO c = new ServiceDTO.ConnectionDTO("jdbc:h2:tcp://127.0.0.1:40001/db", "APP",
                    credentials ? PASSWORD : "********", Map.of("schema", "PUBLIC"));
            return new ServiceDTO(s.id(), s.account(), s.name(), s.serviceType(), s.sdpName(), s.sdpVersion(),
                    s.plan(), s.configuration(), s.state(), s.stateMessage(), s.engineAvailable(),
                    s.state() == ServiceState.RUNNING ? "HEALTHY" : "STOPPED", "answering on 127.0.0.1:40001", c,
                    s.runtimes(), s.activeJobId(), s.createdAt(), s.updatedAt(), s.providers(), s.dependants(),
                    s.environment(), s.external());
        }

        @Override
        public JobDTO startService(String account, String name) {
            ServiceDTO s = find(account, name);
            writable(s.account(), "start services");
            change("startService", s.account() + "/" + name);
            return submit("service.start", s.account(), name);
        }

        @Override
        public JobDTO stopService(String account, String name) {
            ServiceDTO s = find(account, name);
            writable(s.account(), "stop services");
            change("stopService", s.account() + "/" + name);
            return submit("service.stop", s.account(), name);
        }

        @Override
        public JobDTO deleteService(String account, String name, boolean force) {
            ServiceDTO s = find(account, name);
            writable(s.account(), "delete services");
            change("deleteService", s.account() + "/" + name + " force=" + force);
            return submit("service.delete", s.account(), name);
        }

        @Override
        public JobDTO scaleService(String account, String name, int instances) {
            ServiceDTO s = find(account, name);
            writable(s.account(), "scale services");
            change("scaleService", s.account() + "/" + name + " to " + instances);
            return submit("service.scale", s.account(), name);
        }

        @Override
        public ServiceDTO registerExternalService(ExternalServiceRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JobDTO createEnvironment(EnvironmentRequest request) {
            String a = writable(request.account(), "create environments");
            change("createEnvironment", a + " document-length=" + request.document().length());
            return submit("environment.create", a, "env");
        }

        @Override
        public List<EnvironmentDTO> listEnvironments(String account) {
            String a = readable(account);
            return environments.values().stream().filter(e -> e.account().equals(a)).toList();
        }

        @Override
        public EnvironmentDTO getEnvironment(String account, String name) {
            String a = readable(account);
            EnvironmentDTO e = environments.get(a + "/" + name);
            if (e == null) {
                throw new PlatformException(Reason.NOT_FOUND, "environment '" + name + "' does not exist");
            }
            return e;
        }

        @Override
        public JobDTO deleteEnvironment(String account, String name, boolean force) {
            EnvironmentDTO e = getEnvironment(account, name);
            writable(e.account(), "delete environments");
            change("deleteEnvironment", e.account() + "/" + name + " force=" + force);
            return submit("environment.delete", e.account(), name);
        }

        @Override
        public JobPlanDTO preview(Function<PlatformService, JobDTO> call) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<JobDTO> listJobs(JobQuery query) {
            return jobs.values().stream().filter(j -> sees(j.account()))
                    .filter(j -> query.account() == null || query.account().equals(j.account()))
                    .filter(j -> query.target() == null || query.target().equals(j.target()))
                    .filter(j -> !query.activeOnly() || !j.isDone())
                    .sorted(Comparator.comparing(JobDTO::id).reversed()).toList();
        }

        @Override
        public JobDTO getJob(long id) {
            JobDTO j = jobs.get(id);
            if (j == null || !sees(j.account())) {
                throw new PlatformException(Reason.NOT_FOUND, "job " + id + " does not exist");
            }
            return j;
        }

        @Override
        public JobDTO cancelJob(long id) {
            JobDTO j = getJob(id);
            writable(j.account(), "cancel jobs");
            change("cancelJob", Long.toString(id));
            return j;
        }

        @Override
        public JobDTO awaitJob(long id, Duration timeout, Consumer<JobDTO> onChange) {
            throw new UnsupportedOperationException("the console polls; it never blocks a request thread on a job");
        }
    }
}
