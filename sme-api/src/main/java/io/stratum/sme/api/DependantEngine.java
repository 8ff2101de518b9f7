package io.stratum.sme.api;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Capability of an engine whose services depend on providers and have something to tell them: an application
 * server tells a web tier where its instances listen. The platform asks when it associates the service with a
 * provider, and again after the service was provisioned, started or scaled, and hands the answer to the
 * provider's {@link ProviderEngine#associate} as {@link Dependant#parameters()}.
 */
@ConsumerType
public interface DependantEngine {

    /**
     * @param service the dependant service
     * @param providerType the provider's service type, e.g. {@code webtier}
     * @return what the service asks of a provider of that type (e.g. {@code backends}: its instances' URLs,
     *     {@code healthPath}); empty if nothing
     */
    Map<String, String> parameters(ServiceContext service, String providerType);
}
