package io.stratum.platform.backup.internal;

import io.stratum.platform.spi.ManagedService;
import io.stratum.sme.api.BackupEngine;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.SmeException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The {@link BackupEngine}s in the service registry (the platform registers each SDP's, with its service type and SDP
 * version), found by the service type and exact SDP version of a service.
 */
@Component(service = BackupEngines.class)
public final class BackupEngines {

    private final Map<String, BackupEngine> engines = new ConcurrentHashMap<>();

    /**
     * @param engine a backup engine
     * @param properties its service properties
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindEngine(BackupEngine engine, Map<String, Object> properties) {
        engines.put(key(properties), engine);
        synchronized (engines) {
            engines.notifyAll();
        }
    }

    /**
     * @param engine a backup engine going away
     * @param properties its service properties
     */
    void unbindEngine(BackupEngine engine, Map<String, Object> properties) {
        engines.remove(key(properties), engine);
    }

    /** For tests without OSGi. */
    void add(String serviceType, String sdpVersion, BackupEngine engine) {
        engines.put(serviceType + "@" + sdpVersion, engine);
    }

    private static String key(Map<String, Object> properties) {
        return properties.get(ServiceManagementEngine.SERVICE_TYPE) + "@"
                + properties.get(ServiceManagementEngine.SDP_VERSION);
    }

    /**
     * @param service a service
     * @return the backup engine of its type and SDP version, if that SDP is installed and can back up
     */
    Optional<BackupEngine> find(ManagedService service) {
        return Optional.ofNullable(engines.get(service.serviceType() + "@" + service.sdpVersion()));
    }

    /**
     * @param service a service
     * @return its backup engine
     * @throws SmeException (transient: the SDP may come back) if there is none
     */
    BackupEngine get(ManagedService service) throws SmeException {
        return get(service, WAIT);
    }

    /** How long a job waits for the engine of a service's SDP (after a restart, SDPs come back one by one). */
    static final Duration WAIT = Duration.ofSeconds(60);

    /**
     * @param service a service
     * @param wait how long to wait for its engine
     * @return its backup engine, once registered
     * @throws SmeException (transient) if none came in time, or the thread was interrupted
     */
    BackupEngine get(ManagedService service, Duration wait) throws SmeException {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (engines) {
            while (true) {
                Optional<BackupEngine> found = find(service);
                if (found.isPresent()) {
                    return found.get();
                }
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                try {
                    engines.wait(Math.min(left, 1000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new SmeException("no backup engine for '" + service.name() + "': its SDP (" + service.serviceType()
                + " " + service.sdpVersion() + ") is not installed or cannot back up; install it (see "
                + "stratum:sdp-list --all)", null, true);
    }
}
