package io.stratum.platform.rest;

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
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hand-written fake of the platform's facades ({@link PlatformAccess}, {@link BackupAccess}, {@link CloneAccess})
 * for the unit tests of the REST layer only: the platform itself is tested in platform-engine, platform-backup and
 * platform-clone, and on the real distribution by the ITs. It keeps users, accounts, services and their consumers,
 * environments, jobs, backups and schedules in memory and answers like the real facades where the REST layer depends
 * on it: every call scoped to the caller (an account the caller is not a member of is NOT_FOUND with the same message
 * as one that does not exist), viewers refused changes (FORBIDDEN), names taken (ALREADY_EXISTS), a busy service
 * (CONCURRENCY), bad values (INVALID), quotas (QUOTA_EXCEEDED), dry runs that record nothing. Jobs stay where they are
 * until a test moves them ({@link #progress}, {@link #finish}; a bind job ending binds its consumer);
 * {@link PlatformService#awaitJob} waits for that as the real one does.
 * {@link #state()} renders everything, so a test can check that a refused request changed nothing.
 */
final class FakePlatform implements PlatformAccess, BackupAccess, CloneAccess {

    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    static final Set<String> TYPES = Set.of("database", "appserver", "webtier");
    static final Set<String> CONFIG_KEYS = Set.of("port", "instances", "war");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}");

    private final Object lock = new Object();
    private final Map<String, User> users = new TreeMap<>();
    private final Map<String, Acct> accounts = new TreeMap<>();
    private final Map<Long, Job> jobs = new TreeMap<>();
    private final Map<String, BackupDTO> backups = new TreeMap<>();
    private final Map<String, BackupScheduleDTO> schedules = new TreeMap<>();
    private long nextJob = 1;
    private int nextSchedule = 1;
    private int waiting;

    /** Every facade call, as "user via: method args" (for tests that check what the REST layer asked). */
    final List<String> calls = new CopyOnWriteArrayList<>();
    /** Told the name of a user who was deleted or whose password changed (the platform's UserEvents). */
    final List<Consumer<String>> userChanged = new CopyOnWriteArrayList<>();
    /** How often {@link #authenticate} was asked. */
    volatile int logins;
    /** Thrown by the next {@code grant}, once. */
    volatile RuntimeException failNextGrant;
    /** Thrown by every {@code listSdps}. */
    volatile RuntimeException failSdps;
    /** The last query of {@code listJobs}. */
    volatile JobQuery lastQuery;

    static final class User {
        final String name;
        char[] password;
        final boolean admin;
        final Map<String, AccountRole> roles = new TreeMap<>();

        User(String name, char[] password, boolean admin) {
            this.name = name;
            this.password = password;
            this.admin = admin;
        }
    }

    static final class Acct {
        final String name;
        QuotaDTO quota = QuotaDTO.UNLIMITED;
        final Map<String, Svc> services = new TreeMap<>();
        final Map<String, String> envs = new TreeMap<>(); // name -> document
        long version = 1;

        Acct(String name) {
            this.name = name;
        }
    }

    static final class Svc {
        final String name;
        final String type;
        String plan;
        ServiceState state;
        long activeJob;
        int instances = 1;
        final Map<String, String> config;
        final boolean external;
        final String password;
        final Map<String, Cons> consumers = new TreeMap<>();

        Svc(String name, String type, String plan, ServiceState state, Map<String, String> config, boolean external,
                String password) {
            this.name = name;
            this.type = type;
            this.plan = plan;
            this.state = state;
            this.config = new TreeMap<>(config);
            this.external = external;
            this.password = password;
        }
    }

    /** A consumer bound (or being bound) to a service. */
    static final class Cons {
        final String name;
        final Map<String, String> parameters;
        ConsumerDTO.State state = ConsumerDTO.State.BINDING;
        String message = "";
        long job;

        Cons(String name, Map<String, String> parameters, long job) {
            this.name = name;
            this.parameters = new TreeMap<>(parameters);
            this.job = job;
        }
    }

    static final class Job {
        final long id;
        final String kind;
        final String account;
        final String target;
        final Caller caller;
        JobState state = JobState.QUEUED;
        int progress;
        String phase = "";
        String task = "";
        String message = "queued";
        String error = "";

        Job(long id, String kind, String account, String target, Caller caller) {
            this.id = id;
            this.kind = kind;
            this.account = account;
            this.target = target;
            this.caller = caller;
        }
    }

    /** The accounts default, blue and red; admin (platform admin), alice and carol (member and admin of blue),
     * vera (viewer of blue), bob (member of red); services blue/db1 and red/db2; a backup of each. */
    FakePlatform() {
        for (String a : List.of("default", "blue", "red")) {
            accounts.put(a, new Acct(a));
        }
        user("admin", true);
        user("alice", false).roles.put("blue", AccountRole.MEMBER);
        user("carol", false).roles.put("blue", AccountRole.ADMIN);
        user("vera", false).roles.put("blue", AccountRole.VIEWER);
        user("bob", false).roles.put("red", AccountRole.MEMBER);
        accounts.get("blue").services.put("db1", new Svc("db1", "database", "small", ServiceState.RUNNING,
                Map.of("port", "5000"), false, "blue-secret"));
        accounts.get("red").services.put("db2", new Svc("db2", "database", "small", ServiceState.RUNNING, Map.of(),
                false, "red-secret"));
        backups.put("b-blue", backup("b-blue", "blue", "db1"));
        backups.put("b-red", backup("b-red", "red", "db2"));
    }

    /** @return the password of a fake user: their name and "-password-1" */
    static String password(String user) {
        return user + "-password-1";
    }

    private User user(String name, boolean admin) {
        User u = new User(name, password(name).toCharArray(), admin);
        users.put(name, u);
        return u;
    }

    private static BackupDTO backup(String id, String account, String service) {
        return new BackupDTO(id, account, "service", service, T0, T0.plusSeconds(2), "alice", 9, 1000, 400,
                List.of(new BackupDTO.MemberDTO("id-" + service, service, "database", "1.0.0", "small", 1, 1000, 12,
                        Map.of("port", "5000"), Map.of())));
    }

    // ------------------------------------------------------------------ test controls

    /** @return everything the fake holds, rendered; equal before and after a request that changed nothing */
    String state() {
        synchronized (lock) {
            StringBuilder b = new StringBuilder();
            users.values().forEach(u -> b.append("user ").append(u.name).append(u.admin).append(u.roles)
                    .append(new String(u.password)).append('\n'));
            for (Acct a : accounts.values()) {
                b.append("account ").append(a.name).append(a.quota).append(a.envs.keySet()).append('\n');
                a.services.values().forEach(s -> {
                    b.append("  service ").append(s.name).append(s.state).append(s.plan).append(s.activeJob)
                            .append(s.instances).append(s.config).append('\n');
                    s.consumers.values().forEach(k -> b.append("    consumer ").append(k.name).append(k.state)
                            .append(k.parameters).append(k.job).append('\n'));
                });
            }
            jobs.values().forEach(j -> b.append("job ").append(j.id).append(j.kind).append(j.state).append('\n'));
            b.append(backups.keySet()).append(schedules).append('\n');
            return b.toString();
        }
    }

    /** @return a job submitted for a user, as a test's fixture (e.g. bob's job in red) */
    long submitJob(String user, String kind, String account, String target) {
        synchronized (lock) {
            Job j = new Job(nextJob++, kind, account, target, Caller.user(user, Caller.VIA_SHELL));
            jobs.put(j.id, j);
            return j.id;
        }
    }

    /** Moves a job on: RUNNING with that progress and message. */
    void progress(long id, int progress, String message) {
        synchronized (lock) {
            Job j = jobs.get(id);
            j.state = JobState.RUNNING;
            j.progress = progress;
            j.phase = "provision";
            j.task = "provision";
            j.message = message;
            lock.notifyAll();
        }
    }

    /** Ends a job; a service it worked on is no longer busy. */
    void finish(long id, JobState end) {
        synchronized (lock) {
            Job j = jobs.get(id);
            j.state = end;
            j.progress = 100;
            j.message = "done";
            j.error = end == JobState.SUCCEEDED ? "" : "it failed";
            for (Acct a : accounts.values()) {
                for (Svc s : a.services.values()) {
                    if (s.activeJob == id) {
                        s.activeJob = 0;
                        s.state = end == JobState.SUCCEEDED && j.kind.equals("service.stop") ? ServiceState.STOPPED
                                : ServiceState.RUNNING;
                    }
                    for (Cons k : List.copyOf(s.consumers.values())) {
                        if (k.job != id) {
                            continue;
                        }
                        k.job = 0;
                        boolean bind = j.kind.equals("service.bind");
                        if (bind == (end == JobState.SUCCEEDED)) {
                            k.state = bind ? ConsumerDTO.State.BOUND : ConsumerDTO.State.FAILED;
                            k.message = bind ? "" : "the engine could not revoke its binding";
                        } else {
                            s.consumers.remove(k.name);
                        }
                    }
                }
            }
            lock.notifyAll();
        }
    }

    /** @return the job */
    JobDTO job(long id) {
        synchronized (lock) {
            return jobDto(jobs.get(id), true);
        }
    }

    /** @return the newest job */
    long lastJob() {
        synchronized (lock) {
            return nextJob - 1;
        }
    }

    /** @return how many calls wait in awaitJob now */
    int waiting() {
        synchronized (lock) {
            return waiting;
        }
    }

    /** @return the service, or null */
    Svc service(String account, String name) {
        synchronized (lock) {
            return accounts.get(account).services.get(name);
        }
    }

    /** @return the document an environment was created from, or null */
    String environmentDocument(String account, String name) {
        synchronized (lock) {
            return accounts.get(account).envs.get(name);
        }
    }

    boolean userExists(String name) {
        synchronized (lock) {
            return users.containsKey(name);
        }
    }

    BackupScheduleDTO schedule(String id) {
        synchronized (lock) {
            return schedules.get(id);
        }
    }

    // ------------------------------------------------------------------ access

    /** @return the facades of that caller (one object serves all three interfaces) */
    @Override
    public Facade as(Caller caller) {
        return new Facade(caller, false);
    }

    @Override
    public Optional<UserDTO> authenticate(String user, char[] password) {
        logins++;
        synchronized (lock) {
            User u = users.get(user);
            if (u == null || !Arrays.equals(u.password, password)) {
                return Optional.empty();
            }
            return Optional.of(userDto(u));
        }
    }

    private UserDTO userDto(User u) {
        return new UserDTO(u.name, u.admin, u.roles, T0);
    }

    private JobDTO jobDto(Job j, boolean steps) {
        return new JobDTO(j.id, j.kind, j.account, j.target, "", j.state, j.phase, j.task, j.progress, 0, j.message,
                j.error, T0, j.state == JobState.QUEUED ? null : T0, T0, j.state.isDone() ? T0.plusSeconds(1) : null,
                steps && j.state.isDone() ? List.of(new JobDTO.StepDTO("provision", "provision", false, "DONE", 1, "",
                        T0, T0.plusSeconds(1))) : List.of(),
                j.caller.user(), j.caller.via(), j.caller.cause());
    }

    /** The facades of one caller: all three interfaces in one, as the fake keeps one state. */
    final class Facade implements PlatformService, BackupService, CloneService {
        private final Caller caller;
        private final boolean dry;

        Facade(Caller caller, boolean dry) {
            this.caller = caller;
            this.dry = dry;
        }

        private void call(String method, Object... args) {
            if (!dry) {
                calls.add(caller.user() + " " + caller.via() + ": " + method + " " + Arrays.deepToString(args));
            }
        }

        private User me() {
            User u = users.get(caller.user());
            if (u == null) {
                throw new PlatformException(Reason.FORBIDDEN, "no user " + caller.user());
            }
            return u;
        }

        private boolean canSee(Acct a) {
            return me().admin || me().roles.containsKey(a.name);
        }

        /** READ, WRITE (members), ADMIN (account admins), PLATFORM (platform admins). */
        private Acct account(String name, String need) {
            User me = me();
            String n = name != null ? name : me.roles.size() == 1 ? me.roles.keySet().iterator().next() : "default";
            Acct a = accounts.get(n);
            if (a == null || !canSee(a)) {
                throw new PlatformException(Reason.NOT_FOUND, "no account '" + n + "' (see stratum:account-list)");
            }
            AccountRole role = me.roles.get(n);
            if (!me.admin && need.equals("WRITE") && role == AccountRole.VIEWER) {
                throw new PlatformException(Reason.FORBIDDEN, "viewers of account '" + n + "' cannot change it");
            }
            if (!me.admin && need.equals("ADMIN") && role != AccountRole.ADMIN) {
                throw new PlatformException(Reason.FORBIDDEN, "only admins of account '" + n + "' manage members");
            }
            requireAdmin(need);
            return a;
        }

        private void requireAdmin(String need) {
            if (need.equals("PLATFORM") && !me().admin) {
                throw new PlatformException(Reason.FORBIDDEN, "only platform admins may do this");
            }
        }

        private Svc svc(Acct a, String name) {
            Svc s = a.services.get(name);
            if (s == null) {
                throw new PlatformException(Reason.NOT_FOUND, "no service '" + name + "' in account '" + a.name
                        + "' (see stratum:service-list)");
            }
            return s;
        }

        private void idle(Svc s) {
            if (s.activeJob != 0 && !jobs.get(s.activeJob).state.isDone()) {
                throw new PlatformException(Reason.CONCURRENCY, "job " + s.activeJob + " is working on service '"
                        + s.name + "'; try again when it has ended");
            }
        }

        private JobDTO submit(String kind, Acct a, String target, Svc busy) {
            Job j = new Job(dry ? 0 : nextJob, kind, a == null ? "" : a.name, target, caller);
            if (!dry) {
                nextJob++;
                jobs.put(j.id, j);
                if (busy != null) {
                    busy.activeJob = j.id;
                }
            }
            return jobDto(j, false);
        }

        private Job job(long id) {
            Job j = jobs.get(id);
            if (j == null || !(me().admin || me().roles.containsKey(j.account))) {
                throw new PlatformException(Reason.NOT_FOUND, "no job " + id + " (see stratum:job-list)");
            }
            return j;
        }

        private static void name(String what, String name) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new PlatformException(Reason.INVALID, "a " + what + " name is lower-case letters, digits and "
                        + "dashes, starting with a letter, not '" + name + "'");
            }
        }

        // -------------------------------------------------------------- PlatformService

        @Override
        public List<SdpDTO> listSdps(boolean includeRefused) {
            synchronized (lock) {
                call("listSdps", includeRefused);
                if (failSdps != null) {
                    throw failSdps;
                }
                if (includeRefused) {
                    requireAdmin("PLATFORM");
                }
                List<SdpDTO> out = new ArrayList<>();
                out.add(new SdpDTO("h2-database", "database", "1.0.0", "Stratum", "H2", SdpDTO.State.AVAILABLE, "",
                        60, "io.stratum.sme-database", "small", List.of(new SdpDTO.PlanDTO("small", "256 MiB",
                                List.of("heapMb=256"))), List.of("native"), "dedicated", List.of(), List.of("database")));
                if (includeRefused) {
                    out.add(new SdpDTO("my.bad.sdp", "", "", "", "", SdpDTO.State.REFUSED, "META-INF/stratum/sdp.json: "
                            + "unknown field 'x'", 71, "my.bad.sdp", "", List.of(), List.of(), "", List.of(),
                            List.of()));
                }
                return out;
            }
        }

        @Override
        public List<AccountDTO> listAccounts() {
            synchronized (lock) {
                call("listAccounts");
                return accounts.values().stream().filter(this::canSee).map(this::dto).toList();
            }
        }

        private AccountDTO dto(Acct a) {
            return new AccountDTO("id-" + a.name, a.name, T0, a.version, a.quota,
                    new QuotaDTO(a.services.size(), a.services.size(), 256L * a.services.size()));
        }

        @Override
        public AccountDTO getAccount(String name) {
            synchronized (lock) {
                call("getAccount", name);
                return dto(account(name, "READ"));
            }
        }

        @Override
        public AccountDTO createAccount(String name) {
            synchronized (lock) {
                call("createAccount", name);
                requireAdmin("PLATFORM");
                name("account", name);
                if (accounts.containsKey(name)) {
                    throw new PlatformException(Reason.ALREADY_EXISTS, "account '" + name + "' exists");
                }
                Acct a = new Acct(name);
                accounts.put(name, a);
                return dto(a);
            }
        }

        @Override
        public void deleteAccount(String account) {
            synchronized (lock) {
                call("deleteAccount", account);
                requireAdmin("PLATFORM");
                Acct a = account(account, "READ");
                if (a.name.equals("default") || !a.services.isEmpty() || !a.envs.isEmpty()) {
                    throw new PlatformException(Reason.INVALID, "account '" + a.name + "' still has services "
                            + a.services.keySet() + "; an account is deleted only when nothing is left in it");
                }
                accounts.remove(a.name);
            }
        }

        @Override
        public AccountDTO setQuota(String account, QuotaDTO quota) {
            synchronized (lock) {
                call("setQuota", account, quota);
                Acct a = account(account, "PLATFORM");
                a.quota = quota;
                a.version++;
                return dto(a);
            }
        }

        @Override
        public List<AccountVersionDTO> accountHistory(String account, int limit) {
            synchronized (lock) {
                call("accountHistory", account, limit);
                account(account, "READ");
                List<AccountVersionDTO> all = List.of(
                        new AccountVersionDTO(2, T0.plusSeconds(60), "alice", "rest", "created service db1",
                                List.of(new AccountVersionDTO.ChangeDTO("service", "db1", "*", null, "database"))),
                        new AccountVersionDTO(1, T0, "admin", "shell", "created the account", List.of()));
                return limit > 0 ? all.subList(0, Math.min(limit, all.size())) : all;
            }
        }

        @Override
        public List<AccountVersionDTO.ChangeDTO> diffAccount(String account, long from, long to) {
            synchronized (lock) {
                call("diffAccount", account, from, to);
                account(account, "READ");
                if (from > to) {
                    throw new PlatformException(Reason.INVALID, "from (" + from + ") is after to (" + to + ")");
                }
                return List.of(new AccountVersionDTO.ChangeDTO("service", "db1", "plan", "small", "large"));
            }
        }

        @Override
        public UserDTO whoAmI() {
            synchronized (lock) {
                call("whoAmI");
                return userDto(me());
            }
        }

        @Override
        public UserDTO createUser(String name, char[] password, boolean platformAdmin) {
            synchronized (lock) {
                call("createUser", name, platformAdmin);
                requireAdmin("PLATFORM");
                name("user", name);
                if (users.containsKey(name)) {
                    throw new PlatformException(Reason.ALREADY_EXISTS, "user '" + name + "' exists");
                }
                if (password.length < 12) {
                    throw new PlatformException(Reason.INVALID, "a password has at least 12 characters");
                }
                User u = new User(name, password.clone(), platformAdmin);
                users.put(name, u);
                return userDto(u);
            }
        }

        @Override
        public List<UserDTO> listUsers() {
            synchronized (lock) {
                call("listUsers");
                User me = me();
                return users.values().stream().filter(u -> me.admin || u == me || u.roles.keySet().stream()
                        .anyMatch(a -> me.roles.get(a) == AccountRole.ADMIN)).map(FakePlatform.this::userDto).toList();
            }
        }

        @Override
        public void setPassword(String user, char[] password) {
            synchronized (lock) {
                call("setPassword", user);
                User u = users.get(user);
                if (!me().admin && !caller.user().equals(user)) {
                    throw new PlatformException(u == null ? Reason.NOT_FOUND : Reason.FORBIDDEN,
                            u == null ? "no user '" + user + "'" : "only platform admins change others' passwords");
                }
                if (u == null) {
                    throw new PlatformException(Reason.NOT_FOUND, "no user '" + user + "'");
                }
                if (password.length < 12) {
                    throw new PlatformException(Reason.INVALID, "a password has at least 12 characters");
                }
                u.password = password.clone();
            }
            userChanged.forEach(c -> c.accept(user));
        }

        @Override
        public void deleteUser(String user) {
            synchronized (lock) {
                call("deleteUser", user);
                requireAdmin("PLATFORM");
                if (caller.user().equals(user)) {
                    throw new PlatformException(Reason.INVALID, "you cannot delete yourself");
                }
                if (users.remove(user) == null) {
                    throw new PlatformException(Reason.NOT_FOUND, "no user '" + user + "'");
                }
            }
            userChanged.forEach(c -> c.accept(user));
        }

        @Override
        public UserDTO grant(String account, String user, AccountRole role) {
            synchronized (lock) {
                call("grant", account, user, role);
                Acct a = account(account, "ADMIN");
                if (failNextGrant != null) {
                    RuntimeException e = failNextGrant;
                    failNextGrant = null;
                    throw e;
                }
                User u = users.get(user);
                if (u == null) {
                    throw new PlatformException(Reason.NOT_FOUND, "no user '" + user + "'");
                }
                u.roles.put(a.name, role);
                return userDto(u);
            }
        }

        @Override
        public UserDTO revoke(String account, String user) {
            synchronized (lock) {
                call("revoke", account, user);
                Acct a = account(account, "ADMIN");
                User u = users.get(user);
                if (u == null || u.roles.remove(a.name) == null) {
                    throw new PlatformException(Reason.NOT_FOUND, "'" + user + "' is not a member of '" + a.name
                            + "'");
                }
                return userDto(u);
            }
        }

        @Override
        public JobDTO createService(CreateServiceRequest r) {
            synchronized (lock) {
                call("createService", r.account(), r.serviceType(), r.name(), r.plan(), r.sdpVersion(),
                        new TreeMap<>(r.configuration()), new TreeMap<>(r.providers()), r.createProviders());
                Acct a = account(r.account(), "WRITE");
                if (!TYPES.contains(r.serviceType())) {
                    throw new PlatformException(Reason.INVALID, "no service type '" + r.serviceType() + "' (see "
                            + "stratum:sdp-list)");
                }
                name("service", r.name());
                if (a.services.containsKey(r.name())) {
                    throw new PlatformException(Reason.ALREADY_EXISTS, "service '" + r.name() + "' exists in "
                            + "account '" + a.name + "'");
                }
                for (String k : r.configuration().keySet()) {
                    if (!CONFIG_KEYS.contains(k)) {
                        throw new PlatformException(Reason.INVALID, "invalid configuration: unknown key '" + k + "'");
                    }
                }
                if (a.quota.maxServices() >= 0 && a.services.size() >= a.quota.maxServices()) {
                    throw new PlatformException(Reason.QUOTA_EXCEEDED, "account '" + a.name + "' has its "
                            + a.quota.maxServices() + " services");
                }
                Svc s = new Svc(r.name(), r.serviceType(), r.plan() == null ? "small" : r.plan(),
                        ServiceState.PROVISIONING, r.configuration(), false, "new-secret");
                JobDTO j = submit("service.create", a, r.name(), s);
                if (!dry) {
                    a.services.put(r.name(), s);
                }
                return j;
            }
        }

        @Override
        public List<ServiceDTO> listServices(String account) {
            synchronized (lock) {
                call("listServices", account);
                Acct a = account(account, "READ");
                return a.services.values().stream().map(s -> dto(a, s, false, false)).toList();
            }
        }

        private ServiceDTO dto(Acct a, Svc s, boolean detail, boolean credentials) {
            ServiceDTO.ConnectionDTO c = detail ? new ServiceDTO.ConnectionDTO("jdbc:h2:tcp://127.0.0.1:5000/db",
                    "APP", credentials ? s.password : "********", Map.of()) : null;
            return new ServiceDTO("id-" + s.name, a.name, s.name, s.type, "h2-database", "1.0.0", s.plan, s.config,
                    s.state, "", true, detail ? "HEALTHY" : "UNKNOWN", "", c,
                    List.of(new ServiceDTO.RuntimeDTO("i1", "RUNNING", 4242, Map.of("jdbc", 5000), "/tmp/x.log", 0,
                            "", T0)), s.activeJob, T0, T0, Map.of(), List.of(), "", s.external);
        }

        @Override
        public ServiceDTO getService(String account, String name, boolean credentials) {
            synchronized (lock) {
                call("getService", account, name, credentials);
                Acct a = account(account, "READ");
                Svc s = svc(a, name);
                if (credentials && !me().admin && me().roles.get(a.name) == AccountRole.VIEWER) {
                    throw new PlatformException(Reason.FORBIDDEN, "viewers do not see credentials");
                }
                return dto(a, s, true, credentials);
            }
        }

        @Override
        public JobDTO startService(String account, String name) {
            return serviceJob("service.start", account, name);
        }

        @Override
        public JobDTO stopService(String account, String name) {
            return serviceJob("service.stop", account, name);
        }

        @Override
        public JobDTO deleteService(String account, String name, boolean force) {
            synchronized (lock) {
                call("deleteService", account, name, force);
                return serviceJob("service.delete", account, name);
            }
        }

        private JobDTO serviceJob(String kind, String account, String name) {
            synchronized (lock) {
                call(kind, account, name);
                Acct a = account(account, "WRITE");
                Svc s = svc(a, name);
                idle(s);
                return submit(kind, a, name, s);
            }
        }

        @Override
        public JobDTO scaleService(String account, String name, int instances) {
            synchronized (lock) {
                call("scaleService", account, name, instances);
                Acct a = account(account, "WRITE");
                Svc s = svc(a, name);
                if (instances < 1 || instances > 64) {
                    throw new PlatformException(Reason.INVALID, "instances is 1 to 64, not " + instances);
                }
                idle(s);
                JobDTO j = submit("service.scale", a, name, s);
                if (!dry) {
                    s.instances = instances;
                }
                return j;
            }
        }

        // -------------------------------------------------------------- consumers

        @Override
        public JobDTO bindConsumer(String account, String service, String consumer, Map<String, String> parameters) {
            synchronized (lock) {
                call("bindConsumer", account, service, consumer, new TreeMap<>(parameters));
                name("consumer", consumer);
                Acct a = account(account, "WRITE");
                Svc s = svc(a, service);
                if (!s.type.equals("database") && !s.type.equals("webtier")) {
                    throw new PlatformException(Reason.INVALID, "service type '" + s.type + "' provides nothing to "
                            + "bind to");
                }
                idle(s);
                if (a.services.containsKey(consumer) || a.services.values().stream()
                        .anyMatch(x -> x.consumers.containsKey(consumer))) {
                    throw new PlatformException(Reason.ALREADY_EXISTS, "'" + consumer + "' is taken in account '"
                            + a.name + "'");
                }
                JobDTO j = submit("service.bind", a, service, s);
                if (!dry) {
                    s.consumers.put(consumer, new Cons(consumer, parameters, j.id()));
                }
                return j;
            }
        }

        @Override
        public JobDTO unbindConsumer(String account, String service, String consumer) {
            synchronized (lock) {
                call("unbindConsumer", account, service, consumer);
                Acct a = account(account, "WRITE");
                Cons k = cons(svc(a, service), consumer);
                Svc s = svc(a, service);
                idle(s);
                JobDTO j = submit("service.unbind", a, service, s);
                if (!dry) {
                    k.state = ConsumerDTO.State.UNBINDING;
                    k.job = j.id();
                }
                return j;
            }
        }

        @Override
        public List<ConsumerDTO> listConsumers(String account, String service) {
            synchronized (lock) {
                call("listConsumers", account, service);
                Acct a = account(account, "READ");
                Svc s = svc(a, service);
                return s.consumers.values().stream().map(k -> consumerDto(a, s, k, false)).toList();
            }
        }

        @Override
        public ConsumerDTO getConsumer(String account, String service, String consumer, boolean credentials) {
            synchronized (lock) {
                call("getConsumer", account, service, consumer, credentials);
                Acct a = account(account, "READ");
                Svc s = svc(a, service);
                Cons k = cons(s, consumer);
                if (credentials && !me().admin && me().roles.get(a.name) == AccountRole.VIEWER) {
                    throw new PlatformException(Reason.FORBIDDEN, "viewers do not see credentials");
                }
                return consumerDto(a, s, k, credentials);
            }
        }

        private Cons cons(Svc s, String consumer) {
            Cons k = s.consumers.get(consumer);
            if (k == null) {
                throw new PlatformException(Reason.NOT_FOUND, "no consumer '" + consumer + "' is bound to '" + s.name
                        + "'");
            }
            return k;
        }

        private ConsumerDTO consumerDto(Acct a, Svc s, Cons k, boolean credentials) {
            Map<String, String> binding = k.state != ConsumerDTO.State.BOUND ? Map.of()
                    : Map.of("url", "jdbc:h2:tcp://127.0.0.1:5000/db", "user", k.name.toUpperCase(),
                            "password", credentials ? k.name + "-binding-secret" : "********");
            return new ConsumerDTO("id-" + k.name, a.name, s.name, k.name, k.state, k.message, k.parameters, binding,
                    k.job, T0);
        }

        @Override
        public ServiceDTO registerExternalService(ExternalServiceRequest r) {
            synchronized (lock) {
                call("registerExternalService", r.account(), r.serviceType(), r.name(), r.url(), r.user(),
                        r.password(), new TreeMap<>(r.properties()));
                Acct a = account(r.account(), "WRITE");
                name("service", r.name());
                if (r.url() == null || !r.url().startsWith("jdbc:")) {
                    throw new PlatformException(Reason.INVALID, "the URL of an external database is a jdbc: URL");
                }
                if (a.services.containsKey(r.name())) {
                    throw new PlatformException(Reason.ALREADY_EXISTS, "service '" + r.name() + "' exists");
                }
                Svc s = new Svc(r.name(), r.serviceType(), "", ServiceState.RUNNING, Map.of(), true, r.password());
                a.services.put(r.name(), s);
                return dto(a, s, true, false);
            }
        }

        @Override
        public JobDTO createEnvironment(EnvironmentRequest r) {
            synchronized (lock) {
                call("createEnvironment", r.account(), r.baseDirectory());
                Acct a = account(r.account(), "WRITE");
                Matcher m = Pattern.compile("\"?name\"?\\s*:\\s*\"?([a-z][a-z0-9-]*)").matcher(r.document());
                if (!m.find() || !r.document().contains("services")) {
                    throw new PlatformException(Reason.INVALID, "an environment needs a name and at least one "
                            + "service");
                }
                String name = m.group(1);
                if (a.envs.containsKey(name)) {
                    throw new PlatformException(Reason.ALREADY_EXISTS, "environment '" + name + "' exists");
                }
                JobDTO j = submit("environment.create", a, name, null);
                if (!dry) {
                    a.envs.put(name, r.document());
                }
                return j;
            }
        }

        @Override
        public List<EnvironmentDTO> listEnvironments(String account) {
            synchronized (lock) {
                call("listEnvironments", account);
                Acct a = account(account, "READ");
                return a.envs.keySet().stream().map(n -> env(a, n)).toList();
            }
        }

        private EnvironmentDTO env(Acct a, String name) {
            return new EnvironmentDTO("id-" + name, a.name, name, "READY", "",
                    List.of(new EnvironmentDTO.Member(name + "-db", "database", "small", "RUNNING", Map.of())),
                    List.of(List.of(name + "-db")), 0, T0);
        }

        private void requireEnv(Acct a, String name) {
            if (!a.envs.containsKey(name)) {
                throw new PlatformException(Reason.NOT_FOUND, "no environment '" + name + "' in account '" + a.name
                        + "'");
            }
        }

        @Override
        public EnvironmentDTO getEnvironment(String account, String name) {
            synchronized (lock) {
                call("getEnvironment", account, name);
                Acct a = account(account, "READ");
                requireEnv(a, name);
                return env(a, name);
            }
        }

        @Override
        public JobDTO deleteEnvironment(String account, String name, boolean force) {
            synchronized (lock) {
                call("deleteEnvironment", account, name, force);
                Acct a = account(account, "WRITE");
                requireEnv(a, name);
                return submit("environment.delete", a, name, null);
            }
        }

        @Override
        public JobPlanDTO preview(Function<PlatformService, JobDTO> fn) {
            synchronized (lock) {
                call("preview");
                return plan(fn.apply(new Facade(caller, true)));
            }
        }

        private JobPlanDTO plan(JobDTO j) {
            return new JobPlanDTO(j.kind(), j.target(), List.of(new JobPlanDTO.PhaseDTO("work",
                    List.of(j.kind() + " " + j.target()))), List.of(j.target()), List.of("a dry run"));
        }

        @Override
        public List<JobDTO> listJobs(JobQuery q) {
            synchronized (lock) {
                call("listJobs", q);
                lastQuery = q;
                if (q.account() != null) {
                    account(q.account(), "READ");
                }
                return jobs.values().stream().filter(j -> me().admin || me().roles.containsKey(j.account))
                        .filter(j -> q.account() == null || q.account().equals(j.account))
                        .filter(j -> q.target() == null || q.target().equals(j.target))
                        .filter(j -> !q.activeOnly() || !j.state.isDone())
                        .sorted(Comparator.comparingLong((Job j) -> j.id).reversed())
                        .limit(q.limit() <= 0 ? 50 : q.limit()).map(j -> jobDto(j, false)).toList();
            }
        }

        @Override
        public JobDTO getJob(long id) {
            synchronized (lock) {
                return jobDto(job(id), true);
            }
        }

        @Override
        public JobDTO cancelJob(long id) {
            synchronized (lock) {
                call("cancelJob", id);
                Job j = job(id);
                account(j.account, "WRITE");
                if (j.state.isDone()) {
                    throw new PlatformException(Reason.INVALID, "job " + id + " has already ended (" + j.state + ")");
                }
                j.state = JobState.ROLLING_BACK;
                lock.notifyAll();
                return jobDto(j, true);
            }
        }

        @Override
        public JobDTO awaitJob(long id, Duration timeout, Consumer<JobDTO> onChange) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            JobDTO last = null;
            synchronized (lock) {
                waiting++;
                lock.notifyAll();
                try {
                    while (true) {
                        JobDTO now = jobDto(job(id), false);
                        if (onChange != null && (last == null || !same(last, now))) {
                            onChange.accept(now);
                        }
                        last = now;
                        long left = deadline - System.nanoTime();
                        if (now.isDone() || left <= 0) {
                            return now.isDone() ? jobDto(job(id), true) : now;
                        }
                        lock.wait(Math.max(1, left / 1_000_000));
                    }
                } finally {
                    waiting--;
                }
            }
        }

        private static boolean same(JobDTO a, JobDTO b) {
            return a.state() == b.state() && a.progress() == b.progress() && a.message().equals(b.message());
        }

        // -------------------------------------------------------------- BackupService

        private String scope(String scope) {
            if (!List.of(SERVICE, ENVIRONMENT, ACCOUNT).contains(scope)) {
                throw new PlatformException(Reason.INVALID, "a backup's scope is service, environment or account, "
                        + "not '" + scope + "'");
            }
            return scope;
        }

        @Override
        public JobDTO backup(String account, String scope, String name) {
            synchronized (lock) {
                call("backup", account, scope, name);
                Acct a = account(account, "WRITE");
                if (scope(scope).equals(SERVICE)) {
                    idle(svc(a, name));
                }
                return submit("backup.create", a, scope + " " + (name == null ? a.name : name), null);
            }
        }

        @Override
        public JobPlanDTO previewBackup(String account, String scope, String name) {
            synchronized (lock) {
                call("previewBackup", account, scope, name);
                return plan(new Facade(caller, true).backup(account, scope, name));
            }
        }

        @Override
        public List<BackupDTO> listBackups(String account) {
            synchronized (lock) {
                call("listBackups", account);
                if (account != null) {
                    account(account, "READ");
                }
                return backups.values().stream().filter(b -> canSee(accounts.get(b.account())))
                        .filter(b -> account == null || account.equals(b.account()))
                        .map(b -> new BackupDTO(b.id(), b.account(), b.scope(), b.source(), b.takenAt(),
                                b.createdAt(), b.requestedBy(), b.jobId(), b.logicalBytes(), b.newBytes(), List.of()))
                        .toList();
            }
        }

        private BackupDTO readable(String id) {
            BackupDTO b = backups.get(id);
            if (b == null || !canSee(accounts.get(b.account()))) {
                throw new PlatformException(Reason.NOT_FOUND, "no backup '" + id + "' (see stratum:backup-list)");
            }
            return b;
        }

        @Override
        public BackupDTO getBackup(String id) {
            synchronized (lock) {
                call("getBackup", id);
                return readable(id);
            }
        }

        @Override
        public JobDTO verifyBackup(String id) {
            synchronized (lock) {
                call("verifyBackup", id);
                BackupDTO b = readable(id);
                return submit("backup.verify", account(b.account(), "WRITE"), id, null);
            }
        }

        @Override
        public JobDTO copyBackup(String id) {
            synchronized (lock) {
                call("copyBackup", id);
                BackupDTO b = readable(id);
                return submit("backup.copy", account(b.account(), "WRITE"), id, null);
            }
        }

        @Override
        public BackupDTO deleteBackup(String id) {
            synchronized (lock) {
                call("deleteBackup", id);
                BackupDTO b = readable(id);
                account(b.account(), "WRITE");
                backups.remove(id);
                return b;
            }
        }

        @Override
        public JobDTO restore(String id, String service, String into) {
            synchronized (lock) {
                call("restore", id, service, into);
                BackupDTO b = readable(id);
                Acct a = account(b.account(), "WRITE");
                if (service != null && b.members().stream().noneMatch(m -> m.name().equals(service))) {
                    throw new PlatformException(Reason.INVALID, "backup '" + id + "' has no member '" + service + "'");
                }
                if (into != null) {
                    svc(a, into);
                }
                return submit("backup.restore", a, id, null);
            }
        }

        @Override
        public JobPlanDTO previewRestore(String id, String service, String into) {
            synchronized (lock) {
                call("previewRestore", id, service, into);
                return plan(new Facade(caller, true).restore(id, service, into));
            }
        }

        @Override
        public BackupScheduleDTO schedule(String account, String scope, String name, String cron, int keepLast,
                Duration keepFor) {
            synchronized (lock) {
                call("schedule", account, scope, name, cron, keepLast, keepFor);
                Acct a = account(account, "WRITE");
                scope(scope);
                if (cron.strip().split("\\s+").length != 5) {
                    throw new PlatformException(Reason.INVALID, "'" + cron + "' is not a schedule: five fields");
                }
                if (keepLast < 0) {
                    throw new PlatformException(Reason.INVALID, "keepLast is 0 or more");
                }
                String id = "s" + nextSchedule++;
                BackupScheduleDTO s = new BackupScheduleDTO(id, a.name, scope, name == null ? a.name : name, cron,
                        keepLast, keepFor, T0.plusSeconds(3600), null, "");
                schedules.put(id, s);
                return s;
            }
        }

        @Override
        public List<BackupScheduleDTO> listSchedules(String account) {
            synchronized (lock) {
                call("listSchedules", account);
                if (account != null) {
                    account(account, "READ");
                }
                return schedules.values().stream().filter(s -> canSee(accounts.get(s.account())))
                        .filter(s -> account == null || account.equals(s.account())).toList();
            }
        }

        @Override
        public void deleteSchedule(String account, String id) {
            synchronized (lock) {
                call("deleteSchedule", account, id);
                Acct a = account(account, "WRITE");
                BackupScheduleDTO s = schedules.get(id);
                if (s == null || !s.account().equals(a.name)) {
                    throw new PlatformException(Reason.NOT_FOUND, "no schedule '" + id + "' in account '" + a.name
                            + "'");
                }
                schedules.remove(id);
            }
        }

        // -------------------------------------------------------------- CloneService

        @Override
        public JobDTO cloneService(String account, String source, String target, String fromBackup) {
            synchronized (lock) {
                call("cloneService", account, source, target, fromBackup);
                Acct a = account(account, "WRITE");
                svc(a, source);
                name("service", target);
                if (a.services.containsKey(target)) {
                    throw new PlatformException(Reason.ALREADY_EXISTS, "service '" + target + "' exists");
                }
                if (fromBackup != null) {
                    readable(fromBackup);
                }
                return submit("clone.service", a, source + " -> " + target, null);
            }
        }

        @Override
        public JobPlanDTO previewCloneService(String account, String source, String target, String fromBackup) {
            synchronized (lock) {
                return plan(new Facade(caller, true).cloneService(account, source, target, fromBackup));
            }
        }

        @Override
        public JobDTO cloneEnvironment(String account, String source, String target, String fromBackup) {
            synchronized (lock) {
                call("cloneEnvironment", account, source, target, fromBackup);
                Acct a = account(account, "WRITE");
                requireEnv(a, source);
                name("environment", target);
                return submit("clone.environment", a, source + " -> " + target, null);
            }
        }

        @Override
        public JobPlanDTO previewCloneEnvironment(String account, String source, String target, String fromBackup) {
            synchronized (lock) {
                return plan(new Facade(caller, true).cloneEnvironment(account, source, target, fromBackup));
            }
        }

        @Override
        public JobDTO cloneAccount(String source, String target, long version, boolean withData) {
            synchronized (lock) {
                call("cloneAccount", source, target, version, withData);
                Acct a = account(source, "PLATFORM");
                if (version < 1 || version > a.version) {
                    throw new PlatformException(Reason.INVALID, "account '" + source + "' has versions 1 to "
                            + a.version + ", not " + version);
                }
                name("account", target);
                if (accounts.containsKey(target)) {
                    throw new PlatformException(Reason.ALREADY_EXISTS, "account '" + target + "' exists");
                }
                return submit("clone.account", a, source + " -> " + target, null);
            }
        }

        @Override
        public JobPlanDTO previewCloneAccount(String source, String target, long version, boolean withData) {
            synchronized (lock) {
                return plan(new Facade(caller, true).cloneAccount(source, target, version, withData));
            }
        }
    }

    /** A map in insertion order, for readable expectations. */
    static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
