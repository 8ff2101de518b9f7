package io.stratum.platform.api;

import java.util.Map;

/**
 * A request to create a service.
 *
 * @param account the owning account's name ({@code null}: the caller's only account, else {@link PlatformService#DEFAULT_ACCOUNT})
 * @param serviceType the service type, e.g. {@code database}
 * @param name the service's name, unique in the account
 * @param plan a plan of the type ({@code null}: the SDP's default plan)
 * @param sdpVersion the SDP version to use ({@code null}: the newest installed)
 * @param configuration configuration keys of the SDP's schema to values
 * @param providers provider service type to the name of an existing service of the account that provides it
 *     (e.g. {@code database -> orders-db})
 * @param createProviders create the required providers that {@code providers} does not name (named
 *     {@code <name>-<type>}, default plans), together with the service, as an environment named after it
 */
public record CreateServiceRequest(
        String account,
        String serviceType,
        String name,
        String plan,
        String sdpVersion,
        Map<String, String> configuration,
        Map<String, String> providers,
        boolean createProviders) {

    /** Normalizes absent values. */
    public CreateServiceRequest {
        account = account == null || account.isBlank() ? null : account;
        configuration = configuration == null ? Map.of() : Map.copyOf(configuration);
        providers = providers == null ? Map.of() : Map.copyOf(providers);
    }

    /**
     * A request without providers.
     *
     * @param account the owning account's name ({@code null}: the caller's only account, else the default one)
     * @param serviceType the service type
     * @param name the service's name
     * @param plan a plan ({@code null}: the default plan)
     * @param sdpVersion the SDP version ({@code null}: the newest)
     * @param configuration configuration values
     */
    public CreateServiceRequest(String account, String serviceType, String name, String plan, String sdpVersion,
            Map<String, String> configuration) {
        this(account, serviceType, name, plan, sdpVersion, configuration, Map.of(), false);
    }
}
