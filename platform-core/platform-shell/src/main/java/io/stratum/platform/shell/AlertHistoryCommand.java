package io.stratum.platform.shell;

import io.stratum.platform.api.AlertTransitionDTO;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Shows an alert's changes of state. */
@Command(scope = "stratum", name = "alert-history", description = "Shows an alert's changes of state, newest first, "
        + "each with the values that caused it and what its actions did")
@Service
public class AlertHistoryCommand extends ElasticityCommand {

    @Argument(index = 0, name = "service", required = true, description = "The service")
    @Completion(ServiceNameCompleter.class)
    String service;

    @Argument(index = 1, name = "name", required = true, description = "The alert")
    String name;

    @Argument(index = 2, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--limit", aliases = "-n", description = "At most this many (default 20; 0: all kept)")
    int limit = 20;

    @Option(name = "--account", aliases = "-A", description = "The service's account (default: default)")
    @Completion(AccountCompleter.class)
    String account;

    @Option(name = "--no-format", description = "Disable table rendered output")
    boolean noFormat;

    @Override
    protected Object run() {
        List<AlertTransitionDTO> history = elasticity().alertHistory(account, service, name, limit);
        if (history.isEmpty()) {
            out.println("Alert '" + name + "' of '" + service + "' has not changed state yet.");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("At (UTC)");
        table.column("From");
        table.column("To");
        table.column("Values");
        table.column("Why");
        table.column("Actions");
        for (AlertTransitionDTO t : history) {
            table.addRow().addContent(Format.utc(t.at()), t.from(), t.to(), values(t.values()), t.message(),
                    t.actions().isEmpty() ? "-" : String.join("; ", t.actions()));
        }
        table.print(out, !noFormat);
        return null;
    }

    /** @return values as {@code name=value} pairs sorted by name, "-" when none */
    static String values(Map<String, Double> values) {
        if (values.isEmpty()) {
            return "-";
        }
        return new TreeMap<>(values).entrySet().stream().map(e -> e.getKey() + "=" + number(e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
