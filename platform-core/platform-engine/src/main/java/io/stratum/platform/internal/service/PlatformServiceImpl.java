package io.stratum.platform.internal.service;

import io.stratum.platform.api.AccountDTO;
import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.AccountVersionDTO;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.QuotaDTO;
import io.stratum.platform.api.UserDTO;
import io.stratum.platform.api.UserEvents;
import io.stratum.platform.internal.account.Access;
import io.stratum.platform.internal.account.AccessControl;
import io.stratum.platform.internal.account.AccountHistory;
import io.stratum.platform.internal.account.UserDirectory;
import io.stratum.platform.internal.store.Json;
import io.stratum.platform.spi.Secrets;
import java.util.Comparator;
import io.stratum.platform.api.ConsumerDTO;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.EnvironmentDTO;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.ExternalServiceRequest;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobPlanDTO;
import io.stratum.platform.api.JobQuery;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.SdpDTO;
import io.stratum.platform.api.ServiceDTO;
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.internal.account.AccountManager;
import io.stratum.platform.internal.orchestration.JobRecord;
import io.stratum.platform.internal.orchestration.JobStep;
import io.stratum.platform.internal.orchestration.OrchestrationEngine.Submission;
import io.stratum.platform.internal.orchestration.OrchestrationEngine;
import io.stratum.platform.internal.sdp.ConfigValues;
import io.stratum.platform.internal.sdp.SdpCatalog;
import io.stratum.platform.internal.sdp.SdpEntry;
import io.stratum.platform.internal.store.StoreException;
import io.stratum.platform.spi.AccountContents;
import io.stratum.sme.api.ConnectionInfo;
import io.stratum.sme.api.HealthState;
import io.stratum.sme.api.ProviderEngine;
import io.stratum.sme.api.ScalableEngine;
import io.stratum.sme.api.ServiceHealth;
import io.stratum.sme.api.descriptor.Plan;
import io.stratum.sme.api.descriptor.ProviderRequirement;
import io.stratum.sme.api.descriptor.SdpDescriptor;
import io.stratum.sme.api.runtime.RuntimeInfo;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform facade of one caller: checks requests, turns lifecycle actions into jobs, and describes the
 * platform's state. Every call first resolves what the caller may do ({@link Access}, from the store, so grants
 * apply at once) and goes through it to reach any account; a rejected request throws {@link PlatformException}
 * and changes nothing.
 */
final class PlatformServiceImpl implements PlatformService {

    private static final Logger LOG = LoggerFactory.getLogger(PlatformServiceImpl.class);
    private static final String MASK = Secrets.MASK;

    private final Caller caller;
    private final AccountManager accounts;
    private final SdpCatalog catalog;
    private final ServiceManager services;
    private final OrchestrationEngine engine;
    private final ServiceLifecycle lifecycle;
    private final EnvironmentRepository environments;
    private final AccessControl accessControl;
    private final UserDirectory users;
    private final AccountHistory history;
    private final PlatformAccessImpl parts;

    PlatformServiceImpl(PlatformAccessImpl parts, Caller caller) {
        this.parts = parts;
        this.caller = caller;
        this.accounts = parts.accounts;
        this.catalog = parts.catalog;
        this.services = parts.services;
        this.engine = parts.engine;
        this.lifecycle = parts.lifecycle;
        this.environments = parts.environments;
        this.accessControl = parts.accessControl;
        this.users = parts.users;
        this.history = parts.history;
    }

    /** @return what the caller may do, as the store says now */
    private Access access() {
        return guard(() -> accessControl.resolve(caller));
    }

    private AccountDTO readable(String account) {
        Access a = access();
        return guard(() -> services.store().query(c -> a.readable(c, account)));
    }

    private AccountDTO writable(String account, String what) {
        Access a = access();
        return guard(() -> services.store().query(c -> a.writable(c, account, what)));
    }

    // ------------------------------------------------------------------ catalog and accounts

    @Override
    public List<SdpDTO> listSdps(boolean includeRefused) {
        if (includeRefused) {
            access().requirePlatformAdmin("see refused SDPs (leave out --all)");
        } else {
            access();
        }
        return catalog.entries().stream()
                .filter(e -> includeRefused || e.isAvailable())
                .map(PlatformServiceImpl::toDto)
                .toList();
    }

    @Override
    public List<AccountDTO> listAccounts() {
        Access a = access();
        return guard(accounts::list).stream().filter(acc -> a.canSee(acc.name())).toList();
    }

    @Override
    public AccountDTO getAccount(String name) {
        return readable(name);
    }

    @Override
    public AccountDTO createAccount(String name) {
        access().requirePlatformAdmin("create accounts");
        return guard(() -> services.store().inTransaction(c -> {
            AccountDTO created = accounts.create(c, name);
            AccountHistory.record(c, created.id(), caller, "account '" + name + "' created",
                    AccountHistory.whole("account", name, Map.of(), false));
            return accounts.find(c, name).orElseThrow();
        }));
    }

    @Override
    public void deleteAccount(String account) {
        access().requirePlatformAdmin("delete accounts");
        if (account == null || account.isBlank()) {
            throw new PlatformException(Reason.INVALID, "name the account to delete (see stratum:account-list)");
        }
        List<String> elsewhere = new ArrayList<>();
        if (!PlatformService.DEFAULT_ACCOUNT.equals(account)) {
            String id = guard(() -> accounts.require(account)).id();
            for (AccountContents contents : parts.accountContents()) {
                try {
                    elsewhere.addAll(contents.remaining(id));
                } catch (RuntimeException e) {
                    LOG.warn("{} could not tell what it keeps of account '{}'", contents.getClass().getName(),
                            account, e);
                    throw new PlatformException(Reason.UNAVAILABLE, "account '" + account + "' was not deleted: "
                            + "what it has in " + contents.getClass().getSimpleName() + " could not be checked ("
                            + e.getMessage() + "); see the Karaf log, and try again");
                }
            }
        }
        AccountManager.Deleted d = guard(() -> services.store().inTransaction(c -> accounts.delete(c, account,
                elsewhere)));
        // its history goes with it, so the log keeps who deleted it
        LOG.info("Account '{}' deleted by {}, with {} membership(s) and {} version(s) of its history", account,
                caller, d.memberships(), d.versions());
    }

    @Override
    public AccountDTO setQuota(String account, QuotaDTO quota) {
        Objects.requireNonNull(quota, "quota");
        Access a = access();
        a.requirePlatformAdmin("set quotas");
        return guard(() -> services.store().inTransaction(c -> {
            AccountDTO before = accounts.setQuota(c, a.accountName(account), quota);
            List<AccountVersionDTO.ChangeDTO> changes = new ArrayList<>();
            quotaChange(changes, "maxServices", before.quota().maxServices(), quota.maxServices());
            quotaChange(changes, "maxInstances", before.quota().maxInstances(), quota.maxInstances());
            quotaChange(changes, "maxMemoryMb", before.quota().maxMemoryMb(), quota.maxMemoryMb());
            if (!changes.isEmpty()) {
                AccountHistory.record(c, before.id(), caller, "quota of '" + before.name() + "' set to " + quota(quota),
                        changes);
            }
            return accounts.find(c, before.name()).orElseThrow();
        }));
    }

    private static void quotaChange(List<AccountVersionDTO.ChangeDTO> out, String field, long before, long after) {
        if (before != after) {
            out.add(new AccountVersionDTO.ChangeDTO("quota", "quota", field, Long.toString(before),
                    Long.toString(after)));
        }
    }

    private static String quota(QuotaDTO q) {
        return "services " + limit(q.maxServices()) + ", instances " + limit(q.maxInstances()) + ", memory "
                + (q.maxMemoryMb() < 0 ? "unlimited" : q.maxMemoryMb() + " MiB");
    }

    private static String limit(long n) {
        return n < 0 ? "unlimited" : Long.toString(n);
    }

    @Override
    public List<AccountVersionDTO> accountHistory(String account, int limit) {
        return guard(() -> history.list(readable(account).id(), limit));
    }

    @Override
    public List<AccountVersionDTO.ChangeDTO> diffAccount(String account, long from, long to) {
        AccountDTO a = readable(account);
        if (from < 0 || to < from || to > a.version()) {
            throw new PlatformException(Reason.INVALID, "versions of account '" + a.name() + "' run from 1 to "
                    + a.version() + "; ask for the changes from an earlier (or 0) to a later one, not " + from + " to "
                    + to);
        }
        return guard(() -> history.diff(a.id(), from, to));
    }

    // ------------------------------------------------------------------ users

    @Override
    public UserDTO whoAmI() {
        Access a = access();
        if (caller.isSystem()) {
            return new UserDTO(caller.user(), true, Map.of(), Instant.EPOCH);
        }
        return guard(() -> users.find(caller.user())).orElseThrow(() -> new PlatformException(Reason.FORBIDDEN,
                "user '" + caller.user() + "' does not exist (any more)"));
    }

    @Override
    public UserDTO createUser(String name, char[] password, boolean platformAdmin) {
        access().requirePlatformAdmin("create users");
        try {
            guard(() -> {
                services.store().transact(c -> users.create(c, name, password, platformAdmin));
                return null;
            });
        } finally {
            UserDirectory.wipe(password);
        }
        LOG.info("User '{}' created by {}{}", name, caller, platformAdmin ? " (platform admin)" : "");
        return users.find(name).orElseThrow();
    }

    @Override
    public List<UserDTO> listUsers() {
        Access a = access();
        List<UserDTO> all = guard(users::list);
        if (a.isPlatformAdmin()) {
            return all;
        }
        return all.stream().filter(u -> u.name().equals(caller.user()) || u.memberships().keySet().stream()
                .anyMatch(acc -> a.role(acc).filter(r -> r == AccountRole.ADMIN).isPresent()))
                .map(u -> visible(a, u)).toList();
    }

    @Override
    public void setPassword(String user, char[] password) {
        Access a = access();
        try {
            if (!user.equals(caller.user())) {
                if (!a.isPlatformAdmin()) {
                    // whether the user exists is not the caller's to learn
                    throw new PlatformException(Reason.FORBIDDEN, "you can change only your own password");
                }
            }
            guard(() -> {
                services.store().transact(c -> users.setPassword(c, user, password));
                return null;
            });
        } finally {
            UserDirectory.wipe(password);
        }
        LOG.info("Password of user '{}' changed by {}", user, caller);
        if (!user.equals(caller.user())) {
            parts.userChanged(user, UserEvents.PASSWORD); // one's own session goes on
        }
    }

    @Override
    public void deleteUser(String user) {
        access().requirePlatformAdmin("delete users");
        if (user.equals(caller.user())) {
            throw new PlatformException(Reason.INVALID, "you cannot delete yourself; ask another platform admin");
        }
        guard(() -> {
            services.store().transact(c -> {
                UserDTO before = users.find(c, user).orElseThrow(() -> new PlatformException(Reason.NOT_FOUND,
                        "no user '" + user + "' (see stratum:user-list)"));
                for (Map.Entry<String, AccountRole> m : before.memberships().entrySet()) {
                    AccountDTO acc = accounts.require(c, m.getKey());
                    AccountHistory.record(c, acc.id(), caller, "member '" + user + "' removed (user deleted)",
                            List.of(new AccountVersionDTO.ChangeDTO("member", user, "role", m.getValue().name(),
                                    null)));
                }
                users.delete(c, user);
            });
            return null;
        });
        LOG.info("User '{}' deleted by {}", user, caller);
        parts.userChanged(user, UserEvents.DELETED);
    }

    @Override
    public UserDTO grant(String account, String user, AccountRole role) {
        Objects.requireNonNull(role, "role");
        return setRole(account, user, role);
    }

    @Override
    public UserDTO revoke(String account, String user) {
        return setRole(account, user, null);
    }

    private UserDTO setRole(String account, String user, AccountRole role) {
        Access a = access();
        return guard(() -> services.store().inTransaction(c -> {
            AccountDTO acc = a.administrable(c, account, role == null ? "revoke roles" : "grant roles");
            AccountRole before = users.setRole(c, acc.id(), user, role);
            if (before != role) {
                AccountHistory.record(c, acc.id(), caller, role == null
                        ? "member '" + user + "' removed" : "member '" + user + "' is now " + role,
                        List.of(new AccountVersionDTO.ChangeDTO("member", user, "role",
                                before == null ? null : before.name(), role == null ? null : role.name())));
            } else if (role == null) {
                throw new PlatformException(Reason.NOT_FOUND, "'" + user + "' is not a member of account '"
                        + acc.name() + "'");
            }
            return visible(a, users.find(c, user).orElseThrow());
        }));
    }

    /** @return the user with only the memberships of accounts the caller can see */
    private static UserDTO visible(Access a, UserDTO u) {
        Map<String, AccountRole> seen = new TreeMap<>(u.memberships());
        seen.keySet().removeIf(acc -> !a.canSee(acc));
        return new UserDTO(u.name(), u.platformAdmin(), seen, u.createdAt());
    }

    // ------------------------------------------------------------------ services

    @Override
    public JobDTO createService(CreateServiceRequest request) {
        Objects.requireNonNull(request, "request");
        if (request.createProviders()) {
            return createWithProviders(request);
        }
        return toDto(submitCreate(request, Map.of()), false);
    }

    /**
     * Submits the creation of one service (not of its missing providers), with further job parameters.
     *
     * @param request what to create
     * @param params further parameters of the create job, for step contributors
     * @return the create job
     */
    JobRecord submitCreate(CreateServiceRequest request, Map<String, String> params) {
        ServiceLifecycle.Checked checked = lifecycle.check(caller, request.serviceType(), request.name(), request.plan(),
                request.sdpVersion(), request.configuration());
        AccountDTO account = writable(request.account(), "create services");
        return guard(() -> {
            Map<String, ServiceRecord> providers = lifecycle.resolveProviders(account, request.providers());
            return lifecycle.submit(account, checked, providers, null, caller, params);
        });
    }

    /** A service and the providers it needs but was not given, created together as an environment named after it. */
    private JobDTO createWithProviders(CreateServiceRequest request) {
        ServiceLifecycle.Checked checked = lifecycle.check(caller, request.serviceType(), request.name(), request.plan(),
                request.sdpVersion(), request.configuration());
        List<EnvironmentSpec.Member> members = new ArrayList<>();
        Map<String, String> providers = new TreeMap<>(request.providers());
        for (ProviderRequirement r : checked.descriptor().requires()) {
            if (!r.optional() && !providers.containsKey(r.serviceType())) {
                String providerName = request.name() + "-" + r.serviceType();
                members.add(new EnvironmentSpec.Member(providerName, r.serviceType(), null, null, null, null));
                providers.put(r.serviceType(), providerName);
            }
        }
        members.add(new EnvironmentSpec.Member(request.name(), request.serviceType(), request.plan(),
                request.sdpVersion(), request.configuration(), providers));
        return createEnvironment(request.account(), new EnvironmentSpec(request.name(), request.account(), members,
                null));
    }

    @Override
    public List<ServiceDTO> listServices(String account) {
        AccountDTO a = readable(account);
        return guard(() -> {
            // a bounded number of store queries, whatever the number of services (see Related.ofAccount)
            List<ServiceRecord> listed = services.repository().ofAccount(a.id());
            Related related = Related.ofAccount(this, a.id(), listed);
            return listed.stream().map(s -> toDto(s, listedHealth(s), null, related)).toList();
        });
    }

    /** Seen health older than this is shown with its age. */
    private static final Duration STALE_HEALTH = Duration.ofMinutes(1);

    /**
     * The health a listing shows, without asking any engine: the last one seen ({@link LastHealth}, kept fresh by
     * the {@link HealthWatch}) of a service that should be serving; {@code STOPPED} for a stopped one; nothing
     * (unknown) while a job takes it through another state.
     */
    private ServiceHealth listedHealth(ServiceRecord s) {
        if (!s.external() && s.state() == ServiceState.STOPPED) {
            return ServiceHealth.of(HealthState.STOPPED, "stopped");
        }
        if (!HealthWatch.watched(s)) {
            return ServiceHealth.of(HealthState.UNKNOWN, "not checked while " + s.state());
        }
        return services.lastHealth().of(s.id()).map(seen -> {
            Duration age = Duration.between(seen.at(), Instant.now());
            return age.compareTo(STALE_HEALTH) < 0 ? seen.health() : ServiceHealth.of(seen.health().state(),
                    seen.health().message() + " (checked " + age.toMinutes() + " min ago)");
        }).orElse(ServiceHealth.of(HealthState.UNKNOWN, "not checked yet"));
    }

    @Override
    public ServiceDTO getService(String account, String name, boolean credentials) {
        ServiceRecord s = guard(() -> find(account, name));
        if (credentials) {
            writable(s.accountName(), "see credentials");
        }
        ServiceHealth health = services.health(s);
        ConnectionInfo connection = services.connectionInfo(s).orElse(null);
        if (connection != null && !credentials) {
            connection = new ConnectionInfo(Secrets.maskUrls(connection.url()), connection.user(),
                    connection.password() == null ? null : MASK, Secrets.shown(connection.properties()));
        }
        return toDto(s, health, connection, Related.of(this, s));
    }

    @Override
    public JobDTO startService(String account, String name) {
        return submitOn(account, name, JobKinds.START, "start services", (c, s) -> {
            requireNot(s, "started", ServiceState.PROVISIONING, ServiceState.DELETING);
            requireEngine(s, "start");
            ServiceRepository.setState(c, s.id(), ServiceState.STARTING, "");
            return Map.of(JobKinds.PARAM_PREVIOUS_STATE, s.state().name());
        });
    }

    @Override
    public JobDTO stopService(String account, String name) {
        return submitOn(account, name, JobKinds.STOP, "stop services", (c, s) -> {
            requireNot(s, "stopped", ServiceState.PROVISIONING, ServiceState.DELETING, ServiceState.STOPPED);
            requireEngine(s, "stop");
            ServiceRepository.setState(c, s.id(), ServiceState.STOPPING, "");
            return Map.of(JobKinds.PARAM_PREVIOUS_STATE, s.state().name(), JobKinds.PARAM_PREVIOUS_MESSAGE,
                    s.stateMessage());
        });
    }

    @Override
    public JobDTO deleteService(String account, String name, boolean force) {
        ServiceRecord s = guard(() -> find(account, name));
        writable(s.accountName(), "delete services");
        return guard(() -> toDto(lifecycle.submitDelete(s, force, caller), false));
    }

    @Override
    public JobDTO scaleService(String account, String name, int instances) {
        if (instances < 1 || instances > 64) {
            throw new PlatformException(Reason.INVALID, "instances must be between 1 and 64, not " + instances);
        }
        ServiceRecord s = guard(() -> find(account, name));
        writable(s.accountName(), "scale services");
        SdpEntry sdp = services.engineFor(s).orElseThrow(() -> new PlatformException(Reason.UNAVAILABLE,
                "cannot scale '" + name + "': no engine for " + s.serviceType() + " " + s.sdpVersion()
                        + " is installed"));
        if (!(sdp.engine() instanceof ScalableEngine)) {
            throw new PlatformException(Reason.INVALID, "service type '" + s.serviceType() + "' cannot be scaled");
        }
        // the count to restore on rollback is read by the job, once it holds the service (see ServicePlans.Scale)
        return guard(() -> toDto(engine.submit(new Submission(JobKinds.SCALE, s.accountId(), s.name(), s.id(),
                Map.of(JobKinds.PARAM_INSTANCES, Integer.toString(instances)), c -> {
                            ServiceRecord current = services.repository().byId(c, s.id()).orElseThrow();
                            if (current.activeJobId() == 0 && current.state() != ServiceState.RUNNING) {
                                throw new PlatformException(Reason.INVALID, "'" + name + "' is " + current.state()
                                        + "; only a running service can be scaled");
                            }
                            int more = instances - AccountManager.instancesOf(current.config());
                            AccountManager.checkQuota(c, services.store().secrets(), s.accountId(), "scaling '" + name + "' to " + instances,
                                    0, more, more * AccountManager.memoryOf(current.config()));
                            return Map.of();
                        }).by(caller)), false));
    }

    @Override
    public ServiceDTO registerExternalService(ExternalServiceRequest request) {
        AccountManager.checkName("service", request.name());
        if (request.serviceType() == null || !AccountManager.NAME.matcher(request.serviceType()).matches()) {
            throw new PlatformException(Reason.INVALID, "invalid provider type '" + request.serviceType() + "'");
        }
        if (request.url() == null || request.url().isBlank()) {
            throw new PlatformException(Reason.INVALID, "an external service needs the URL its dependants use");
        }
        ExternalServices.checkUrl(request.url()).ifPresent(problem -> {
            throw new PlatformException(Reason.INVALID, "invalid URL '" + ExternalServices.shown(request.url()) + "': "
                    + problem);
        });
        Map<String, String> binding = new LinkedHashMap<>(request.properties());
        binding.put("url", request.url());
        if (request.user() != null) {
            binding.put("user", request.user());
        }
        if (request.password() != null) {
            binding.put("password", request.password());
        }
        AccountDTO account = writable(request.account(), "register services");
        guard(() -> {
            services.store().transact(c -> {
                AccountManager.checkQuota(c, services.store().secrets(), account.id(), "registering '" + request.name() + "'", 1, 0, 0);
                if (services.repository().byName(c, account.id(), request.name()).isPresent()) {
                    throw new PlatformException(Reason.ALREADY_EXISTS, "a service named '" + request.name()
                            + "' already exists in account '" + account.name() + "'");
                }
                Instant now = Instant.now();
                services.repository().insert(c, new ServiceRecord(UUID.randomUUID().toString(), account.id(),
                        account.name(), request.name(), request.serviceType(), ExternalServices.SDP, "0.0.0",
                        "external", binding, ServiceState.RUNNING, "", 0, now, now, null, true));
                Map<String, String> fields = new LinkedHashMap<>();
                fields.put("type", request.serviceType());
                new TreeMap<>(binding).forEach((k, v) -> fields.put("binding." + k, Secrets.shown(k, v)));
                AccountHistory.record(c, account.id(), caller, "external service '" + request.name() + "' registered",
                        AccountHistory.whole("service", request.name(), fields, false));
            });
            return null;
        });
        return getService(account.name(), request.name());
    }

    // ------------------------------------------------------------------ consumers

    @Override
    public JobDTO bindConsumer(String account, String service, String consumer, Map<String, String> parameters) {
        AccountManager.checkName("consumer", consumer);
        Map<String, String> params = new TreeMap<>();
        if (parameters != null) {
            parameters.forEach((k, v) -> {
                if (k == null || k.isBlank() || v == null) {
                    throw new PlatformException(Reason.INVALID, "consumer parameters need a name and a value each");
                }
                params.put(k, v);
            });
        }
        ServiceRecord found = guard(() -> find(account, service));
        writable(found.accountName(), "bind consumers");
        if (!found.external()) {
            requireEngine(found, "bind consumers to");
            if (!(services.engineFor(found).orElseThrow().engine() instanceof ProviderEngine)) {
                throw new PlatformException(Reason.INVALID, "service type '" + found.serviceType() + "' provides "
                        + "nothing to bind to: '" + service + "' cannot have consumers");
            }
        }
        String id = UUID.randomUUID().toString();
        return guard(() -> toDto(engine.submit(new Submission(JobKinds.BIND, found.accountId(), found.name(),
                found.id(), Map.of(JobKinds.PARAM_CONSUMER, id), c -> {
                    ServiceRecord current = services.repository().byId(c, found.id()).orElseThrow(() ->
                            new PlatformException(Reason.NOT_FOUND, "service '" + service + "' no longer exists"));
                    if (current.activeJobId() != 0) {
                        return Map.of(); // the engine reports the busy service with the job that holds it
                    }
                    if (!current.external() && current.state() != ServiceState.RUNNING) {
                        throw new PlatformException(Reason.INVALID, "'" + service + "' is " + current.state()
                                + "; only a running service can have consumers bound to it");
                    }
                    // a provider's engine knows its dependants and consumers by name (e.g. a web tier's routes)
                    if (services.repository().byName(c, found.accountId(), consumer).isPresent()) {
                        throw new PlatformException(Reason.ALREADY_EXISTS, "'" + consumer + "' is the name of a "
                                + "service of account '" + found.accountName() + "'; a consumer needs a name of its own");
                    }
                    if (services.consumers().byName(c, found.accountId(), consumer).isPresent()) {
                        throw new PlatformException(Reason.ALREADY_EXISTS, "a consumer named '" + consumer
                                + "' is already bound in account '" + found.accountName() + "'");
                    }
                    ConsumerRepository.insert(c, id, found.accountId(), found.id(), consumer, params);
                    return Map.of();
                }).by(caller)), false));
    }

    @Override
    public JobDTO unbindConsumer(String account, String service, String consumer) {
        ServiceRecord found = guard(() -> find(account, service));
        writable(found.accountName(), "unbind consumers");
        ConsumerRepository.Consumer k = findConsumer(found, consumer);
        if (!found.external() && services.engineFor(found).isEmpty()) {
            throw new PlatformException(Reason.UNAVAILABLE, "cannot unbind '" + consumer + "': no engine for "
                    + found.serviceType() + " " + found.sdpVersion() + " is installed to revoke its binding; install "
                    + "its SDP first");
        }
        return guard(() -> toDto(engine.submit(new Submission(JobKinds.UNBIND, found.accountId(), found.name(),
                found.id(), Map.of(JobKinds.PARAM_CONSUMER, k.id()), c -> {
                    ServiceRecord current = services.repository().byId(c, found.id()).orElseThrow(() ->
                            new PlatformException(Reason.NOT_FOUND, "service '" + service + "' no longer exists"));
                    if (current.activeJobId() != 0) {
                        return Map.of(); // the engine reports the busy service with the job that holds it
                    }
                    if (services.consumers().byId(c, k.id()).isEmpty()) {
                        throw new PlatformException(Reason.NOT_FOUND, "consumer '" + consumer + "' is no longer "
                                + "bound to '" + service + "'");
                    }
                    ConsumerRepository.setState(c, k.id(), ConsumerDTO.State.UNBINDING, "");
                    return Map.of();
                }).by(caller)), false));
    }

    @Override
    public List<ConsumerDTO> listConsumers(String account, String service) {
        ServiceRecord found = guard(() -> find(account, service));
        return guard(() -> services.consumers().ofProvider(found.id()).stream()
                .map(k -> toDto(found, k, false)).toList());
    }

    @Override
    public ConsumerDTO getConsumer(String account, String service, String consumer, boolean credentials) {
        ServiceRecord found = guard(() -> find(account, service));
        if (credentials) {
            writable(found.accountName(), "see credentials");
        }
        return toDto(found, findConsumer(found, consumer), credentials);
    }

    private ConsumerRepository.Consumer findConsumer(ServiceRecord service, String consumer) {
        return guard(() -> services.store().query(c -> services.consumers().byName(c, service.accountId(), consumer)))
                .filter(k -> k.providerId().equals(service.id()))
                .orElseThrow(() -> new PlatformException(Reason.NOT_FOUND, "no consumer '" + consumer + "' is bound "
                        + "to '" + service.name() + "' in account '" + service.accountName() + "'"));
    }

    private ConsumerDTO toDto(ServiceRecord service, ConsumerRepository.Consumer k, boolean credentials) {
        long activeJob = k.state() == ConsumerDTO.State.BINDING || k.state() == ConsumerDTO.State.UNBINDING
                ? service.activeJobId() : 0;
        Map<String, String> binding = k.state() != ConsumerDTO.State.BOUND ? Map.of()
                : credentials ? k.binding() : Secrets.shown(k.binding());
        return new ConsumerDTO(k.id(), service.accountName(), service.name(), k.name(), k.state(), k.stateMessage(),
                k.parameters(), binding, activeJob, k.createdAt());
    }

    // ------------------------------------------------------------------ environments

    @Override
    public JobDTO createEnvironment(EnvironmentRequest request) {
        EnvironmentDocument document = EnvironmentDocument.read(request.document(), request.baseDirectory());
        return toDto(submitEnvironment(request.account() != null ? request.account() : document.spec().account(),
                document), false);
    }

    /**
     * Submits the creation of an environment whose members' create jobs get further parameters.
     *
     * @param request the environment
     * @param memberParams member name to further parameters of its create job
     * @return the environment's create job
     */
    JobRecord submitEnvironment(EnvironmentRequest request, Map<String, Map<String, String>> memberParams) {
        EnvironmentDocument document = EnvironmentDocument.read(request.document(), request.baseDirectory());
        EnvironmentSpec parsed = document.spec();
        for (String member : memberParams.keySet()) {
            parsed.member(member); // names a member, or fails
        }
        EnvironmentSpec spec = new EnvironmentSpec(parsed.name(), parsed.account(), parsed.services().stream()
                .map(m -> new EnvironmentSpec.Member(m.name(), m.type(), m.plan(), m.version(),
                        userPart(m.type(), m.version(), m.config()), m.providers(),
                        memberParams.getOrDefault(m.name(), Map.of()))).toList(), parsed.levels());
        return submitEnvironment(request.account() != null ? request.account() : spec.account(),
                document.withSpec(spec));
    }

    /**
     * @param type a service type
     * @param version an SDP version, or {@code null} for the newest
     * @param config a configuration, maybe another service's effective one
     * @return the keys of it that users set (the plan and the defaults set the others again); all of it if no SDP
     *     of that type and version is installed (the create's checks then say what is missing)
     */
    Map<String, String> userPart(String type, String version, Map<String, String> config) {
        Optional<SdpEntry> sdp = type == null ? Optional.empty() : version == null ? services.catalog().newest(type)
                : services.catalog().exact(type, version);
        if (sdp.isEmpty()) {
            return config; // the create's own checks say what is missing
        }
        Map<String, String> user = new TreeMap<>();
        config.forEach((k, v) -> {
            var p = sdp.get().descriptor().configSchema().get(k);
            if (p == null || p.userSettable()) {
                user.put(k, v);
            }
        });
        return user;
    }

    private JobDTO createEnvironment(String accountName, EnvironmentSpec parsed) {
        return toDto(submitEnvironment(accountName, EnvironmentDocument.of(parsed)), false);
    }

    private JobRecord submitEnvironment(String accountName, EnvironmentDocument document) {
        AccountDTO account = writable(accountName, "create environments");
        EnvironmentPlanner.Planned planned = EnvironmentPlanner.plan(document,
                m -> lifecycle.examine(caller, m.type(), m.name(), m.plan(), m.version(), m.config()),
                n -> guard(() -> services.store().query(c -> services.repository().byName(c, account.id(), n)))
                        .map(lifecycle::providerRef),
                n -> guard(() -> environments.byName(account.id(), n)).isPresent());
        EnvironmentSpec spec = planned.spec();
        String id = UUID.randomUUID().toString();
        int newServices = 0;
        int newInstances = 0;
        long newMemory = 0;
        for (ServiceLifecycle.Checked checked : planned.checked().values()) {
            int instances = AccountManager.instancesOf(checked.config());
            newServices++;
            newInstances += instances;
            newMemory += instances * AccountManager.memoryOf(checked.config());
        }
        int services1 = newServices;
        int instances1 = newInstances;
        long memory1 = newMemory;
        return guard(() -> engine.submit(new Submission(JobKinds.ENV_CREATE, account.id(), spec.name(), null, id,
                Map.of(JobKinds.PARAM_ENVIRONMENT, id, JobKinds.PARAM_LEVELS, Json.write(spec.levels())), c -> {
                    if (environments.byName(c, account.id(), spec.name()).isPresent()) {
                        throw new PlatformException(Reason.ALREADY_EXISTS, "an environment named '" + spec.name()
                                + "' already exists in account '" + account.name() + "'");
                    }
                    AccountManager.checkQuota(c, services.store().secrets(), account.id(), "creating environment '" + spec.name() + "'",
                            services1, instances1, memory1);
                    environments.insert(c, id, account.id(), spec.name(), spec);
                    AccountHistory.record(c, account.id(), caller, "environment '" + spec.name() + "' created",
                            AccountHistory.whole("environment", spec.name(), Map.of("members", String.join(",",
                                    spec.services().stream().map(EnvironmentSpec.Member::name).sorted().toList())),
                                    false));
                    return Map.of();
                }).by(caller)));
    }

    @Override
    public List<EnvironmentDTO> listEnvironments(String account) {
        AccountDTO a = readable(account);
        return guard(() -> {
            // two queries, whatever the number of environments
            Map<String, List<ServiceRecord>> members = services.repository().ofAccount(a.id()).stream()
                    .filter(s -> s.environmentId() != null)
                    .collect(Collectors.groupingBy(ServiceRecord::environmentId));
            return environments.ofAccount(a.id()).stream()
                    .map(e -> toDto(e, members.getOrDefault(e.id(), List.of()))).toList();
        });
    }

    @Override
    public EnvironmentDTO getEnvironment(String account, String name) {
        return guard(() -> toDto(findEnvironment(account, name)));
    }

    @Override
    public JobDTO deleteEnvironment(String account, String name, boolean force) {
        EnvironmentRecord found = guard(() -> findEnvironment(account, name));
        writable(found.accountName(), "delete environments");
        return guard(() -> {
            EnvironmentRecord env = found;
            if (!force) {
                List<String> outside = new ArrayList<>();
                for (ServiceRecord member : services.repository().ofEnvironment(env.id())) {
                    for (Association a : services.associations().dependantsOf(member.id())) {
                        services.repository().byId(a.dependantId())
                                .filter(d -> !env.id().equals(d.environmentId()))
                                .ifPresent(d -> outside.add("'" + d.name() + "' uses '" + member.name() + "'"));
                    }
                }
                if (!outside.isEmpty()) {
                    throw new PlatformException(Reason.INVALID, "services outside environment '" + name
                            + "' depend on it: " + String.join(", ", outside) + "; delete them first, or use --force");
                }
            }
            return toDto(engine.submit(new Submission(JobKinds.ENV_DELETE, env.accountId(), env.name(), null, env.id(),
                    Map.of(JobKinds.PARAM_ENVIRONMENT, env.id(), JobKinds.PARAM_FORCE, Boolean.toString(force)), c -> {
                        EnvironmentRepository.setState(c, env.id(), EnvironmentRecord.DELETING, "");
                        return Map.of();
                    }).by(caller)), false);
        });
    }

    private EnvironmentRecord findEnvironment(String account, String name) {
        AccountDTO a = readable(account);
        return environments.byName(a.id(), name).orElseThrow(() -> new PlatformException(Reason.NOT_FOUND,
                "no environment '" + name + "' in account '" + a.name() + "' (see stratum:env-list)"));
    }

    private EnvironmentDTO toDto(EnvironmentRecord env) {
        return toDto(env, services.repository().ofEnvironment(env.id()));
    }

    /** An environment as users see it; its state as {@link EnvironmentRecord#shown} tells, from its members. */
    private EnvironmentDTO toDto(EnvironmentRecord env, List<ServiceRecord> memberRecords) {
        Map<String, ServiceRecord> existing = new HashMap<>();
        memberRecords.forEach(s -> existing.put(s.name(), s));
        List<EnvironmentDTO.Member> members = new ArrayList<>();
        for (List<String> level : env.spec().levels()) {
            for (String name : level) {
                EnvironmentSpec.Member m = env.spec().member(name);
                ServiceRecord s = existing.get(name);
                String plan = s != null ? s.plan() : m.plan() == null ? "" : m.plan();
                members.add(new EnvironmentDTO.Member(name, m.type(), plan, s == null ? "ABSENT" : s.state().name(),
                        m.providers()));
            }
        }
        EnvironmentRecord.Shown shown = env.shown(memberRecords);
        return new EnvironmentDTO(env.id(), env.accountName(), env.name(), shown.state(), shown.message(), members,
                env.spec().levels(), env.activeJobId(), env.createdAt());
    }

    @FunctionalInterface
    private interface Prepare {
        Map<String, String> apply(Connection c, ServiceRecord s) throws SQLException;
    }

    private JobDTO submitOn(String account, String name, String kind, String what, Prepare prepare) {
        ServiceRecord found = guard(() -> find(account, name));
        writable(found.accountName(), what);
        return guard(() -> {
            ServiceRecord s = found;
            JobRecord job = engine.submit(new Submission(kind, s.accountId(), s.name(), s.id(), Map.of(), c -> {
                ServiceRecord current = services.repository().byId(c, s.id()).orElseThrow(() ->
                        new PlatformException(Reason.NOT_FOUND, "service '" + name + "' no longer exists"));
                if (current.activeJobId() != 0) {
                    return Map.of(); // the engine reports the busy service with the job that holds it
                }
                return prepare.apply(c, current);
            }).by(caller));
            return toDto(job, false);
        });
    }

    private void requireEngine(ServiceRecord s, String action) {
        if (s.external()) {
            throw new PlatformException(Reason.INVALID, "'" + s.name() + "' is an external service; Stratum does not "
                    + action + " it");
        }
        if (services.engineFor(s).isEmpty()) {
            throw new PlatformException(Reason.UNAVAILABLE, "cannot " + action + " '" + s.name() + "': no engine for "
                    + s.serviceType() + " " + s.sdpVersion() + " (or a compatible version) is installed; install its "
                    + "SDP first");
        }
    }

    private static void requireNot(ServiceRecord s, String action, ServiceState... states) {
        for (ServiceState state : states) {
            if (s.state() == state) {
                throw new PlatformException(Reason.INVALID, "'" + s.name() + "' cannot be " + action + " while it is "
                        + state);
            }
        }
    }

    private ServiceRecord find(String account, String name) {
        AccountDTO a = readable(account);
        return services.store().query(c -> services.repository().byName(c, a.id(), name)).orElseThrow(() ->
                new PlatformException(Reason.NOT_FOUND, "no service '" + name + "' in account '" + a.name()
                        + "' (see stratum:service-list)"));
    }

    // ------------------------------------------------------------------ jobs

    @Override
    public JobPlanDTO preview(java.util.function.Function<PlatformService, JobDTO> call) {
        return engine.previewOf(() -> call.apply(this));
    }

    @Override
    public List<JobDTO> listJobs(JobQuery query) {
        Access a = access();
        int limit = query.limit() <= 0 ? 50 : query.limit();
        // the accounts whose jobs the caller sees, resolved once with the access already in hand (null: all)
        List<String> accountIds = guard(() -> services.store().query(c -> {
            List<String> ids = new ArrayList<>();
            if (query.account() != null) {
                ids.add(a.readable(c, query.account()).id());
            } else if (!a.isPlatformAdmin()) {
                for (String name : a.memberships().keySet()) {
                    ids.add(a.readable(c, name).id());
                }
            } else {
                ids.add(null);
            }
            return ids;
        }));
        return guard(() -> accountIds.stream()
                .flatMap(id -> engine.jobs().list(id, query.target(), query.activeOnly(), limit).stream())
                .sorted(Comparator.comparingLong(JobRecord::id).reversed())
                .limit(limit)
                .map(j -> toDto(j, false)).toList());
    }

    @Override
    public JobDTO getJob(long id) {
        return toDto(requireJob(id), true);
    }

    @Override
    public JobDTO cancelJob(long id) {
        JobRecord job = requireJob(id);
        if (job.accountName() == null) {
            access().requirePlatformAdmin("cancel platform jobs");
        } else {
            writable(job.accountName(), "cancel jobs");
        }
        if (job.state().isDone()) {
            throw new PlatformException(Reason.INVALID, "job " + id + " has already ended (" + job.state() + ")");
        }
        if (!engine.cancel(id)) {
            throw new PlatformException(Reason.INVALID, "job " + id + " is " + job.state()
                    + " and can no longer be cancelled");
        }
        return getJob(id);
    }

    @Override
    public JobDTO awaitJob(long id, Duration timeout, Consumer<JobDTO> onChange) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JobDTO last = null;
        while (true) {
            long seen = engine.jobs().changes();
            JobDTO now = toDto(requireJob(id), false);
            if (onChange != null && (last == null || changed(last, now))) {
                onChange.accept(now);
            }
            last = now;
            long left = deadline - System.nanoTime();
            if (now.isDone() || left <= 0) {
                return now.isDone() ? getJob(id) : now;
            }
            // wakes on any job change in this process; the bound keeps jobs run elsewhere visible
            engine.jobs().awaitChange(seen, Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 250));
        }
    }

    private static boolean changed(JobDTO a, JobDTO b) {
        return a.state() != b.state() || a.progress() != b.progress() || a.attempts() != b.attempts()
                || !a.phase().equals(b.phase()) || !a.task().equals(b.task()) || !a.message().equals(b.message());
    }

    private JobRecord requireJob(long id) {
        Access a = access();
        return guard(() -> engine.jobs().find(id)).filter(j -> a.canSee(j.accountName()))
                .orElseThrow(() -> new PlatformException(Reason.NOT_FOUND, "no job " + id + " (see stratum:job-list)"));
    }

    // ------------------------------------------------------------------ mapping

    private JobDTO toDto(JobRecord j, boolean withSteps) {
        List<JobDTO.StepDTO> steps = withSteps
                ? engine.jobs().steps(j.id()).stream().map(PlatformServiceImpl::toDto).toList()
                : List.of();
        return new JobDTO(j.id(), j.kind(), j.accountName() == null ? "" : j.accountName(), j.target(),
                j.serviceId() == null ? "" : j.serviceId(), j.state(), j.phase(), j.task(), j.progress(), j.attempts(),
                j.message(), j.error(), j.createdAt(), j.startedAt(), j.updatedAt(), j.finishedAt(), steps,
                j.requestedBy(), j.requestedVia(), j.cause());
    }

    private static JobDTO.StepDTO toDto(JobStep s) {
        return new JobDTO.StepDTO(s.phase(), s.task(), s.compensation(), s.state(), s.attempts(), s.error(),
                s.startedAt(), s.finishedAt());
    }

    private ServiceDTO toDto(ServiceRecord s, ServiceHealth health, ConnectionInfo c, Related related) {
        List<ServiceDTO.RuntimeDTO> runtimes = related.runtimes(s.id()).stream()
                .map(PlatformServiceImpl::toDto).toList();
        Map<String, String> providers = new TreeMap<>();
        for (Association a : related.providers(s.id())) {
            providers.put(a.providerType(), related.name(a.providerId()));
        }
        List<String> dependants = related.dependants(s.id()).stream().map(a -> related.name(a.dependantId()))
                .sorted().toList();
        String environment = s.environmentId() == null ? "" : related.environmentName(s.environmentId());
        // an external service's configuration holds its credentials
        Map<String, String> config = s.external() ? Secrets.shown(s.config()) : s.config();
        return new ServiceDTO(s.id(), s.accountName(), s.name(), s.serviceType(), s.sdpName(), s.sdpVersion(), s.plan(),
                config, s.state(), s.stateMessage(), s.external() || services.engineFor(s).isPresent(),
                health == null ? "UNKNOWN" : health.state().name(), health == null ? "" : health.message(),
                c == null ? null : new ServiceDTO.ConnectionDTO(c.url(), c.user(), c.password(), c.properties()),
                runtimes, s.activeJobId(), s.createdAt(), s.updatedAt(), providers, dependants, environment,
                s.external());
    }

    /**
     * What a service's DTO shows of other records: its runtimes, its providers and dependants (by name) and its
     * environment's name. For one service they are read one by one; for a listing, with a fixed number of queries for
     * the whole account, so that listing a hundred services costs the store about what listing one does.
     */
    private record Related(Map<String, List<RuntimeInfo>> runtimes, Map<String, List<Association>> providers,
            Map<String, List<Association>> dependants, Map<String, String> names, Map<String, String> environments,
            ServiceRepository repository) {

        /** Everything one service's DTO shows, read for it alone. */
        static Related of(PlatformServiceImpl platform, ServiceRecord s) {
            ServiceManager services = platform.services;
            Map<String, String> environments = new HashMap<>();
            if (s.environmentId() != null) {
                platform.environments.byId(s.environmentId())
                        .ifPresent(e -> environments.put(e.id(), e.name()));
            }
            return new Related(Map.of(s.id(), services.runtimes().list(s.id())),
                    Map.of(s.id(), services.associations().providersOf(s.id())),
                    Map.of(s.id(), services.associations().dependantsOf(s.id())), Map.of(s.id(), s.name()),
                    environments, services.repository());
        }

        /** Everything the DTOs of an account's services show: one query each for runtimes, associations, environments. */
        static Related ofAccount(PlatformServiceImpl platform, String accountId, List<ServiceRecord> listed) {
            ServiceManager services = platform.services;
            Map<String, List<Association>> providers = new HashMap<>();
            Map<String, List<Association>> dependants = new HashMap<>();
            for (Association a : services.associations().ofAccount(accountId)) {
                providers.computeIfAbsent(a.dependantId(), k -> new ArrayList<>()).add(a);
                dependants.computeIfAbsent(a.providerId(), k -> new ArrayList<>()).add(a);
            }
            Map<String, String> names = new HashMap<>();
            for (ServiceRecord s : listed) {
                names.put(s.id(), s.name());
            }
            Map<String, String> environments = new HashMap<>();
            if (listed.stream().anyMatch(s -> s.environmentId() != null)) {
                for (EnvironmentRecord e : platform.environments.ofAccount(accountId)) {
                    environments.put(e.id(), e.name());
                }
            }
            return new Related(services.runtimes().listOfAccount(accountId), providers, dependants, names,
                    environments, services.repository());
        }

        List<RuntimeInfo> runtimes(String serviceId) {
            return runtimes.getOrDefault(serviceId, List.of());
        }

        List<Association> providers(String serviceId) {
            return providers.getOrDefault(serviceId, List.of());
        }

        List<Association> dependants(String serviceId) {
            return dependants.getOrDefault(serviceId, List.of());
        }

        /** The name of a service of the listing, else as the store has it (one in another account), else its id. */
        String name(String serviceId) {
            String known = names.get(serviceId);
            return known != null ? known
                    : repository.byId(serviceId).map(ServiceRecord::name).orElse(serviceId);
        }

        String environmentName(String environmentId) {
            return environments.getOrDefault(environmentId, "");
        }
    }

    private static ServiceDTO.RuntimeDTO toDto(RuntimeInfo r) {
        return new ServiceDTO.RuntimeDTO(r.name(), r.state().name(), r.pid(), r.ports(), r.logFile().toString(),
                r.restarts(), r.message(), r.startedAt());
    }

    private static SdpDTO toDto(SdpEntry e) {
        SdpDescriptor d = e.descriptor();
        if (d == null) {
            return new SdpDTO(e.bundleSymbolicName(), "", "", "", "", e.state(), e.reason(), e.bundleId(),
                    e.bundleSymbolicName(), "", List.of(), List.of(), "", List.of(), List.of());
        }
        List<SdpDTO.PlanDTO> plans = d.plans().stream().filter(Objects::nonNull)
                .map(p -> new SdpDTO.PlanDTO(nz(p.name()), p.description(), p.settings().entrySet().stream()
                        .sorted(Map.Entry.comparingByKey()).map(kv -> kv.getKey() + "=" + kv.getValue()).toList()))
                .toList();
        return new SdpDTO(nz(d.name()), nz(d.serviceType()), nz(d.version()), nz(d.vendor()), nz(d.description()),
                e.state(), e.reason(), e.bundleId(), e.bundleSymbolicName(),
                d.defaultPlan() != null ? d.defaultPlan() : plans.isEmpty() ? "" : plans.get(0).name(), plans,
                d.virtualization(), d.tenancy().name().toLowerCase(java.util.Locale.ROOT),
                d.requires().stream().filter(Objects::nonNull)
                        .map(r -> r.serviceType() + (r.optional() ? "?" : "")).toList(),
                d.provides());
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** Turns store failures into INTERNAL platform errors with a pointer to the log. */
    private static <T> T guard(Supplier<T> work) {
        try {
            return work.get();
        } catch (StoreException e) {
            if (isUniqueViolation(e)) {
                // two requests raced for one name; the checks before the insert saw it free
                throw new PlatformException(Reason.ALREADY_EXISTS, "it already exists: another request created it "
                        + "at the same moment; list it to see", e);
            }
            LOG.error("Store failure", e);
            throw new PlatformException(Reason.INTERNAL, "the platform's store failed: " + e.getMessage()
                    + " (see the Karaf log)", e);
        }
    }

    /** SQLState 23505: a unique constraint refused a row (H2 and PostgreSQL agree on it). */
    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
