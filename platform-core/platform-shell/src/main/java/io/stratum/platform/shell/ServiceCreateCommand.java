package io.stratum.platform.shell;

import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Creates a service. */
@Command(scope = "stratum", name = "service-create", description = "Creates a service of an installed type; "
        + "returns a job id at once (or waits with --wait)")
@Service
public class ServiceCreateCommand extends StratumCommand {

    @Argument(index = 0, name = "type", required = true, description = "The service type (see stratum:sdp-list)")
    @Completion(ServiceTypeCompleter.class)
    String type;

    @Argument(index = 1, name = "name", required = true, description = "The new service's name: lower-case letters, "
            + "digits and dashes, unique in the account")
    String name;

    @Argument(index = 2, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--plan", aliases = "-p", description = "A plan of the type (default: the SDP's default plan)")
    @Completion(PlanCompleter.class)
    String plan;

    @Option(name = "--account", aliases = "-A", description = "The owning account (default: default)")
    @Completion(AccountCompleter.class)
    String account;

    @Option(name = "--version", description = "The SDP version to use (default: the newest installed)")
    String version;

    @Option(name = "--config", aliases = "-c", multiValued = true,
            description = "A configuration value key=value of the type's schema; may be repeated")
    List<String> config;

    @Option(name = "--provider", aliases = "-P", multiValued = true,
            description = "A provider: type=service, e.g. database=orders-db; may be repeated")
    List<String> providers;

    @Option(name = "--create-providers", description = "Also create the required providers not named with "
            + "--provider (as <name>-<type>, default plans), in an environment named after the service")
    boolean createProviders;

    @Option(name = "--wait", aliases = "-w", description = "Wait for the job to end, showing its progress")
    boolean wait;

    @Option(name = "--dry-run", description = "Show what the job would do (its phases, tasks and what it locks), "
            + "checking everything, and change nothing")
    boolean dryRun;

    @Override
    protected Object run() throws Exception {
        CreateServiceRequest request = new CreateServiceRequest(account, type, name, plan, version,
                parseConfig(config), parsePairs("--provider", providers), createProviders);
        submitted(p -> p.createService(request), dryRun, wait, createProviders ? "create " + type + " '" + name
                + "' with its providers" : "create " + type + " '" + name + "'");
        if (wait && !dryRun) {
            out.println("Service '" + name + "' is running. Connection details: stratum:service-info " + name
                    + (account == null ? "" : " --account " + account));
        }
        return null;
    }

    static Map<String, String> parseConfig(List<String> values) {
        return parsePairs("--config", values);
    }

    static Map<String, String> parsePairs(String option, List<String> values) {
        Map<String, String> out = new LinkedHashMap<>();
        if (values == null) {
            return out;
        }
        for (String kv : values) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new PlatformException(Reason.INVALID, option + " takes key=value, not '" + kv + "'");
            }
            out.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
        }
        return out;
    }
}
