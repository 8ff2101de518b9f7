package io.stratum.platform.internal.service;

import io.stratum.platform.internal.orchestration.Failures.TransientException;
import io.stratum.platform.internal.runtime.RuntimeManager;
import io.stratum.platform.internal.sdp.SdpCatalog;
import io.stratum.platform.internal.sdp.SdpEntry;
import io.stratum.platform.internal.store.Store;
import io.stratum.platform.internal.util.DaemonThreads;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * {@link ServiceContext} handed to the engine, and calls the engine in isolation (on a thread of its own, with
 * a time limit), so that an engine that throws or hangs fails its task with a clear message instead of taking
 * the platform down.
 */
@Component(service = ServiceManager.class, configurationPid = "io.stratum.services")
@Designate(ocd = ServiceManager.Config.class)
public final class ServiceManager {

    /** Configuration (PID {@code io.stratum.services}). */
    @ObjectClassDefinition(name = "Stratum services")
    public @interface Config {
        @AttributeDefinition(description = "Seconds an engine may take to provision a service")
        int provisionTimeoutSeconds() default 300;

        @AttributeDefinition(description = "Seconds an engine may take to start, stop or remove a service")
        int lifecycleTimeoutSeconds() default 120;

        @AttributeDefinition(description = "Seconds a new or started service may take to become healthy")
        int healthyTimeoutSeconds() default 120;

        @AttributeDefinition(description = "Seconds a health check may take")
        int healthCheckTimeoutSeconds() default 5;

        @AttributeDefinition(description = "Seconds a job waits for the engine of a service's type to appear "
                + "(e.g. while SDP bundles start after a restart)")
        int engineWaitSeconds() default 30;

        @AttributeDefinition(description = "Seconds in-flight requests get to finish on instances that leave a "
                + "service (scale down) after its web tier stopped routing to them")
        int drainSeconds() default 2;
    }

    private static final Logger LOG = LoggerFactory.getLogger(ServiceManager.class);
    /** How long an engine call that timed out or was cancelled gets to end before the job goes on. */
    private static final Duration ABANDON_WAIT = Duration.ofSeconds(10);

    private final Store store;
    private final ServiceRepository repository;
    private final AssociationRepository associations;
    private final SdpCatalog catalog;
    private final RuntimeManager runtimes;
    /** Replaced whole when the configuration changes; running jobs pick the new limits up at their next call. */
    private volatile Settings settings;
    private final ExecutorService calls;

    /**
     * Time limits of service work.
     *
     * @param provision how long an engine may take to provision
     * @param lifecycle how long an engine may take to start, stop or remove
     * @param healthy how long a service may take to become healthy
     * @param healthCheck how long a health check may take
     * @param engineWait how long a job waits for a missing engine
     * @param drain how long leaving instances get to finish their requests
     */
    public record Settings(Duration provision, Duration lifecycle, Duration healthy, Duration healthCheck,
            Duration engineWait, Duration drain) {

        static Settings of(Config c) {
            return new Settings(Duration.ofSeconds(c.provisionTimeoutSeconds()),
                    Duration.ofSeconds(c.lifecycleTimeoutSeconds()), Duration.ofSeconds(c.healthyTimeoutSeconds()),
                    Duration.ofSeconds(c.healthCheckTimeoutSeconds()), Duration.ofSeconds(c.engineWaitSeconds()),
                    Duration.ofSeconds(c.drainSeconds()));
        }
    }

    /**
     * @param store the store
     * @param catalog the SDP catalog
     * @param runtimes the runtime platform
     * @param config configuration
     */
    @Activate
    public ServiceManager(@Reference Store store, @Reference SdpCatalog catalog, @Reference RuntimeManager runtimes,
            Config config) {
        this(store, catalog, runtimes, Settings.of(config));
    }

    /**
     * @param store the store
     * @param catalog the SDP catalog
     * @param runtimes the runtime platform
     * @param settings time limits
     */
    public ServiceManager(Store store, SdpCatalog catalog, RuntimeManager runtimes, Settings settings) {
        this.store = store;
        this.repository = new ServiceRepository(store);
        this.associations = new AssociationRepository(store);
        this.catalog = catalog;
        this.runtimes = runtimes;
        this.settings = settings;
        this.calls = Executors.newCachedThreadPool(new DaemonThreads("stratum-engine-call"));
    }

    /**
     * Takes a configuration change without restarting the component (and so without disturbing running jobs).
     *
     * @param config the new configuration
     */
    @Modified
    public void modified(Config config) {
        settings = Settings.of(config);
        LOG.info("Service time limits now {}", settings);
    }

    /** Stops the engine-call threads. */
    @Deactivate
    public void deactivate() {
        calls.shutdownNow();
    }

    /** @return the service records */
    public ServiceRepository repository() {
        return repository;
    }

    /** @return the provider associations */
    public AssociationRepository associations() {
        return associations;
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
        SdpDescriptor descriptor = sdp.descriptor();
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
     * Calls an engine in isolation: on a thread of its own, within a time limit. A timeout or an unexpected
     * exception becomes an {@link SmeException} naming the engine, the operation and the service.
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
                monitor.progress(percent, message);
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
        Future<T> future = calls.submit(task);
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            timedOut.set(true);
            future.cancel(true);
            awaitAbandoned(ended, who, operation, service);
            LOG.warn("{} did not finish {} of {} within {} s", who, operation, service.label(), timeout.toSeconds());
            throw new SmeException(who + " did not finish " + operation + " of '" + service.name() + "' within "
                    + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            timedOut.set(true);
            future.cancel(true);
            Thread.interrupted();
            awaitAbandoned(ended, who, operation, service);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SmeException sme) {
                throw sme;
            }
            LOG.error("{} threw during {} of {}", who, operation, service.label(), cause);
            throw new SmeException(who + " failed during " + operation + " of '" + service.name() + "': "
                    + cause, cause);
        }
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

    /**
     * Checks a service's health through its engine, without throwing.
     *
     * @param service the service
     * @return its health ({@link HealthState#UNKNOWN} without an engine or on error)
     */
    public ServiceHealth health(ServiceRecord service) {
        if (service.external()) {
            return ExternalServices.health(service, settings.healthCheck());
        }
        Optional<SdpEntry> sdp = engineFor(service);
        if (sdp.isEmpty()) {
            return ServiceHealth.of(HealthState.UNKNOWN, "no engine for " + service.serviceType() + " "
                    + service.sdpVersion() + " is installed; the service keeps running unmanaged");
        }
        try {
            return invoke(service, sdp.get(), "health check", settings.healthCheck(), NO_MONITOR,
                    (e, c, m) -> e.health(c));
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
        Future<List<String>> answer = calls.submit(() -> checker.check(name, Map.copyOf(configuration)));
        try {
            List<String> problems = answer.get(settings.healthCheck().toMillis(), TimeUnit.MILLISECONDS);
            return problems == null ? List.of() : List.copyOf(problems);
        } catch (TimeoutException e) {
            answer.cancel(true);
            LOG.warn("engine {} did not check the configuration of '{}' within {} s", sdp.label(), name,
                    settings.healthCheck().toSeconds());
        } catch (ExecutionException e) {
            LOG.error("engine {} failed to check the configuration of '{}'", sdp.label(), name, e.getCause());
        } catch (InterruptedException e) {
            answer.cancel(true);
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
