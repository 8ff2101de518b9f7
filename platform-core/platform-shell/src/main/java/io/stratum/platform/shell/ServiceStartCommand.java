package io.stratum.platform.shell;

import io.stratum.platform.api.JobDTO;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Starts a stopped service (or relaunches the failed runtimes of a running one). */
@Command(scope = "stratum", name = "service-start", description = "Starts a stopped service (or relaunches the failed runtimes of a running one)")
@Service
public class ServiceStartCommand extends StratumCommand {

    @Argument(index = 0, name = "name", required = true, description = "The service's name")
    @Completion(ServiceNameCompleter.class)
    String name;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--account", aliases = "-A", description = "The account (default: default)")
    @Completion(AccountCompleter.class)
    String account;

    @Option(name = "--wait", aliases = "-w", description = "Wait for the job to end, showing its progress")
    boolean wait;

    @Override
    protected Object run() throws Exception {
        JobDTO job = platform.startService(account, name);
        submitted(job, wait, "start '" + name + "'");
        return null;
    }
}
