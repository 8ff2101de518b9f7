package io.stratum.platform.shell;

import io.stratum.platform.api.BackupDTO;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Deletes a backup. */
@Command(scope = "stratum", name = "backup-delete", description = "Deletes a backup (cannot be undone); the "
        + "repository frees the chunks no other backup uses")
@Service
public class BackupDeleteCommand extends BackupCommand {

    @Argument(index = 0, name = "id", required = true, description = "The backup's id (see stratum:backup-list)")
    @Completion(BackupIdCompleter.class)
    String id;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--dry-run", description = "Show which backup would be deleted and change nothing")
    boolean dryRun;

    @Override
    protected Object run() {
        if (dryRun) {
            out.println("Would delete " + describe(backups().getBackup(id)) + ".");
            out.println("Nothing was changed (dry run); run the command without --dry-run to do it.");
            return null;
        }
        BackupDTO b = backups().deleteBackup(id);
        out.println("Deleted " + describe(b) + "; chunks no other backup uses were freed.");
        return null;
    }

    static String describe(BackupDTO b) {
        return "backup " + b.id() + ": " + b.scope() + " '" + b.source() + "' of account '" + b.account()
                + "', taken " + Format.utc(b.takenAt()) + " UTC by " + b.requestedBy() + ", "
                + Format.mb(b.logicalBytes()) + " MB" + (b.members().isEmpty() ? ""
                        : " in " + b.members().size() + (b.members().size() == 1 ? " service" : " services"));
    }
}
