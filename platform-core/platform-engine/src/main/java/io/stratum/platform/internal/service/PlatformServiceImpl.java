package io.stratum.platform.internal.service;

import io.stratum.platform.api.AccountDTO;
import io.stratum.platform.api.CreateServiceRequest;
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
import io.stratum.sme.api.ServiceHealth;
import io.stratum.sme.api.descriptor.Plan;
import io.stratum.sme.api.descriptor.ProviderRequirement;
import io.stratum.sme.api.descriptor.SdpDescriptor;
import io.stratum.sme.api.runtime.RuntimeInfo;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The platform facade: checks requests, turns lifecycle actions into jobs, and describes the platform's state.
 * A rejected request throws {@link PlatformException} and changes nothing.
 */
@Component(service = PlatformService.class)
public final class PlatformServiceImpl implements PlatformService {

    private final AccountManager accounts;
    private final SdpCatalog catalog;
    private final ServiceManager services;
    private final OrchestrationEngine engine;

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
        AccountManager.checkName("service", request.name());
        if (request.serviceType() == null || request.serviceType().isBlank()) {
            throw new PlatformException(Reason.INVALID, "a service type is required (see stratum:sdp-list)");
        }
        SdpEntry sdp = chooseSdp(request.serviceType(), request.sdpVersion());
        SdpDescriptor d = sdp.descriptor();
        String planName = request.plan() != null ? request.plan()
                : d.defaultPlan() != null ? d.defaultPlan() : d.plans().get(0).name();
        Plan plan = d.plan(planName).orElseThrow(() -> new PlatformException(Reason.INVALID, "service type '"
                + d.serviceType() + "' has no plan '" + planName + "'; its plans are "
                + d.plans().stream().map(Plan::name).toList()));
        requireNoMandatoryProviders(d);
        Map<String, String> config = ConfigValues.effective(d, plan, request.configuration());
        String serviceId = UUID.randomUUID().toString();
        return guard(() -> {
            AccountDTO account = accounts.require(request.account());
            JobRecord job = engine.submit(new Submission(JobKinds.CREATE, account.id(), request.name(), serviceId,
                    Map.of(), c -> {
                        if (services.repository().byName(c, account.id(), request.name()).isPresent()) {
                            throw new PlatformException(Reason.ALREADY_EXISTS, "a service named '" + request.name()
                                    + "' already exists in account '" + account.name() + "'");
                        }
                        Instant now = Instant.now();
                        services.repository().insert(c, new ServiceRecord(serviceId, account.id(), account.name(),
                                request.name(), d.serviceType(), d.name(), d.version(), plan.name(), config,
                                ServiceState.PROVISIONING, "", 0, now, now));
                        return Map.of();
                    }));
            return toDto(job, false);
        });
    }

    private SdpEntry chooseSdp(String type, String version) {
        Optional<SdpEntry> sdp = version == null ? catalog.newest(type) : catalog.exact(type, version);
        if (sdp.isPresent()) {
            return sdp.get();
        }
        List<SdpEntry> ofType = catalog.entries().stream()
                .filter(e -> e.descriptor() != null && type.equals(e.descriptor().serviceType())).toList();
        if (ofType.isEmpty()) {
            List<String> types = catalog.entries().stream().filter(SdpEntry::isAvailable)
                    .map(e -> e.descriptor().serviceType()).distinct().sorted().toList();
            throw new PlatformException(Reason.NOT_FOUND, "no service type '" + type + "' is installed"
                    + (types.isEmpty() ? "; drop an SDP bundle into Karaf's deploy/ folder"
                            : "; installed types: " + String.join(", ", types)));
        }
        String states = ofType.stream().map(e -> e.descriptor().version() + " " + e.state()
                + (e.reason().isEmpty() ? "" : " (" + e.reason() + ")")).collect(Collectors.joining("; "));
        throw new PlatformException(version == null ? Reason.UNAVAILABLE : Reason.NOT_FOUND,
                "service type '" + type + "' " + (version == null ? "" : "version " + version + " ")
                        + "is not available: " + states);
    }

    private static void requireNoMandatoryProviders(SdpDescriptor d) {
        List<String> required = d.requires().stream().filter(r -> !r.optional())
                .map(ProviderRequirement::serviceType).toList();
        if (!required.isEmpty()) {
            throw new PlatformException(Reason.INVALID, "service type '" + d.serviceType() + "' needs providers "
                    + required + ", and associating providers is not supported yet");
        }
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
            return Map.of();
        });
    }

    @Override
    public JobDTO deleteService(String account, String name, boolean force) {
        return submitOn(account, name, JobKinds.DELETE, (c, s) -> {
            if (!force) {
                requireEngine(s, "delete");
            }
            ServiceRepository.setState(c, s.id(), ServiceState.DELETING, "");
            return Map.of(JobKinds.PARAM_FORCE, Boolean.toString(force));
        });
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
        if (services.engineFor(s).isEmpty()) {
            throw new PlatformException(Reason.UNAVAILABLE, "cannot " + action + " '" + s.name() + "': no engine for "
                    + s.serviceType() + " " + s.sdpVersion() + " (or a compatible version) is installed; install its "
                    + "SDP first" + ("delete".equals(action) ? ", or use --force to delete it without its engine" : ""));
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
        return new ServiceDTO(s.id(), s.accountName(), s.name(), s.serviceType(), s.sdpName(), s.sdpVersion(), s.plan(),
                s.config(), s.state(), s.stateMessage(), services.engineFor(s).isPresent(),
                health == null ? "UNKNOWN" : health.state().name(), health == null ? "" : health.message(),
                c == null ? null : new ServiceDTO.ConnectionDTO(c.url(), c.user(), c.password(), c.properties()),
                runtimes, s.activeJobId(), s.createdAt(), s.updatedAt());
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
                .map(p -> new SdpDTO.PlanDTO(p.name(), p.description(), p.settings().entrySet().stream()
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
    private static <T> T guard(java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (StoreException e) {
            org.slf4j.LoggerFactory.getLogger(PlatformServiceImpl.class).error("Store failure", e);
            throw new PlatformException(Reason.INTERNAL, "the platform's store failed: " + e.getMessage()
                    + " (see the Karaf log)", e);
        }
    }
}
