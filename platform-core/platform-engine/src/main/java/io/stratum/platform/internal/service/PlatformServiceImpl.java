package io.stratum.platform.internal.service;

import io.stratum.platform.api.AccountDTO;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.EnvironmentDTO;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.ExternalServiceRequest;
import io.stratum.platform.api.JobDTO;
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
import io.stratum.sme.api.ConnectionInfo;
import io.stratum.sme.api.ScalableEngine;
import io.stratum.sme.api.ServiceHealth;
import io.stratum.sme.api.SmeException;
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
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform facade: checks requests, turns lifecycle actions into jobs, and describes the platform's state.
 * A rejected request throws {@link PlatformException} and changes nothing.
 */
@Component(service = PlatformService.class)
public final class PlatformServiceImpl implements PlatformService {

    private static final Logger LOG = LoggerFactory.getLogger(PlatformServiceImpl.class);

    private final AccountManager accounts;
    private final SdpCatalog catalog;
    private final ServiceManager services;
    private final OrchestrationEngine engine;
    private final ServiceLifecycle lifecycle;
    private final EnvironmentRepository environments;

    /**
     * @param accounts accounts
     * @param catalog the SDP catalog
     * @param services the service manager
     * @param engine the orchestration engine
     */
    @Activate
    public PlatformServiceImpl(@Reference AccountManager accounts, @Reference SdpCatalog catalog,
            @Reference ServiceManager services, @Reference OrchestrationEngine engine) {
        this.accounts = accounts;
        this.catalog = catalog;
        this.services = services;
        this.engine = engine;
        this.lifecycle = new ServiceLifecycle(services, engine);
        this.environments = new EnvironmentRepository(services.store());
    }

    // ------------------------------------------------------------------ catalog and accounts

    @Override
    public List<SdpDTO> listSdps(boolean includeRefused) {
        return catalog.entries().stream()
                .filter(e -> includeRefused || e.isAvailable())
                .map(PlatformServiceImpl::toDto)
                .toList();
    }

    @Override
    public List<AccountDTO> listAccounts() {
        return guard(accounts::list);
    }

    @Override
    public AccountDTO createAccount(String name) {
        return guard(() -> accounts.create(name));
    }

    // ------------------------------------------------------------------ services

    @Override
    public JobDTO createService(CreateServiceRequest request) {
        Objects.requireNonNull(request, "request");
        if (request.createProviders()) {
            return createWithProviders(request);
        }
        ServiceLifecycle.Checked checked = lifecycle.check(request.serviceType(), request.name(), request.plan(),
                request.sdpVersion(), request.configuration());
        return guard(() -> {
            AccountDTO account = accounts.require(request.account());
            Map<String, ServiceRecord> providers = lifecycle.resolveProviders(account, request.providers());
            return toDto(lifecycle.submit(account, checked, providers, null), false);
        });
    }

    /** A service and the providers it needs but was not given, created together as an environment named after it. */
    private JobDTO createWithProviders(CreateServiceRequest request) {
        ServiceLifecycle.Checked checked = lifecycle.check(request.serviceType(), request.name(), request.plan(),
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
        return guard(() -> {
            AccountDTO a = accounts.require(orDefault(account));
            return services.repository().ofAccount(a.id()).stream()
                    .map(s -> toDto(s, null, null))
                    .toList();
        });
    }

    @Override
    public ServiceDTO getService(String account, String name) {
        ServiceRecord s = guard(() -> find(account, name));
        ServiceHealth health = services.health(s);
        ConnectionInfo connection = services.connectionInfo(s).orElse(null);
        return toDto(s, health, connection);
    }

    @Override
    public JobDTO startService(String account, String name) {
        return submitOn(account, name, JobKinds.START, (c, s) -> {
            requireNot(s, "started", ServiceState.PROVISIONING, ServiceState.DELETING);
            requireEngine(s, "start");
            ServiceRepository.setState(c, s.id(), ServiceState.STARTING, "");
            return Map.of(JobKinds.PARAM_PREVIOUS_STATE, s.state().name());
        });
    }

    @Override
    public JobDTO stopService(String account, String name) {
        return submitOn(account, name, JobKinds.STOP, (c, s) -> {
            requireNot(s, "stopped", ServiceState.PROVISIONING, ServiceState.DELETING, ServiceState.STOPPED);
            requireEngine(s, "stop");
            ServiceRepository.setState(c, s.id(), ServiceState.STOPPING, "");
            return Map.of(JobKinds.PARAM_PREVIOUS_STATE, s.state().name(), JobKinds.PARAM_PREVIOUS_MESSAGE,
                    s.stateMessage());
        });
    }

    @Override
    public JobDTO deleteService(String account, String name, boolean force) {
        return guard(() -> toDto(lifecycle.submitDelete(find(account, name), force), false));
    }

    @Override
    public JobDTO scaleService(String account, String name, int instances) {
        if (instances < 1 || instances > 64) {
            throw new PlatformException(Reason.INVALID, "instances must be between 1 and 64, not " + instances);
        }
        ServiceRecord s = guard(() -> find(account, name));
        SdpEntry sdp = services.engineFor(s).orElseThrow(() -> new PlatformException(Reason.UNAVAILABLE,
                "cannot scale '" + name + "': no engine for " + s.serviceType() + " " + s.sdpVersion()
                        + " is installed"));
        if (!(sdp.engine() instanceof ScalableEngine scalable)) {
            throw new PlatformException(Reason.INVALID, "service type '" + s.serviceType() + "' cannot be scaled");
        }
        int previous;
        try {
            previous = services.invoke(s, sdp, "instances", Duration.ofSeconds(5), ServiceManager.NO_MONITOR,
                    (e, c, m) -> scalable.instances(c));
        } catch (SmeException e) {
            throw new PlatformException(Reason.INTERNAL, "cannot tell how many instances '" + name + "' runs: "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException(Reason.UNAVAILABLE, "interrupted", e);
        }
        return guard(() -> toDto(engine.submit(new Submission(JobKinds.SCALE, s.accountId(), s.name(), s.id(),
                Map.of(JobKinds.PARAM_INSTANCES, Integer.toString(instances),
                        JobKinds.PARAM_PREVIOUS_INSTANCES, Integer.toString(previous)), c -> {
                            ServiceRecord current = services.repository().byId(c, s.id()).orElseThrow();
                            if (current.activeJobId() == 0 && current.state() != ServiceState.RUNNING) {
                                throw new PlatformException(Reason.INVALID, "'" + name + "' is " + current.state()
                                        + "; only a running service can be scaled");
                            }
                            return Map.of();
                        })), false));
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
            throw new PlatformException(Reason.INVALID, "invalid URL '" + request.url() + "': " + problem);
        });
        Map<String, String> binding = new LinkedHashMap<>(request.properties());
        binding.put("url", request.url());
        if (request.user() != null) {
            binding.put("user", request.user());
        }
        if (request.password() != null) {
            binding.put("password", request.password());
        }
        AccountDTO account = guard(() -> accounts.require(request.account()));
        guard(() -> {
            services.store().transact(c -> {
                if (services.repository().byName(c, account.id(), request.name()).isPresent()) {
                    throw new PlatformException(Reason.ALREADY_EXISTS, "a service named '" + request.name()
                            + "' already exists in account '" + account.name() + "'");
                }
                Instant now = Instant.now();
                services.repository().insert(c, new ServiceRecord(UUID.randomUUID().toString(), account.id(),
                        account.name(), request.name(), request.serviceType(), ExternalServices.SDP, "0.0.0",
                        "external", binding, ServiceState.RUNNING, "", 0, now, now, null, true));
            });
            return null;
        });
        return getService(account.name(), request.name());
    }

    // ------------------------------------------------------------------ environments

    @Override
    public JobDTO createEnvironment(EnvironmentRequest request) {
        EnvironmentSpec spec = EnvironmentPlanner.parse(request.document(), request.baseDirectory());
        return createEnvironment(request.account() != null ? request.account() : spec.account(), spec);
    }

    private JobDTO createEnvironment(String accountName, EnvironmentSpec parsed) {
        AccountDTO account = guard(() -> accounts.require(orDefault(accountName)));
        EnvironmentSpec spec = EnvironmentPlanner.plan(parsed,
                m -> lifecycle.check(m.type(), m.name(), m.plan(), m.version(), m.config()),
                n -> guard(() -> services.store().query(c -> services.repository().byName(c, account.id(), n)))
                        .map(lifecycle::providerRef));
        String id = UUID.randomUUID().toString();
        return guard(() -> toDto(engine.submit(new Submission(JobKinds.ENV_CREATE, account.id(), spec.name(), null, id,
                Map.of(JobKinds.PARAM_ENVIRONMENT, id), c -> {
                    if (environments.byName(c, account.id(), spec.name()).isPresent()) {
                        throw new PlatformException(Reason.ALREADY_EXISTS, "an environment named '" + spec.name()
                                + "' already exists in account '" + account.name() + "'");
                    }
                    environments.insert(c, id, account.id(), spec.name(), spec);
                    return Map.of();
                })), false));
    }

    @Override
    public List<EnvironmentDTO> listEnvironments(String account) {
        return guard(() -> environments.ofAccount(accounts.require(orDefault(account)).id()).stream()
                .map(this::toDto).toList());
    }

    @Override
    public EnvironmentDTO getEnvironment(String account, String name) {
        return guard(() -> toDto(findEnvironment(account, name)));
    }

    @Override
    public JobDTO deleteEnvironment(String account, String name, boolean force) {
        return guard(() -> {
            EnvironmentRecord env = findEnvironment(account, name);
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
                    })), false);
        });
    }

    private EnvironmentRecord findEnvironment(String account, String name) {
        AccountDTO a = accounts.require(orDefault(account));
        return environments.byName(a.id(), name).orElseThrow(() -> new PlatformException(Reason.NOT_FOUND,
                "no environment '" + name + "' in account '" + a.name() + "' (see stratum:env-list)"));
    }

    private EnvironmentDTO toDto(EnvironmentRecord env) {
        Map<String, ServiceRecord> existing = new HashMap<>();
        services.repository().ofEnvironment(env.id()).forEach(s -> existing.put(s.name(), s));
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
        return new EnvironmentDTO(env.id(), env.accountName(), env.name(), env.state(), env.stateMessage(), members,
                env.spec().levels(), env.activeJobId(), env.createdAt());
    }

    @FunctionalInterface
    private interface Prepare {
        Map<String, String> apply(Connection c, ServiceRecord s) throws SQLException;
    }

    private JobDTO submitOn(String account, String name, String kind, Prepare prepare) {
        return guard(() -> {
            ServiceRecord s = find(account, name);
            JobRecord job = engine.submit(new Submission(kind, s.accountId(), s.name(), s.id(), Map.of(), c -> {
                ServiceRecord current = services.repository().byId(c, s.id()).orElseThrow(() ->
                        new PlatformException(Reason.NOT_FOUND, "service '" + name + "' no longer exists"));
                if (current.activeJobId() != 0) {
                    return Map.of(); // the engine reports the busy service with the job that holds it
                }
                return prepare.apply(c, current);
            }));
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
        AccountDTO a = accounts.require(orDefault(account));
        return services.store().query(c -> services.repository().byName(c, a.id(), name)).orElseThrow(() ->
                new PlatformException(Reason.NOT_FOUND, "no service '" + name + "' in account '" + a.name()
                        + "' (see stratum:service-list)"));
    }

    // ------------------------------------------------------------------ jobs

    @Override
    public List<JobDTO> listJobs(JobQuery query) {
        return guard(() -> {
            String accountId = query.account() == null ? null : accounts.require(query.account()).id();
            return engine.jobs().list(accountId, query.target(), query.activeOnly(),
                    query.limit() <= 0 ? 50 : query.limit()).stream().map(j -> toDto(j, false)).toList();
        });
    }

    @Override
    public JobDTO getJob(long id) {
        return toDto(requireJob(id), true);
    }

    @Override
    public JobDTO cancelJob(long id) {
        JobRecord job = requireJob(id);
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
        return guard(() -> engine.jobs().find(id)).orElseThrow(() -> new PlatformException(Reason.NOT_FOUND,
                "no job " + id + " (see stratum:job-list)"));
    }

    // ------------------------------------------------------------------ mapping

    private JobDTO toDto(JobRecord j, boolean withSteps) {
        List<JobDTO.StepDTO> steps = withSteps
                ? engine.jobs().steps(j.id()).stream().map(PlatformServiceImpl::toDto).toList()
                : List.of();
        return new JobDTO(j.id(), j.kind(), j.accountName() == null ? "" : j.accountName(), j.target(),
                j.serviceId() == null ? "" : j.serviceId(), j.state(), j.phase(), j.task(), j.progress(), j.attempts(),
                j.message(), j.error(), j.createdAt(), j.startedAt(), j.updatedAt(), j.finishedAt(), steps);
    }

    private static JobDTO.StepDTO toDto(JobStep s) {
        return new JobDTO.StepDTO(s.phase(), s.task(), s.compensation(), s.state(), s.attempts(), s.error(),
                s.startedAt(), s.finishedAt());
    }

    private ServiceDTO toDto(ServiceRecord s, ServiceHealth health, ConnectionInfo c) {
        List<ServiceDTO.RuntimeDTO> runtimes = services.runtimes().list(s.id()).stream()
                .map(PlatformServiceImpl::toDto).toList();
        Map<String, String> providers = new TreeMap<>();
        for (Association a : services.associations().providersOf(s.id())) {
            providers.put(a.providerType(), services.repository().byId(a.providerId()).map(ServiceRecord::name)
                    .orElse(a.providerId()));
        }
        List<String> dependants = services.associations().dependantsOf(s.id()).stream()
                .map(a -> services.repository().byId(a.dependantId()).map(ServiceRecord::name).orElse(a.dependantId()))
                .sorted().toList();
        String environment = s.environmentId() == null ? "" : environments.byId(s.environmentId())
                .map(EnvironmentRecord::name).orElse("");
        Map<String, String> config = s.external() ? redacted(s.config()) : s.config();
        return new ServiceDTO(s.id(), s.accountName(), s.name(), s.serviceType(), s.sdpName(), s.sdpVersion(), s.plan(),
                config, s.state(), s.stateMessage(), s.external() || services.engineFor(s).isPresent(),
                health == null ? "UNKNOWN" : health.state().name(), health == null ? "" : health.message(),
                c == null ? null : new ServiceDTO.ConnectionDTO(c.url(), c.user(), c.password(), c.properties()),
                runtimes, s.activeJobId(), s.createdAt(), s.updatedAt(), providers, dependants, environment,
                s.external());
    }

    /** The configuration of an external service holds its credentials: not shown in lists. */
    private static Map<String, String> redacted(Map<String, String> config) {
        Map<String, String> out = new TreeMap<>(config);
        out.computeIfPresent("password", (k, v) -> "********");
        return out;
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

    private static String orDefault(String account) {
        return account == null || account.isBlank() ? DEFAULT_ACCOUNT : account;
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
