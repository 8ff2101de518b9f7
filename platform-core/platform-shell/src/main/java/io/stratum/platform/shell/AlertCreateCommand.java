package io.stratum.platform.shell;

import io.stratum.platform.api.AlertDTO;
import io.stratum.platform.api.AlertRequest;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Creates an alert on a service. */
@Command(scope = "stratum", name = "alert-create", description = "Creates an alert: an Expression Language "
        + "expression over windowed functions of the service's metrics (avg, min, max, sum, count, last, rate, p50, "
        + "p95, p99 of ('metric', 'window')) and instances, evaluated every --every; e.g. alert-create app busy "
        + "\"avg('http.requests.rate', '1m') > 50 && instances < 4\" --action scale-up --action log")
@Service
public class AlertCreateCommand extends ElasticityCommand {

    @Argument(index = 0, name = "service", required = true, description = "The service it watches")
    @Completion(ServiceNameCompleter.class)
    String service;

    @Argument(index = 1, name = "name", required = true, description = "The alert's name, unique for the service")
    String name;

    @Argument(index = 2, name = "expression", required = true, description = "The expression; quote it")
    String expression;

    @Argument(index = 3, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--every", aliases = "-e", description = "How often it is evaluated: 10s, 30s, 1m (default 30s); "
            + "independent of the windows it looks at")
    String every;

    @Option(name = "--action", aliases = "-a", multiValued = true, description = "What runs when it enters or leaves "
            + "ALARM: scale-up, scale-down, log, event, email:<address>, webhook:<url>; repeat for several")
    List<String> actions;

    @Option(name = "--description", aliases = "-d", description = "What it means, for users")
    String description;

    @Option(name = "--account", aliases = "-A", description = "The service's account (default: default)")
    @Completion(AccountCompleter.class)
    String account;

    @Override
    protected Object run() {
        AlertDTO a = elasticity().createAlert(account, new AlertRequest(service, name, expression,
                every == null ? null : Durations.parse("--every", every), actions, description));
        out.println("Alert '" + a.name() + "' of '" + a.service() + "' created: " + a.expression() + ", evaluated every "
                + Durations.format(a.every()) + (a.actions().isEmpty() ? ", no actions"
                        : ", actions " + String.join(", ", a.actions())) + ". State " + a.state() + ".");
        out.println("See it with stratum:alert-list " + a.service() + " and its changes with stratum:alert-history "
                + a.service() + " " + a.name() + ".");
        return null;
    }
}
