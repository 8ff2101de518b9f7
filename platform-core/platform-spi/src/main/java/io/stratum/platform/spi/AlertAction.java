package io.stratum.platform.spi;

import java.time.Instant;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Something an alert of the elasticity manager does when it changes state: scale up or down (through the
 * orchestration engine), log, post an OSGi event, send an email, call a webhook. Registered as an OSGi service
 * (whiteboard) with {@value #NAME}; an alert names its actions as {@code name} or {@code name:argument}
 * (e.g. {@code email:ops@example.com}, {@code webhook:http://127.0.0.1:9000/hook}).
 */
@ConsumerType
public interface AlertAction {

    /** Service property: the action's name, as alerts name it. */
    String NAME = "stratum.alert.action";

    /**
     * Checks an argument when an alert naming this action is created, so that a bad one is refused then and not
     * when the alert fires.
     *
     * @param argument what follows {@code name:} in the alert's action ({@code ""} when nothing does)
     * @throws IllegalArgumentException with a message for the user if the argument is not valid
     */
    void validate(String argument);

    /**
     * Runs the action. Called off the evaluation thread; may block for a few seconds (a webhook, an SMTP
     * exchange).
     *
     * @param firing the alert's change of state
     * @throws Exception if the action failed (logged and recorded in the alert's history; the alert is not retried)
     */
    void run(Firing firing) throws Exception;

    /**
     * An alert's change of state.
     *
     * @param accountId the service's account id
     * @param account the account's name
     * @param serviceId the service's id
     * @param service the service's name
     * @param alert the alert's name
     * @param expression the alert's expression
     * @param from the state before ({@code OK}, {@code ALARM}, {@code NO_DATA})
     * @param to the state now
     * @param values the values the expression saw, e.g. {@code avg('http.requests.rate','1m')} to 62.5 and
     *     {@code instances} to 1
     * @param at when it changed
     * @param argument the action's argument in this alert ({@code ""} when none)
     */
    record Firing(String accountId, String account, String serviceId, String service, String alert,
            String expression, String from, String to, Map<String, Double> values, Instant at, String argument) {

        /** Copies the values. */
        public Firing {
            values = Map.copyOf(values);
        }

        /** @return one line for logs, emails and audit trails: alert, service, states and values */
        public String summary() {
            return "alert '" + alert + "' of '" + account + "/" + service + "' " + from + " -> " + to + " ("
                    + expression + "; " + values + ")";
        }
    }
}
