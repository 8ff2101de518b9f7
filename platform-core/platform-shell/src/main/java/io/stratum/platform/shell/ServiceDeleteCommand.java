package io.stratum.platform.shell;

import io.stratum.platform.api.JobDTO;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Deletes a service with its runtimes and data. */
@Command(scope = "stratum", name = "service-delete", description = "Deletes a service: stops its runtimes and "
        + "deletes its data (cannot be undone)")
@Service
public class ServiceDeleteCommand extends StratumCommand {

    @Argument(index = 0, name = "name", required = true, description = "The service's name")
    @Completion(ServiceNameCompleter.class)
    String name;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--account", aliases = "-A", description = "The account (default: default)")
    @Completion(AccountCompleter.class)
    String account;

    @Option(name = "--force", aliases = "-f", description = "Delete even if no engine of its type is installed: "
            + "kill its runtimes and delete its files without the engine")
    boolean force;

    @Option(name = "--wait", aliases = "-w", description = "Wait for the job to end, showing its progress")
    boolean wait;

    @Override
    protected Object run() throws Exception {
        JobDTO job = platform.deleteService(account, name, force);
        submitted(job, wait, "delete '" + name + "'");
        return null;
    }
}
