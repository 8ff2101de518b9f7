package io.stratum.platform.shell;

import io.stratum.platform.api.JobDTO;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Backs up a service, an environment or an account. */
@Command(scope = "stratum", name = "backup-create", description = "Backs up a service (default), an environment "
        + "(--environment) or every service of an account (--whole-account) at one point in time: all are locked in "
        + "the order their service types declare, saved, then unlocked. Returns a job id at once (or waits with "
        + "--wait and prints the new backup's id)")
@Service
public class BackupCreateCommand extends BackupCommand {

    @Argument(index = 0, name = "name", description = "The service to back up, or the environment with "
            + "--environment; none with --whole-account")
    @Completion(BackupTargetCompleter.class)
    String name;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--environment", aliases = "-e", description = "Back up every service of the environment <name> "
            + "at one point in time")
    boolean environment;

    @Option(name = "--whole-account", description = "Back up every service of the account (--account) at one "
            + "point in time")
    boolean wholeAccount;

    @Option(name = "--account", aliases = "-A", description = "The account (default: default)")
    @Completion(AccountCompleter.class)
    String account;

    @Option(name = "--dry-run", description = "Show what the backup would do (its phases, tasks and the services it "
            + "locks) and change nothing")
    boolean dryRun;

    @Option(name = "--wait", aliases = "-w", description = "Wait for the job to end, showing its progress")
    boolean wait;

    @Override
    protected Object run() throws Exception {
        String scope = BackupScopeOptions.scope(name, environment, wholeAccount);
        if (dryRun) {
            Format.plan(out, backups().previewBackup(account, scope, name));
            return null;
        }
        JobDTO last = submitted(backups().backup(account, scope, name), wait,
                "back up " + BackupScopeOptions.describe(scope, name, account));
        if (wait) {
            if (!last.message().isEmpty()) {
                out.println(last.message());
            }
            out.println("See it with stratum:backup-list" + accountHint(account)
                    + " and stratum:backup-info <id>; restore it with stratum:restore <id>");
        }
        return null;
    }
}
