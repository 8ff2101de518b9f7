package io.stratum.sme.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Capability of a provider engine that fronts its dependants (a web tier): it can lock a dependant out for a hard
 * update, answering the dependant's routes with a maintenance page instead of forwarding them. Requests in flight
 * when the lockout begins finish normally; new ones get {@code 503 Service Unavailable} with a {@code Retry-After}
 * header and a short HTML page naming the service. The lockout survives a restart of the provider's runtimes until
 * it is ended. Both calls must be idempotent, and {@link #endMaintenance} must succeed for a dependant that is not
 * locked out.
 */
@ConsumerType
public interface MaintenanceEngine {

    /**
     * Answers the dependant's routes with the maintenance page. Returns once no new request reaches the dependant's
     * instances and the requests in flight to them have ended (or the provider's own time limit for that passed).
     *
     * @param provider the provider service (of this engine)
     * @param dependant the dependant being updated
     * @param retryAfterSeconds what the page's {@code Retry-After} header says
     * @param monitor progress and cancellation
     * @throws SmeException if the lockout cannot be set
     */
    void beginMaintenance(ServiceContext provider, Dependant dependant, int retryAfterSeconds, TaskMonitor monitor)
            throws SmeException;

    /**
     * Forwards the dependant's routes again.
     *
     * @param provider the provider service (of this engine)
     * @param dependant the dependant
     * @param monitor progress and cancellation
     * @throws SmeException if the lockout cannot be ended
     */
    void endMaintenance(ServiceContext provider, Dependant dependant, TaskMonitor monitor) throws SmeException;
}
