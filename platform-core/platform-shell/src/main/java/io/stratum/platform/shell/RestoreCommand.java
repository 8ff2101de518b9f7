package io.stratum.platform.shell;

import io.stratum.platform.api.JobDTO;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Restores services from a backup. */
@Command(scope = "stratum", name = "restore", description = "Restores services from a backup: every checksum is "
        + "verified first (a corrupt or missing chunk stops it before anything is touched), then the services are "
        + "locked, restored and unlocked. Each member goes back into the service it was taken of, or one member into "
        + "another service of the same type and SDP version (--service, --into). Returns a job id at once (or waits "
        + "with --wait)")
@Service
public class RestoreCommand extends BackupCommand {

    @Argument(index = 0, name = "backup-id", required = true, description = "The backup's id (see stratum:backup-list)")
    @Completion(BackupIdCompleter.class)
    String id;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--service", aliases = "-s", description = "Restore only this member of the backup (by service "
            + "name; default: all)")
    @Completion(ServiceNameCompleter.class)
    String service;

    @Option(name = "--into", description = "Restore the member into this other service (same type and SDP version) "
            + "instead of the one it was taken of; needs --service unless the backup has one member")
    @Completion(ServiceNameCompleter.class)
    String into;

    @Option(name = "--dry-run", description = "Show what the restore would do (its phases, tasks and the services it "
            + "would overwrite) and change nothing")
    boolean dryRun;

    @Option(name = "--wait", aliases = "-w", description = "Wait for the job to end, showing its progress")
    boolean wait;

    @Override
    protected Object run() throws Exception {
        if (dryRun) {
            Format.plan(out, backups().previewRestore(id, service, into));
            return null;
        }
        JobDTO last = submitted(backups().restore(id, service, into), wait, "restore backup '" + id + "'"
                + (service == null ? "" : " of '" + service + "'") + (into == null ? "" : " into '" + into + "'"));
        if (wait && !last.message().isEmpty()) {
            out.println(last.message());
        }
        return null;
    }
}
