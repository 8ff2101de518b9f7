package io.stratum.platform.internal.runtime;

import io.stratum.sme.api.runtime.RuntimeInfo;
import io.stratum.sme.api.runtime.RuntimePlatform;
import java.time.Duration;
import java.util.List;

/** The platform side of the runtime platform: per-service views for engines, and cleanup for the core. */
public interface RuntimeManager {

    /**
     * @param serviceId a service id
     * @return the runtime platform scoped to that service's runtimes
     */
    RuntimePlatform forService(String serviceId);

    /**
     * @param serviceId a service id
     * @return the service's runtimes
     */
    List<RuntimeInfo> list(String serviceId);

    /**
     * Stops and forgets every runtime of a service (after its engine unprovisioned it, so nothing is left).
     *
     * @param serviceId a service id
     * @param timeout graceful stop timeout per runtime
     */
    void removeAll(String serviceId, Duration timeout);
}
