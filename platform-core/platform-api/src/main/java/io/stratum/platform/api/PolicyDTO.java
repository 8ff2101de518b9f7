package io.stratum.platform.api;

import java.time.Duration;

/**
 * A service's scaling policy. The policy keeps the metric's value per instance near the target, as the Kubernetes
 * HPA does: the recommendation is {@code ceil(value / target)} instances (the value being the metric's mean over the
 * window, over all instances), unchanged while {@code |value / (instances * target) - 1| <= tolerance}; at most
 * {@code step} instances more or fewer per decision, within {@code min..max}; no scale up within
 * {@code scaleUpCooldown} of the last scale, no scale down within {@code scaleDownCooldown}; a scale down goes only to
 * the highest recommendation of the last {@code scaleDownStabilization}. Alerts with scale actions scale by
 * {@code step} within the same bounds and cooldowns. A policy never scales a service while another job runs on it.
 *
 * @param service the service's name
 * @param enabled whether the platform scales the service by itself
 * @param metric the metric whose value per instance is kept near the target; {@code null}: only alerts scale
 * @param window the window the metric is averaged over
 * @param target the value per instance aimed at
 * @param min fewest instances
 * @param max most instances
 * @param step most instances added or removed by one decision
 * @param scaleUpCooldown least time after a scale before a scale up
 * @param scaleDownCooldown least time after a scale before a scale down
 * @param scaleDownStabilization the window of scale-down recommendations (the highest wins)
 * @param tolerance the relative band around the target in which nothing changes
 * @param onMissing {@code HOLD} or {@code FIXED}: what to do when the metric has no data
 * @param fixedInstances the instances to go to when the metric has no data and {@code onMissing} is {@code FIXED}
 * @param source {@code account} (set by a user), {@code sdp} (the SDP's default) or {@code none}
 */
public record PolicyDTO(String service, boolean enabled, String metric, Duration window, double target, int min,
        int max, int step, Duration scaleUpCooldown, Duration scaleDownCooldown, Duration scaleDownStabilization,
        double tolerance, String onMissing, int fixedInstances, String source) {
}
