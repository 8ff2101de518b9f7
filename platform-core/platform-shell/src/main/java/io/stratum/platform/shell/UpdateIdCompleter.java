package io.stratum.platform.shell;

import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.UpdateAccess;
import io.stratum.platform.api.UpdateDTO;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;

/**
 * Completes the ids of pending and running updates the user may see. Completes nothing when the update bundle is
 * absent (the reference is optional, like the update commands').
 */
@Service
public class UpdateIdCompleter implements Completer {

    @Reference(optional = true)
    UpdateAccess access;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        UpdateAccess updates = access;
        if (updates == null) {
            return -1;
        }
        try {
            List<String> ids = ShellCaller.current().map(updates::as)
                    .map(u -> u.updates(Completers.account(commandLine), false).stream().map(UpdateDTO::id).toList())
                    .orElse(null);
            return ids == null ? -1 : Completers.complete(session, commandLine, candidates, ids);
        } catch (PlatformException e) {
            return -1;
        }
    }
}
