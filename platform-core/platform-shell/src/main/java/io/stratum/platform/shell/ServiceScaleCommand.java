package io.stratum.platform.shell;

import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Sets the number of instances of a scalable service. */
@Command(scope = "stratum", name = "service-scale", description = "Sets the number of instances of a scalable "
        + "service (e.g. an app server); its web tier routes to new instances once healthy and drains removed ones")
@Service
public class ServiceScaleCommand extends StratumCommand {

    @Argument(index = 0, name = "name", required = true, description = "The service's name")
    @Completion(ServiceNameCompleter.class)
    String name;

    @Argument(index = 1, name = "instances", required = true, description = "The number of instances, 1 to 64")
    int instances;

    @Argument(index = 2, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--account", aliases = "-A", description = "The account (default: default)")
    @Completion(AccountCompleter.class)
    String account;

    @Option(name = "--wait", aliases = "-w", description = "Wait for the job to end, showing its progress")
    boolean wait;

    @Option(name = "--dry-run", description = "Show what the job would do (its phases, tasks and what it locks), "
            + "checking everything, and change nothing")
    boolean dryRun;

    @Override
    protected Object run() throws Exception {
        submitted(p -> p.scaleService(account, name, instances), dryRun, wait,
                "scale '" + name + "' to " + instances + " instance(s)");
        return null;
    }
}
