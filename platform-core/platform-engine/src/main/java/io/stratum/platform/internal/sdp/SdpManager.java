package io.stratum.platform.internal.sdp;

import io.stratum.platform.internal.util.ConfigReader;
import io.stratum.platform.internal.util.DaemonThreads;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.descriptor.SdpDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.util.tracker.BundleTracker;
import org.osgi.util.tracker.BundleTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SDP extender: tracks bundles with a {@value SdpDescriptor#HEADER} manifest header, reads and checks the
 * descriptors of the active ones, and pairs each with the {@link ServiceManagementEngine} the same bundle
 * registers. A bad SDP is refused with a logged reason, and so is one that does not become active within the
 * grace period (it does not resolve, e.g. it was built for another SPI version, or nobody started it); nothing
 * it does stops the platform.
 * <p>
 * Each change is posted to EventAdmin (when there is one) under {@value #TOPIC_PREFIX}{@code <STATE>}
 * ({@code AVAILABLE}, {@code PENDING}, {@code REFUSED}, {@code REMOVED}) with the properties {@code sdp.name},
 * {@code sdp.version}, {@code service.type}, {@code bundle.id}, {@code bundle.symbolicName} and {@code reason}.
 */
@Component(service = SdpCatalog.class, immediate = true, configurationPid = SdpManager.PID)
@Designate(ocd = SdpManager.Config.class)
public final class SdpManager implements SdpCatalog {

    /**
     * Configuration (PID {@value #PID}). A bad value is refused with a warning and the value in effect is kept; see
     * {@link ConfigReader}.
     */
    @ObjectClassDefinition(name = "Stratum SDP manager")
    public @interface Config {
        @AttributeDefinition(description = "Seconds an SDP bundle may take to register its engine (or to become "
                + "active) before it is refused (0 to 3600)")
        int engineGraceSeconds() default DEFAULT_ENGINE_GRACE_SECONDS;
    }

    /** The configuration's PID. */
    public static final String PID = "io.stratum.sdp";
    static final int DEFAULT_ENGINE_GRACE_SECONDS = 10;

    /** Topic prefix of catalog events; the SDP's state (or REMOVED) follows. */
    public static final String TOPIC_PREFIX = "io/stratum/sdp/";

    private static final Logger LOG = LoggerFactory.getLogger(SdpManager.class);

    private final BundleContext context;
    private final Capabilities capabilities;
    private final Catalog catalog;
    private final BundleTracker<Long> tracker;
    private final ScheduledExecutorService checker;
    /**
     * Guards {@link #active} and {@link #inactiveSince} together with what the catalog is told, so that the tracker's
     * threads and the checker never act on a state another thread has changed meanwhile.
     */
    private final Object lock = new Object();
    /** SDP bundles whose descriptor is in the catalog because they are active. */
    private final Set<Long> active = new HashSet<>();
    /** SDP bundles that are not active, since when. */
    private final Map<Long, Instant> inactiveSince = new HashMap<>();
    private volatile Duration grace;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    /**
     * @param context the engine bundle's context
     * @param properties the component's properties: the configuration {@link Config} describes, each value checked
     */
    @Activate
    public SdpManager(BundleContext context, Map<String, Object> properties) {
        this.context = context;
        this.capabilities = new Capabilities(context);
        this.grace = grace(properties, Duration.ofSeconds(DEFAULT_ENGINE_GRACE_SECONDS));
        this.catalog = new Catalog(DescriptorReader.nativeOnly(), grace, Clock.systemUTC(), this::changed);
        this.tracker = new BundleTracker<>(context, Bundle.INSTALLED | Bundle.RESOLVED | Bundle.STARTING
                | Bundle.ACTIVE | Bundle.STOPPING, new Customizer());
        this.checker = Executors.newSingleThreadScheduledExecutor(new DaemonThreads("stratum-sdp-check"));
        tracker.open();
        checker.scheduleWithFixedDelay(this::checkPending, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Takes a configuration change without restarting the component (which would forget and re-read every SDP). A
     * bad value is refused with a warning and the one in effect is kept; this never throws.
     *
     * @param properties the component's new properties
     */
    @Modified
    public void modified(Map<String, Object> properties) {
        grace = grace(properties, grace);
        catalog.engineGrace(grace);
    }

    /** @return how long an SDP bundle may take to register its engine or become active */
    Duration grace() {
        return grace;
    }

    private static Duration grace(Map<String, ?> properties, Duration kept) {
        return Duration.ofSeconds(new ConfigReader(PID, properties, LOG).longValue("engineGraceSeconds",
                DEFAULT_ENGINE_GRACE_SECONDS, kept.toSeconds(), 0, 3600));
    }

    /**
     * Refuses SDPs whose engine or activation is overdue. Also reconciles every tracked bundle with its state now, in
     * case the tracker passed on no event for a change (it drops events for a bundle it is still adding).
     */
    private void checkPending() {
        try {
            catalog.checkPending();
            Bundle[] tracked = tracker.getBundles();
            if (tracked == null) {
                return;
            }
            FrameworkWiring wiring = context.getBundle(Constants.SYSTEM_BUNDLE_ID).adapt(FrameworkWiring.class);
            Instant now = Instant.now();
            for (Bundle b : tracked) {
                Instant since;
                synchronized (lock) {
                    stateChanged(b);
                    since = inactiveSince.get(b.getBundleId());
                }
                if (since == null || since.plus(grace).isAfter(now)) {
                    continue;
                }
                // asks the framework, so not under the lock the tracker's callbacks (framework threads) take
                String why = InactiveBundles.why(b, wiring);
                synchronized (lock) {
                    if (since.equals(inactiveSince.get(b.getBundleId())) && b.getState() != Bundle.ACTIVE) {
                        catalog.bundleInactive(b.getBundleId(), b.getSymbolicName(), why);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.error("SDP check failed", e);
        }
    }

    /** Closes the tracker and the checker thread. */
    @Deactivate
    public void deactivate() {
        // the checker first: it would take back into the catalog a bundle the closing tracker just let go
        checker.shutdownNow();
        try {
            checker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tracker.close();
        capabilities.close();
    }

    /**
     * @param engine an engine registered by some bundle
     * @param properties its service properties
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindEngine(ServiceManagementEngine engine, Map<String, Object> properties) {
        long bundleId = ((Number) properties.get(Constants.SERVICE_BUNDLEID)).longValue();
        Object type = properties.get(ServiceManagementEngine.SERVICE_TYPE);
        catalog.engineAdded(bundleId, type == null ? "(none)" : type.toString(), engine);
    }

    /**
     * @param engine an engine going away
     * @param properties its service properties
     */
    void unbindEngine(ServiceManagementEngine engine, Map<String, Object> properties) {
        catalog.engineRemoved(((Number) properties.get(Constants.SERVICE_BUNDLEID)).longValue(), engine);
        capabilities.reconcile(catalog.entries());
    }

    @Override
    public List<SdpEntry> entries() {
        return catalog.entries();
    }

    @Override
    public Optional<SdpEntry> newest(String serviceType) {
        return catalog.newest(serviceType);
    }

    @Override
    public Optional<SdpEntry> exact(String serviceType, String version) {
        return catalog.exact(serviceType, version);
    }

    @Override
    public Optional<SdpEntry> engineFor(String serviceType, String version) {
        return catalog.engineFor(serviceType, version);
    }

    @Override
    public Optional<SdpEntry> awaitEngine(String serviceType, String version, Duration timeout)
            throws InterruptedException {
        return catalog.awaitEngine(serviceType, version, timeout);
    }

    private void changed(SdpEntry e) {
        log(e);
        capabilities.reconcile(catalog.entries());
        post(e.state().name(), e);
    }

    private void post(String state, SdpEntry e) {
        EventAdmin events = eventAdmin;
        if (events == null) {
            return;
        }
        Map<String, Object> p = new HashMap<>();
        p.put("sdp.name", e.descriptor() == null || e.descriptor().name() == null ? "" : e.descriptor().name());
        p.put("sdp.version", e.descriptor() == null || e.descriptor().version() == null ? "" : e.descriptor().version());
        p.put("service.type", e.descriptor() == null || e.descriptor().serviceType() == null
                ? "" : e.descriptor().serviceType());
        p.put("bundle.id", e.bundleId());
        p.put("bundle.symbolicName", e.bundleSymbolicName());
        p.put("reason", e.reason());
        events.postEvent(new Event(TOPIC_PREFIX + state, p));
    }

    private static void log(SdpEntry e) {
        switch (e.state()) {
            case AVAILABLE:
                LOG.info("SDP {} available: service type '{}'", e.label(), e.descriptor().serviceType());
                break;
            case PENDING:
                LOG.info("SDP {} installed; waiting for its engine", e.label());
                break;
            case REFUSED:
            default:
                LOG.warn("SDP {} refused: {}", e.label(), e.reason());
        }
    }

    private final class Customizer implements BundleTrackerCustomizer<Long> {
        @Override
        public Long addingBundle(Bundle bundle, BundleEvent event) {
            if (bundle.getHeaders("").get(SdpDescriptor.HEADER) == null
                    || bundle.getHeaders("").get(Constants.FRAGMENT_HOST) != null) {
                return null;
            }
            synchronized (lock) {
                stateChanged(bundle);
            }
            return bundle.getBundleId();
        }

        @Override
        public void modifiedBundle(Bundle bundle, BundleEvent event, Long id) {
            synchronized (lock) {
                stateChanged(bundle);
            }
        }

        @Override
        public void removedBundle(Bundle bundle, BundleEvent event, Long id) {
            synchronized (lock) {
                inactiveSince.remove(id);
                active.remove(id);
                leave(bundle);
            }
            capabilities.reconcile(catalog.entries());
        }
    }

    /**
     * An active bundle's descriptor joins the catalog; one that stops being active leaves it, and is refused after the
     * grace period if it stays so. Caller holds {@link #lock}.
     */
    private void stateChanged(Bundle bundle) {
        long id = bundle.getBundleId();
        if (bundle.getState() == Bundle.UNINSTALLED) {
            // the checker can see a bundle the tracker is removing right now
            inactiveSince.remove(id);
            active.remove(id);
            leave(bundle);
            return;
        }
        String header = bundle.getHeaders("").get(SdpDescriptor.HEADER);
        if (bundle.getState() != Bundle.ACTIVE || header == null) {
            if (header != null) {
                inactiveSince.putIfAbsent(id, Instant.now());
            } else {
                inactiveSince.remove(id); // an update took its SDP header away: it is no SDP any more
            }
            if (active.remove(id) || header == null) {
                leave(bundle);
            }
            return;
        }
        inactiveSince.remove(id);
        if (!active.add(id)) {
            return;
        }
        String path = header.strip();
        URL url = bundle.getEntry(path);
        try (InputStream in = url == null ? null : url.openStream()) {
            catalog.bundleAdded(id, bundle.getSymbolicName(), path, in);
        } catch (IOException | RuntimeException e) {
            LOG.error("Cannot read the SDP descriptor of bundle {} ({})", id, bundle.getSymbolicName(), e);
            catalog.bundleAdded(id, bundle.getSymbolicName(), path, InputStream.nullInputStream());
        }
    }

    /** Takes the bundle's entry (if any) out of the catalog. Caller holds {@link #lock}. */
    private void leave(Bundle bundle) {
        long id = bundle.getBundleId();
        Optional<SdpEntry> entry = catalog.entries().stream().filter(e -> e.bundleId() == id).findFirst();
        if (entry.isEmpty()) {
            return;
        }
        // out of the catalog first, then told: a handler of the event (delivered on EventAdmin's thread, maybe at once)
        // finds the catalog without it, as SdpRemovals needs to tell a removal from an update
        catalog.bundleRemoved(id);
        post("REMOVED", entry.get());
        LOG.info("SDP bundle {} ({}) left the catalog; its services keep running", id, bundle.getSymbolicName());
    }

}
