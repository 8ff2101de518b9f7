package io.stratum.platform.spi;

import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.SmeException;
import io.stratum.sme.api.TaskMonitor;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The platform's own steps on one service, for the tasks of jobs that other bundles plan (the update manager stops,
 * migrates, restarts and re-associates a service inside its update job). Registered by the platform. Each call is
 * made from a task of a job that locks the service (see {@link JobRequest#service}); engines are called in
 * isolation, with the platform's time limits, as the platform's own jobs call them. Nothing here checks a caller.
 */
@ProviderType
public interface ServiceSteps {

    /** A call of a service's engine. */
    @FunctionalInterface
    interface EngineCall<T> {
        /**
         * @param engine the engine (cast it to the capability needed, e.g. {@link io.stratum.sme.api.UpdateEngine})
         * @param service the service's context
         * @param monitor the task's progress and cancellation
         * @return what the call returns
         * @throws SmeException as the engine throws it
         */
        T apply(ServiceManagementEngine engine, ServiceContext service, TaskMonitor monitor) throws SmeException;
    }

    /**
     * Calls the engine of the SDP version the service is recorded with (waiting a while for it to be there).
     *
     * @param job the running job
     * @param serviceId the service (the job's own, or one of its providers)
     * @param what the operation, for messages (e.g. {@code reconfiguration})
     * @param call the call
     * @param <T> what it returns
     * @return what the call returned
     * @throws Exception if no engine came, the call failed or ran out of time
     */
    <T> T call(JobContext job, String serviceId, String what, EngineCall<T> call) throws Exception;

    /**
     * Stops the service's runtimes through its engine, keeping its data; its recorded state does not change.
     *
     * @param job the running job
     * @param serviceId the service
     * @throws Exception if the engine fails
     */
    void stop(JobContext job, String serviceId) throws Exception;

    /**
     * Starts the service through its engine and waits until it reports healthy.
     *
     * @param job the running job
     * @param serviceId the service
     * @throws Exception if it does not start or become healthy in time
     */
    void start(JobContext job, String serviceId) throws Exception;

    /**
     * Waits until the service's engine reports it healthy.
     *
     * @param job the running job
     * @param serviceId the service
     * @throws Exception if it does not become healthy in time, or a runtime failed for good
     */
    void awaitHealthy(JobContext job, String serviceId) throws Exception;

    /**
     * Associates the service again with each of its running providers, handing them what its engine reports now (a
     * web tier then routes to the instances the service reports, and returns once none in flight goes elsewhere).
     *
     * @param job the running job
     * @param serviceId the service
     * @throws Exception if a provider refuses
     */
    void refreshAssociations(JobContext job, String serviceId) throws Exception;

    /**
     * Records the SDP version a service runs and its effective configuration, checked against that version's
     * descriptor (every value valid, every key known, required keys set), as a new version of its account.
     *
     * @param job the running job (its requester is recorded)
     * @param serviceId the service
     * @param sdpVersion an installed SDP version of the service's type
     * @param configuration the whole effective configuration
     * @throws io.stratum.platform.api.PlatformException INVALID naming every problem, NOT_FOUND if the version is not
     *     installed
     */
    void release(JobContext job, String serviceId, String sdpVersion, Map<String, String> configuration);

    /**
     * Checks a whole effective configuration against an installed SDP version's descriptor, as {@link #release} does,
     * without recording anything (so that an update can refuse a configuration before it changes anything).
     *
     * @param serviceType a service type
     * @param sdpVersion an SDP version of it
     * @param configuration the whole effective configuration
     * @return what is wrong, one problem an entry; empty if nothing is
     * @throws io.stratum.platform.api.PlatformException NOT_FOUND if the version is not installed
     */
    List<String> problems(String serviceType, String sdpVersion, Map<String, String> configuration);
}
