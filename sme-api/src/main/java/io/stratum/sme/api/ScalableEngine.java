package io.stratum.sme.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Capability of an engine whose services run a variable number of instances (runtimes).
 */
@ConsumerType
public interface ScalableEngine {

    /**
     * @param service the service
     * @return the number of instances the service is meant to run now
     */
    int instances(ServiceContext service);

    /**
     * Adds or removes instances until the service runs {@code instances} of them. Idempotent.
     *
     * @param service the service
     * @param instances the wanted number, at least 1
     * @param monitor progress and cancellation of this call
     * @throws SmeException if the service cannot be scaled
     */
    void scale(ServiceContext service, int instances, TaskMonitor monitor) throws SmeException;
}
