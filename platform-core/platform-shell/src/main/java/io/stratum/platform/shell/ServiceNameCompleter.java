package io.stratum.platform.shell;

import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.api.PlatformService;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;

/** Completes service names of the account given with --account (default: the default account). */
@Service
public class ServiceNameCompleter implements Completer {

    @Reference
    PlatformAccess access;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        PlatformService platform = ShellCaller.current().map(access::as).orElse(null);
        if (platform == null) {
            return -1;
        }
        try {
            return Completers.complete(session, commandLine, candidates,
                    platform.listServices(Completers.account(commandLine)).stream().map(s -> s.name()).toList());
        } catch (PlatformException e) {
            return -1;
        }
    }
}
