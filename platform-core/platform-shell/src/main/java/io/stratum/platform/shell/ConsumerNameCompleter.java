package io.stratum.platform.shell;

import io.stratum.platform.api.ConsumerDTO;
import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformService;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;

/** Completes the names of the consumers bound to the service named as the command's first argument. */
@Service
public class ConsumerNameCompleter implements Completer {

    @Reference
    PlatformAccess access;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        PlatformService platform = ShellCaller.current().map(access::as).orElse(null);
        String service = Completers.firstArgument(commandLine);
        if (platform == null || service == null) {
            return -1;
        }
        try {
            return Completers.complete(session, commandLine, candidates, platform.listConsumers(
                    Completers.account(commandLine), service).stream().map(ConsumerDTO::name).toList());
        } catch (PlatformException e) {
            return -1;
        }
    }
}
