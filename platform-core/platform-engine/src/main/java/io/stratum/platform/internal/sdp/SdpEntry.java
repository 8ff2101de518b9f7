package io.stratum.platform.internal.sdp;

import io.stratum.platform.api.SdpDTO;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.descriptor.SdpDescriptor;
import java.time.Instant;

/**
 * One SDP bundle in the catalog.
 *
 * @param bundleId the bundle's id
 * @param bundleSymbolicName the bundle's symbolic name
 * @param descriptor its descriptor, or {@code null} if it could not be read
 * @param state its state
 * @param reason why it is refused or pending, else empty
 * @param engine its engine, or {@code null} while none is registered
 * @param since when it entered its state
 */
public record SdpEntry(
        long bundleId,
        String bundleSymbolicName,
        SdpDescriptor descriptor,
        SdpDTO.State state,
        String reason,
        ServiceManagementEngine engine,
        Instant since) {

    /** @return whether services of this SDP can be managed now */
    public boolean isAvailable() {
        return state == SdpDTO.State.AVAILABLE;
    }

    /** @return "name version (bundle N)" for messages; the bundle's symbolic name if the descriptor lacks either */
    public String label() {
        return descriptor == null || descriptor.name() == null || descriptor.version() == null
                ? bundleSymbolicName + " (bundle " + bundleId + ")"
                : descriptor.name() + " " + descriptor.version() + " (bundle " + bundleId + ")";
    }
}
