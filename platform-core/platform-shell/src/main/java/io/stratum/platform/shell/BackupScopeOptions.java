package io.stratum.platform.shell;

import io.stratum.platform.api.BackupService;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;

/** What {@code --environment} and {@code --whole-account} with a name mean for backup-create and backup-schedule. */
final class BackupScopeOptions {

    private BackupScopeOptions() {
    }

    /**
     * @param name the service's or environment's name, or {@code null}
     * @param environment whether --environment was given
     * @param wholeAccount whether --whole-account was given
     * @return {@link BackupService#SERVICE}, {@link BackupService#ENVIRONMENT} or {@link BackupService#ACCOUNT}
     * @throws PlatformException INVALID when they do not fit together
     */
    static String scope(String name, boolean environment, boolean wholeAccount) {
        if (environment && wholeAccount) {
            throw new PlatformException(Reason.INVALID, "give --environment or --whole-account, not both");
        }
        if (wholeAccount) {
            if (name != null) {
                throw new PlatformException(Reason.INVALID, "--whole-account covers every service of the account "
                        + "(name it with --account); give no service or environment name, not '" + name + "'");
            }
            return BackupService.ACCOUNT;
        }
        if (name == null || name.isBlank()) {
            throw new PlatformException(Reason.INVALID, environment ? "name the environment to back up"
                    : "name the service to back up (or give --environment <name>, or --whole-account)");
        }
        return environment ? BackupService.ENVIRONMENT : BackupService.SERVICE;
    }

    /** @return what a backup of that scope covers, for users, e.g. "service 'db1'" */
    static String describe(String scope, String name, String account) {
        return BackupService.ACCOUNT.equals(scope) ? "account '" + BackupCommand.accountName(account) + "'"
                : scope + " '" + name + "'";
    }
}
