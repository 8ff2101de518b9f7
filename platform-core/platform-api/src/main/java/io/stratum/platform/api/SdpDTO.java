package io.stratum.platform.api;

import java.util.List;

/**
 * An SDP bundle as the catalog sees it.
 *
 * @param name the SDP's name (from its descriptor; the bundle's symbolic name if the descriptor is unreadable)
 * @param serviceType the service type it offers, or empty if unreadable
 * @param version the SDP version, or empty if unreadable
 * @param vendor its vendor
 * @param description its description
 * @param state whether the type can be used
 * @param reason why it is refused or pending, else empty
 * @param bundleId the OSGi bundle id
 * @param bundleSymbolicName the bundle's symbolic name
 * @param defaultPlan the plan used when none is named
 * @param plans the plans
 * @param virtualization the runtime platforms it supports
 * @param tenancy {@code dedicated} or {@code shared}
 * @param requires provider types its services need ({@code type} or {@code type?} if optional)
 * @param provides provider types its services offer
 */
public record SdpDTO(
        String name,
        String serviceType,
        String version,
        String vendor,
        String description,
        State state,
        String reason,
        long bundleId,
        String bundleSymbolicName,
        String defaultPlan,
        List<PlanDTO> plans,
        List<String> virtualization,
        String tenancy,
        List<String> requires,
        List<String> provides) {

    /** The state of an SDP in the catalog. */
    public enum State {
        /** Descriptor valid and its engine registered: the type can be used. */
        AVAILABLE,
        /** Descriptor valid; waiting for the bundle to register its engine. */
        PENDING,
        /** Refused (bad descriptor, no engine, duplicate); see the reason. */
        REFUSED
    }

    /**
     * A plan of an SDP.
     *
     * @param name the plan's name
     * @param description what it gives
     * @param settings configuration it sets, as {@code key=value}
     */
    public record PlanDTO(String name, String description, List<String> settings) {
    }
}
