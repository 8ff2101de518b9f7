package io.stratum.platform.shell;

import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Binds a consumer to a provider service. */
@Command(scope = "stratum", name = "consumer-bind", description = "Binds a consumer (an application Stratum does "
        + "not run) to a provider service: a job has the service's engine hand it a binding of its own, e.g. a "
        + "database login; returns a job id at once (or waits with --wait)")
@Service
public class ConsumerBindCommand extends StratumCommand {

    @Argument(index = 0, name = "service", required = true, description = "The provider service's name")
    @Completion(ServiceNameCompleter.class)
    String service;

    @Argument(index = 1, name = "consumer", required = true, description = "The consumer's name: lower-case "
            + "letters, digits and dashes, not the name of a service or consumer of the account")
    String consumer;

    @Argument(index = 2, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--parameter", aliases = "-p", multiValued = true, description = "What the consumer asks of the "
            + "provider, key=value (type-specific, e.g. a web tier's backends); may be repeated")
    List<String> parameters;

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
        Map<String, String> asked = ServiceCreateCommand.parsePairs("--parameter", parameters);
        submitted(p -> p.bindConsumer(account, service, consumer, asked), dryRun, wait,
                "bind consumer '" + consumer + "' to '" + service + "'");
        if (wait && !dryRun) {
            out.println("Consumer '" + consumer + "' is bound to '" + service + "'. Its binding: stratum:consumer-info "
                    + service + " " + consumer + (account == null ? "" : " --account " + account) + " --credentials");
        }
        return null;
    }
}
