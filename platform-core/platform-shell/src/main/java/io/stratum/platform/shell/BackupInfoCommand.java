package io.stratum.platform.shell;

import io.stratum.platform.api.BackupDTO;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Shows one backup with its members. */
@Command(scope = "stratum", name = "backup-info", description = "Shows a backup: what it covers, when it was taken, "
        + "who asked, its size, and each service in it (type, SDP version, plan, artifacts, size, how long it stayed "
        + "locked)")
@Service
public class BackupInfoCommand extends BackupCommand {

    @Argument(index = 0, name = "id", required = true, description = "The backup's id (see stratum:backup-list)")
    @Completion(BackupIdCompleter.class)
    String id;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--no-format", description = "Disable table rendered output")
    boolean noFormat;

    @Override
    protected Object run() {
        BackupDTO b = backups().getBackup(id);
        line("Backup", b.id());
        line("Account", b.account());
        line("Scope", b.scope() + " '" + b.source() + "'");
        line("Taken at", Format.utc(b.takenAt()) + " UTC (the point in time: every service locked)");
        line("Complete", Format.utc(b.createdAt()) + " UTC");
        line("Requested", "by " + b.requestedBy() + " (job " + b.jobId() + ")");
        line("Size", Format.mb(b.logicalBytes()) + " MB, " + Format.mb(b.newBytes()) + " MB of it new in the "
                + "repository");
        out.println();
        if (b.members().isEmpty()) {
            out.println("No services in this backup.");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Service");
        table.column("Type");
        table.column("SDP version");
        table.column("Plan");
        table.column("Artifacts").alignRight();
        table.column("Size MB").alignRight();
        table.column("Locked ms").alignRight();
        for (BackupDTO.MemberDTO m : b.members()) {
            table.addRow().addContent(m.name(), m.serviceType(), m.sdpVersion(), m.plan(), m.artifacts(),
                    Format.mb(m.bytes()), m.lockedMillis());
        }
        table.print(out, !noFormat);
        return null;
    }

    private void line(String key, String value) {
        out.printf("%-10s %s%n", key + ":", value);
    }
}
