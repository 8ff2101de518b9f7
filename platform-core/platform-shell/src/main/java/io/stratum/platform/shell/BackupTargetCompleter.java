package io.stratum.platform.shell;

import io.stratum.platform.api.EnvironmentDTO;
import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.ServiceDTO;
import java.util.Arrays;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;

/**
 * Completes what a backup command names: environment names when --environment (-e) is on the command line, else
 * service names, of the account given with --account (default: default).
 */
@Service
public class BackupTargetCompleter implements Completer {

    @Reference
    PlatformAccess access;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        PlatformService platform = ShellCaller.current().map(access::as).orElse(null);
        if (platform == null) {
            return -1;
        }
        String account = Completers.account(commandLine);
        List<String> args = Arrays.asList(commandLine.getArguments());
        try {
            List<String> names = args.contains("--environment") || args.contains("-e")
                    ? platform.listEnvironments(account).stream().map(EnvironmentDTO::name).toList()
                    : platform.listServices(account).stream().map(ServiceDTO::name).toList();
            return Completers.complete(session, commandLine, candidates, names);
        } catch (PlatformException e) {
            return -1;
        }
    }
}
