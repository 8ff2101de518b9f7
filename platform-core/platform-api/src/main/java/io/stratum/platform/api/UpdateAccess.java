package io.stratum.platform.api;

import org.osgi.annotation.versioning.ProviderType;

/** Hands out the {@link UpdateService} of one caller (the OSGi service of the update bundle). */
@ProviderType
public interface UpdateAccess {

    /**
     * @param caller who asks
     * @return SDP versions, patches, updates and maintenance windows as that caller may use them
     */
    UpdateService as(Caller caller);
}
