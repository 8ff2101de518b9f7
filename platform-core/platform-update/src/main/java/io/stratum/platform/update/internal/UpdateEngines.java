package io.stratum.platform.update.internal;

import io.stratum.sme.api.RollingEngine;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.UpdateEngine;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The {@link UpdateEngine} and {@link RollingEngine} capability services the platform registers for each available
 * SDP version (properties {@value ServiceManagementEngine#SERVICE_TYPE} and
 * {@value ServiceManagementEngine#SDP_VERSION}), by type and version. Thread-safe.
 */
@Component(service = UpdateEngines.class)
public final class UpdateEngines {

    private final Map<String, UpdateEngine> updates = new ConcurrentHashMap<>();
    private final Map<String, RollingEngine> rolling = new ConcurrentHashMap<>();

    /**
     * @param serviceType a type
     * @param version an SDP version
     * @return the update capability of that version's engine, if it has one and is there
     */
    public Optional<UpdateEngine> update(String serviceType, String version) {
        return Optional.ofNullable(updates.get(key(serviceType, version)));
    }

    /**
     * @param serviceType a type
     * @param version an SDP version
     * @return whether that version's engine can replace instances one by one
     */
    public boolean rolling(String serviceType, String version) {
        return rolling.containsKey(key(serviceType, version));
    }

    /**
     * @param engine an update capability
     * @param props its service properties
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void bindUpdate(UpdateEngine engine, Map<String, Object> props) {
        updates.put(key(props), engine);
    }

    /**
     * @param engine an update capability going away
     * @param props its service properties
     */
    public void unbindUpdate(UpdateEngine engine, Map<String, Object> props) {
        updates.remove(key(props), engine);
    }

    /**
     * @param engine a rolling capability
     * @param props its service properties
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void bindRolling(RollingEngine engine, Map<String, Object> props) {
        rolling.put(key(props), engine);
    }

    /**
     * @param engine a rolling capability going away
     * @param props its service properties
     */
    public void unbindRolling(RollingEngine engine, Map<String, Object> props) {
        rolling.remove(key(props), engine);
    }

    private static String key(Map<String, Object> props) {
        return key(String.valueOf(props.get(ServiceManagementEngine.SERVICE_TYPE)),
                String.valueOf(props.get(ServiceManagementEngine.SDP_VERSION)));
    }

    private static String key(String type, String version) {
        return type + "@" + version;
    }
}
