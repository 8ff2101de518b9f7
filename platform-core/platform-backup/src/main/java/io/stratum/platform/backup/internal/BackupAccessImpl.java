package io.stratum.platform.backup.internal;

import io.stratum.platform.api.BackupAccess;
import io.stratum.platform.api.BackupService;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.spi.AccountScopes;
import io.stratum.platform.spi.Jobs;
import java.util.Objects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Hands out the backup facade of one caller. */
@Component(service = BackupAccess.class)
public final class BackupAccessImpl implements BackupAccess {

    final Backups backups;
    final AccountScopes scopes;
    final Jobs jobs;
    final PlatformAccess platform;
    final Schedules schedules;

    /**
     * @param backups the work
     * @param scopes scopes callers
     * @param jobs the engine
     * @param platform the platform's facade (for job views)
     * @param schedules the schedules
     */
    @Activate
    public BackupAccessImpl(@Reference Backups backups, @Reference AccountScopes scopes, @Reference Jobs jobs,
            @Reference PlatformAccess platform, @Reference Schedules schedules) {
        this.backups = backups;
        this.scopes = scopes;
        this.jobs = jobs;
        this.platform = platform;
        this.schedules = schedules;
    }

    @Override
    public BackupService as(Caller caller) {
        return new BackupServiceImpl(this, Objects.requireNonNull(caller, "caller"));
    }
}
