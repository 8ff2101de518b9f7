package io.stratum.sme.api;

import java.util.Map;
import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Capability of an engine that can move its services to a new configuration or a new SDP version (the update
 * manager's calls). The platform runs every update as a job on the service, which no other job touches meanwhile:
 * <ul>
 * <li><b>Soft update</b>: only configuration keys named by {@link #liveSettings} change; the platform records the new
 * configuration and calls {@link #reconfigure} on the running service. Nothing restarts.</li>
 * <li><b>Hard update</b> (any other change, and every change of SDP version): the platform puts the service's routes
 * under maintenance, backs the service up, stops it, records the new version and configuration, calls
 * {@link #upgrade} on the engine of the new version (when the version changes), starts it and checks its health.
 * A failure at any step restores the backup with the engine of the version the service had, so that it ends with the
 * data and configuration it had before.</li>
 * <li><b>Rolling update</b> of a service with several instances behind a provider that routes to them, when the engine
 * is also a {@link RollingEngine} and the SDP version does not change: one instance after the other is drained,
 * replaced with the new configuration and checked healthy.</li>
 * </ul>
 * Every method must be idempotent: after a crash the platform repeats the call that was running.
 * <p>
 * Version 2.2 of this package revised this interface (it had only an {@code upgrade} that nothing called).
 */
@ConsumerType
public interface UpdateEngine {

    /**
     * @param service the service, with its current descriptor and configuration
     * @return the configuration keys whose new values {@link #reconfigure} applies to the running service without a
     *     restart; a change of any other key is a hard update
     */
    Set<String> liveSettings(ServiceContext service);

    /**
     * Applies changed configuration to the running service without restarting it. The context already carries the
     * new configuration; only keys named by {@link #liveSettings} changed.
     *
     * @param service the service, with its new configuration
     * @param before the previous values of the keys that changed ({@code null} values for keys that were not set)
     * @param monitor progress and cancellation
     * @throws SmeException if the change cannot be applied; the platform then records the previous configuration and
     *     calls this again with the roles reversed
     */
    void reconfigure(ServiceContext service, Map<String, String> before, TaskMonitor monitor) throws SmeException;

    /**
     * Brings a stopped service's data from an older SDP version to this engine's version (a schema or file format
     * migration). Called on the engine of the new version, with the service's runtimes stopped, its descriptor and
     * configuration already the new version's; the platform starts the service afterwards. An engine with nothing to
     * migrate returns at once. If this or anything after it fails, the platform restores the pre-update backup with
     * the old version's engine, so this need not undo a half-done migration.
     *
     * @param service the service, with the new version's descriptor and configuration
     * @param fromVersion the SDP version the service ran until now
     * @param monitor progress and cancellation
     * @throws SmeException if the data cannot be migrated
     */
    void upgrade(ServiceContext service, String fromVersion, TaskMonitor monitor) throws SmeException;
}
