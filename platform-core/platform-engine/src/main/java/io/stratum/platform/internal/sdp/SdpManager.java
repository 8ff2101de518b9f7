package io.stratum.platform.internal.sdp;

import io.stratum.platform.internal.util.DaemonThreads;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.descriptor.SdpDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
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
 * The SDP extender: tracks active bundles with a {@value SdpDescriptor#HEADER} manifest header, reads and
 * checks their descriptors, and pairs each with the {@link ServiceManagementEngine} the same bundle
 * registers. A bad SDP is refused with a logged reason; nothing it does stops the platform.
 * <p>
 * Each change is posted to EventAdmin (when there is one) under {@value #TOPIC_PREFIX}{@code <STATE>}
 * ({@code AVAILABLE}, {@code PENDING}, {@code REFUSED}, {@code REMOVED}) with the properties {@code sdp.name},
 * {@code sdp.version}, {@code service.type}, {@code bundle.id}, {@code bundle.symbolicName} and {@code reason}.
 */
@Component(service = SdpCatalog.class, immediate = true, configurationPid = "io.stratum.sdp")
@Designate(ocd = SdpManager.Config.class)
public final class SdpManager implements SdpCatalog {

    /** Configuration (PID {@code io.stratum.sdp}). */
    @ObjectClassDefinition(name = "Stratum SDP manager")
    public @interface Config {
        @AttributeDefinition(description = "Seconds an SDP bundle may take to register its engine before it is refused")
        int engineGraceSeconds() default 10;
    }

    /** Topic prefix of catalog events; the SDP's state (or REMOVED) follows. */
    public static final String TOPIC_PREFIX = "io/stratum/sdp/";

    private static final Logger LOG = LoggerFactory.getLogger(SdpManager.class);

    private final Catalog catalog;
    private final BundleTracker<Long> tracker;
    private final ScheduledExecutorService checker;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    /**
     * @param context the engine bundle's context
     * @param config configuration
     */
    @Activate
    public SdpManager(BundleContext context, Config config) {
        this.catalog = new Catalog(DescriptorReader.nativeOnly(), Duration.ofSeconds(config.engineGraceSeconds()),
                Clock.systemUTC(), this::changed);
        this.checker = Executors.newSingleThreadScheduledExecutor(new DaemonThreads("stratum-sdp-check"));
        checker.scheduleWithFixedDelay(this::checkPending, 1, 1, TimeUnit.SECONDS);
        this.tracker = new BundleTracker<>(context, Bundle.ACTIVE, new Customizer());
        tracker.open();
    }

    /**
     * Takes a configuration change without restarting the component (which would forget and re-read every SDP).
     *
     * @param config the new configuration
     */
    @Modified
    public void modified(Config config) {
        catalog.engineGrace(Duration.ofSeconds(config.engineGraceSeconds()));
    }

    private void checkPending() {
        try {
            catalog.checkPending();
        } catch (RuntimeException e) {
            LOG.error("SDP check failed", e);
        }
    }

    /** Closes the tracker and the checker thread. */
    @Deactivate
    public void deactivate() {
        tracker.close();
        checker.shutdownNow();
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
            String path = bundle.getHeaders("").get(SdpDescriptor.HEADER);
            if (path == null) {
                return null;
            }
            path = path.strip();
            URL url = bundle.getEntry(path);
            try (InputStream in = url == null ? null : url.openStream()) {
                catalog.bundleAdded(bundle.getBundleId(), bundle.getSymbolicName(), path, in);
            } catch (IOException | RuntimeException e) {
                LOG.error("Cannot read the SDP descriptor of bundle {} ({})", bundle.getBundleId(),
                        bundle.getSymbolicName(), e);
                catalog.bundleAdded(bundle.getBundleId(), bundle.getSymbolicName(), path,
                        InputStream.nullInputStream());
            }
            return bundle.getBundleId();
        }

        @Override
        public void modifiedBundle(Bundle bundle, BundleEvent event, Long id) {
            // the descriptor cannot change without an update, which stops the bundle first
        }

        @Override
        public void removedBundle(Bundle bundle, BundleEvent event, Long id) {
            catalog.entries().stream().filter(e -> e.bundleId() == id).findFirst()
                    .ifPresent(e -> post("REMOVED", e));
            catalog.bundleRemoved(id);
            LOG.info("SDP bundle {} ({}) left the catalog; its services keep running", id, bundle.getSymbolicName());
        }
    }

}
