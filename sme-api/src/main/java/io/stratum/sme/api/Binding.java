package io.stratum.sme.api;

import java.util.Map;

/**
 * What a provider hands a dependant on association: for a database, URL, user and password.
 *
 * @param providerServiceId the provider's service id
 * @param providerType the provider's service type
 * @param credentials keys to values the dependant's engine passes on to its runtimes
 */
public record Binding(String providerServiceId, String providerType, Map<String, String> credentials) {

    /**
     * @param providerServiceId the provider's service id
     * @param providerType the provider's service type
     * @param credentials binding values, {@code null} becomes empty
     */
    public Binding {
        credentials = credentials == null ? Map.of() : Map.copyOf(credentials);
    }
}
