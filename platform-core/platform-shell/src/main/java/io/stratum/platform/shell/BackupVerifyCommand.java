package io.stratum.platform.shell;

import io.stratum.platform.api.JobDTO;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Verifies a backup. */
@Command(scope = "stratum", name = "backup-verify", description = "Re-reads every chunk of a backup and checks its "
        + "checksum; the job fails naming every corrupt or missing chunk. Returns a job id at once (or waits with "
        + "--wait)")
@Service
public class BackupVerifyCommand extends BackupCommand {

    @Argument(index = 0, name = "id", required = true, description = "The backup's id (see stratum:backup-list)")
    @Completion(BackupIdCompleter.class)
    String id;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--wait", aliases = "-w", description = "Wait for the job to end, showing its progress")
    boolean wait;

    @Override
    protected Object run() throws Exception {
        JobDTO last = submitted(backups().verifyBackup(id), wait, "verify backup '" + id + "'");
        if (wait && !last.message().isEmpty()) {
            out.println(last.message());
        }
        return null;
    }
}
