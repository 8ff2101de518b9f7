package io.stratum.platform.shell;

import io.stratum.platform.api.PolicyDTO;
import io.stratum.platform.api.ScalingDecisionDTO;
import java.io.PrintStream;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Shows a service's scaling policy and its recent decisions. */
@Command(scope = "stratum", name = "policy-show", description = "Shows the scaling policy in force for a service "
        + "(the account's, else the SDP's default) and its recent decisions with their reasons")
@Service
public class PolicyShowCommand extends ElasticityCommand {

    @Argument(index = 0, name = "service", required = true, description = "The service")
    @Completion(ServiceNameCompleter.class)
    String service;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--decisions", aliases = "-n", description = "How many recent decisions to show (default 10)")
    int decisions = 10;

    @Option(name = "--account", aliases = "-A", description = "The service's account (default: default)")
    @Completion(AccountCompleter.class)
    String account;

    @Option(name = "--no-format", description = "Disable table rendered output")
    boolean noFormat;

    @Override
    protected Object run() {
        print(out, elasticity().policy(account, service));
        if (decisions <= 0) {
            return null;
        }
        List<ScalingDecisionDTO> list = elasticity().decisions(account, service, decisions);
        out.println();
        if (list.isEmpty()) {
            out.println("No scaling decisions yet.");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("At (UTC)");
        table.column("From").alignRight();
        table.column("To").alignRight();
        table.column("Outcome");
        table.column("Job");
        table.column("Reason");
        for (ScalingDecisionDTO d : list) {
            table.addRow().addContent(Format.utc(d.at()), d.from(), d.to(), d.outcome(),
                    d.jobId() == null ? "-" : d.jobId(), d.reason());
        }
        table.print(out, !noFormat);
        return null;
    }

    static void print(PrintStream out, PolicyDTO p) {
        out.println("service:        " + p.service() + " (policy from " + p.source() + ")");
        out.println("enabled:        " + (p.enabled() ? "yes" : "no"));
        out.println("metric:         " + (p.metric() == null ? "none (only alerts with scale actions scale)"
                : p.metric() + " averaged over " + Durations.format(p.window()) + ", target " + number(p.target())
                        + " per instance, tolerance " + number(p.tolerance())));
        out.println("instances:      " + p.min() + ".." + p.max() + ", step " + p.step());
        out.println("cooldowns:      up " + Durations.format(p.scaleUpCooldown()) + ", down "
                + Durations.format(p.scaleDownCooldown()));
        out.println("stabilization:  " + Durations.format(p.scaleDownStabilization())
                + " (a scale down goes to the highest recommendation of this window)");
        out.println("missing data:   " + ("FIXED".equals(p.onMissing()) ? "go to " + p.fixedInstances()
                + " instance(s)" : "hold"));
    }
}
