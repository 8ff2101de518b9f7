package io.stratum.sme.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A service management engine (SME): the part of a service definition package (SDP) that does everything
 * specific to one service type. Core code never knows a service type; it calls these methods.
 * <p>
 * <b>Registration.</b> An SDP bundle registers exactly one engine as an OSGi service under this interface
 * with the service property {@value #SERVICE_TYPE} set to the {@code serviceType} of the bundle's descriptor.
 * The platform pairs the engine with the descriptor of the <em>same bundle</em>; an engine registered by a
 * bundle without a descriptor is ignored.
 * <p>
 * <b>Threading and time.</b> The platform calls the lifecycle methods from its job threads, one mutating
 * call per service at a time, possibly concurrently for different services. A call may block for as long
 * as the work takes, but should report progress through the {@link TaskMonitor} and give up when
 * {@link TaskMonitor#isCancelled()} turns true. A call that exceeds the platform's time limit fails its
 * task; the platform does not wait for it.
 * <p>
 * <b>Idempotence.</b> The platform persists every step of a job and, after a crash, repeats the step that
 * was running. Therefore {@link #provision}, {@link #start}, {@link #stop} and {@link #unprovision} must be
 * idempotent: calling one again after it completed, or after it was interrupted half-way, must finish the
 * work without harm (for example: reuse credentials already stored in {@link ServiceContext#properties()},
 * relaunch a runtime only if it is not running). {@link #unprovision} must also succeed for a service whose
 * {@link #provision} never completed; it is the compensation of a failed provision.
 * <p>
 * <b>Errors.</b> Throw {@link SmeException}; mark it {@linkplain SmeException#isTransient() transient} when
 * repeating the call later may succeed (the platform then retries with backoff). Any other exception is a
 * permanent failure of the task.
 */
@ConsumerType
public interface ServiceManagementEngine {

    /**
     * Service property naming the service type the engine manages; must equal the descriptor's
     * {@code serviceType}.
     */
    String SERVICE_TYPE = "stratum.service.type";

    /**
     * Service property the platform sets on each capability it registers for an engine (a {@link BackupEngine}, a
     * {@link MetricsEngine}, ...): the version of the SDP whose engine it is.
     */
    String SDP_VERSION = "stratum.sdp.version";

    /** Service property the platform sets on each capability it registers for an engine: the SDP's name. */
    String SDP_NAME = "stratum.sdp.name";

    /**
     * Creates the service: its data, its credentials and its runtimes, and starts it. When this returns
     * the service's runtimes are launched; the platform then waits for {@link #health} to report
     * {@link HealthState#HEALTHY}.
     *
     * @param service the service to provision
     * @param monitor progress and cancellation of this call
     * @throws SmeException if the service cannot be provisioned
     */
    void provision(ServiceContext service, TaskMonitor monitor) throws SmeException;

    /**
     * Starts a provisioned, stopped service. Data kept by {@link #stop} must be there again.
     *
     * @param service the service to start
     * @param monitor progress and cancellation of this call
     * @throws SmeException if the service cannot be started
     */
    void start(ServiceContext service, TaskMonitor monitor) throws SmeException;

    /**
     * Stops a running service, keeping its data.
     *
     * @param service the service to stop
     * @param monitor progress and cancellation of this call
     * @throws SmeException if the service cannot be stopped
     */
    void stop(ServiceContext service, TaskMonitor monitor) throws SmeException;

    /**
     * Removes the service: stops and removes its runtimes and deletes its data. Must succeed for a service
     * that was only partly provisioned. The platform deletes {@link ServiceContext#dataDirectory()} after
     * this returns.
     *
     * @param service the service to remove
     * @param monitor progress and cancellation of this call
     * @throws SmeException if the service cannot be removed
     */
    void unprovision(ServiceContext service, TaskMonitor monitor) throws SmeException;

    /**
     * Checks the health of a service through its real protocol (for a database: a query). Must return
     * within a few seconds and must not throw; report problems in the returned value.
     *
     * @param service the service to check
     * @return the health of the service
     */
    ServiceHealth health(ServiceContext service);

    /**
     * Describes how a client connects to the service (URL, credentials, ...).
     *
     * @param service the service
     * @return its connection information
     * @throws SmeException if the service has no connection information (yet)
     */
    ConnectionInfo connectionInfo(ServiceContext service) throws SmeException;
}
