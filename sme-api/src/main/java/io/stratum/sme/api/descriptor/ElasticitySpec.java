package io.stratum.sme.api.descriptor;

import io.stratum.sme.api.metrics.MetricInfo;
import java.util.List;

/**
 * What an SDP says about the elasticity of its services: the metrics its {@link io.stratum.sme.api.MetricsEngine}
 * reports (so that alerts over them can be checked when they are written), the alerts each new service gets, and
 * its default scaling policy.
 *
 * @param metrics the metrics the SDP's engine reports for a service
 * @param alerts the alerts every service of the SDP gets when it is created
 * @param scaling the scaling policy of its services until their account sets one; {@code null} when the SDP has none
 *     (its services are then never scaled by the platform)
 */
public record ElasticitySpec(List<MetricInfo> metrics, List<AlertSpec> alerts, ScalingSpec scaling) {

    /** No metrics, no alerts, no scaling. */
    public static final ElasticitySpec NONE = new ElasticitySpec(List.of(), List.of(), null);

    /** Normalizes absent lists to empty ones. */
    public ElasticitySpec {
        metrics = metrics == null ? List.of() : List.copyOf(metrics);
        alerts = alerts == null ? List.of() : List.copyOf(alerts);
    }

    /**
     * A default alert.
     *
     * @param name its name, unique among the service's alerts (letters, digits, {@code -} and {@code _})
     * @param expression an Expression Language boolean expression over windowed functions of metrics, e.g.
     *     {@code avg('http.requests.rate', '1m') > 50 && instances < 4}
     * @param every how often it is evaluated, e.g. {@code 30s} (independent of the windows it looks at)
     * @param actions what runs when it enters ALARM, e.g. {@code scale-up}, {@code log}, {@code email:ops@example.com}
     * @param description what it means, for users
     */
    public record AlertSpec(String name, String expression, String every, List<String> actions, String description) {

        /** Normalizes an absent list to an empty one. */
        public AlertSpec {
            actions = actions == null ? List.of() : List.copyOf(actions);
        }
    }

    /**
     * A default scaling policy (the fields of a policy; see the elasticity manager's documentation).
     *
     * @param enabled whether the platform scales the services by itself
     * @param metric the metric whose value per instance is kept near {@code target}; {@code null}: only alerts with
     *     scale actions scale, within the limits below
     * @param window the window the metric is averaged over, e.g. {@code 1m}
     * @param target the value per instance the policy aims at
     * @param min fewest instances
     * @param max most instances
     * @param step most instances added or removed by one decision
     * @param scaleUpCooldown least time after any scale before scaling up, e.g. {@code 30s}
     * @param scaleDownCooldown least time after any scale before scaling down
     * @param scaleDownStabilization the window over which scale-down recommendations are kept; the highest wins
     * @param tolerance relative band around the target in which nothing changes, e.g. {@code 0.1}
     * @param onMissing when the metric has no data: {@code hold} (change nothing) or {@code fixed:N} (go to N
     *     instances)
     */
    public record ScalingSpec(Boolean enabled, String metric, String window, Double target, Integer min, Integer max,
            Integer step, String scaleUpCooldown, String scaleDownCooldown, String scaleDownStabilization,
            Double tolerance, String onMissing) {
    }
}
