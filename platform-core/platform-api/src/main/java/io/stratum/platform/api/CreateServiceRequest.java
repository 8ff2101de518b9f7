package io.stratum.platform.api;

import java.util.Map;

/**
 * A request to create a service.
 *
 * @param account the owning account's name ({@code null}: {@link PlatformService#DEFAULT_ACCOUNT})
 * @param serviceType the service type, e.g. {@code database}
 * @param name the service's name, unique in the account
 * @param plan a plan of the type ({@code null}: the SDP's default plan)
 * @param sdpVersion the SDP version to use ({@code null}: the newest installed)
 * @param configuration configuration keys of the SDP's schema to values
 */
public record CreateServiceRequest(
        String account,
        String serviceType,
        String name,
        String plan,
        String sdpVersion,
        Map<String, String> configuration) {

    /** Normalizes absent values. */
    public CreateServiceRequest {
        account = account == null || account.isBlank() ? PlatformService.DEFAULT_ACCOUNT : account;
        configuration = configuration == null ? Map.of() : Map.copyOf(configuration);
    }
}
