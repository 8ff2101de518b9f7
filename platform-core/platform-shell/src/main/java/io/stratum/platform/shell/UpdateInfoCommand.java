package io.stratum.platform.shell;

import io.stratum.platform.api.UpdateDTO;
import java.time.ZoneId;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Shows one update. */
@Command(scope = "stratum", name = "update-info", description = "Shows an update: the service, what it changes, how "
        + "it runs (SOFT, HARD, ROLLING), when (in the window's time zone), its job and what happened")
@Service
public class UpdateInfoCommand extends UpdateCommand {

    @Argument(index = 0, name = "id", required = true, description = "The update's id")
    @Completion(UpdateIdCompleter.class)
    String id;

    @Override
    protected Object run() {
        print(updates().update(id));
        return null;
    }

    /** Prints an update, one field a line. */
    void print(UpdateDTO u) {
        ZoneId zone = zoneOf(u);
        out.println("Update:        " + u.id());
        out.println("Service:       " + u.account() + "/" + u.service() + " (" + u.serviceType() + ")");
        out.println("Change:        " + u.type() + " " + change(u));
        out.println("Mode:          " + u.mode() + switch (u.mode() == null ? "" : u.mode()) {
            case "SOFT" -> " (applied live, no restart; runs in the window's frame)";
            case "HARD" -> " (lockout, backup, restart; runs in the chosen slot)";
            case "ROLLING" -> " (one instance at a time, drained first; runs in the chosen slot)";
            default -> "";
        });
        out.println("State:         " + u.state());
        out.println("Runs at:       " + at(u.notBefore(), zone) + (u.state() == UpdateDTO.State.PENDING ? " ("
                + relative(u.notBefore(), clock.instant()) + ")" : "") + (u.forced() ? ", forced" : ""));
        out.println("Job:           " + (u.jobId() == null ? "-" : u.jobId() + " (stratum:job-info " + u.jobId()
                + ")"));
        out.println("Requested:     " + at(u.requestedAt(), zone) + " by " + u.requestedBy());
        out.println("Ended:         " + at(u.endedAt(), zone));
        out.println("Message:       " + (u.message() == null || u.message().isEmpty() ? "-" : u.message()));
        if (u.state() == UpdateDTO.State.PENDING) {
            out.println("Run it now with stratum:update-run " + u.id() + ", withdraw it with stratum:update-cancel "
                    + u.id() + ".");
        }
    }
}
