package io.stratum.platform.internal.service;

import java.util.Map;

/**
 * One row of {@code associations}: a dependant's binding to its provider of one type.
 *
 * @param dependantId the dependant service
 * @param providerType the provider type (e.g. {@code database})
 * @param providerId the provider service
 * @param binding what the provider handed out (URL, credentials, route)
 * @param bound whether the provider handed it out; {@code false} while the create job that reserved it (when it was
 *     submitted) has not yet associated
 */
public record Association(String dependantId, String providerType, String providerId, Map<String, String> binding,
        boolean bound) {

    /** Copies. */
    public Association {
        binding = Map.copyOf(binding);
    }
}
