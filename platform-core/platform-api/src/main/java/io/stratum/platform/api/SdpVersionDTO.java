package io.stratum.platform.api;

import java.util.List;

/**
 * One installed version of an SDP, with the services that run on it.
 *
 * @param serviceType the service type
 * @param sdpName the SDP's name
 * @param version the version
 * @param state its state in the catalog
 * @param newest whether new services of the type get this version
 * @param services the services of the caller's accounts recorded with this version, as {@code account/name}
 */
public record SdpVersionDTO(String serviceType, String sdpName, String version, SdpDTO.State state, boolean newest,
        List<String> services) {

    /** Copies the services. */
    public SdpVersionDTO {
        services = List.copyOf(services);
    }
}
