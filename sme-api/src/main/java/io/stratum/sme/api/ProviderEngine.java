package io.stratum.sme.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Capability of an engine whose services are <em>providers</em> for other services (a database for an
 * application server, a load balancer for a web application). The platform calls it when a dependant
 * service is associated with, or dissociated from, one of this engine's services.
 * <p>
 * Both calls must be idempotent, like the lifecycle calls of {@link ServiceManagementEngine}.
 */
@ConsumerType
public interface ProviderEngine {

    /**
     * Hands a dependant its binding to a provider service: for a database, its own schema and user where
     * the engine supports that; for a load balancer, a route.
     * <p>
     * The platform calls it again when the dependant's parameters change (e.g. its instances, after a scale). A
     * provider that routes requests to the dependant's instances returns only once it sends nothing more to instances
     * it no longer routes to and the requests in flight to them have ended (or its own time limit for that passed):
     * the platform stops those instances after this returns.
     *
     * @param provider the provider service (of this engine)
     * @param dependant the service that depends on it
     * @param monitor progress and cancellation of this call
     * @return the binding the dependant's engine receives
     * @throws SmeException if the binding cannot be made
     */
    Binding associate(ServiceContext provider, Dependant dependant, TaskMonitor monitor) throws SmeException;

    /**
     * Revokes what {@link #associate} handed out. Must succeed if nothing was handed out.
     *
     * @param provider the provider service (of this engine)
     * @param dependant the service that depended on it
     * @param monitor progress and cancellation of this call
     * @throws SmeException if the binding cannot be revoked
     */
    void dissociate(ServiceContext provider, Dependant dependant, TaskMonitor monitor) throws SmeException;
}
