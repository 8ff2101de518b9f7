package io.stratum.platform.webconsole;

import io.stratum.platform.api.AlertDTO;
import io.stratum.platform.api.AlertRequest;
import io.stratum.platform.api.ElasticityService;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PolicyDTO;
import io.stratum.platform.webconsole.Actions.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What the forms of a service's elasticity page do: create or delete an alert, set or reset the scaling policy, each
 * one call of the user's {@link ElasticityService}, answered with a redirect back to the page with what was done or
 * the platform's message (an expression's error with its position and caret line, which the page shows
 * preformatted). A refused form's values are kept for the page to show again ({@link Flash#keepForm}). The console
 * only turns the form's text into the request's values (durations, numbers, one action a line); the platform checks
 * them.
 */
final class ElasticityActions {

    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");

    private ElasticityActions() {
    }

    /** @return the key under which a refused form of a service's page keeps its values */
    static String draftKey(String form, String account, String service) {
        return form + "/" + account + "/" + service;
    }

    /**
     * @param v the request's view (its parameters are the form's fields)
     * @param path the form's action below the plugin, e.g. {@code /elasticity/alerts/create}
     * @return the outcome, or {@code null} if there is no such action
     */
    static Outcome handle(View v, String path) {
        String account = v.param("account");
        String service = v.param("name");
        String page = ElasticityPages.url(v, account, service);
        switch (path) {
            case "/elasticity/alerts/create": {
                String alert = v.param("alert");
                Map<String, String> draft = fields(v, "alert", "expression", "every", "actions", "description");
                return attempt(v, page + "#alerts", draftKey("alert", account, service), draft, () -> {
                    ElasticityService e = ElasticityPages.elasticity(v);
                    require(service, "the service's name");
                    require(alert, "the alert's name");
                    String expression = v.param("expression");
                    require(expression, "the expression");
                    String every = v.param("every");
                    AlertDTO a = e.createAlert(account, new AlertRequest(service, alert, expression,
                            every == null ? null : Durations.parse("Every", every, false), lines(v.param("actions")),
                            v.param("description")));
                    return new Outcome(page + "#alerts", false, "Alert '" + a.name() + "' of '" + a.service()
                            + "' created, evaluated every " + Durations.format(a.every()) + "; it is " + a.state()
                            + " until it is first evaluated.");
                });
            }
            case "/elasticity/alerts/delete": {
                String alert = v.param("alert");
                return attempt(v, page + "#alerts", null, null, () -> {
                    ElasticityService e = ElasticityPages.elasticity(v);
                    require(service, "the service's name");
                    require(alert, "the alert's name");
                    e.deleteAlert(account, service, alert);
                    return new Outcome(page + "#alerts", false, "Alert '" + alert + "' of '" + service + "' deleted.");
                });
            }
            case "/elasticity/policy/set": {
                Map<String, String> draft = fields(v, "enabled", "metric", "window", "target", "tolerance", "min", "max",
                        "step", "upCooldown", "downCooldown", "stabilization", "onMissing", "fixedInstances");
                return attempt(v, page + "#policy", draftKey("policy", account, service), draft, () -> {
                    ElasticityService e = ElasticityPages.elasticity(v);
                    require(service, "the service's name");
                    PolicyDTO p = e.setPolicy(account, service, policy(v, service));
                    return new Outcome(page + "#policy", false, "Scaling policy of '" + service + "' set: "
                            + (p.enabled() ? "enabled" : "disabled") + ", " + p.min() + " to " + p.max()
                            + " instances" + (p.metric() == null ? ", no metric (only alerts scale)."
                                    : ", " + p.metric() + " near " + ElasticityPages.number(p.target())
                                            + " per instance."));
                });
            }
            case "/elasticity/policy/reset":
                return attempt(v, page + "#policy", null, null, () -> {
                    ElasticityService e = ElasticityPages.elasticity(v);
                    require(service, "the service's name");
                    e.resetPolicy(account, service);
                    return new Outcome(page + "#policy", false, "The scaling policy of '" + service
                            + "' is the SDP's default again.");
                });
            default:
                return null;
        }
    }

    /** @return the policy the form describes (its fields as the page's policy form names them) */
    private static PolicyDTO policy(View v, String service) {
        String onMissing = v.param("onMissing") == null ? "HOLD" : v.param("onMissing");
        int fixed;
        if (onMissing.equals("FIXED")) {
            fixed = whole(v, "fixedInstances", "Without data: go to N instances");
        } else if (onMissing.equals("HOLD")) {
            fixed = 0;
        } else {
            throw new PlatformException(Reason.INVALID, "Without data must be HOLD or FIXED, not '" + onMissing + "'");
        }
        return new PolicyDTO(service, v.param("enabled") != null, v.param("metric"),
                duration(v, "window", "Window", false), decimal(v, "target", "Target"), whole(v, "min", "Min"),
                whole(v, "max", "Max"), whole(v, "step", "Step"), duration(v, "upCooldown", "Scale-up cooldown", true),
                duration(v, "downCooldown", "Scale-down cooldown", true),
                duration(v, "stabilization", "Stabilization", true), decimal(v, "tolerance", "Tolerance"), onMissing,
                fixed, null);
    }

    /** Runs the call; a refusal becomes the platform's message on the page, with the form's values kept. */
    private static Outcome attempt(View v, String back, String draftKey, Map<String, String> draft,
            Supplier<Outcome> call) {
        Outcome outcome = Actions.attempt(back, call);
        if (outcome.error() && draft != null) {
            Flash.keepForm(v.request(), draftKey, draft);
        }
        return outcome;
    }

    private static Map<String, String> fields(View v, String... names) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : names) {
            values.put(name, v.request().getParameter(name));
        }
        return values;
    }

    /** @return the non-blank lines of a text, trimmed */
    static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        if (text != null) {
            for (String line : text.split("\\R")) {
                if (!line.isBlank()) {
                    out.add(line.strip());
                }
            }
        }
        return out;
    }

    private static void require(String value, String what) {
        if (value == null) {
            throw new PlatformException(Reason.INVALID, "The form lacks " + what + ": fill it in and try again.");
        }
    }

    private static String field(View v, String name, String label) {
        String value = v.param(name);
        if (value == null) {
            throw new PlatformException(Reason.INVALID, "The form lacks " + label + ": fill it in and try again.");
        }
        return value;
    }

    private static Duration duration(View v, String name, String label, boolean zero) {
        return Durations.parse(label, field(v, name, label), zero);
    }

    private static int whole(View v, String name, String label) {
        String text = field(v, name, label);
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new PlatformException(Reason.INVALID, label + " takes a whole number, not '" + text + "'");
        }
    }

    private static double decimal(View v, String name, String label) {
        String text = field(v, name, label);
        if (DECIMAL.matcher(text).matches()) {
            double d = Double.parseDouble(text);
            if (Double.isFinite(d)) {
                return d;
            }
        }
        throw new PlatformException(Reason.INVALID, label + " takes a number such as 50 or 0.1, not '" + text + "'");
    }
}
