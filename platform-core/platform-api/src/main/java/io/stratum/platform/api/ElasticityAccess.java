package io.stratum.platform.api;

import org.osgi.annotation.versioning.ProviderType;

/** Hands out the {@link ElasticityService} of one caller (the OSGi service of the elasticity bundle). */
@ProviderType
public interface ElasticityAccess {

    /**
     * @param caller who asks
     * @return metrics, alerts and scaling policies as that caller may use them
     */
    ElasticityService as(Caller caller);
}
