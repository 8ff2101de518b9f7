package io.stratum.sme.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Capability of an engine whose services run a variable number of instances (runtimes).
 * <p>
 * Scaling down happens in two steps so that providers (a web tier) stop sending traffic to the instances that
 * go before they are stopped: {@link #scale} marks the surplus instances as leaving (they keep running but are no
 * longer reported to providers, see {@link DependantEngine}); the platform then refreshes the service's
 * associations (a provider that routes requests to the instances returns once those in flight to the leaving ones
 * have ended, see {@link ProviderEngine#associate}), optionally waits a configured time more, and calls
 * {@link #retire}, which stops them.
 */
@ConsumerType
public interface ScalableEngine {

    /**
     * @param service the service
     * @return the number of instances the service is meant to run now
     */
    int instances(ServiceContext service);

    /**
     * Sets the number of instances: launches missing ones and waits until they are healthy; marks surplus ones as
     * leaving. Idempotent.
     *
     * @param service the service
     * @param instances the wanted number, at least 1
     * @param monitor progress and cancellation of this call
     * @throws SmeException if the service cannot be scaled
     */
    void scale(ServiceContext service, int instances, TaskMonitor monitor) throws SmeException;

    /**
     * Stops and removes the instances {@link #scale} marked as leaving. Idempotent; does nothing if none is.
     *
     * @param service the service
     * @param monitor progress and cancellation of this call
     * @throws SmeException if the instances cannot be removed
     */
    void retire(ServiceContext service, TaskMonitor monitor) throws SmeException;
}
