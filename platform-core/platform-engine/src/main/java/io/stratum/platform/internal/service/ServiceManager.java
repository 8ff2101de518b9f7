package io.stratum.platform.internal.service;

import io.stratum.platform.internal.orchestration.Failures.TransientException;
import io.stratum.platform.internal.runtime.RuntimeManager;
import io.stratum.platform.internal.sdp.SdpCatalog;
import io.stratum.platform.internal.sdp.SdpEntry;
import io.stratum.platform.internal.store.Store;
import io.stratum.platform.internal.util.ConfigReader;
import io.stratum.sme.api.Binding;
import io.stratum.sme.api.ConfigurationChecker;
import io.stratum.sme.api.ConnectionInfo;
import io.stratum.sme.api.HealthState;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.ServiceHealth;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.ServiceProperties;
import io.stratum.sme.api.SmeException;
import io.stratum.sme.api.TaskMonitor;
import io.stratum.sme.api.descriptor.Plan;
import io.stratum.sme.api.descriptor.SdpDescriptor;
import io.stratum.sme.api.runtime.RuntimePlatform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the core does with one service and its engine: finds the engine that manages it, builds the
 * {@link ServiceContext} handed to the engine, and calls the engine in isolation (on a thread of the engine's own
 * bounded pool, with a time limit), so that an engine that throws or hangs fails its call with a clear message
 * instead of taking the platform down, and an engine whose calls hang holds a bounded number of threads.
 */
@Component(service = ServiceManager.class, configurationPid = ServiceManager.PID)
@Designate(ocd = ServiceManager.Config.class)
public final class ServiceManager {

    /**
     * Configuration (PID {@value #PID}). A bad value (not a whole number, or out of the range given) is refused with
     * a warning and the value in effect is kept; see {@link ConfigReader}.
     */
    @ObjectClassDefinition(name = "Stratum services")
    public @interface Config {
        @AttributeDefinition(description = "Seconds an engine may take to provision a service (1 to 86400)")
        int provisionTimeoutSeconds() default 300;

        @AttributeDefinition(description = "Seconds an engine may take to start, stop or remove a service "
                + "(1 to 86400)")
        int lifecycleTimeoutSeconds() default 120;

        @AttributeDefinition(description = "Seconds a new or started service may take to become healthy "
                + "(1 to 86400)")
        int healthyTimeoutSeconds() default 120;

        @AttributeDefinition(description = "Seconds a health check (and other quick engine calls) may take "
                + "(1 to 600)")
        int healthCheckTimeoutSeconds() default 5;

        @AttributeDefinition(description = "Seconds between health checks of every service that should be serving, "
                + "whose results listings show (0 to 86400; 0: none, listings then show what service-info and jobs "
                + "last saw)")
        int healthWatchSeconds() default HealthWatch.DEFAULT_SECONDS;

        @AttributeDefinition(description = "Seconds a job waits for the engine of a service's type to appear "
                + "(e.g. while SDP bundles start after a restart) (0 to 3600)")
        int engineWaitSeconds() default 30;

        @AttributeDefinition(description = "Seconds instances that leave a service (scale down) keep running after "
                + "its providers were told, before they are stopped; a web tier already waits until the requests it "
                + "sent them have ended (its drainTimeoutSeconds), so this is only for requests that reach them "
                + "another way (0 to 3600)")
        int drainSeconds() default 0;

        @AttributeDefinition(description = "Calls of one engine that run at once (1 to 1024); more wait")
        int engineCallThreads() default Settings.DEFAULT_CALL_THREADS;

        @AttributeDefinition(description = "Calls of one engine that may wait for a thread (0 to 100000); more are "
                + "refused at once as busy")
        int engineCallQueue() default Settings.DEFAULT_CALL_QUEUE;

        @AttributeDefinition(required = false, description = "Directories whose files users who are not platform "
                + "admins may name in configuration values that are files on the Stratum host (e.g. an app server's "
                + "war), separated by commas; relative ones are taken from the Stratum home; empty: none. Default: "
                + "the distribution's examples/ (${karaf.base}/examples). Never a directory that holds Stratum's own "
                + "files.")
        String tenantFileRoots();
    }

    /** The configuration's PID. */
    public static final String PID = "io.stratum.services";

    private static final Logger LOG = LoggerFactory.getLogger(ServiceManager.class);
    /** The engine call the health watch repeats for every service. */
    private static final String HEALTH_CHECK = "health check";
    /** How long an engine call that timed out or was cancelled gets to end before the job goes on. */
    private static final Duration ABANDON_WAIT = Duration.ofSeconds(10);

    private final Store store;
    private final ServiceRepository repository;
    private final AssociationRepository associations;
    private final ConsumerRepository consumers;
    private final SdpCatalog catalog;
    private final RuntimeManager runtimes;
    /** Replaced whole when the configuration changes; running jobs pick the new limits up at their next call. */
    private volatile Settings settings;
    /** Replaced whole when the configuration changes. */
    private volatile HostFiles hostFiles;
    private final HostFiles defaultHostFiles;
    private final EngineCalls calls;
    private final LastHealth lastHealth = new LastHealth(java.time.Clock.systemUTC());
    /** Services whose last health check failed in their engine (timed out or threw): see {@link #news}. */
    private final Set<String> failingHealthChecks = ConcurrentHashMap.newKeySet();

    /**
     * Limits of service work.
     *
     * @param provision how long an engine may take to provision
     * @param lifecycle how long an engine may take to start, stop or remove
     * @param healthy how long a service may take to become healthy
     * @param healthCheck how long a health check (or another quick call) may take
     * @param engineWait how long a job waits for a missing engine
     * @param drain how long leaving instances get to finish their requests
     * @param callThreads calls of one engine that run at once
     * @param callQueue calls of one engine that may wait for a thread
     */
    public record Settings(Duration provision, Duration lifecycle, Duration healthy, Duration healthCheck,
            Duration engineWait, Duration drain, int callThreads, int callQueue) {

        /** Default calls of one engine that run at once. */
        public static final int DEFAULT_CALL_THREADS = 16;
        /** Default calls of one engine that may wait for a thread. */
        public static final int DEFAULT_CALL_QUEUE = 64;
        static final Settings DEFAULTS = new Settings(Duration.ofSeconds(300), Duration.ofSeconds(120),
                Duration.ofSeconds(120), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ZERO);

        /**
         * Time limits with the default engine-call pools.
         *
         * @param provision how long an engine may take to provision
         * @param lifecycle how long an engine may take to start, stop or remove
         * @param healthy how long a service may take to become healthy
         * @param healthCheck how long a health check (or another quick call) may take
         * @param engineWait how long a job waits for a missing engine
         * @param drain how long leaving instances get to finish their requests
         */
        public Settings(Duration provision, Duration lifecycle, Duration healthy, Duration healthCheck,
                Duration engineWait, Duration drain) {
            this(provision, lifecycle, healthy, healthCheck, engineWait, drain, DEFAULT_CALL_THREADS,
                    DEFAULT_CALL_QUEUE);
        }

        /** Reads the configuration; a refused value leaves the one in {@code kept}. */
        static Settings read(Map<String, ?> properties, Settings kept) {
            ConfigReader c = new ConfigReader(PID, properties, LOG);
            return new Settings(
                    seconds(c, "provisionTimeoutSeconds", DEFAULTS.provision(), kept.provision(), 1, 86_400),
                    seconds(c, "lifecycleTimeoutSeconds", DEFAULTS.lifecycle(), kept.lifecycle(), 1, 86_400),
                    seconds(c, "healthyTimeoutSeconds", DEFAULTS.healthy(), kept.healthy(), 1, 86_400),
                    seconds(c, "healthCheckTimeoutSeconds", DEFAULTS.healthCheck(), kept.healthCheck(), 1, 600),
                    seconds(c, "engineWaitSeconds", DEFAULTS.engineWait(), kept.engineWait(), 0, 3600),
                    seconds(c, "drainSeconds", DEFAULTS.drain(), kept.drain(), 0, 3600),
                    c.intValue("engineCallThreads", DEFAULT_CALL_THREADS, kept.callThreads(), 1, 1024),
                    c.intValue("engineCallQueue", DEFAULT_CALL_QUEUE, kept.callQueue(), 0, 100_000));
        }

        private static Duration seconds(ConfigReader c, String key, Duration defaultValue, Duration kept, int min,
                int max) {
            return Duration.ofSeconds(c.longValue(key, defaultValue.toSeconds(), kept.toSeconds(), min, max));
        }
    }

    /**
     * @param store the store
     * @param catalog the SDP catalog
     * @param runtimes the runtime platform
     * @param properties the component's properties: the configuration {@link Config} describes, each value checked
     */
    @Activate
    public ServiceManager(@Reference Store store, @Reference SdpCatalog catalog, @Reference RuntimeManager runtimes,
            Map<String, Object> properties) {
        this(store, catalog, runtimes, Settings.read(properties, Settings.DEFAULTS), HostFiles.read(properties,
                HostFiles.defaults(), HostFiles.defaults(), new ConfigReader(PID, properties, LOG)));
    }

    /**
     * @param store the store
     * @param catalog the SDP catalog
     * @param runtimes the runtime platform
     * @param settings time limits
     */
    public ServiceManager(Store store, SdpCatalog catalog, RuntimeManager runtimes, Settings settings) {
        this(store, catalog, runtimes, settings, HostFiles.defaults());
    }

    /**
     * @param store the store
     * @param catalog the SDP catalog
     * @param runtimes the runtime platform
     * @param settings time limits
     * @param hostFiles which files of the host callers may name in configuration values (until a configuration
     *     change, which is read against {@link HostFiles#defaults()})
     */
    public ServiceManager(Store store, SdpCatalog catalog, RuntimeManager runtimes, Settings settings,
            HostFiles hostFiles) {
        this.hostFiles = hostFiles;
        this.defaultHostFiles = HostFiles.defaults();
        this.store = store;
        this.repository = new ServiceRepository(store);
        this.associations = new AssociationRepository(store);
        this.consumers = new ConsumerRepository(store);
        this.catalog = catalog;
        this.runtimes = runtimes;
        this.settings = settings;
        this.calls = new EngineCalls(settings.callThreads(), settings.callQueue(),
                () -> catalog.entries().stream().map(SdpEntry::bundleId).collect(Collectors.toSet()));
    }

    /**
     * Takes a configuration change without restarting the component (and so without disturbing running jobs). A bad
     * value is refused with a warning and the one in effect is kept; this never throws.
     *
     * @param properties the component's new properties
     */
    @Modified
    public void modified(Map<String, Object> properties) {
        Settings next = Settings.read(properties, settings);
        calls.limits(next.callThreads(), next.callQueue());
        settings = next;
        LOG.info("Service limits now {}", next);
        HostFiles files = HostFiles.read(properties, defaultHostFiles, hostFiles, new ConfigReader(PID, properties,
                LOG));
        if (!files.tenantRoots().equals(hostFiles.tenantRoots())) {
            LOG.info("Directories whose files tenants may name now {}", files.tenantRoots());
        }
        hostFiles = files;
    }

    /** Stops the engine-call threads. */
    @Deactivate
    public void deactivate() {
        calls.close();
    }

    /** @return the service records */
    public ServiceRepository repository() {
        return repository;
    }

    /** @return the provider associations */
    public AssociationRepository associations() {
        return associations;
    }

    /** @return the consumers (applications outside Stratum) bound to providers */
    public ConsumerRepository consumers() {
        return consumers;
    }

    /** @return the SDP catalog */
    public SdpCatalog catalog() {
        return catalog;
    }

    /** @return the store */
    public Store store() {
        return store;
    }

    /** @return the runtime platform */
    public RuntimeManager runtimes() {
        return runtimes;
    }

    /** @return time limits */
    public Settings settings() {
        return settings;
    }

    /** @return which files of the host callers may name in configuration values ({@value HostFiles#KEY}) */
    public HostFiles hostFiles() {
        return hostFiles;
    }

    /**
     * @param serviceId a service id
     * @return the directory of everything the platform keeps for the service
     */
    public Path serviceDirectory(String serviceId) {
        return runtimes.serviceDirectory(serviceId);
    }

    /**
     * @param service a service
     * @return the SDP whose engine manages it now, if one is installed
     */
    public Optional<SdpEntry> engineFor(ServiceRecord service) {
        return catalog.engineFor(service.serviceType(), service.sdpVersion());
    }

    /**
     * Waits (bounded) for the engine of a service.
     *
     * @param service a service
     * @return its engine's SDP
     * @throws TransientException if none came in time (the task may be retried)
     * @throws InterruptedException if interrupted
     */
    public SdpEntry awaitEngine(ServiceRecord service) throws TransientException, InterruptedException {
        return catalog.awaitEngine(service.serviceType(), service.sdpVersion(), settings.engineWait()).orElseThrow(() -> new TransientException(
                        "no engine for service type '" + service.serviceType() + "' version " + service.sdpVersion()
                        + " (or a compatible one) is installed; install its SDP (see stratum:sdp-list --all)", null));
    }

    /**
     * Builds the context an engine gets for a service.
     *
     * @param service the service
     * @param sdp the SDP whose engine is called
     * @return the context
     */
    public ServiceContext context(ServiceRecord service, SdpEntry sdp) {
        // the version it was created with, as ServiceContext promises; the engine called may be a compatible one
        SdpDescriptor descriptor = repository.descriptor(service.id()).orElse(sdp.descriptor());
        Plan plan = descriptor.plan(service.plan()).orElseGet(() -> new Plan(service.plan(), "", Map.of()));
        Path data = runtimes.dataDirectory(service.id());
        return new Context(service, descriptor, plan, data, runtimes.forService(service.id()));
    }

    /**
     * A call to an engine.
     *
     * @param <T> its result
     */
    @FunctionalInterface
    public interface EngineCall<T> {
        /**
         * @param engine the engine
         * @param context the service's context
         * @param monitor progress and cancellation
         * @return the result
         * @throws SmeException as the engine throws it
         */
        T call(ServiceManagementEngine engine, ServiceContext context, TaskMonitor monitor) throws SmeException;
    }

    /**
     * Calls an engine in isolation: on a thread of the engine's bounded pool, within a time limit. A timeout or an
     * unexpected exception becomes an {@link SmeException} naming the engine, the operation and the service. When
     * the engine has as many calls running and waiting as its pool allows, the call is refused at once (a transient
     * failure: "engine ... is busy"); a call that waited for a thread longer than its time limit is refused so too.
     * A job's call that timed out gets a moment to end (so that the job's rollback does not run beside it); a call
     * outside jobs ({@link #NO_MONITOR}) does not wait for it.
     *
     * @param <T> the result
     * @param service the service
     * @param sdp its engine's SDP
     * @param operation what is called, for messages (e.g. "provision")
     * @param timeout the time limit
     * @param monitor the job's monitor (progress, cancellation)
     * @param call the call
     * @return the call's result
     * @throws SmeException if the engine failed, threw, or took too long
     * @throws InterruptedException if the calling thread was interrupted (the platform stops)
     */
    public <T> T invoke(ServiceRecord service, SdpEntry sdp, String operation, Duration timeout, TaskMonitor monitor,
            EngineCall<T> call) throws SmeException, InterruptedException {
        ServiceContext context = context(service, sdp);
        try {
            runtimes.prepare(service.id()); // owned by the service's own user when runtimes are isolated
        } catch (IOException e) {
            throw new SmeException("cannot create the data directory " + context.dataDirectory() + ": " + e.getMessage(), e);
        }
        AtomicBoolean timedOut = new AtomicBoolean();
        TaskMonitor limited = new TaskMonitor() {
            @Override
            public void progress(int percent, String message) {
                monitor.progress(percent, Redaction.redact(message, secretsOf(service)));
            }

            @Override
            public boolean isCancelled() {
                return timedOut.get() || monitor.isCancelled();
            }
        };
        String who = "engine " + sdp.descriptor().name() + " " + sdp.descriptor().version();
        CountDownLatch ended = new CountDownLatch(1);
        Callable<T> task = () -> {
            try {
                return call.call(sdp.engine(), context, limited);
            } finally {
                ended.countDown();
            }
        };
        boolean inJob = monitor != NO_MONITOR;
        EngineCalls.Call<T> future = calls.submit(sdp, operation + " of '" + service.name() + "'", task);
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            timedOut.set(true);
            boolean started = future.started();
            future.abandon();
            if (!started) {
                throw SmeException.transientFailure(calls.busy(sdp) + "; " + operation + " of '" + service.name()
                        + "' did not get a thread within " + format(timeout) + ". Try again later", null);
            }
            if (inJob) {
                awaitAbandoned(ended, who, operation, service);
            }
            if (news(service, operation)) {
                LOG.warn("{} did not finish {} of {} within {}{}", who, operation, service.label(), format(timeout),
                        repeats(operation));
            } else {
                LOG.debug("{} did not finish {} of {} within {}", who, operation, service.label(), format(timeout));
            }
            throw new TimedOut(who + " did not finish " + operation + " of '" + service.name() + "' within "
                    + format(timeout));
        } catch (InterruptedException e) {
            timedOut.set(true);
            boolean started = future.started();
            future.abandon();
            Thread.interrupted();
            if (inJob && started) {
                awaitAbandoned(ended, who, operation, service);
            }
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            List<String> secrets = secretsOf(service);
            if (cause instanceof SmeException sme) {
                throw Redaction.redact(sme, secrets);
            }
            if (Redaction.holdsSecret(cause, secrets)) {
                Throwable shown = Redaction.redactedCopy(cause, secrets);
                logThrown(who, operation, service, shown);
                throw new SmeException(who + " failed during " + operation + " of '" + service.name() + "': " + shown,
                        shown);
            }
            logThrown(who, operation, service, cause);
            throw new SmeException(who + " failed during " + operation + " of '" + service.name() + "': "
                    + cause, cause);
        }
    }

    private void logThrown(String who, String operation, ServiceRecord service, Throwable shown) {
        if (news(service, operation)) {
            LOG.error("{} threw during {} of {}{}", who, operation, service.label(), repeats(operation), shown);
        } else {
            LOG.debug("{} threw during {} of {}", who, operation, service.label(), shown);
        }
    }

    /**
     * @return whether a failed engine call is news for the log: always, but for health checks, which repeat every
     *     sweep of the health watch: only the first of a run of failures is (the next ones go to DEBUG until a check
     *     answers again)
     */
    private boolean news(ServiceRecord service, String operation) {
        return !HEALTH_CHECK.equals(operation) || failingHealthChecks.add(service.id());
    }

    private static String repeats(String operation) {
        return HEALTH_CHECK.equals(operation) ? " (logged once: the next failures of its health checks are not, until"
                + " one answers)" : "";
    }

    /** @return whether the last health check of a service failed in its engine (timed out or threw) */
    boolean healthCheckFailing(String serviceId) {
        return failingHealthChecks.contains(serviceId);
    }

    /**
     * The values of a service that messages must not show: those of its configuration, properties and bindings (both
     * its own and those it handed out as a provider) whose names say they are secrets ({@link Redaction}).
     */
    private List<String> secretsOf(ServiceRecord service) {
        List<String> out = new ArrayList<>();
        try {
            Redaction.collectSecrets(service.config(), out);
            for (String[] kv : repository.properties(service.id())) {
                Redaction.collectSecrets(Map.of(kv[0], kv[1]), out);
            }
            for (Association a : associations.providersOf(service.id())) {
                Redaction.collectSecrets(a.binding(), out);
            }
            for (Association a : associations.dependantsOf(service.id())) {
                Redaction.collectSecrets(a.binding(), out);
            }
        } catch (RuntimeException e) {
            LOG.warn("Cannot read the secrets of {} to keep them out of messages: {}", service.label(), e.toString());
        }
        // longest first, so a secret that contains another is blanked whole
        out.sort((a, b) -> b.length() - a.length());
        return out;
    }

    /**
     * Gives an abandoned engine call a moment to notice and end, so that what the job does next (its rollback)
     * does not run beside it.
     */
    private static void awaitAbandoned(CountDownLatch ended, String who, String operation, ServiceRecord service) {
        try {
            if (!ended.await(ABANDON_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("{} is still busy with {} of {} {} s after it was told to stop; going on without it", who,
                        operation, service.label(), ABANDON_WAIT.toSeconds());
            }
        } catch (InterruptedException again) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return "5 s", or "300 ms" below a second or for a fraction of one */
    static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /**
     * Checks a service's health through its engine, without throwing, within the health-check time limit. A check
     * that takes longer is {@link HealthState#UNKNOWN} "health check timed out after N s"; one the engine's pool has
     * no room for is {@link HealthState#UNKNOWN} "engine ... is busy ...". The answer is kept as the service's
     * {@link #lastHealth() last health seen}.
     *
     * @param service the service
     * @return its health ({@link HealthState#UNKNOWN} without an engine or on error)
     */
    public ServiceHealth health(ServiceRecord service) {
        ServiceHealth health = check(service);
        lastHealth.record(service.id(), health);
        return health;
    }

    /** @return the last health seen of each service (see {@link #health}) */
    LastHealth lastHealth() {
        return lastHealth;
    }

    private ServiceHealth check(ServiceRecord service) {
        if (service.external()) {
            return ExternalServices.health(service, settings.healthCheck());
        }
        Optional<SdpEntry> sdp = engineFor(service);
        if (sdp.isEmpty()) {
            return ServiceHealth.of(HealthState.UNKNOWN, "no engine for " + service.serviceType() + " "
                    + service.sdpVersion() + " is installed; the service keeps running unmanaged");
        }
        Duration limit = settings.healthCheck();
        try {
            ServiceHealth health = invoke(service, sdp.get(), HEALTH_CHECK, limit, NO_MONITOR,
                    (e, c, m) -> e.health(c));
            if (failingHealthChecks.remove(service.id())) {
                LOG.info("The engine of {} answers its health checks again", service.label());
            }
            return health != null ? health : ServiceHealth.of(HealthState.UNKNOWN, "engine " + sdp.get().label()
                    + " answered no health");
        } catch (TimedOut e) {
            return ServiceHealth.of(HealthState.UNKNOWN, "health check timed out after " + format(limit)
                    + " (engine " + sdp.get().label() + ")");
        } catch (SmeException e) {
            return ServiceHealth.of(HealthState.UNKNOWN, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ServiceHealth.of(HealthState.UNKNOWN, "interrupted");
        }
    }

    /**
     * Asks the engine of a new service's SDP what is wrong with its configuration, if it can tell
     * ({@link ConfigurationChecker}), within the health-check timeout. An engine that fails or takes too long is
     * logged and not held against the request: provisioning checks again.
     *
     * @param sdp the SDP the service is to be created from
     * @param name the service's name
     * @param configuration its effective configuration
     * @return the problems, empty if none (or the engine cannot tell)
     */
    public List<String> checkConfiguration(SdpEntry sdp, String name, Map<String, String> configuration) {
        if (!(sdp.engine() instanceof ConfigurationChecker checker)) {
            return List.of();
        }
        EngineCalls.Call<List<String>> answer;
        try {
            answer = calls.submit(sdp, "the check of the configuration of '" + name + "'",
                    () -> checker.check(name, Map.copyOf(configuration)));
        } catch (SmeException e) {
            LOG.warn("{}", e.getMessage());
            return List.of();
        }
        try {
            List<String> problems = answer.get(settings.healthCheck().toMillis(), TimeUnit.MILLISECONDS);
            return problems == null ? List.of() : problems.stream().filter(Objects::nonNull).toList();
        } catch (TimeoutException e) {
            answer.abandon();
            LOG.warn("engine {} did not check the configuration of '{}' within {}", sdp.label(), name,
                    format(settings.healthCheck()));
        } catch (ExecutionException e) {
            List<String> secrets = new ArrayList<>();
            Redaction.collectSecrets(configuration, secrets);
            LOG.error("engine {} failed to check the configuration of '{}'", sdp.label(), name,
                    Redaction.holdsSecret(e.getCause(), secrets) ? Redaction.redactedCopy(e.getCause(), secrets)
                            : e.getCause());
        } catch (InterruptedException e) {
            answer.abandon();
            Thread.currentThread().interrupt();
        }
        return List.of();
    }

    /**
     * @param service a service
     * @return how to connect to it, if its engine can tell now
     */
    public Optional<ConnectionInfo> connectionInfo(ServiceRecord service) {
        if (service.external()) {
            return Optional.of(ExternalServices.connectionInfo(service));
        }
        Optional<SdpEntry> sdp = engineFor(service);
        if (sdp.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(invoke(service, sdp.get(), "connection info", settings.healthCheck(), NO_MONITOR,
                    (e, c, m) -> e.connectionInfo(c)));
        } catch (SmeException e) {
            LOG.debug("No connection info for {}: {}", service.label(), e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Deletes everything the platform keeps on disk for a service.
     *
     * @param serviceId the service id
     * @throws IOException if something cannot be deleted
     */
    public void deleteFiles(String serviceId) throws IOException {
        Path dir = serviceDirectory(serviceId);
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted((a, b) -> b.getNameCount() - a.getNameCount())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** An engine call that ran and did not end within its time limit. */
    static final class TimedOut extends SmeException {
        private static final long serialVersionUID = 1L;

        TimedOut(String message) {
            super(message);
        }
    }

    /** A monitor for calls outside jobs: reports nothing, never cancelled. */
    public static final TaskMonitor NO_MONITOR = new TaskMonitor() {
        @Override
        public void progress(int percent, String message) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    };

    private final class Context implements ServiceContext, ServiceProperties {
        private final ServiceRecord service;
        private final SdpDescriptor descriptor;
        private final Plan plan;
        private final Path data;
        private final RuntimePlatform runtimePlatform;

        Context(ServiceRecord service, SdpDescriptor descriptor, Plan plan, Path data, RuntimePlatform runtimePlatform) {
            this.service = service;
            this.descriptor = descriptor;
            this.plan = plan;
            this.data = data;
            this.runtimePlatform = runtimePlatform;
        }

        @Override
        public String serviceId() {
            return service.id();
        }

        @Override
        public String name() {
            return service.name();
        }

        @Override
        public String account() {
            return service.accountName();
        }

        @Override
        public SdpDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public Plan plan() {
            return plan;
        }

        @Override
        public Map<String, String> configuration() {
            return service.config();
        }

        @Override
        public Path dataDirectory() {
            return data;
        }

        @Override
        public ServiceProperties properties() {
            return this;
        }

        @Override
        public RuntimePlatform runtimes() {
            return runtimePlatform;
        }

        @Override
        public List<Binding> bindings() {
            return associations.providersOf(service.id()).stream().filter(Association::bound)
                    .map(a -> new Binding(a.providerId(), a.providerType(), a.binding())).toList();
        }

        @Override
        public Optional<String> get(String key) {
            return repository.property(service.id(), key);
        }

        @Override
        public void put(String key, String value) {
            if (key == null || key.isEmpty() || key.length() > 200) {
                throw new IllegalArgumentException("property keys are 1 to 200 characters");
            }
            repository.putProperty(service.id(), key, java.util.Objects.requireNonNull(value, "value"));
        }

        @Override
        public void remove(String key) {
            repository.removeProperty(service.id(), key);
        }

        @Override
        public Map<String, String> asMap() {
            Map<String, String> out = new LinkedHashMap<>();
            repository.properties(service.id()).forEach(kv -> out.put(kv[0], kv[1]));
            return out;
        }
    }
}
