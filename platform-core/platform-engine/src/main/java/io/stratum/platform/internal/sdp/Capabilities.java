package io.stratum.platform.internal.sdp;

import io.stratum.sme.api.BackupEngine;
import io.stratum.sme.api.ConfigurationChecker;
import io.stratum.sme.api.DependantEngine;
import io.stratum.sme.api.MaintenanceEngine;
import io.stratum.sme.api.MetricsEngine;
import io.stratum.sme.api.ProviderEngine;
import io.stratum.sme.api.RollingEngine;
import io.stratum.sme.api.ScalableEngine;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.UpdateEngine;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the capabilities of each available SDP's engine ({@link BackupEngine}, {@link MetricsEngine}, ...) as
 * OSGi services of their own, with {@value ServiceManagementEngine#SERVICE_TYPE},
 * {@value ServiceManagementEngine#SDP_NAME} and {@value ServiceManagementEngine#SDP_VERSION}, so that core bundles
 * track them in the service registry. They come and go with the SDP's availability. Thread-safe.
 */
final class Capabilities {

    /** The capability interfaces registered, when the engine implements them. */
    static final List<Class<?>> INTERFACES = List.of(BackupEngine.class, MetricsEngine.class, UpdateEngine.class,
            RollingEngine.class, MaintenanceEngine.class, ScalableEngine.class, ProviderEngine.class, DependantEngine.class,
            ConfigurationChecker.class);

    private static final Logger LOG = LoggerFactory.getLogger(Capabilities.class);

    private record Registered(ServiceManagementEngine engine, ServiceRegistration<?> registration) {
    }

    private final BundleContext context;
    private final Map<Long, Registered> registered = new HashMap<>();

    Capabilities(BundleContext context) {
        this.context = context;
    }

    /**
     * Makes the registrations match the catalog: one per available SDP whose engine has a capability.
     *
     * @param entries every entry of the catalog
     */
    synchronized void reconcile(List<SdpEntry> entries) {
        Map<Long, SdpEntry> available = new HashMap<>();
        for (SdpEntry e : entries) {
            if (e.isAvailable() && e.engine() != null) {
                available.put(e.bundleId(), e);
            }
        }
        for (Long id : new ArrayList<>(registered.keySet())) {
            SdpEntry e = available.get(id);
            if (e == null || e.engine() != registered.get(id).engine()) {
                unregister(id);
            }
        }
        for (SdpEntry e : available.values()) {
            if (!registered.containsKey(e.bundleId())) {
                register(e);
            }
        }
    }

    /** Withdraws every registration. */
    synchronized void close() {
        for (Long id : new ArrayList<>(registered.keySet())) {
            unregister(id);
        }
    }

    private void register(SdpEntry e) {
        List<String> names = new ArrayList<>();
        for (Class<?> c : INTERFACES) {
            if (c.isInstance(e.engine())) {
                names.add(c.getName());
            }
        }
        if (names.isEmpty() || context == null) {
            return;
        }
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(ServiceManagementEngine.SERVICE_TYPE, e.descriptor().serviceType());
        p.put(ServiceManagementEngine.SDP_NAME, e.descriptor().name());
        p.put(ServiceManagementEngine.SDP_VERSION, e.descriptor().version());
        try {
            registered.put(e.bundleId(), new Registered(e.engine(),
                    context.registerService(names.toArray(String[]::new), e.engine(), p)));
            LOG.debug("Capabilities of SDP {} registered: {}", e.label(), names);
        } catch (IllegalStateException | IllegalArgumentException ex) {
            LOG.warn("Cannot register the capabilities of SDP {}: {}", e.label(), ex.getMessage());
        }
    }

    private void unregister(Long bundleId) {
        Registered r = registered.remove(bundleId);
        if (r != null) {
            try {
                r.registration().unregister();
            } catch (IllegalStateException alreadyGone) {
                // the platform bundle is stopping
            }
        }
    }
}
