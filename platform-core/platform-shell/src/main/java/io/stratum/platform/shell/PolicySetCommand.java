package io.stratum.platform.shell;

import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PolicyDTO;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Sets a service's scaling policy: the options given change the policy in force, the others stay. */
@Command(scope = "stratum", name = "policy-set", description = "Sets the scaling policy of a service; options not "
        + "given keep their values (see stratum:policy-show). E.g. policy-set app --enable --metric http.requests.rate "
        + "--target 50 --min 1 --max 4; --reset goes back to the SDP's default")
@Service
public class PolicySetCommand extends ElasticityCommand {

    @Argument(index = 0, name = "service", required = true, description = "The service")
    @Completion(ServiceNameCompleter.class)
    String service;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--enable", description = "The platform scales the service by itself")
    boolean enable;

    @Option(name = "--disable", description = "The platform does not scale the service by itself")
    boolean disable;

    @Option(name = "--metric", description = "The metric kept near --target per instance, e.g. http.requests.rate; "
            + "'none': only alerts with scale actions scale")
    String metric;

    @Option(name = "--window", description = "The window the metric is averaged over, e.g. 1m")
    String window;

    @Option(name = "--target", description = "The metric's value per instance aimed at, e.g. 50")
    String target;

    @Option(name = "--min", description = "Fewest instances")
    String min;

    @Option(name = "--max", description = "Most instances")
    String max;

    @Option(name = "--step", description = "Most instances added or removed by one decision")
    String step;

    @Option(name = "--up-cooldown", description = "Least time after a scale before a scale up, e.g. 30s")
    String upCooldown;

    @Option(name = "--down-cooldown", description = "Least time after a scale before a scale down, e.g. 1m")
    String downCooldown;

    @Option(name = "--stabilization", description = "Scale-down stabilization window: a scale down goes only to the "
            + "highest recommendation of this window, e.g. 2m")
    String stabilization;

    @Option(name = "--tolerance", description = "Relative band around the target in which nothing changes, e.g. 0.1")
    String tolerance;

    @Option(name = "--on-missing", description = "When the metric has no data: hold (change nothing) or fixed:N (go "
            + "to N instances)")
    String onMissing;

    @Option(name = "--reset", description = "Remove the account's policy: the SDP's default applies again")
    boolean reset;

    @Option(name = "--account", aliases = "-A", description = "The service's account (default: default)")
    @Completion(AccountCompleter.class)
    String account;

    @Override
    protected Object run() {
        if (enable && disable) {
            throw new PlatformException(Reason.INVALID, "give --enable or --disable, not both");
        }
        if (reset) {
            if (enable || disable || metric != null || window != null || target != null || min != null
                    || max != null || step != null || upCooldown != null || downCooldown != null
                    || stabilization != null || tolerance != null || onMissing != null) {
                throw new PlatformException(Reason.INVALID, "--reset takes no other option: it removes the account's "
                        + "policy of '" + service + "'");
            }
            elasticity().resetPolicy(account, service);
            out.println("The policy of '" + service + "' is the SDP's default again:");
            PolicyShowCommand.print(out, elasticity().policy(account, service));
            return null;
        }
        PolicyDTO p = elasticity().policy(account, service);
        String missing = p.onMissing();
        int fixed = p.fixedInstances();
        if (onMissing != null) {
            String m = onMissing.strip().toLowerCase(Locale.ROOT);
            if (m.equals("hold")) {
                missing = "HOLD";
            } else if (m.startsWith("fixed:")) {
                missing = "FIXED";
                fixed = whole("--on-missing fixed:N", m.substring("fixed:".length()));
            } else {
                throw new PlatformException(Reason.INVALID, "--on-missing takes hold or fixed:N (e.g. fixed:2), not '"
                        + onMissing + "'");
            }
        }
        String newMetric = metric == null ? p.metric() : metric.equalsIgnoreCase("none") ? null : metric.strip();
        PolicyDTO wanted = new PolicyDTO(p.service(), enable || (!disable && p.enabled()), newMetric,
                window == null ? p.window() : Durations.parse("--window", window),
                target == null ? p.target() : decimal("--target", target),
                min == null ? p.min() : whole("--min", min), max == null ? p.max() : whole("--max", max),
                step == null ? p.step() : whole("--step", step), duration("--up-cooldown", upCooldown,
                        p.scaleUpCooldown()), duration("--down-cooldown", downCooldown, p.scaleDownCooldown()),
                duration("--stabilization", stabilization, p.scaleDownStabilization()),
                tolerance == null ? p.tolerance() : decimal("--tolerance", tolerance), missing, fixed, p.source());
        PolicyDTO now = elasticity().setPolicy(account, service, wanted);
        out.println("Scaling policy of '" + service + "' set:");
        PolicyShowCommand.print(out, now);
        return null;
    }

    private static Duration duration(String option, String text, Duration current) {
        if (text == null) {
            return current;
        }
        // a cooldown or stabilization window may be zero
        return text.strip().equals("0") ? Duration.ZERO : Durations.parse(option, text);
    }

    private static int whole(String option, String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new PlatformException(Reason.INVALID, option + " takes a whole number, not '" + text + "'");
        }
    }
}
