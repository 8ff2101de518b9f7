package io.stratum.platform.shell;

import io.stratum.platform.api.AlertDTO;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Lists alerts with their states. */
@Command(scope = "stratum", name = "alert-list", description = "Lists the alerts of a service (or of every service "
        + "of the account) with their states (OK, ALARM, NO_DATA), since when, and the values last seen")
@Service
public class AlertListCommand extends ElasticityCommand {

    @Argument(index = 0, name = "service", description = "The service (default: every service of the account)")
    @Completion(ServiceNameCompleter.class)
    String service;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--account", aliases = "-A", description = "The account (default: default)")
    @Completion(AccountCompleter.class)
    String account;

    @Option(name = "--no-format", description = "Disable table rendered output")
    boolean noFormat;

    @Override
    protected Object run() {
        List<AlertDTO> alerts = elasticity().listAlerts(account, service);
        if (alerts.isEmpty()) {
            out.println("No alerts" + (service == null ? "" : " on '" + service + "'") + ". Create one with "
                    + "stratum:alert-create <service> <name> \"<expression>\".");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Service");
        table.column("Alert");
        table.column("State");
        table.column("Since");
        table.column("Every");
        table.column("Expression");
        table.column("Actions");
        table.column("Values");
        table.column("Origin");
        for (AlertDTO a : alerts) {
            table.addRow().addContent(a.service(), a.name(), a.state(), Format.age(a.since()),
                    Durations.format(a.every()), a.expression(), a.actions().isEmpty() ? "-"
                            : String.join(", ", a.actions()), AlertHistoryCommand.values(a.values()), a.origin());
        }
        table.print(out, !noFormat);
        return null;
    }
}
