package io.stratum.sme.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Capability of an engine that can update its services in place: a patch within the same SDP version, or
 * an upgrade of a service created with an older version of the SDP to this engine's version.
 */
@ConsumerType
public interface UpdateEngine {

    /**
     * Brings the service to this engine's SDP version.
     *
     * @param service the service, whose descriptor is still the one it was created with
     * @param fromVersion the SDP version the service runs now
     * @param monitor progress and cancellation
     * @throws SmeException if the update fails; the platform then rolls back
     */
    void upgrade(ServiceContext service, String fromVersion, TaskMonitor monitor) throws SmeException;
}
