package io.stratum.platform.clone.internal;

import io.stratum.platform.api.AccountDTO;
import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.AccountVersionDTO;
import io.stratum.platform.api.AccountVersionDTO.ChangeDTO;
import io.stratum.platform.api.BackupAccess;
import io.stratum.platform.api.BackupDTO;
import io.stratum.platform.api.BackupService;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CreateServiceRequest;
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
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.api.UserDTO;
import io.stratum.platform.spi.AccountScopes;
import io.stratum.platform.spi.EnvironmentInfo;
import io.stratum.platform.spi.JobContext;
import io.stratum.platform.spi.JobInfo;
import io.stratum.platform.spi.JobPlan;
import io.stratum.platform.spi.JobPlanner;
import io.stratum.platform.spi.JobRequest;
import io.stratum.platform.spi.Jobs;
import io.stratum.platform.spi.ManagedService;
import io.stratum.platform.spi.Resource;
import io.stratum.platform.spi.Services;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.TaskMonitor;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A platform in memory for the clone bundle's unit tests: accounts with histories, users, SDPs, services, backups and
 * jobs, behind the API and SPI interfaces the clone uses. It records every change asked of it in {@link #calls}.
 * Child jobs end as {@link #childErrors} says (SUCCEEDED unless told otherwise).
 */
final class FakePlatform {

    /** Every change asked, in order, e.g. {@code createAccount copy}. */
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final Map<String, AccountDTO> accounts = new TreeMap<>();
    final Map<String, List<AccountVersionDTO>> histories = new TreeMap<>();
    final Set<String> users = new TreeSet<>();
    final Set<String> sdps = new TreeSet<>();
    /** accountId + "/" + name to the service. */
    final Map<String, ManagedService> services = new TreeMap<>();
    final Map<String, EnvironmentInfo> environments = new TreeMap<>();
    final List<BackupDTO> backups = new ArrayList<>();
    /** Jobs submitted through {@link Services}, by id. */
    final Map<Long, FakeJob> jobs = new LinkedHashMap<>();
    /** Target (service or environment name) of a child job to the error it fails with (it succeeds if absent). */
    final Map<String, String> childErrors = new TreeMap<>();
    /** What a create (of a service or environment) submitted, by name. */
    final Map<String, CreateServiceRequest> creates = new LinkedHashMap<>();
    final Map<String, Map<String, String>> createParams = new LinkedHashMap<>();
    final Map<String, String> environmentDocuments = new LinkedHashMap<>();
    final Map<String, Map<String, Map<String, String>>> environmentParams = new LinkedHashMap<>();
    final List<JobRequest> submitted = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong(100);
    /** The planner previews plan with. */
    JobPlanner planner;

    /** A job as the SPI shows it. */
    record FakeJob(long id, String kind, String account, String name, String target, Map<String, String> params,
            Caller requester, JobState state, String error) implements JobInfo {
        @Override
        public Optional<String> accountId() {
            return Optional.ofNullable(account);
        }

        @Override
        public Optional<String> accountName() {
            return Optional.ofNullable(name);
        }

        @Override
        public Optional<String> serviceId() {
            return Optional.empty();
        }

        @Override
        public String param(String key) {
            String v = params.get(key);
            if (v == null) {
                throw new IllegalStateException("no parameter " + key);
            }
            return v;
        }

        @Override
        public Set<Resource> locks() {
            return Set.of();
        }

        @Override
        public String message() {
            return "";
        }

        FakeJob ended(JobState s, String e) {
            return new FakeJob(id, kind, account, name, target, params, requester, s, e);
        }
    }

    /** A running job's context: values and notes kept in memory. */
    static final class Context implements JobContext {
        final JobInfo job;
        final Map<String, String> values = new LinkedHashMap<>();
        final Map<String, String> notes = new LinkedHashMap<>();
        boolean cancelled;

        Context(JobInfo job) {
            this.job = job;
        }

        @Override
        public JobInfo job() {
            return job;
        }

        @Override
        public Optional<String> get(String key) {
            return Optional.ofNullable(values.get(key));
        }

        @Override
        public void put(String key, String value) {
            values.put(key, value);
        }

        @Override
        public void note(String key, String text) {
            notes.put(key, text);
        }

        @Override
        public TaskMonitor monitor() {
            return null;
        }

        @Override
        public void message(String message) {
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }
    }

    // ------------------------------------------------------------------ building the world

    AccountDTO account(String name, List<AccountVersionDTO> history) {
        AccountDTO a = new AccountDTO("id-" + name, name, Instant.EPOCH, history.size(), QuotaDTO.UNLIMITED,
                QuotaDTO.UNLIMITED);
        accounts.put(name, a);
        histories.put(name, new ArrayList<>(history));
        return a;
    }

    ManagedService service(String account, String name, String type, String version, Map<String, String> config,
            boolean external) {
        ManagedService s = new ManagedService("svc-" + ids.incrementAndGet(), "id-" + account, account, name, type,
                type + "-sdp", version, "small", config, 1, ServiceState.RUNNING, null, Map.of(), external);
        services.put(s.accountId() + "/" + name, s);
        return s;
    }

    static JobInfo cloneJob(long id, JobRequest r) {
        return new FakeJob(id, r.kind(), r.accountId(), null, r.target(), r.params(), r.requester(), JobState.RUNNING,
                "");
    }

    // ------------------------------------------------------------------ the interfaces

    AccountScopes scopes() {
        return new AccountScopes() {
            @Override
            public Scope resolve(Caller caller, String account, Need need, String what) {
                calls.add("resolve " + account + " " + need);
                AccountDTO a = accounts.get(account);
                if (a == null) {
                    throw new PlatformException(Reason.NOT_FOUND, "no account '" + account + "'");
                }
                if (need == Need.PLATFORM && !caller.user().equals("admin") && !caller.isSystem()) {
                    throw new PlatformException(Reason.FORBIDDEN, "only platform admins may " + what);
                }
                return new Scope(a.id(), a.name());
            }

            @Override
            public List<Scope> visible(Caller caller) {
                return accounts.values().stream().map(a -> new Scope(a.id(), a.name())).toList();
            }

            @Override
            public long recordOrigin(String accountId, Caller caller, String origin) {
                AccountDTO a = accounts.values().stream().filter(x -> x.id().equals(accountId)).findFirst()
                        .orElseThrow();
                calls.add("recordOrigin " + a.name() + ": " + origin);
                return record(a.name(), caller, List.of(new ChangeDTO("account", a.name(), "origin", null, origin)));
            }

            @Override
            public long recordVersion(java.sql.Connection c, String accountId, Caller caller, String summary,
                    List<ChangeDTO> changes) {
                AccountDTO a = accounts.values().stream().filter(x -> x.id().equals(accountId)).findFirst()
                        .orElseThrow();
                return record(a.name(), caller, changes);
            }
        };
    }

    private long record(String account, Caller caller, List<ChangeDTO> changes) {
        List<AccountVersionDTO> h = histories.get(account);
        long v = h.size() + 1;
        h.add(new AccountVersionDTO(v, Instant.now(), caller.user(), caller.via(), "", changes));
        AccountDTO a = accounts.get(account);
        accounts.put(account, new AccountDTO(a.id(), a.name(), a.createdAt(), v, a.quota(), a.usage()));
        return v;
    }

    Jobs jobs() {
        return new Jobs() {
            @Override
            public JobInfo submit(JobRequest request) {
                submitted.add(request);
                return cloneJob(ids.incrementAndGet(), request);
            }

            @Override
            public JobPlanDTO preview(JobRequest request) {
                JobPlan plan = planner.plan(cloneJob(0, request));
                Map<String, List<String>> phases = new LinkedHashMap<>();
                plan.steps().forEach(s -> phases.computeIfAbsent(s.phase(), k -> new ArrayList<>()).add(s.task()
                        .name()));
                return new JobPlanDTO(request.kind(), request.target(), phases.entrySet().stream()
                        .map(e -> new JobPlanDTO.PhaseDTO(e.getKey(), e.getValue())).toList(), List.of(), List.of());
            }

            @Override
            public Optional<JobInfo> find(long id) {
                return Optional.ofNullable(jobs.get(id)).map(j -> ended(j));
            }

            @Override
            public JobInfo await(long id, Duration timeout) {
                return ended(jobs.get(id));
            }
        };
    }

    private JobInfo ended(FakeJob j) {
        String error = childErrors.get(j.target());
        return error == null ? j.ended(JobState.SUCCEEDED, "") : j.ended(JobState.FAILED, error);
    }

    Services servicesSpi() {
        return new Services() {
            @Override
            public Optional<ManagedService> find(String serviceId) {
                return services.values().stream().filter(s -> s.id().equals(serviceId)).findFirst();
            }

            @Override
            public Optional<ManagedService> find(String accountId, String name) {
                return Optional.ofNullable(services.get(accountId + "/" + name));
            }

            @Override
            public List<ManagedService> ofAccount(String accountId) {
                return services.values().stream().filter(s -> s.accountId().equals(accountId)).toList();
            }

            @Override
            public List<ManagedService> all() {
                return List.copyOf(services.values());
            }

            @Override
            public Optional<EnvironmentInfo> environment(String accountId, String name) {
                return Optional.ofNullable(environments.get(accountId + "/" + name));
            }

            @Override
            public ServiceContext context(String serviceId) {
                throw new UnsupportedOperationException();
            }

            @Override
            public JobInfo create(Caller caller, CreateServiceRequest r, Map<String, String> params) {
                calls.add("create " + r.account() + "/" + r.name());
                creates.put(r.name(), r);
                createParams.put(r.name(), params);
                service(r.account(), r.name(), r.serviceType(), r.sdpVersion(), r.configuration(), false);
                return job("service.create", r.account(), r.name(), caller);
            }

            @Override
            public JobInfo createEnvironment(Caller caller, EnvironmentRequest r,
                    Map<String, Map<String, String>> memberParams) {
                try {
                    var doc = ClonePlanner.JSON.readTree(r.document());
                    String name = doc.get("name").asText();
                    calls.add("createEnvironment " + r.account() + "/" + name);
                    environmentDocuments.put(name, r.document());
                    environmentParams.put(name, memberParams);
                    environments.put("id-" + r.account() + "/" + name, new EnvironmentInfo("env-" + name,
                            "id-" + r.account(), name, List.of()));
                    doc.get("services").forEach(m -> service(r.account(), m.get("name").asText(),
                            m.get("type").asText(), m.get("version").asText(), Map.of(), false));
                    return job("environment.create", r.account(), name, caller);
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    private FakeJob job(String kind, String account, String target, Caller caller) {
        FakeJob j = new FakeJob(ids.incrementAndGet(), kind, "id-" + account, account, target, Map.of(), caller,
                JobState.QUEUED, "");
        jobs.put(j.id(), j);
        return j;
    }

    PlatformAccess access() {
        return new PlatformAccess() {
            @Override
            public PlatformService as(Caller caller) {
                return facade(caller);
            }

            @Override
            public Optional<UserDTO> authenticate(String user, char[] password) {
                return Optional.empty();
            }
        };
    }

    BackupAccess backupAccess() {
        return caller -> (BackupService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BackupService.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "listBackups" -> backups.stream().map(b -> new BackupDTO(b.id(), b.account(), b.scope(),
                            b.source(), b.takenAt(), b.createdAt(), b.requestedBy(), b.jobId(), b.logicalBytes(),
                            b.newBytes(), List.of())).toList();
                    case "getBackup" -> backups.stream().filter(b -> b.id().equals(args[0])).findFirst()
                            .orElseThrow(() -> new PlatformException(Reason.NOT_FOUND, "no backup " + args[0]));
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private PlatformService facade(Caller caller) {
        return (PlatformService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PlatformService.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getAccount" -> account((String) args[0]);
                    case "listAccounts" -> List.copyOf(accounts.values());
                    case "accountHistory" -> {
                        account((String) args[0]);
                        List<AccountVersionDTO> h = new ArrayList<>(histories.get((String) args[0]));
                        Collections.reverse(h);
                        yield h;
                    }
                    case "listSdps" -> sdps.stream().map(s -> new SdpDTO(s, s.split(" ")[0], s.split(" ")[1], "", "",
                            SdpDTO.State.AVAILABLE, "", 1, s, "small", List.of(), List.of(), "dedicated", List.of(),
                            List.of())).toList();
                    case "listUsers" -> users.stream().map(u -> new UserDTO(u, false, Map.of(), Instant.EPOCH))
                            .toList();
                    case "createAccount" -> {
                        String name = (String) args[0];
                        calls.add("createAccount " + name);
                        account(name, List.of());
                        record(name, caller, List.of(new ChangeDTO("account", name, "*", null, "exists")));
                        yield accounts.get(name);
                    }
                    case "setQuota" -> {
                        QuotaDTO q = (QuotaDTO) args[1];
                        calls.add("setQuota " + args[0] + " " + q.maxServices() + " " + q.maxInstances() + " "
                                + q.maxMemoryMb());
                        yield account((String) args[0]);
                    }
                    case "grant" -> {
                        calls.add("grant " + args[0] + " " + args[1] + " " + args[2]);
                        yield new UserDTO((String) args[1], false, Map.of((String) args[0], (AccountRole) args[2]),
                                Instant.EPOCH);
                    }
                    case "registerExternalService" -> {
                        ExternalServiceRequest r = (ExternalServiceRequest) args[0];
                        calls.add("register " + r.account() + "/" + r.name() + " " + r.serviceType() + " " + r.url()
                                + " " + r.user() + " " + r.password() + " " + new TreeMap<>(r.properties()));
                        service(r.account(), r.name(), r.serviceType(), "0.0.0", Map.of("url", r.url()), true);
                        yield null;
                    }
                    case "listJobs" -> {
                        JobQuery q = (JobQuery) args[0];
                        List<JobDTO> out = new ArrayList<>();
                        for (FakeJob j : jobs.values()) {
                            if (q.account().equals(j.name()) && q.target().equals(j.target())) {
                                out.add(0, new JobDTO(j.id(), j.kind(), j.name(), j.target(), "",
                                        j.state(), "", "", 0, 0, "", "", Instant.EPOCH, null, Instant.EPOCH, null,
                                        List.of(), "admin", "shell", ""));
                            }
                        }
                        yield out;
                    }
                    case "cancelJob" -> {
                        calls.add("cancelJob " + args[0]);
                        yield null;
                    }
                    case "getJob" -> new JobDTO((Long) args[0], "clone.account", "", "", "", JobState.QUEUED, "", "",
                            0, 0, "", "", Instant.EPOCH, null, Instant.EPOCH, null, List.of(), "admin", "shell", "");
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private AccountDTO account(String name) {
        AccountDTO a = accounts.get(name);
        if (a == null) {
            throw new PlatformException(Reason.NOT_FOUND, "no account '" + name + "'");
        }
        return a;
    }
}
