package io.stratum.sme.api;

import java.util.Map;

/**
 * A service that is being associated with a provider.
 *
 * @param serviceId the dependant's service id
 * @param name the dependant's name
 * @param serviceType the dependant's service type
 * @param parameters what the dependant asks of the provider (type-specific, e.g. a virtual host name)
 */
public record Dependant(String serviceId, String name, String serviceType, Map<String, String> parameters) {

    /**
     * @param serviceId the dependant's service id
     * @param name the dependant's name
     * @param serviceType the dependant's service type
     * @param parameters what the dependant asks, {@code null} becomes empty
     */
    public Dependant {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }
}
