package io.stratum.sme.api.descriptor;

/**
 * A provider type a service needs, e.g. an application server needs a {@code database}.
 *
 * @param serviceType the provider's service type
 * @param optional whether a service can run without such a provider
 */
public record ProviderRequirement(String serviceType, boolean optional) {
}
