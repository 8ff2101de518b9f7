package io.stratum.platform.shell;

import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Deletes an environment's services in reverse dependency order. */
@Command(scope = "stratum", name = "env-delete", description = "Deletes the services of an environment in "
        + "reverse dependency order, then the environment")
@Service
public class EnvDeleteCommand extends StratumCommand {

    @Argument(index = 0, name = "name", required = true, description = "The environment's name")
    @Completion(EnvNameCompleter.class)
    String name;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--account", aliases = "-A", description = "The account (default: default)")
    @Completion(AccountCompleter.class)
    String account;

    @Option(name = "--force", aliases = "-f", description = "Also when services outside the environment depend "
            + "on its members, or an engine is missing")
    boolean force;

    @Option(name = "--wait", aliases = "-w", description = "Wait for the job to end, showing its progress")
    boolean wait;

    @Option(name = "--dry-run", description = "Show what the job would do (its phases, tasks and what it locks), "
            + "checking everything, and change nothing")
    boolean dryRun;

    @Override
    protected Object run() throws Exception {
        submitted(p -> p.deleteEnvironment(account, name, force), dryRun, wait, "delete environment '" + name + "'");
        return null;
    }
}
