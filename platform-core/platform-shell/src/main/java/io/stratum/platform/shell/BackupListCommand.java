package io.stratum.platform.shell;

import io.stratum.platform.api.BackupDTO;
import java.util.List;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Lists backups. */
@Command(scope = "stratum", name = "backup-list", description = "Lists the complete backups, oldest first: what "
        + "each covers, when it was taken (UTC), its size and the bytes it added to the backup repository (the rest "
        + "is shared with other backups)")
@Service
public class BackupListCommand extends BackupCommand {

    @Option(name = "--account", aliases = "-A", description = "Only backups of this account (default: every account "
            + "you may see)")
    @Completion(AccountCompleter.class)
    String account;

    @Option(name = "--no-format", description = "Disable table rendered output")
    boolean noFormat;

    @Override
    protected Object run() {
        List<BackupDTO> list = backups().listBackups(account);
        if (list.isEmpty()) {
            out.println((account == null ? "No backups." : "No backups of account '" + account + "'.")
                    + " Take one with stratum:backup-create <service>.");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Id");
        table.column("Account");
        table.column("Scope");
        table.column("Source");
        table.column("Taken at (UTC)");
        table.column("Size MB").alignRight();
        table.column("New MB").alignRight();
        table.column("Requested by");
        for (BackupDTO b : list) {
            table.addRow().addContent(b.id(), b.account(), b.scope(), b.source(), Format.utc(b.takenAt()),
                    Format.mb(b.logicalBytes()), Format.mb(b.newBytes()), b.requestedBy());
        }
        table.print(out, !noFormat);
        return null;
    }
}
