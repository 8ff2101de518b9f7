package io.stratum.platform.internal.service;

import io.stratum.platform.api.AccountVersionDTO.ChangeDTO;
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.internal.account.AccountHistory;
import io.stratum.platform.internal.orchestration.JobContext;
import io.stratum.platform.internal.orchestration.JobRecord;
import io.stratum.platform.internal.sdp.SdpEntry;
import io.stratum.platform.internal.store.Json;
import io.stratum.sme.api.Binding;
import io.stratum.sme.api.Dependant;
import io.stratum.sme.api.DependantEngine;
import io.stratum.sme.api.HealthState;
import io.stratum.sme.api.ProviderEngine;
import io.stratum.sme.api.ScalableEngine;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.ServiceHealth;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.SmeException;
import io.stratum.sme.api.TaskMonitor;
import io.stratum.sme.api.runtime.RuntimeInfo;
import io.stratum.sme.api.runtime.RuntimeState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The task bodies the service lifecycle plans are made of. */
final class ServiceTasks {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceTasks.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final ServiceManager services;

    ServiceTasks(ServiceManager services) {
        this.services = services;
    }

    ServiceRecord record(JobContext job) throws SmeException {
        return services.repository().byId(job.job().serviceId()).orElseThrow(() -> new SmeException(
                "service '" + job.job().target() + "' no longer exists"));
    }

    /** Waits (bounded) for the engine of the job's service. */
    void findEngine(JobContext job) throws Exception {
        ServiceRecord s = record(job);
        job.message("looking for the engine of " + s.serviceType() + " " + s.sdpVersion());
        SdpEntry sdp = services.awaitEngine(s);
        job.message("engine: " + sdp.descriptor().name() + " " + sdp.descriptor().version());
    }

    void provision(JobContext job) throws Exception {
        call(job, "provision", services.settings().provision(), ServiceManagementEngine::provision);
    }

    void start(JobContext job) throws Exception {
        call(job, "start", lifecycleTimeout(), ServiceManagementEngine::start);
    }

    void stop(JobContext job) throws Exception {
        call(job, "stop", lifecycleTimeout(), ServiceManagementEngine::stop);
    }

    /** A lifecycle method of an engine. */
    @FunctionalInterface
    private interface Lifecycle {
        void apply(ServiceManagementEngine engine, ServiceContext service, TaskMonitor monitor) throws SmeException;
    }

    /** Calls a lifecycle method of the engine of the job's service, in isolation. */
    private void call(JobContext job, String operation, Duration timeout, Lifecycle method) throws Exception {
        ServiceRecord s = record(job);
        SdpEntry sdp = services.awaitEngine(s);
        services.invoke(s, sdp, operation, timeout, job.monitor(), (e, c, m) -> {
            method.apply(e, c, m);
            return null;
        });
    }

    /**
     * Removes a service's runtimes and data through its engine; without an engine only when {@code force}
     * (killing its runtimes and deleting its files).
     */
    void unprovision(JobContext job, boolean force) throws Exception {
        Optional<ServiceRecord> found = services.repository().byId(job.job().serviceId());
        if (found.isEmpty()) {
            return;
        }
        ServiceRecord s = found.get();
        if (s.external()) {
            return; // Stratum runs nothing of it
        }
        Optional<SdpEntry> sdp = services.engineFor(s);
        if (sdp.isEmpty() && !force) {
            sdp = Optional.of(services.awaitEngine(s));
        }
        if (sdp.isPresent()) {
            call(job, "unprovision", lifecycleTimeout(), ServiceManagementEngine::unprovision);
        } else {
            LOG.warn("No engine for {} ({} {}): removing its runtimes and files without it", s.label(),
                    s.serviceType(), s.sdpVersion());
            job.message("no engine installed: removing runtimes and files without it");
        }
        removeRuntimesAndFiles(job);
    }

    // ------------------------------------------------------------------ providers

    /** Associates the job's service with its provider of one type and records the binding handed out. */
    void associate(JobContext job, String providerType, String providerId) throws Exception {
        ServiceRecord dependant = record(job);
        ServiceRecord provider = services.repository().byId(providerId).orElseThrow(() -> new SmeException(
                "its " + providerType + " provider no longer exists"));
        job.message("associating with " + providerType + " '" + provider.name() + "'");
        services.associations().save(dependant.id(), providerType, provider.id(),
                binding(job, dependant, provider, providerType));
    }

    /**
     * After a create or a scale: associates again with each provider whose parameters from the service changed since
     * the job associated with it or began to scale (e.g. a web tier, whose backends are the instances), and leaves
     * the others alone: their binding was made from what they would be handed again (a database, handed nothing,
     * would only be asked again for the user and schema it made). A provider the job has no record of is associated
     * again.
     */
    void refreshChangedAssociations(JobContext job) throws Exception {
        ServiceRecord dependant = record(job);
        for (Association a : services.associations().providersOf(dependant.id())) {
            Optional<String> handed = job.get(HANDED + a.providerType());
            if (handed.isPresent() && handed.get().equals(digest(dependantParameters(dependant, a.providerType())))) {
                LOG.debug("Not updating {} of {}: what it is handed did not change", a.providerType(),
                        dependant.label());
                continue;
            }
            refresh(job, dependant, a, false);
        }
    }

    /** Associates again with every provider, so they learn what changed (e.g. a web tier, new instances). */
    void refreshAssociations(JobContext job) throws Exception {
        refreshAssociations(job, false);
    }

    /**
     * Associates again with every provider that is running (a rollback's best effort: a provider that is not
     * running learns of the change when it is next associated).
     */
    void refreshAssociationsIfRunning(JobContext job) throws Exception {
        refreshAssociations(job, true);
    }

    private void refreshAssociations(JobContext job, boolean onlyRunning) throws Exception {
        ServiceRecord dependant = record(job);
        for (Association a : services.associations().providersOf(dependant.id())) {
            refresh(job, dependant, a, onlyRunning);
        }
    }

    private void refresh(JobContext job, ServiceRecord dependant, Association a, boolean onlyRunning)
            throws Exception {
        Optional<ServiceRecord> provider = services.repository().byId(a.providerId());
        if (provider.isEmpty() || provider.get().external()) {
            return;
        }
        if (onlyRunning) {
            boolean engine = services.engineFor(provider.get()).isPresent();
            if (provider.get().state() != ServiceState.RUNNING || !engine) {
                LOG.warn("Not updating {} '{}' of {}: it is {}{}", a.providerType(), provider.get().name(),
                        dependant.label(), provider.get().state(), engine ? "" : " without an engine");
                return;
            }
        }
        job.message("updating " + a.providerType() + " '" + provider.get().name() + "'");
        services.associations().save(dependant.id(), a.providerType(), a.providerId(),
                binding(job, dependant, provider.get(), a.providerType()));
    }

    private Map<String, String> binding(JobContext job, ServiceRecord dependant, ServiceRecord provider, String type)
            throws Exception {
        if (provider.external()) {
            return ExternalServices.binding(provider);
        }
        if (provider.state() != ServiceState.RUNNING) {
            throw SmeException.transientFailure("its " + type + " provider '" + provider.name() + "' is "
                    + provider.state() + ", not RUNNING", null);
        }
        SdpEntry sdp = services.awaitEngine(provider);
        if (!(sdp.engine() instanceof ProviderEngine)) {
            throw new SmeException("the engine of '" + provider.name() + "' (" + sdp.label() + ") cannot act as a "
                    + "provider");
        }
        Map<String, String> parameters = dependantParameters(dependant, type);
        Dependant d = new Dependant(dependant.id(), dependant.name(), dependant.serviceType(), parameters);
        Binding b = services.invoke(provider, sdp, "association with '" + dependant.name() + "'", lifecycleTimeout(),
                job.monitor(), (e, c, m) -> ((ProviderEngine) e).associate(c, d, m));
        job.put(HANDED + type, digest(parameters));
        return b.credentials();
    }

    /** What the dependant's engine asks of a provider of the type (e.g. its backends), if it tells. */
    private Map<String, String> dependantParameters(ServiceRecord dependant, String type) throws Exception {
        Optional<SdpEntry> sdp = services.engineFor(dependant);
        if (sdp.isEmpty() || !(sdp.get().engine() instanceof DependantEngine)) {
            return Map.of();
        }
        return services.invoke(dependant, sdp.get(), "parameters for its " + type, services.settings().healthCheck(),
                ServiceManager.NO_MONITOR, (e, c, m) -> ((DependantEngine) e).parameters(c, type));
    }

    /**
     * Revokes the job's service's binding to its provider of one type. Without {@code force}, waits for the
     * provider's engine; with it, forgets the binding when the engine is not installed.
     */
    void dissociate(JobContext job, String providerType, boolean force) throws Exception {
        Optional<Association> a = services.associations().find(job.job().serviceId(), providerType);
        if (a.isPresent()) {
            revoke(job, a.get(), force);
        }
    }

    /**
     * Job context key: the providers (provider type to service id) a deleted service used, recorded before its
     * bindings are revoked, so that its removal in the account history ends its {@code provider.*} fields too.
     */
    static final String PROVIDERS_USED = "providersUsed";

    /** Revokes every binding the job's service has to its providers, first recording which they were. */
    void dissociateProviders(JobContext job, boolean force) throws Exception {
        List<Association> providers = services.associations().providersOf(job.job().serviceId());
        if (job.get(PROVIDERS_USED).isEmpty()) { // a retried task keeps what the first attempt found
            Map<String, String> used = new java.util.TreeMap<>();
            providers.forEach(a -> used.put(a.providerType(), a.providerId()));
            job.put(PROVIDERS_USED, Json.write(used));
        }
        for (Association a : providers) {
            revoke(job, a, force);
        }
    }

    /** Revokes the bindings of every service that uses the job's service as its provider. */
    void dissociateDependants(JobContext job, boolean force) throws Exception {
        for (Association a : services.associations().dependantsOf(job.job().serviceId())) {
            revoke(job, a, force);
        }
    }

    private void revoke(JobContext job, Association a, boolean force) throws Exception {
        Optional<ServiceRecord> provider = services.repository().byId(a.providerId());
        Optional<ServiceRecord> dependant = services.repository().byId(a.dependantId());
        if (!a.bound()) {
            // reserved when its create was submitted; the provider may have begun handing out a binding that the
            // associate task did not record, so it is asked to revoke it if it can be, and the row goes regardless
            Optional<SdpEntry> sdp = provider.flatMap(services::engineFor);
            if (provider.isPresent() && dependant.isPresent() && !provider.get().external()
                    && provider.get().state() == ServiceState.RUNNING && sdp.isPresent()) {
                try {
                    dissociateThroughEngine(job, provider.get(), sdp.get(), dependant.get());
                } catch (Exception e) {
                    LOG.warn("Could not revoke a binding of {} that {} may have begun to hand out: {}", a.dependantId(),
                            provider.get().label(), e.getMessage());
                }
            }
            services.associations().delete(a.dependantId(), a.providerType());
            return;
        }
        if (provider.isPresent() && dependant.isPresent() && !provider.get().external()) {
            Optional<SdpEntry> sdp = services.engineFor(provider.get());
            if (sdp.isEmpty() && !force) {
                sdp = Optional.of(services.awaitEngine(provider.get()));
            }
            if (sdp.isPresent() && sdp.get().engine() instanceof ProviderEngine) {
                dissociateThroughEngine(job, provider.get(), sdp.get(), dependant.get());
            } else {
                LOG.warn("No engine for provider {}: forgetting the binding of {} without revoking it",
                        provider.get().label(), a.dependantId());
            }
        }
        services.associations().delete(a.dependantId(), a.providerType());
    }

    private void dissociateThroughEngine(JobContext job, ServiceRecord provider, SdpEntry sdp, ServiceRecord d)
            throws Exception {
        if (!(sdp.engine() instanceof ProviderEngine)) {
            return;
        }
        job.message("revoking the binding of '" + d.name() + "' to '" + provider.name() + "'");
        Dependant who = new Dependant(d.id(), d.name(), d.serviceType(), Map.of());
        services.invoke(provider, sdp, "dissociation of '" + d.name() + "'", lifecycleTimeout(), job.monitor(),
                (e, c, m) -> {
                    ((ProviderEngine) e).dissociate(c, who, m);
                    return null;
                });
    }

    // ------------------------------------------------------------------ consumers

    /** The service type a provider's engine is told a consumer (an application Stratum does not run) is of. */
    static final String CONSUMER_TYPE = "consumer";

    /**
     * Asks the job's service, a provider, for a binding of the consumer's own (as for a dependant service, with the
     * consumer's id, name and parameters), and records it. An external provider hands out what was registered.
     */
    void bindConsumer(JobContext job, String consumerId) throws Exception {
        ServiceRecord provider = record(job);
        ConsumerRepository.Consumer consumer = services.consumers().byId(consumerId).orElseThrow(() ->
                new SmeException("consumer " + consumerId + " of '" + provider.name() + "' no longer exists"));
        job.message("binding consumer '" + consumer.name() + "' to '" + provider.name() + "'");
        Map<String, String> binding;
        if (provider.external()) {
            binding = ExternalServices.binding(provider);
        } else {
            if (provider.state() != ServiceState.RUNNING) {
                throw SmeException.transientFailure("'" + provider.name() + "' is " + provider.state()
                        + ", not RUNNING", null);
            }
            SdpEntry sdp = services.awaitEngine(provider);
            if (!(sdp.engine() instanceof ProviderEngine)) {
                throw new SmeException("the engine of '" + provider.name() + "' (" + sdp.label() + ") cannot act as a "
                        + "provider");
            }
            Dependant d = consumerDependant(consumer);
            binding = services.invoke(provider, sdp, "binding of consumer '" + consumer.name() + "'",
                    lifecycleTimeout(), job.monitor(), (e, c, m) -> ((ProviderEngine) e).associate(c, d, m))
                    .credentials();
        }
        services.consumers().bound(consumer.id(), binding);
    }

    /**
     * Asks the job's service, a provider, to revoke what it handed the consumer (a rollback of a bind, or an unbind).
     * Without {@code force} it waits for the provider's engine; with it, a provider without an engine is not asked.
     */
    void unbindConsumer(JobContext job, String consumerId, boolean force) throws Exception {
        Optional<ConsumerRepository.Consumer> consumer = services.consumers().byId(consumerId);
        Optional<ServiceRecord> provider = services.repository().byId(job.job().serviceId());
        if (consumer.isEmpty() || provider.isEmpty() || provider.get().external()) {
            return; // nothing was handed out by an engine
        }
        Optional<SdpEntry> sdp = services.engineFor(provider.get());
        if (sdp.isEmpty() && !force) {
            sdp = Optional.of(services.awaitEngine(provider.get()));
        }
        if (sdp.isEmpty() || !(sdp.get().engine() instanceof ProviderEngine)) {
            LOG.warn("No provider engine for {}: forgetting consumer '{}' without revoking its binding",
                    provider.get().label(), consumer.get().name());
            return;
        }
        job.message("revoking the binding of consumer '" + consumer.get().name() + "'");
        Dependant d = consumerDependant(consumer.get());
        services.invoke(provider.get(), sdp.get(), "unbinding of consumer '" + consumer.get().name() + "'",
                lifecycleTimeout(), job.monitor(), (e, c, m) -> {
                    ((ProviderEngine) e).dissociate(c, d, m);
                    return null;
                });
    }

    private static Dependant consumerDependant(ConsumerRepository.Consumer consumer) {
        return new Dependant(consumer.id(), consumer.name(), CONSUMER_TYPE, consumer.parameters());
    }

    /**
     * Ends a bind or unbind job: a bound consumer is recorded in its account's history; an undone bind or a finished
     * unbind forgets the consumer (and records its removal); a failed unbind leaves it FAILED with why.
     */
    void endConsumerJob(Connection c, JobRecord j, boolean bind) throws SQLException {
        String id = j.params().get(JobKinds.PARAM_CONSUMER);
        Optional<ConsumerRepository.Consumer> found = services.consumers().byId(c, id);
        if (found.isEmpty()) {
            return;
        }
        ConsumerRepository.Consumer consumer = found.get();
        String provider = j.target();
        List<ChangeDTO> whole = AccountHistory.whole("consumer", consumer.name(), Map.of("provider", provider),
                false);
        if (bind && j.state() == io.stratum.platform.api.JobState.SUCCEEDED) {
            AccountHistory.record(c, consumer.accountId(), j.requester(), "consumer '" + consumer.name()
                    + "' bound to '" + provider + "' (job " + j.id() + ")", whole);
        } else if (bind && j.rollbackIncomplete()) {
            ConsumerRepository.setState(c, id, io.stratum.platform.api.ConsumerDTO.State.FAILED, "bind failed and "
                    + "was not fully undone: " + j.error() + "; unbind it");
        } else if (bind) {
            ConsumerRepository.delete(c, id); // undone in full: never bound
        } else if (j.state() == io.stratum.platform.api.JobState.SUCCEEDED) {
            if (ConsumerRepository.delete(c, id)) {
                AccountHistory.record(c, consumer.accountId(), j.requester(), "consumer '" + consumer.name()
                        + "' unbound from '" + provider + "' (job " + j.id() + ")",
                        AccountHistory.whole("consumer", consumer.name(), Map.of("provider", provider), true));
            }
        } else {
            ConsumerRepository.setState(c, id, io.stratum.platform.api.ConsumerDTO.State.FAILED, "unbind failed: "
                    + j.error() + "; unbind it again");
        }
    }

    // ------------------------------------------------------------------ scaling

    /** Job context key: how many instances the service ran when its scale job first asked the engine to scale it. */
    static final String PREVIOUS_INSTANCES = "previousInstances";
    /**
     * Job context key prefix, followed by a provider type: a digest (SHA-256, so no value of them is in the job's
     * record) of the parameters the service handed its provider of that type when the job last associated with it,
     * or (a scale) when the job began to scale.
     */
    static final String HANDED = "handed.";

    /** @return a digest of parameters, the same for the same keys and values in any order */
    static String digest(Map<String, String> parameters) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(Json.write(new TreeMap<>(parameters)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /**
     * Scales the job's service, first recording (once, durably, before the engine is asked to scale) how many
     * instances it runs. The job holds the service's lock by then, so that is the count its rollback restores, also
     * when another scale ended between the submission and the start of this job.
     */
    void scaleRecordingPrevious(JobContext job, int instances) throws Exception {
        if (job.get(PREVIOUS_INSTANCES).isEmpty()) {
            ServiceRecord s = record(job);
            SdpEntry sdp = scalable(s);
            // what each provider is handed now, to tell after the scale which ones learn of a change
            for (Association a : services.associations().providersOf(s.id())) {
                job.put(HANDED + a.providerType(), digest(dependantParameters(s, a.providerType())));
            }
            int before = services.invoke(s, sdp, "instances", lifecycleTimeout(), ServiceManager.NO_MONITOR,
                    (e, c, m) -> ((ScalableEngine) e).instances(c));
            job.put(PREVIOUS_INSTANCES, Integer.toString(before));
        }
        scale(job, instances);
    }

    /**
     * @param job a scale job
     * @return the count its scale task recorded before it first scaled the service; for a job submitted by an
     *     earlier version, the count its submission read; empty if the engine was never asked to scale
     */
    static OptionalInt previousInstances(JobContext job) {
        Optional<String> recorded = job.get(PREVIOUS_INSTANCES)
                .or(() -> Optional.ofNullable(job.job().params().get(JobKinds.PARAM_PREVIOUS_INSTANCES)));
        return recorded.map(v -> OptionalInt.of(Integer.parseInt(v))).orElse(OptionalInt.empty());
    }

    void scale(JobContext job, int instances) throws Exception {
        ServiceRecord s = record(job);
        SdpEntry sdp = scalable(s);
        services.invoke(s, sdp, "scale to " + instances, lifecycleTimeout(), job.monitor(), (e, c, m) -> {
            ((ScalableEngine) e).scale(c, instances, m);
            return null;
        });
    }

    private SdpEntry scalable(ServiceRecord s) throws Exception {
        SdpEntry sdp = services.awaitEngine(s);
        if (!(sdp.engine() instanceof ScalableEngine)) {
            throw new SmeException("service type '" + s.serviceType() + "' cannot be scaled");
        }
        return sdp;
    }

    void retire(JobContext job) throws Exception {
        ServiceRecord s = record(job);
        SdpEntry sdp = services.awaitEngine(s);
        if (sdp.engine() instanceof ScalableEngine) {
            services.invoke(s, sdp, "retire leaving instances", lifecycleTimeout(), job.monitor(), (e, c, m) -> {
                ((ScalableEngine) e).retire(c, m);
                return null;
            });
        }
    }

    /**
     * Keeps leaving instances running {@code drainSeconds} more when the service scales down (0 by default: a
     * provider that routes requests to them, a web tier, has waited for those in flight when it was told).
     */
    void drain(JobContext job, int previous, int instances) throws Exception {
        if (instances < previous && !services.settings().drain().isZero()) {
            job.message("letting requests to leaving instances finish");
            Thread.sleep(services.settings().drain().toMillis());
        }
    }

    void removeRuntimesAndFiles(JobContext job) throws Exception {
        String id = job.job().serviceId();
        services.runtimes().removeAll(id, STOP_TIMEOUT);
        services.deleteFiles(id);
    }

    /** Deletes the service's record (its runtimes must be gone). */
    void forget(JobContext job) {
        services.store().transact(c -> forget(c, job.job(), "deleted", job.get(PROVIDERS_USED).orElse(null)));
    }

    /**
     * Makes a scaled service's configured {@code instances} what it now runs, and records the change in its
     * account's history: the configured value before (none, for a service whose configuration did not name its
     * instances) and after, so that the history replays to the configuration.
     *
     * @param c the transaction
     * @param j the scale job
     * @param previous the instances the engine ran before
     * @param instances the instances now
     * @throws SQLException on a store error
     */
    void recordInstances(Connection c, JobRecord j, int previous, int instances) throws SQLException {
        Optional<ServiceRecord> s = services.repository().byId(c, j.serviceId());
        String after = Integer.toString(instances);
        if (s.isEmpty() || previous == instances || after.equals(s.get().config().get("instances"))) {
            return;
        }
        Map<String, String> config = new java.util.HashMap<>(s.get().config());
        String before = config.put("instances", after);
        services.repository().setConfig(c, s.get().id(), config);
        AccountHistory.record(c, s.get().accountId(), j.requester(), "service '" + s.get().name() + "' scaled from "
                + previous + " to " + instances + " instances (job " + j.id() + ")", List.of(new ChangeDTO("service",
                        s.get().name(), "config.instances", before, after)));
    }

    /**
     * Deletes a service's record and records its removal in its account's history, as done by whoever asked for
     * the job. The removal names every provider the service used: those it is still bound to, those a delete job
     * recorded before revoking its bindings ({@link #PROVIDERS_USED}) and, for a create undone, those its create
     * named.
     *
     * @param c the transaction
     * @param j the job removing it
     * @param how how it went, e.g. "deleted"
     * @throws SQLException on a store error
     */
    void forget(Connection c, JobRecord j, String how) throws SQLException {
        forget(c, j, how, j.context().get(PROVIDERS_USED));
    }

    private void forget(Connection c, JobRecord j, String how, String providersUsed) throws SQLException {
        Optional<ServiceRecord> s = j.serviceId() == null ? Optional.empty()
                : services.repository().byId(c, j.serviceId());
        if (s.isEmpty()) {
            return;
        }
        Map<String, String> used = new java.util.TreeMap<>();
        String recorded = providersUsed != null ? providersUsed
                : JobKinds.CREATE.equals(j.kind()) ? j.params().get(JobKinds.PARAM_PROVIDERS) : null;
        if (recorded != null) {
            used.putAll(Json.readStringMap(recorded));
        }
        for (Association a : services.associations().providersOf(s.get().id())) {
            used.put(a.providerType(), a.providerId());
        }
        Map<String, ServiceRecord> providers = new java.util.TreeMap<>();
        for (Map.Entry<String, String> u : used.entrySet()) {
            services.repository().byId(c, u.getValue()).ifPresent(p -> providers.put(u.getKey(), p));
        }
        // its consumers go with its record (and their access with its data): their removal is part of this version
        List<ChangeDTO> changes = new java.util.ArrayList<>(History.removed(s.get(), providers));
        for (ConsumerRepository.Consumer consumer : services.consumers().ofProvider(c, s.get().id())) {
            changes.addAll(AccountHistory.whole("consumer", consumer.name(), Map.of("provider", s.get().name()),
                    true));
        }
        if (ServiceRepository.delete(c, j.serviceId())) {
            AccountHistory.record(c, s.get().accountId(), j.requester(), "service '" + s.get().name() + "' " + how
                    + " (job " + j.id() + ")", changes);
        }
    }

    /** Waits until the engine reports the service healthy; fails early if a runtime failed for good. */
    void awaitHealthy(JobContext job) throws Exception {
        ServiceRecord s = record(job);
        long timeoutMs = services.settings().healthy().toMillis();
        long start = System.currentTimeMillis();
        long pause = 100;
        ServiceHealth health = null;
        while (true) {
            job.checkCancelled();
            health = services.health(s);
            if (health.state() == HealthState.HEALTHY) {
                job.monitor().progress(100, "healthy: " + health.message());
                return;
            }
            for (RuntimeInfo r : services.runtimes().list(s.id())) {
                if (r.state() == RuntimeState.FAILED) {
                    throw new SmeException("runtime '" + r.name() + "' failed: " + r.message() + " (log: "
                            + r.logFile() + ")");
                }
            }
            long elapsed = System.currentTimeMillis() - start;
            if (elapsed > timeoutMs) {
                throw new SmeException("'" + s.name() + "' did not become healthy within "
                        + services.settings().healthy().toSeconds() + " s: " + health.message() + " (logs: "
                        + services.serviceDirectory(s.id()).resolve("logs") + ")");
            }
            job.monitor().progress((int) (100 * elapsed / timeoutMs), "waiting to become healthy: " + health.message());
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 1000);
        }
    }

    private Duration lifecycleTimeout() {
        return services.settings().lifecycle();
    }

    /** Records a service's state at the end of a job, if the service still exists. */
    static void endState(Connection c, JobRecord job, ServiceState state, String message) throws SQLException {
        ServiceRepository.setState(c, job.serviceId(), state, message);
    }
}
