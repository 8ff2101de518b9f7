package io.stratum.platform.shell;

import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;

/** Base of the commands that act on one consumer bound to a provider service. */
public abstract class ConsumerCommand extends StratumCommand {

    @Argument(index = 0, name = "service", required = true, description = "The provider service's name")
    @Completion(ServiceNameCompleter.class)
    String service;

    @Argument(index = 1, name = "consumer", required = true, description = "The consumer's name")
    @Completion(ConsumerNameCompleter.class)
    String consumer;

    @Argument(index = 2, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--account", aliases = "-A", description = "The account (default: default)")
    @Completion(AccountCompleter.class)
    String account;
}
