package io.stratum.platform.internal.runtime;

import io.stratum.sme.api.runtime.RuntimeInfo;
import io.stratum.sme.api.runtime.RuntimePlatform;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
     * The runtimes of every service of an account, read at once (a listing of many services asks the store once,
     * not once per service).
     *
     * @param accountId an account id
     * @return the runtimes by service id, each list in name order; services without runtimes are absent
     */
    Map<String, List<RuntimeInfo>> listOfAccount(String accountId);

    /**
     * Stops and forgets every runtime of a service (after its engine unprovisioned it, so nothing is left).
     *
     * @param serviceId a service id
     * @param timeout graceful stop timeout per runtime
     */
    void removeAll(String serviceId, Duration timeout);

    /**
     * @param serviceId a service id
     * @return the directory of everything the platform keeps for the service (data, runtimes' working
     *     directories, logs); the same for the service's whole life
     */
    Path serviceDirectory(String serviceId);

    /**
     * @param serviceId a service id
     * @return the service's data directory, the one its engine gets
     */
    Path dataDirectory(String serviceId);

    /**
     * Creates the service's directory and data directory if missing, owner-only, and owned by the service's own
     * user when isolation is on. Called before every engine call for the service.
     *
     * @param serviceId a service id
     * @throws IOException if they cannot be created, or isolation is required and not possible for the service
     */
    void prepare(String serviceId) throws IOException;

    /** @return whether services' processes run under their own uids, and why (not) */
    IsolationStatus isolation();
}
