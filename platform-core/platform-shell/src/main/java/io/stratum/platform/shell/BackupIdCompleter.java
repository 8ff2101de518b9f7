package io.stratum.platform.shell;

import io.stratum.platform.api.BackupAccess;
import io.stratum.platform.api.BackupDTO;
import io.stratum.platform.api.PlatformException;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;

/**
 * Completes backup ids of the account given with --account (default: every account the user may see). Completes
 * nothing when the backup bundle is absent (the reference is optional, like the backup commands').
 */
@Service
public class BackupIdCompleter implements Completer {

    @Reference(optional = true)
    BackupAccess access;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        BackupAccess backups = access;
        if (backups == null) {
            return -1;
        }
        try {
            List<String> ids = ShellCaller.current().map(backups::as)
                    .map(b -> b.listBackups(Completers.account(commandLine)).stream().map(BackupDTO::id).toList())
                    .orElse(null);
            return ids == null ? -1 : Completers.complete(session, commandLine, candidates, ids);
        } catch (PlatformException e) {
            return -1;
        }
    }
}
