package io.stratum.platform.shell;

import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;

/** Base of the commands that act on one named service of an account. */
public abstract class ServiceCommand extends StratumCommand {

    @Argument(index = 0, name = "name", required = true, description = "The service's name")
    @Completion(ServiceNameCompleter.class)
    String name;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--account", aliases = "-A", description = "The account (default: default)")
    @Completion(AccountCompleter.class)
    String account;
}
