package io.stratum.platform.clone.internal;

import io.stratum.platform.api.BackupAccess;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CloneAccess;
import io.stratum.platform.api.CloneService;
import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.spi.AccountScopes;
import io.stratum.platform.spi.Jobs;
import io.stratum.platform.spi.Services;
import java.util.Objects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Hands out the clone facade of one caller. */
@Component(service = CloneAccess.class)
public final class CloneAccessImpl implements CloneAccess {

    final AccountScopes scopes;
    final Jobs jobs;
    final Services services;
    final PlatformAccess platform;
    final BackupAccess backups;

    /**
     * @param scopes scopes callers
     * @param jobs the engine
     * @param services the services
     * @param platform the platform's facade
     * @param backups the backups (a clone starts from one)
     */
    @Activate
    public CloneAccessImpl(@Reference AccountScopes scopes, @Reference Jobs jobs, @Reference Services services,
            @Reference PlatformAccess platform, @Reference BackupAccess backups) {
        this.scopes = scopes;
        this.jobs = jobs;
        this.services = services;
        this.platform = platform;
        this.backups = backups;
    }

    @Override
    public CloneService as(Caller caller) {
        return new CloneServiceImpl(this, Objects.requireNonNull(caller, "caller"));
    }
}
