package io.stratum.platform.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Unbinds a consumer from its provider service. */
@Command(scope = "stratum", name = "consumer-unbind", description = "Unbinds a consumer: a job has the provider's "
        + "engine revoke its binding, then forgets it (a failed unbind leaves it FAILED: run it again)")
@Service
public class ConsumerUnbindCommand extends ConsumerCommand {

    @Option(name = "--wait", aliases = "-w", description = "Wait for the job to end, showing its progress")
    boolean wait;

    @Option(name = "--dry-run", description = "Show what the job would do (its phases, tasks and what it locks), "
            + "checking everything, and change nothing")
    boolean dryRun;

    @Override
    protected Object run() throws Exception {
        submitted(p -> p.unbindConsumer(account, service, consumer), dryRun, wait,
                "unbind consumer '" + consumer + "' from '" + service + "'");
        return null;
    }
}
