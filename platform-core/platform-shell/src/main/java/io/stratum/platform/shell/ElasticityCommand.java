package io.stratum.platform.shell;

import io.stratum.platform.api.ElasticityAccess;
import io.stratum.platform.api.ElasticityService;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import java.util.Locale;
import org.apache.karaf.shell.api.action.lifecycle.Reference;

/**
 * Base of the metrics, alert and policy commands. They are served by the elasticity bundle, which may be absent: the
 * reference is optional (as for backups), and these commands then fail with {@link #ELASTICITY_UNAVAILABLE}.
 */
public abstract class ElasticityCommand extends StratumCommand {

    /** What an elasticity command says when the elasticity bundle is not there. */
    static final String ELASTICITY_UNAVAILABLE = "metrics, alerts and scaling policies are not available: the "
            + "elasticity bundle (io.stratum.platform-elasticity) is not installed or not active in this Stratum; a "
            + "platform admin can see its state with bundle:list and start it with bundle:start";

    /** Served by the elasticity bundle, injected by Karaf if it is there when the command runs. */
    @Reference(optional = true)
    protected ElasticityAccess elasticityAccess;

    /** The elasticity facade of the session's user (resolved on first use; tests may set it beforehand). */
    protected ElasticityService elasticity;

    /**
     * @return the elasticity facade of the session's user
     * @throws PlatformException UNAVAILABLE when the elasticity bundle is not there
     */
    protected ElasticityService elasticity() {
        if (elasticity == null) {
            if (elasticityAccess == null) {
                throw new PlatformException(Reason.UNAVAILABLE, ELASTICITY_UNAVAILABLE);
            }
            elasticity = elasticityAccess.as(ShellCaller.require());
        }
        return elasticity;
    }

    /** @return a metric value for a table: up to three decimals, no trailing zeros; "-" for NaN */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.3f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /**
     * @param option the option, for the message
     * @param text what the user typed
     * @return the number
     * @throws PlatformException INVALID when it is not a number
     */
    static double decimal(String option, String text) {
        try {
            double d = Double.parseDouble(text.strip());
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new PlatformException(Reason.INVALID, option + " takes a number such as 50 or 0.1, not '" + text
                    + "'");
        }
    }
}
