package io.stratum.platform.shell;

import io.stratum.platform.api.PatchDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.UpdateAccess;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;

/** Completes the ids of the patches in the patch folder. Completes nothing when the update bundle is absent. */
@Service
public class PatchIdCompleter implements Completer {

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
                    .map(u -> u.patches().stream().map(PatchDTO::id).toList()).orElse(null);
            return ids == null ? -1 : Completers.complete(session, commandLine, candidates, ids);
        } catch (PlatformException e) {
            return -1;
        }
    }
}
