package io.stratum.platform.api;

import org.osgi.annotation.versioning.ProviderType;

/** Hands out the {@link BackupService} of one caller (the OSGi service of the backup bundle). */
@ProviderType
public interface BackupAccess {

    /**
     * @param caller who asks
     * @return the backups as that caller may use them
     */
    BackupService as(Caller caller);
}
