package io.stratum.platform.api;

import org.osgi.annotation.versioning.ProviderType;

/** Hands out the {@link CloneService} of one caller (the OSGi service of the clone bundle). */
@ProviderType
public interface CloneAccess {

    /**
     * @param caller who asks
     * @return the clones as that caller may make them
     */
    CloneService as(Caller caller);
}
