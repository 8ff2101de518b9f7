package io.stratum.platform.shell;

import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.SdpVersionDTO;
import io.stratum.platform.api.UpdateAccess;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;

/**
 * Completes installed SDP versions (of the type given with --type, else of every type). Completes nothing when the
 * update bundle is absent.
 */
@Service
public class SdpVersionCompleter implements Completer {

    @Reference(optional = true)
    UpdateAccess access;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        UpdateAccess updates = access;
        if (updates == null) {
            return -1;
        }
        try {
            String type = option(commandLine, "--type", "-t");
            List<String> versions = ShellCaller.current().map(updates::as)
                    .map(u -> u.versions(type).stream().map(SdpVersionDTO::version).distinct().toList())
                    .orElse(null);
            return versions == null ? -1 : Completers.complete(session, commandLine, candidates, versions);
        } catch (PlatformException e) {
            return -1;
        }
    }

    private static String option(CommandLine commandLine, String name, String alias) {
        String[] args = commandLine.getArguments();
        for (int i = 0; i < args.length - 1; i++) {
            if (name.equals(args[i]) || alias.equals(args[i])) {
                return args[i + 1];
            }
        }
        return null;
    }
}
