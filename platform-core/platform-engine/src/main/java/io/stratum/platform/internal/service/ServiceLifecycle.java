package io.stratum.platform.internal.service;

import io.stratum.platform.api.AccountDTO;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.internal.account.AccessControl;
import io.stratum.platform.internal.account.AccountHistory;
import io.stratum.platform.internal.account.AccountManager;
import io.stratum.platform.internal.orchestration.JobRecord;
import io.stratum.platform.internal.orchestration.OrchestrationEngine.Submission;
import io.stratum.platform.internal.orchestration.OrchestrationEngine;
import io.stratum.platform.internal.sdp.ConfigValues;
import io.stratum.platform.internal.sdp.SdpEntry;
import io.stratum.platform.internal.store.Json;
import io.stratum.sme.api.descriptor.ConfigProperty;
import io.stratum.sme.api.descriptor.ConfigType;
import io.stratum.sme.api.descriptor.Plan;
import io.stratum.sme.api.descriptor.ProviderRequirement;
import io.stratum.sme.api.descriptor.SdpDescriptor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Submitting service lifecycle jobs, with everything that can be checked before anything is created: a new
 * service's SDP, plan, configuration and providers; whether a service may be deleted. Used for single services
 * and for the members of environments.
 */
public final class ServiceLifecycle {

    /*
     * What a forced delete does where an unforced one is refused. Each refusal names its consequence with one of
     * these; the help of stratum:service-delete --force, the facade's Javadoc and the README say the same (a test of
     * the shell checks its help against them).
     */
    /** With {@code force}, services that use it as their provider: they lose their binding. */
    public static final String FORCE_DEPENDANTS = "they lose their binding";
    /** With {@code force}, consumers bound to it: their access ends with it. */
    public static final String FORCE_CONSUMERS = "their access ends with it";
    /** With {@code force}, no engine of its type installed: what is done without it. */
    public static final String FORCE_NO_ENGINE = "its processes are stopped and its files deleted without its engine";
    /** With {@code force}, a provider of it without an engine: what becomes of its binding. */
    public static final String FORCE_PROVIDER_NO_ENGINE = "the binding is forgotten without being revoked";

    /**
     * A service as a possible provider.
     *
     * @param name its name
     * @param serviceType its type
     * @param provides the provider types it offers
     */
    public record ProviderRef(String name, String serviceType, List<String> provides) {

        boolean offers(String type) {
            return serviceType.equals(type) || provides.contains(type);
        }
    }

    /**
     * A checked service: what to create.
     *
     * @param name its name
     * @param sdp the SDP it is created from
     * @param plan its plan
     * @param config its effective configuration
     */
    public record Checked(String name, SdpEntry sdp, Plan plan, Map<String, String> config) {

        /** @return its descriptor */
        public SdpDescriptor descriptor() {
            return sdp.descriptor();
        }
    }

    private final ServiceManager services;
    private final OrchestrationEngine engine;
    private final AccessControl access;

    /**
     * @param services the service manager
     * @param engine the orchestration engine
     * @param access resolves callers (who may name which files of the host)
     */
    public ServiceLifecycle(ServiceManager services, OrchestrationEngine engine, AccessControl access) {
        this.services = services;
        this.engine = engine;
        this.access = access;
    }

    /**
     * One problem of a new service.
     *
     * @param field the path of the field it is about: {@code name}, {@code type}, {@code version}, {@code plan},
     *     {@code config} and a key (e.g. {@code [config, war]}), {@code config} alone (what the engine found), or
     *     {@code providers} and a provider type
     * @param error the refusal it is, alone
     */
    public record Problem(List<String> field, PlatformException error) {

        /** Copies. */
        public Problem {
            field = List.copyOf(field);
        }
    }

    /**
     * What {@link #examine} found.
     *
     * @param checked the service to create, or {@code null} if it has a problem
     * @param descriptor the descriptor of the SDP it would be created from, or {@code null} if its type or version
     *     is not available (its providers can be checked against it also when other things are wrong)
     * @param problems every problem found, empty if none
     */
    public record Examined(Checked checked, SdpDescriptor descriptor, List<Problem> problems) {

        /** Copies. */
        public Examined {
            problems = List.copyOf(problems);
        }

        /**
         * @param checked a service without problems
         * @return it as examined
         */
        public static Examined ok(Checked checked) {
            return new Examined(checked, checked.descriptor(), List.of());
        }
    }

    /**
     * Checks name, type, version, plan and configuration: against the schema; then the files of the host that values
     * of type {@link io.stratum.sme.api.descriptor.ConfigType#FILE} name, against what the caller may name
     * ({@link HostFiles}; each such value becomes its file's real path); then by the engine if it can tell.
     *
     * @param caller who asks
     * @return the checked service
     * @throws PlatformException if anything is wrong: the one problem found, or all of them (see {@link #examine})
     *     in one INVALID refusal (FORBIDDEN if one is)
     */
    public Checked check(Caller caller, String type, String name, String planName, String version,
            Map<String, String> config) {
        Examined examined = examine(caller, type, name, planName, version, config);
        List<Problem> problems = examined.problems();
        if (problems.size() == 1) {
            throw problems.get(0).error();
        }
        if (!problems.isEmpty()) {
            boolean forbidden = problems.stream().anyMatch(p -> p.error().reason() == Reason.FORBIDDEN);
            throw new PlatformException(forbidden ? Reason.FORBIDDEN : Reason.INVALID, String.join("; ",
                    problems.stream().map(p -> p.error().getMessage()).toList()));
        }
        return examined.checked();
    }

    /**
     * Checks a new service as {@link #check} does, and collects every problem instead of stopping at the first: a
     * name and a type are checked apart; the configuration's values each apart (the engine's own check only once
     * the type, the plan and every value are valid, since it needs them).
     *
     * @param caller who asks
     * @return the checked service, or every problem found
     */
    public Examined examine(Caller caller, String type, String name, String planName, String version,
            Map<String, String> config) {
        List<Problem> problems = new ArrayList<>();
        if (name == null || name.isBlank()) {
            problems.add(new Problem(List.of("name"), new PlatformException(Reason.INVALID, "a service name is "
                    + "required: 1 to 63 lower-case letters, digits and dashes, starting with a letter")));
        } else {
            try {
                AccountManager.checkName("service", name);
            } catch (PlatformException e) {
                problems.add(new Problem(List.of("name"), e));
            }
        }
        if (type == null || type.isBlank()) {
            problems.add(new Problem(List.of("type"), new PlatformException(Reason.INVALID,
                    "a service type is required (see stratum:sdp-list)")));
            return new Examined(null, null, problems);
        }
        SdpEntry sdp;
        try {
            sdp = chooseSdp(type, version);
        } catch (PlatformException e) {
            boolean typeKnown = services.catalog().entries().stream()
                    .anyMatch(s -> s.descriptor() != null && type.equals(s.descriptor().serviceType()));
            problems.add(new Problem(List.of(version != null && typeKnown ? "version" : "type"), e));
            return new Examined(null, null, problems);
        }
        SdpDescriptor d = sdp.descriptor();
        String chosen = planName != null ? planName : d.defaultPlan() != null ? d.defaultPlan() : d.plans().get(0).name();
        Optional<Plan> plan = d.plan(chosen);
        if (plan.isEmpty()) {
            problems.add(new Problem(List.of("plan"), new PlatformException(Reason.INVALID, "service type '"
                    + d.serviceType() + "' has no plan '" + chosen + "'; its plans are "
                    + d.plans().stream().map(Plan::name).toList())));
        }
        Map<String, String> user = config == null ? Map.of() : config;
        Map<String, String> valueProblems = ConfigValues.problems(d, user);
        valueProblems.forEach((key, problem) -> problems.add(new Problem(List.of("config", key),
                new PlatformException(Reason.INVALID, problem))));
        boolean anyFile = mayNameAnyFile(caller);
        Map<String, String> files = new TreeMap<>();
        for (Map.Entry<String, ConfigProperty> e : new TreeMap<>(d.configSchema()).entrySet()) {
            String value = user.get(e.getKey());
            if (e.getValue() != null && e.getValue().type() == ConfigType.FILE && value != null
                    && !valueProblems.containsKey(e.getKey())) {
                try {
                    files.put(e.getKey(), services.hostFiles().resolve(e.getKey(), value, anyFile).toString());
                } catch (PlatformException refused) {
                    problems.add(new Problem(List.of("config", e.getKey()), refused));
                }
            }
        }
        if (plan.isEmpty() || !valueProblems.isEmpty() || problems.stream()
                .anyMatch(p -> p.field().get(0).equals("config"))) {
            return new Examined(null, d, problems);
        }
        Map<String, String> effective = new TreeMap<>(ConfigValues.effective(d, plan.get(), user));
        effective.putAll(files);
        for (String problem : services.checkConfiguration(sdp, name, effective)) {
            // an engine's problem is about the key it names, if it names one of the service's keys
            List<String> named = effective.keySet().stream().filter(k -> problem.contains("'" + k + "'")).toList();
            problems.add(new Problem(named.size() == 1 ? List.of("config", named.get(0)) : List.of("config"),
                    new PlatformException(Reason.INVALID, problem)));
        }
        return problems.isEmpty() ? Examined.ok(new Checked(name, sdp, plan.get(), effective))
                : new Examined(null, d, problems);
    }

    /** @return whether the caller may name any file of the host (a user who no longer exists may not) */
    private boolean mayNameAnyFile(Caller caller) {
        boolean admin;
        try {
            admin = access.resolve(caller).isPlatformAdmin();
        } catch (PlatformException e) {
            admin = false;
        }
        return HostFiles.anyFile(caller, admin);
    }

    /**
     * Checks the providers a service is given against what its type requires.
     *
     * @param service the checked service
     * @param providers provider type to the service meant to provide it
     * @throws PlatformException if a provider is of the wrong type, not used by the type, or missing
     */
    public static void checkProviders(Checked service, Map<String, ProviderRef> providers) {
        List<Problem> problems = providerProblems(service.descriptor(), service.name(), providers, "name one with --provider <type>=<service>, "
                + "or add --create-providers");
        if (!problems.isEmpty()) {
            throw new PlatformException(Reason.INVALID, String.join("; ", problems.stream()
                    .map(p -> p.error().getMessage()).toList()));
        }
    }

    /**
     * Checks the providers a service is given against what its type requires.
     *
     * @param d the descriptor of the service's SDP
     * @param name the service's name
     * @param providers provider type to the service meant to provide it
     * @param howToName how a missing provider is named, for the message ({@code <type>} stands for its type)
     * @return each problem: a provider of the wrong type or not used by the type (field {@code providers.<type>}),
     *     a missing one (field {@code providers})
     */
    public static List<Problem> providerProblems(SdpDescriptor d, String name, Map<String, ProviderRef> providers,
            String howToName) {
        List<Problem> problems = new ArrayList<>();
        List<String> uses = d.requires().stream().map(r -> r.serviceType() + (r.optional() ? " (optional)" : ""))
                .toList();
        new TreeMap<>(providers).forEach((type, ref) -> {
            if (d.requires().stream().noneMatch(r -> r.serviceType().equals(type))) {
                problems.add(new Problem(List.of("providers", type), new PlatformException(Reason.INVALID,
                        d.serviceType() + " has no use for a '" + type + "' provider"
                        + (uses.isEmpty() ? "" : " (it uses " + String.join(", ", uses) + ")"))));
            } else if (!ref.offers(type)) {
                problems.add(new Problem(List.of("providers", type), new PlatformException(Reason.INVALID,
                        "'" + ref.name() + "' is of type " + ref.serviceType() + ", which does not provide " + type)));
            }
        });
        for (ProviderRequirement r : d.requires()) {
            if (!r.optional() && !providers.containsKey(r.serviceType())) {
                problems.add(new Problem(List.of("providers"), new PlatformException(Reason.INVALID,
                        d.serviceType() + " '" + name + "' needs a " + r.serviceType() + " provider: "
                        + howToName.replace("<type>", r.serviceType()))));
            }
        }
        return problems;
    }

    /**
     * @param record an existing service
     * @return it as a possible provider
     */
    public ProviderRef providerRef(ServiceRecord record) {
        List<String> provides = record.external() ? List.of() : services.engineFor(record)
                .map(e -> e.descriptor().provides()).orElse(List.of());
        return new ProviderRef(record.name(), record.serviceType(), provides);
    }

    /**
     * Finds the named providers in the account.
     *
     * @return provider type to the existing service
     * @throws PlatformException if one does not exist or is being deleted
     */
    public Map<String, ServiceRecord> resolveProviders(AccountDTO account, Map<String, String> providerNames) {
        Map<String, ServiceRecord> out = new TreeMap<>();
        providerNames.forEach((type, providerName) -> {
            ServiceRecord p = services.store().query(c -> services.repository().byName(c, account.id(), providerName))
                    .orElseThrow(() -> new PlatformException(Reason.NOT_FOUND, "no service '" + providerName
                            + "' in account '" + account.name() + "' to be the " + type + " provider"));
            if (p.state() == ServiceState.DELETING) {
                throw new PlatformException(Reason.INVALID, "'" + providerName + "' is being deleted");
            }
            out.put(type, p);
        });
        return out;
    }

    /**
     * Records the service (its name is taken from now on) and submits its create job.
     *
     * @param account the owning account
     * @param service the checked service
     * @param providers provider type to the provider service
     * @param environmentId the environment it belongs to, or {@code null}
     * @param caller who asks (recorded in the job and in the account's history)
     * @return the create job
     * @throws PlatformException QUOTA_EXCEEDED if the account has no room for it
     */
    public JobRecord submit(AccountDTO account, Checked service, Map<String, ServiceRecord> providers,
            String environmentId, Caller caller) {
        return submit(account, service, providers, environmentId, caller, Map.of());
    }

    /**
     * Submits the creation of a service, with further job parameters for step contributors (see
     * {@link io.stratum.platform.spi.StepContributor}).
     *
     * @param account its account
     * @param service the checked request
     * @param providers provider type to the provider it uses
     * @param environmentId its environment, or {@code null}
     * @param caller who asks
     * @param params further parameters of the create job; they cannot replace the job's own
     * @return the create job
     */
    public JobRecord submit(AccountDTO account, Checked service, Map<String, ServiceRecord> providers,
            String environmentId, Caller caller, Map<String, String> params) {
        Map<String, ProviderRef> refs = new TreeMap<>();
        providers.forEach((type, record) -> refs.put(type, providerRef(record)));
        checkProviders(service, refs);
        Map<String, String> providerIds = providers.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().id(), (a, b) -> a, TreeMap::new));
        String serviceId = UUID.randomUUID().toString();
        SdpDescriptor d = service.descriptor();
        Map<String, String> jobParams = new TreeMap<>(params);
        jobParams.put(JobKinds.PARAM_PROVIDERS, Json.write(providerIds));
        return engine.submit(new Submission(JobKinds.CREATE, account.id(), service.name(), serviceId, jobParams, c -> {
                    if (services.repository().byName(c, account.id(), service.name()).isPresent()) {
                        throw new PlatformException(Reason.ALREADY_EXISTS, "a service named '" + service.name()
                                + "' already exists in account '" + account.name() + "'");
                    }
                    if (ConsumerRepository.nameTaken(c, account.id(), service.name())) {
                        // a provider's engine knows its dependants and consumers by name (e.g. a web tier's routes)
                        throw new PlatformException(Reason.ALREADY_EXISTS, "a consumer named '" + service.name()
                                + "' is bound in account '" + account.name() + "'; choose another name");
                    }
                    // in the order of their ids, so that two creates never wait for each other's locks
                    for (ServiceRecord p : providers.values().stream().distinct()
                            .sorted(Comparator.comparing(ServiceRecord::id)).toList()) {
                        if (!ServiceRepository.lockUnlessDeleting(c, p.id())) {
                            throw new PlatformException(Reason.INVALID, "'" + p.name() + "' is being deleted, so it "
                                    + "cannot be a provider");
                        }
                    }
                    int instances = AccountManager.instancesOf(service.config());
                    AccountManager.checkQuota(c, services.store().secrets(), account.id(), "creating '" + service.name() + "'", 1,
                            instances, instances * AccountManager.memoryOf(service.config()));
                    Instant now = Instant.now();
                    services.repository().insert(c, new ServiceRecord(serviceId, account.id(), account.name(),
                            service.name(), d.serviceType(), d.name(), d.version(), service.plan().name(),
                            service.config(), ServiceState.PROVISIONING, "", 0, now, now, environmentId, false));
                    // the descriptor of the version it is created with, for its engine calls ever after
                    services.repository().setDescriptor(c, serviceId, d);
                    for (Map.Entry<String, ServiceRecord> p : providers.entrySet()) {
                        AssociationRepository.reserve(c, serviceId, p.getKey(), p.getValue().id());
                    }
                    AccountHistory.record(c, account.id(), caller, "service '" + service.name() + "' created",
                            History.created(service.name(), d.serviceType(), d.version(), service.plan().name(),
                                    service.config(), providers));
                    return Map.of();
                }).by(caller));
    }

    /**
     * Submits the deletion of a service.
     *
     * @param s the service
     * @param force also where it would be refused: without its engine, while services use it as their provider or
     *     consumers are bound to it, and while a provider of it has no engine to revoke its binding (the
     *     {@code FORCE_*} constants say what then happens)
     * @param caller who asks (recorded in the job; the account's history records the service's removal when the
     *     job has removed it)
     * @return the delete job
     * @throws PlatformException if others use it and {@code force} is not set, or it is busy
     */
    public JobRecord submitDelete(ServiceRecord s, boolean force, Caller caller) {
        if (!force) {
            if (!s.external() && services.engineFor(s).isEmpty()) {
                throw new PlatformException(Reason.UNAVAILABLE, "cannot delete '" + s.name() + "': no engine for "
                        + s.serviceType() + " " + s.sdpVersion() + " (or a compatible version) is installed; install "
                        + "its SDP first, or use --force (" + FORCE_NO_ENGINE + ")");
            }
            // its providers revoke its bindings at the end of the delete: refuse now rather than after its removal
            for (Association a : services.associations().providersOf(s.id())) {
                Optional<ServiceRecord> p = services.repository().byId(a.providerId());
                if (p.isPresent() && !p.get().external() && services.engineFor(p.get()).isEmpty()) {
                    throw new PlatformException(Reason.UNAVAILABLE, "cannot delete '" + s.name() + "': its "
                            + a.providerType() + " provider '" + p.get().name() + "' has no engine installed to "
                            + "revoke its binding (" + p.get().serviceType() + " " + p.get().sdpVersion() + "); install "
                            + "that SDP first, or use --force (" + FORCE_PROVIDER_NO_ENGINE + ")");
                }
            }
        }
        return engine.submit(new Submission(JobKinds.DELETE, s.accountId(), s.name(), s.id(), Map.of(), c -> {
            if (services.repository().byId(c, s.id()).map(ServiceRecord::activeJobId).orElse(0L) != 0) {
                return Map.of(); // busy: the engine refuses with CONCURRENCY naming the job, before any other check
            }
            // marked first: a create that names it as its provider takes the same row lock (see lockUnlessDeleting),
            // so the dependants read next include every create submitted before this delete
            ServiceRepository.setState(c, s.id(), ServiceState.DELETING, "");
            if (!force) {
                List<String> users = new ArrayList<>();
                for (Association a : services.associations().dependantsOf(c, s.id())) {
                    users.add(services.repository().byId(c, a.dependantId()).map(d -> "'" + d.name() + "' ("
                            + d.serviceType() + ")").orElse(a.dependantId()));
                }
                if (!users.isEmpty()) {
                    throw new PlatformException(Reason.INVALID, "'" + s.name() + "' is the provider of "
                            + String.join(", ", users) + "; delete them first, or use --force (" + FORCE_DEPENDANTS
                            + ")");
                }
                List<String> consumers = services.consumers().ofProvider(c, s.id()).stream()
                        .map(k -> "'" + k.name() + "'").toList();
                if (!consumers.isEmpty()) {
                    throw new PlatformException(Reason.INVALID, "'" + s.name() + "' has consumers bound to it: "
                            + String.join(", ", consumers) + "; unbind them first, or use --force ("
                            + FORCE_CONSUMERS + ")");
                }
            }
            return Map.of(JobKinds.PARAM_FORCE, Boolean.toString(force));
        }).by(caller));
    }

    private SdpEntry chooseSdp(String type, String version) {
        Optional<SdpEntry> sdp = version == null
                ? services.catalog().newest(type) : services.catalog().exact(type, version);
        if (sdp.isPresent()) {
            return sdp.get();
        }
        List<SdpEntry> ofType = services.catalog().entries().stream()
                .filter(e -> e.descriptor() != null && type.equals(e.descriptor().serviceType())).toList();
        if (ofType.isEmpty()) {
            List<String> types = services.catalog().entries().stream().filter(SdpEntry::isAvailable)
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
}
