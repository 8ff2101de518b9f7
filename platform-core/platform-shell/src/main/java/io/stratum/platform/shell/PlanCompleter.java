package io.stratum.platform.shell;

import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.SdpDTO;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;

/** Completes the plans of the service type named as the command's first argument. */
@Service
public class PlanCompleter implements Completer {

    @Reference
    PlatformAccess access;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        PlatformService platform = ShellCaller.current().map(access::as).orElse(null);
        if (platform == null) {
            return -1;
        }
        String type = Completers.firstArgument(commandLine);
        try {
            List<String> plans = platform.listSdps(false).stream()
                    .filter(s -> type == null || s.serviceType().equals(type))
                    .flatMap(s -> s.plans().stream().map(SdpDTO.PlanDTO::name))
                    .distinct().toList();
            return Completers.complete(session, commandLine, candidates, plans);
        } catch (PlatformException e) {
            return -1;
        }
    }
}
