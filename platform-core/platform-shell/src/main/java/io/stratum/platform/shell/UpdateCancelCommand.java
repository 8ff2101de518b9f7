package io.stratum.platform.shell;

import io.stratum.platform.api.UpdateDTO;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Withdraws a pending update. */
@Command(scope = "stratum", name = "update-cancel", description = "Withdraws a pending update; a running one is "
        + "cancelled through its job (stratum:job-cancel), which rolls the service back")
@Service
public class UpdateCancelCommand extends UpdateCommand {

    @Argument(index = 0, name = "id", required = true, description = "The pending update's id")
    @Completion(UpdateIdCompleter.class)
    String id;

    @Override
    protected Object run() {
        UpdateDTO u = updates().cancel(id);
        out.println("Update " + u.id() + " of '" + u.service() + "' (" + change(u) + ") " + u.state()
                + "; the service stays " + (u.type() == UpdateDTO.Type.PATCH ? "as it is." : "on " + u.fromVersion()
                + "."));
        return null;
    }
}
