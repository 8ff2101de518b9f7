package io.stratum.platform.shell;

import io.stratum.platform.api.UpdateDTO;
import java.time.Duration;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Runs a pending update now, not in its window. */
@Command(scope = "stratum", name = "update-run", description = "Runs a pending update now, not in its maintenance "
        + "window; with --wait follows its job to the end")
@Service
public class UpdateRunCommand extends UpdateCommand {

    @Argument(index = 0, name = "id", required = true, description = "The pending update's id")
    @Completion(UpdateIdCompleter.class)
    String id;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--wait", aliases = "-w", description = "Wait for the update's job to end, showing its progress")
    boolean wait;

    @Override
    protected Object run() throws Exception {
        UpdateDTO u = updates().runNow(id);
        String what = "update " + u.id() + " of '" + u.service() + "' (" + change(u) + ", " + u.mode() + ")";
        if (u.jobId() == null) {
            out.println("Running " + what + " now; stratum:update-info " + u.id() + " shows its job.");
            return null;
        }
        out.println("Running " + what + " now as job " + u.jobId() + ".");
        if (wait) {
            follow(u.jobId(), Duration.ofHours(1));
        } else {
            out.println("Follow it with: stratum:job-wait " + u.jobId());
        }
        return null;
    }
}
