package io.stratum.platform.shell;

import io.stratum.platform.api.BackupAccess;
import io.stratum.platform.api.BackupService;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import org.apache.karaf.shell.api.action.lifecycle.Reference;

/**
 * Base of the backup and restore commands. Backups are served by the backup bundle, which may be absent: the
 * reference is optional, so the other {@code stratum:} commands stay registered without it (Karaf registers a
 * bundle's commands only when all their required references are there), and these commands then fail with
 * {@link #BACKUP_UNAVAILABLE}.
 */
public abstract class BackupCommand extends StratumCommand {

    /** What a backup command says when the backup bundle is not there. */
    static final String BACKUP_UNAVAILABLE = "backups are not available: the backup bundle (io.stratum.platform-backup)"
            + " is not installed or not active in this Stratum; a platform admin can see its state with bundle:list"
            + " and start it with bundle:start";

    /** Served by the backup bundle, injected by Karaf if it is there when the command runs. */
    @Reference(optional = true)
    protected BackupAccess backupAccess;

    /** The backups of the session's user (resolved on first use; tests may set it beforehand). */
    protected BackupService backups;

    /**
     * @return the backups of the session's user
     * @throws PlatformException UNAVAILABLE when the backup bundle is not there
     */
    protected BackupService backups() {
        if (backups == null) {
            if (backupAccess == null) {
                throw new PlatformException(Reason.UNAVAILABLE, BACKUP_UNAVAILABLE);
            }
            backups = backupAccess.as(ShellCaller.require());
        }
        return backups;
    }

    /** @return how users read an account option: its value, or "default" */
    static String accountName(String account) {
        return account == null ? "default" : account;
    }

    /** @return {@code " --account <account>"} to repeat in a hint, or empty */
    static String accountHint(String account) {
        return account == null ? "" : " --account " + account;
    }
}
