package io.stratum.platform.internal.sdp;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The catalog of installed SDPs and their engines. */
public interface SdpCatalog {

    /** @return every SDP bundle, available, pending or refused, by service type and version */
    List<SdpEntry> entries();

    /**
     * @param serviceType a service type
     * @return the newest available SDP version of the type
     */
    Optional<SdpEntry> newest(String serviceType);

    /**
     * @param serviceType a service type
     * @param version an SDP version
     * @return the available SDP of exactly that type and version
     */
    Optional<SdpEntry> exact(String serviceType, String version);

    /**
     * The engine that manages services created with an SDP version: that version if it is available,
     * else the newest available version with the same major version (compatible by semantic versioning).
     *
     * @param serviceType a service type
     * @param version the SDP version a service was created with
     * @return the SDP whose engine manages it now
     */
    Optional<SdpEntry> engineFor(String serviceType, String version);

    /**
     * Waits until {@link #engineFor} finds an engine, or the timeout passes.
     *
     * @param serviceType a service type
     * @param version the SDP version a service was created with
     * @param timeout how long to wait at most
     * @return the SDP, if one came in time
     * @throws InterruptedException if interrupted while waiting
     */
    Optional<SdpEntry> awaitEngine(String serviceType, String version, Duration timeout) throws InterruptedException;
}
