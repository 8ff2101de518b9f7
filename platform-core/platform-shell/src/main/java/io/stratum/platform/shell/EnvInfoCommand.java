package io.stratum.platform.shell;

import io.stratum.platform.api.EnvironmentDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.ServiceDTO;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Shows an environment: its dependency graph and its members' states. */
@Command(scope = "stratum", name = "env-info", description = "Shows an environment: its services in creation "
        + "order with their states, health and dependencies")
@Service
public class EnvInfoCommand extends StratumCommand {

    @Argument(index = 0, name = "name", required = true, description = "The environment's name")
    @Completion(EnvNameCompleter.class)
    String name;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--account", aliases = "-A", description = "The account (default: default)")
    @Completion(AccountCompleter.class)
    String account;

    @Override
    protected Object run() {
        EnvironmentDTO env = platform.getEnvironment(account, name);
        out.printf("%-10s %s%n", "Name:", env.name());
        out.printf("%-10s %s%n", "Account:", env.account());
        out.printf("%-10s %s%n", "State:", env.state() + (env.stateMessage().isEmpty() ? "" : " - "
                + env.stateMessage()));
        if (env.activeJobId() != 0) {
            out.printf("%-10s %s%n", "Job:", env.activeJobId() + " is working on it (stratum:job-info "
                    + env.activeJobId() + ")");
        }
        out.printf("%-10s %s%n", "Order:", env.levels().stream().map(l -> String.join(" + ", l))
                .collect(Collectors.joining("  ->  ")));
        out.println();
        ShellTable table = new ShellTable();
        table.column("Level").alignRight();
        table.column("Service");
        table.column("Type");
        table.column("Plan");
        table.column("State");
        table.column("Health");
        table.column("Depends on");
        for (EnvironmentDTO.Member m : env.members()) {
            int level = 1;
            for (int i = 0; i < env.levels().size(); i++) {
                if (env.levels().get(i).contains(m.name())) {
                    level = i + 1;
                }
            }
            String health = "";
            if (!"ABSENT".equals(m.state())) {
                try {
                    ServiceDTO s = platform.getService(env.account(), m.name());
                    health = s.health();
                } catch (PlatformException gone) {
                    health = "";
                }
            }
            table.addRow().addContent(level, m.name(), m.serviceType(), m.plan(), m.state(), health,
                    m.providers().entrySet().stream().sorted(Map.Entry.comparingByKey())
                            .map(e -> e.getValue() + " (" + e.getKey() + ")")
                            .collect(Collectors.joining(", ")));
        }
        table.print(out, true);
        return null;
    }
}
