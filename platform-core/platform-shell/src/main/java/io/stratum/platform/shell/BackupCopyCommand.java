package io.stratum.platform.shell;

import io.stratum.platform.api.JobDTO;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Copies a backup to the second repository. */
@Command(scope = "stratum", name = "backup-copy", description = "Copies a backup to the second repository (copyRepository "
        + "in etc/io.stratum.backup.cfg), sending only the chunks it lacks, then checks the copy. Returns a job id at once (or waits with "
        + "--wait)")
@Service
public class BackupCopyCommand extends BackupCommand {

    @Argument(index = 0, name = "id", required = true, description = "The backup's id (see stratum:backup-list)")
    @Completion(BackupIdCompleter.class)
    String id;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--wait", aliases = "-w", description = "Wait for the job to end, showing its progress")
    boolean wait;

    @Override
    protected Object run() throws Exception {
        JobDTO last = submitted(backups().copyBackup(id), wait, "copy backup '" + id + "'");
        if (wait && !last.message().isEmpty()) {
            out.println(last.message());
        }
        return null;
    }
}
