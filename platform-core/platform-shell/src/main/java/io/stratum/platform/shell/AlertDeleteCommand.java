package io.stratum.platform.shell;

import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Deletes an alert. */
@Command(scope = "stratum", name = "alert-delete", description = "Deletes an alert of a service (its history goes "
        + "with it; the deletion is a new version of the account)")
@Service
public class AlertDeleteCommand extends ElasticityCommand {

    @Argument(index = 0, name = "service", required = true, description = "The service")
    @Completion(ServiceNameCompleter.class)
    String service;

    @Argument(index = 1, name = "name", required = true, description = "The alert")
    String name;

    @Argument(index = 2, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--account", aliases = "-A", description = "The service's account (default: default)")
    @Completion(AccountCompleter.class)
    String account;

    @Override
    protected Object run() {
        elasticity().deleteAlert(account, service, name);
        out.println("Deleted alert '" + name + "' of '" + service + "'.");
        return null;
    }
}
