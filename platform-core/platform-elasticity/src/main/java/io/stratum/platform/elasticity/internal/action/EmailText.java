package io.stratum.platform.elasticity.internal.action;

import io.stratum.platform.spi.AlertAction.Firing;

/** The subject and body of the {@code email} action's messages. */
final class EmailText {

    private EmailText() {
    }

    /**
     * @param firing a change of state
     * @return {@code [Stratum] <alert> of <account>/<service>: <state>}, on one line
     */
    static String subject(Firing firing) {
        return FiringText.oneLine("[Stratum] " + firing.alert() + " of " + firing.account() + "/" + firing.service()
                + ": " + firing.to());
    }

    /**
     * @param firing a change of state
     * @return the summary, the values one per line, when, and what to do, in plain text
     */
    static String body(Firing firing) {
        StringBuilder body = new StringBuilder();
        body.append(FiringText.oneLine(firing.summary())).append("\n\n");
        body.append("Values the expression saw:\n");
        if (firing.values().isEmpty()) {
            body.append("  (none)\n");
        }
        FiringText.values(firing).forEach((name, value) ->
                body.append("  ").append(FiringText.oneLine(name)).append(" = ").append(value).append('\n'));
        body.append("\nWhen: ").append(firing.at()).append(" (UTC)\n\n");
        body.append("What to do:\n").append(advice(firing)).append('\n');
        body.append("  The alert's history (stratum:alert-history) has every change of state with its values;\n"
                + "  stratum:metrics ").append(FiringText.oneLine(firing.service()))
                .append(" shows the service's metrics (account ").append(FiringText.oneLine(firing.account()))
                .append(").\n\n");
        body.append("You get this email because the alert '").append(FiringText.oneLine(firing.alert()))
                .append("' names the action email:").append(FiringText.oneLine(firing.argument()))
                .append("; to stop it, change the alert's actions.\n");
        body.append("-- \nStratum elasticity manager\n");
        return body.toString();
    }

    private static String advice(Firing firing) {
        String service = FiringText.oneLine(firing.service());
        return switch (firing.to()) {
            case "ALARM" -> "  The alert's condition holds. If a scaling policy or a scale action acts on '" + service
                    + "', it scales\n  by itself: follow its jobs with stratum:job-list. Otherwise look at the "
                    + "service's load and scale it\n  if needed (stratum:service-scale).\n";
            case "OK" -> "  The alert's condition no longer holds: nothing to do.\n";
            case "NO_DATA" -> "  The alert's metrics have no recent samples: check that '" + service + "' is running\n"
                    + "  (stratum:service-info " + service + ") and that the sources of its metrics are installed.\n";
            default -> "  The alert is now " + FiringText.oneLine(firing.to()) + ".\n";
        };
    }
}
