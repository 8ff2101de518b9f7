package io.stratum.platform.api;

import java.time.Duration;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Backups, restores and their schedules, for one caller (from {@link BackupAccess#as}). Every call is scoped like
 * {@link PlatformService}'s: what belongs to an account the caller may not see is NOT_FOUND; viewers may list and
 * read, members and admins may back up and restore. Long work runs as jobs, with progress like every job.
 */
@ProviderType
public interface BackupService {

    /** The parameter of a backup job that holds the id of the backup it takes (known from its submission). */
    String JOB_PARAM_BACKUP = "backup";

    /** Scopes of a backup. */
    String SERVICE = "service";
    /** Scopes of a backup. */
    String ENVIRONMENT = "environment";
    /** Scopes of a backup. */
    String ACCOUNT = "account";

    /**
     * Backs up services at one point in time: all are locked (in the order their SDPs declare), then saved, then
     * unlocked.
     *
     * @param account the account's name ({@code null}: as for {@link PlatformService})
     * @param scope {@link #SERVICE}, {@link #ENVIRONMENT} or {@link #ACCOUNT}
     * @param name the service's or environment's name (ignored for an account)
     * @return the backup job; its message names the backup once it has succeeded
     */
    JobDTO backup(String account, String scope, String name);

    /**
     * @param account the account's name
     * @param scope as for {@link #backup}
     * @param name as for {@link #backup}
     * @return what {@link #backup} would do, changing nothing
     */
    JobPlanDTO previewBackup(String account, String scope, String name);

    /**
     * @param account an account's name, or {@code null} for every account the caller may see
     * @return the complete backups, oldest first
     */
    List<BackupDTO> listBackups(String account);

    /**
     * @param id a backup's id
     * @return the backup, with its members
     */
    BackupDTO getBackup(String id);

    /**
     * Re-reads every chunk of a backup and checks its checksum.
     *
     * @param id a backup's id
     * @return the verify job; it fails naming every corrupt or missing chunk
     */
    JobDTO verifyBackup(String id);

    /**
     * Copies a backup to the second repository the platform is configured with ({@code copyRepository} in
     * {@code etc/io.stratum.backup.cfg}), sending only the chunks it lacks, and checks the copy.
     *
     * @param id a backup's id
     * @return the copy job; its message says how many chunks were sent and how many were there already
     */
    JobDTO copyBackup(String id);

    /**
     * Deletes a backup; chunks no other backup uses are freed.
     *
     * @param id a backup's id
     * @return the backup as it was
     */
    BackupDTO deleteBackup(String id);

    /**
     * Restores services from a backup, staged like a backup (every checksum verified first, then lock, restore,
     * unlock): each member into the service it was taken of, which must still exist with the same SDP version.
     *
     * @param id a backup's id
     * @param service restore only this member (by service name), or {@code null} for all
     * @param into restore that member into this other service of the same type and SDP version instead, or
     *     {@code null}; needs {@code service} unless the backup has one member
     * @return the restore job
     */
    JobDTO restore(String id, String service, String into);

    /**
     * @param id a backup's id
     * @param service as for {@link #restore}
     * @param into as for {@link #restore}
     * @return what {@link #restore} would do, changing nothing
     */
    JobPlanDTO previewRestore(String id, String service, String into);

    /**
     * Creates or replaces the schedule of a service, an environment or an account.
     *
     * @param account the account's name
     * @param scope as for {@link #backup}
     * @param name as for {@link #backup}
     * @param cron five fields, UTC (see {@link BackupScheduleDTO#cron()})
     * @param keepLast how many of its backups to keep at least (0: no count limit)
     * @param keepFor how long to keep them ({@code null}: no age limit)
     * @return the schedule
     */
    BackupScheduleDTO schedule(String account, String scope, String name, String cron, int keepLast, Duration keepFor);

    /**
     * @param account an account's name, or {@code null} for every account the caller may see
     * @return the schedules
     */
    List<BackupScheduleDTO> listSchedules(String account);

    /**
     * @param account the account's name
     * @param id a schedule's id
     */
    void deleteSchedule(String account, String id);
}
