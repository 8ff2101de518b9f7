package io.stratum.platform.osb.internal;

import io.stratum.platform.api.AccountDTO;
import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.AccountVersionDTO;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.ConsumerDTO;
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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A hand-written stand-in for the platform, for unit tests of the OSB layer only: it keeps accounts, services,
 * consumers and jobs in memory and refuses what the real platform refuses in the cases these tests meet (a busy
 * service, a name taken, a provider with consumers, a bad configuration key, a type that does not scale). Jobs run
 * until a test ends them ({@link #succeed}, {@link #fail}). The real platform's behaviour is tested in platform-engine
 * and end to end in itests.
 */
final class FakePlatform implements PlatformAccess {

    /** Every facade handed out, by the caller it acts for. */
    final List<Caller> callers = new CopyOnWriteArrayList<>();
    /** Every call that would change something, in order (e.g. "createService acme/i-1"). */
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<SdpDTO> sdps = new CopyOnWriteArrayList<>();

    private final Map<String, AccountDTO> accounts = new TreeMap<>();
    private final Map<String, Svc> services = new TreeMap<>();
    private final Map<String, Con> consumers = new TreeMap<>();
    private final Map<Long, Job> jobs = new TreeMap<>();
    private long nextJob = 1;

    private static final class Svc {
        String id = UUID.randomUUID().toString();
        String account;
        String name;
        String type;
        String sdpName;
        String sdpVersion;
        String plan;
        Map<String, String> config;
        ServiceState state;
        long activeJob;
    }

    private static final class Con {
        String id = UUID.randomUUID().toString();
        String account;
        String service;
        String name;
        ConsumerDTO.State state;
        String message = "";
        Map<String, String> params;
        Map<String, String> binding = Map.of();
    }

    private static final class Job {
        long id;
        String kind;
        String account;
        String target;
        JobState state = JobState.RUNNING;
        String error = "";
        Caller caller;
        Runnable onSuccess;
        Runnable onFailure;
    }

    // ------------------------------------------------------------------ for tests

    static SdpDTO sdp(String name, String type, String version, List<String> requires, List<String> provides,
            String... plans) {
        List<SdpDTO.PlanDTO> p = new ArrayList<>();
        for (String plan : plans) {
            p.add(new SdpDTO.PlanDTO(plan, plan.equals("small") ? "one small instance" : null, List.of("heapMb=64")));
        }
        return new SdpDTO(name, type, version, "Stratum", type.equals("database") ? "H2 databases" : "", 
                SdpDTO.State.AVAILABLE, "", 40 + p.size(), "io.stratum." + name, plans[0], p, List.of("native-process"),
                "dedicated", requires, provides);
    }

    synchronized void account(String name) {
        accounts.put(name, new AccountDTO(UUID.randomUUID().toString(), name, Instant.EPOCH, 1,
                new QuotaDTO(-1, -1, -1), new QuotaDTO(0, 0, 0)));
    }

    synchronized Set<String> accountNames() {
        return new java.util.TreeSet<>(accounts.keySet());
    }

    /** Ends a running job as succeeded. */
    synchronized void succeed(long id) {
        Job j = jobs.get(id);
        j.state = JobState.SUCCEEDED;
        j.onSuccess.run();
    }

    /** Ends a running job as failed (rolled back). */
    synchronized void fail(long id, String error) {
        Job j = jobs.get(id);
        j.state = JobState.FAILED;
        j.error = error;
        j.onFailure.run();
    }

    /**
     * Starts the job of an update of a service to another SDP version, as the update manager would (for its fake):
     * the service is busy with it, and on success runs that version.
     *
     * @return the job's id
     */
    synchronized long upgradeJob(Caller caller, String account, String name, String toVersion) {
        Svc s = services.get(account + "/" + name);
        if (s.activeJob != 0) {
            throw refuse(Reason.CONCURRENCY, "'" + name + "' is busy with job " + s.activeJob);
        }
        calls.add("upgrade " + account + "/" + name + " " + toVersion);
        Job j = newJob(caller, "update.service", account, name, () -> {
            s.sdpVersion = toVersion;
            s.activeJob = 0;
        }, () -> s.activeJob = 0);
        s.activeJob = j.id;
        return j.id;
    }

    synchronized JobDTO job(long id) {
        return dto(jobs.get(id));
    }

    synchronized Optional<Map<String, String>> config(String account, String service) {
        return Optional.ofNullable(services.get(account + "/" + service)).map(s -> s.config);
    }

    /** @return everything a refused request must leave as it was */
    synchronized String snapshot() {
        StringBuilder out = new StringBuilder(accounts.keySet().toString());
        services.forEach((k, s) -> out.append(" | ").append(k).append(' ').append(s.state).append(' ')
                .append(s.sdpVersion).append(' ').append(s.activeJob).append(' ').append(s.plan).append(' ')
                .append(s.config));
        consumers.forEach((k, c) -> out.append(" | ").append(k).append(' ').append(c.state));
        jobs.forEach((k, j) -> out.append(" | job ").append(k).append(' ').append(j.state));
        return out.toString();
    }

    // ------------------------------------------------------------------ PlatformAccess

    @Override
    public PlatformService as(Caller caller) {
        callers.add(caller);
        return new Facade(caller);
    }

    @Override
    public Optional<UserDTO> authenticate(String user, char[] password) {
        return Optional.empty();
    }

    private JobDTO dto(Job j) {
        return new JobDTO(j.id, j.kind, j.account, j.target, "", j.state, j.state.isDone() ? "end" : "provision",
                j.state.isDone() ? "" : "provision", j.state.isDone() ? 100 : 40, 1,
                j.state.isDone() ? "" : "starting", j.error, Instant.EPOCH, Instant.EPOCH, Instant.EPOCH,
                j.state.isDone() ? Instant.EPOCH : null, List.of(), j.caller.user(), j.caller.via(),
                j.caller.cause());
    }

    private Job newJob(Caller caller, String kind, String account, String target, Runnable onSuccess,
            Runnable onFailure) {
        Job j = new Job();
        j.id = nextJob++;
        j.kind = kind;
        j.account = account;
        j.target = target;
        j.caller = caller;
        j.onSuccess = onSuccess;
        j.onFailure = onFailure;
        jobs.put(j.id, j);
        return j;
    }

    private static PlatformException refuse(Reason reason, String message) {
        return new PlatformException(reason, message);
    }

    private final class Facade implements PlatformService {
        private final Caller caller;

        Facade(Caller caller) {
            this.caller = caller;
        }

        private Svc svc(String account, String name) {
            if (!accounts.containsKey(account)) {
                throw refuse(Reason.NOT_FOUND, "no account '" + account + "'");
            }
            Svc s = services.get(account + "/" + name);
            if (s == null) {
                throw refuse(Reason.NOT_FOUND, "no service '" + name + "' in account '" + account + "'");
            }
            return s;
        }

        private void idle(Svc s) {
            if (s.activeJob != 0) {
                throw refuse(Reason.CONCURRENCY, "'" + s.name + "' is busy with job " + s.activeJob);
            }
        }

        private ServiceDTO dto(Svc s) {
            return new ServiceDTO(s.id, s.account, s.name, s.type, s.sdpName, s.sdpVersion, s.plan, s.config, s.state,
                    "", true, "UNKNOWN", "", null, List.of(), s.activeJob, Instant.EPOCH, Instant.EPOCH, Map.of(),
                    List.of(), "", false);
        }

        @Override
        public List<SdpDTO> listSdps(boolean includeRefused) {
            return List.copyOf(sdps);
        }

        @Override
        public AccountDTO getAccount(String name) {
            synchronized (FakePlatform.this) {
                AccountDTO a = accounts.get(name);
                if (a == null) {
                    throw refuse(Reason.NOT_FOUND, "no account '" + name + "'");
                }
                return a;
            }
        }

        @Override
        public AccountDTO createAccount(String name) {
            synchronized (FakePlatform.this) {
                if (!caller.isSystem()) {
                    throw refuse(Reason.FORBIDDEN, "platform admins only");
                }
                if (accounts.containsKey(name)) {
                    throw refuse(Reason.ALREADY_EXISTS, "account '" + name + "' already exists");
                }
                calls.add("createAccount " + name);
                account(name);
                return accounts.get(name);
            }
        }

        @Override
        public JobDTO createService(CreateServiceRequest r) {
            synchronized (FakePlatform.this) {
                if (!accounts.containsKey(r.account())) {
                    throw refuse(Reason.NOT_FOUND, "no account '" + r.account() + "'");
                }
                if (sdps.stream().noneMatch(s -> s.serviceType().equals(r.serviceType())
                        && s.version().equals(r.sdpVersion()))) {
                    throw refuse(Reason.NOT_FOUND, "no service type '" + r.serviceType() + "' " + r.sdpVersion());
                }
                if (r.configuration().containsKey("bad")) {
                    throw refuse(Reason.INVALID, "configuration 'bad' is not in the schema of " + r.serviceType());
                }
                if (r.configuration().containsKey("huge")) {
                    throw refuse(Reason.QUOTA_EXCEEDED, "services: 1 used + 1 asked = 2 > limit 1");
                }
                if (services.containsKey(r.account() + "/" + r.name())) {
                    throw refuse(Reason.ALREADY_EXISTS, "a service named '" + r.name() + "' already exists");
                }
                calls.add("createService " + r.account() + "/" + r.name() + " " + r.serviceType() + " " + r.plan()
                        + " " + r.sdpVersion() + " " + new TreeMap<>(r.configuration()));
                Svc s = new Svc();
                s.account = r.account();
                s.name = r.name();
                s.type = r.serviceType();
                s.sdpName = r.serviceType() + "-sdp";
                s.sdpVersion = r.sdpVersion();
                s.plan = r.plan();
                s.config = new TreeMap<>(r.configuration());
                s.config.putIfAbsent("instances", "1");
                s.state = ServiceState.PROVISIONING;
                String key = r.account() + "/" + r.name();
                services.put(key, s);
                Job j = newJob(caller, "service.create", r.account(), r.name(), () -> {
                    s.state = ServiceState.RUNNING;
                    s.activeJob = 0;
                }, () -> services.remove(key));
                s.activeJob = j.id;
                return FakePlatform.this.dto(j);
            }
        }

        @Override
        public List<ServiceDTO> listServices(String account) {
            synchronized (FakePlatform.this) {
                if (!accounts.containsKey(account)) {
                    throw refuse(Reason.NOT_FOUND, "no account '" + account + "'");
                }
                return services.values().stream().filter(s -> s.account.equals(account)).map(this::dto).toList();
            }
        }

        @Override
        public ServiceDTO getService(String account, String name, boolean credentials) {
            synchronized (FakePlatform.this) {
                return dto(svc(account, name));
            }
        }

        @Override
        public JobDTO deleteService(String account, String name, boolean force) {
            synchronized (FakePlatform.this) {
                Svc s = svc(account, name);
                idle(s);
                if (!force && consumers.values().stream().anyMatch(c -> c.account.equals(account)
                        && c.service.equals(name))) {
                    throw refuse(Reason.INVALID, "'" + name + "' has consumers bound to it; unbind them first");
                }
                calls.add("deleteService " + account + "/" + name);
                ServiceState before = s.state;
                s.state = ServiceState.DELETING;
                Job j = newJob(caller, "service.delete", account, name, () -> {
                    services.remove(account + "/" + name);
                    consumers.values().removeIf(c -> c.account.equals(account) && c.service.equals(name));
                }, () -> {
                    s.state = ServiceState.FAILED;
                    s.activeJob = 0;
                });
                s.activeJob = j.id;
                return FakePlatform.this.dto(j);
            }
        }

        @Override
        public JobDTO scaleService(String account, String name, int instances) {
            synchronized (FakePlatform.this) {
                Svc s = svc(account, name);
                if (!s.type.equals("appcache")) {
                    throw refuse(Reason.INVALID, "service type '" + s.type + "' cannot be scaled");
                }
                idle(s);
                calls.add("scaleService " + account + "/" + name + " " + instances);
                Job j = newJob(caller, "service.scale", account, name, () -> {
                    s.config.put("instances", Integer.toString(instances));
                    s.activeJob = 0;
                }, () -> s.activeJob = 0);
                s.activeJob = j.id;
                return FakePlatform.this.dto(j);
            }
        }

        @Override
        public JobDTO bindConsumer(String account, String service, String consumer, Map<String, String> params) {
            synchronized (FakePlatform.this) {
                Svc s = svc(account, service);
                idle(s);
                if (s.state != ServiceState.RUNNING) {
                    throw refuse(Reason.INVALID, "'" + service + "' is " + s.state);
                }
                String key = account + "/" + consumer;
                if (consumers.containsKey(key)) {
                    throw refuse(Reason.ALREADY_EXISTS, "a consumer named '" + consumer + "' is already bound");
                }
                calls.add("bindConsumer " + account + "/" + service + " " + consumer + " " + params);
                Con c = new Con();
                c.account = account;
                c.service = service;
                c.name = consumer;
                c.state = ConsumerDTO.State.BINDING;
                c.params = Map.copyOf(params);
                consumers.put(key, c);
                Job j = newJob(caller, "service.bind", account, service, () -> {
                    c.state = ConsumerDTO.State.BOUND;
                    c.binding = Map.of("url", "jdbc:h2:tcp://127.0.0.1:20001/db;SCHEMA=S_" + consumer, "user",
                            "S_" + consumer, "password", "pw-" + consumer);
                    s.activeJob = 0;
                }, () -> {
                    consumers.remove(key);
                    s.activeJob = 0;
                });
                s.activeJob = j.id;
                return FakePlatform.this.dto(j);
            }
        }

        @Override
        public JobDTO unbindConsumer(String account, String service, String consumer) {
            synchronized (FakePlatform.this) {
                Svc s = svc(account, service);
                Con c = consumers.get(account + "/" + consumer);
                if (c == null || !c.service.equals(service)) {
                    throw refuse(Reason.NOT_FOUND, "no consumer '" + consumer + "'");
                }
                idle(s);
                calls.add("unbindConsumer " + account + "/" + service + " " + consumer);
                c.state = ConsumerDTO.State.UNBINDING;
                Job j = newJob(caller, "service.unbind", account, service, () -> {
                    consumers.remove(account + "/" + consumer);
                    s.activeJob = 0;
                }, () -> {
                    c.state = ConsumerDTO.State.FAILED;
                    c.message = "unbind failed";
                    s.activeJob = 0;
                });
                s.activeJob = j.id;
                return FakePlatform.this.dto(j);
            }
        }

        @Override
        public List<ConsumerDTO> listConsumers(String account, String service) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ConsumerDTO getConsumer(String account, String service, String consumer, boolean credentials) {
            synchronized (FakePlatform.this) {
                Svc s = svc(account, service);
                Con c = consumers.get(account + "/" + consumer);
                if (c == null || !c.service.equals(service)) {
                    throw refuse(Reason.NOT_FOUND, "no consumer '" + consumer + "'");
                }
                Map<String, String> binding = new TreeMap<>(c.binding);
                if (!credentials) {
                    binding.computeIfPresent("password", (k, v) -> "********");
                }
                return new ConsumerDTO(c.id, account, s.name, c.name, c.state, c.message, c.params,
                        c.state == ConsumerDTO.State.BOUND ? binding : Map.of(), 0, Instant.EPOCH);
            }
        }

        @Override
        public List<JobDTO> listJobs(JobQuery query) {
            synchronized (FakePlatform.this) {
                if (query.account() != null && !accounts.containsKey(query.account())) {
                    throw refuse(Reason.NOT_FOUND, "no account '" + query.account() + "'");
                }
                List<JobDTO> out = new ArrayList<>();
                for (Job j : jobs.values()) {
                    if ((query.account() == null || query.account().equals(j.account))
                            && (query.target() == null || query.target().equals(j.target))) {
                        out.add(FakePlatform.this.dto(j));
                    }
                }
                Collections.reverse(out);
                return out.subList(0, Math.min(out.size(), query.limit() <= 0 ? 50 : query.limit()));
            }
        }

        @Override
        public JobDTO getJob(long id) {
            synchronized (FakePlatform.this) {
                Job j = jobs.get(id);
                if (j == null) {
                    throw refuse(Reason.NOT_FOUND, "no job " + id);
                }
                return FakePlatform.this.dto(j);
            }
        }

        // ------------------------------------------------------------------ not used by the broker

        @Override
        public List<AccountDTO> listAccounts() {
            throw new UnsupportedOperationException();
        }

        @Override
        public AccountDTO setQuota(String account, QuotaDTO quota) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<AccountVersionDTO> accountHistory(String account, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<AccountVersionDTO.ChangeDTO> diffAccount(String account, long from, long to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public UserDTO whoAmI() {
            throw new UnsupportedOperationException();
        }

        @Override
        public UserDTO createUser(String name, char[] password, boolean platformAdmin) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<UserDTO> listUsers() {
            throw new UnsupportedOperationException();
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
            throw new UnsupportedOperationException();
        }

        @Override
        public UserDTO revoke(String account, String user) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JobDTO startService(String account, String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JobDTO stopService(String account, String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ServiceDTO registerExternalService(ExternalServiceRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JobDTO createEnvironment(EnvironmentRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<EnvironmentDTO> listEnvironments(String account) {
            throw new UnsupportedOperationException();
        }

        @Override
        public EnvironmentDTO getEnvironment(String account, String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JobDTO deleteEnvironment(String account, String name, boolean force) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JobPlanDTO preview(Function<PlatformService, JobDTO> call) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JobDTO cancelJob(long id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JobDTO awaitJob(long id, Duration timeout, Consumer<JobDTO> onChange) {
            throw new UnsupportedOperationException();
        }
    }
}
