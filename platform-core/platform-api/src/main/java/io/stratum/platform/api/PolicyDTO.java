package io.stratum.platform.api;

import java.time.Duration;

/**
 * A service's scaling policy. The policy keeps the metric's value per instance near the target, as the Kubernetes
 * HPA does. The metric's value is the mean over {@code window} of the service's series, which is a total over all of
 * its instances (e.g. the requests per second the web tier forwards to the service), so that the value per instance
 * is {@code value / instances}. The platform evaluates every enabled policy with a metric every few seconds:
 * <ul>
 * <li>The recommendation is {@code ceil(value / target)} instances, clamped to {@code min..max}; while
 * {@code |value / (instances * target) - 1| <= tolerance} it is the current count (nothing changes).</li>
 * <li>A scale up goes to the recommendation, at most {@code step} instances more. A scale down goes to the highest
 * recommendation of the last {@code scaleDownStabilization} (none while that is not below the current count), at
 * most {@code step} instances fewer; after a restart of the platform, or when the policy is enabled, the count of the
 * moment counts as a recommendation until a whole stabilization window has been seen.</li>
 * <li>No scale up within {@code scaleUpCooldown}, and no scale down within {@code scaleDownCooldown}, of the end of
 * the service's last scale job, whoever asked for it (a manual scale included; a failed one too, so that a scale
 * that fails is not retried at every evaluation).</li>
 * <li>A service outside {@code min..max} (e.g. scaled by hand beyond them) goes straight to the nearest bound,
 * cooldowns applying, step and stabilization not.</li>
 * <li>When the window holds no sample of the metric: {@code HOLD} changes nothing; {@code FIXED} goes straight to
 * {@code fixedInstances} (within {@code min..max}), as KEDA's fallback does: no step and no stabilization, since a
 * fallback is a count chosen in advance and not a noisy measure, but the cooldowns apply, so that a source that
 * comes and goes does not bounce the service between the fallback and the metric's count.</li>
 * </ul>
 * Alerts with scale actions scale by {@code step} (or the action's own step) within {@code min..max}, with the same
 * cooldowns. Nothing scales a service by itself while {@code enabled} is false, and a policy never scales a service
 * while another job runs on it.
 *
 * @param service the service's name
 * @param enabled whether the platform scales the service by itself
 * @param metric the metric whose value per instance is kept near the target; {@code null}: only alerts scale
 * @param window the window the metric is averaged over
 * @param target the value per instance aimed at
 * @param min fewest instances
 * @param max most instances
 * @param step most instances added or removed by one decision
 * @param scaleUpCooldown least time after the end of a scale before a scale up
 * @param scaleDownCooldown least time after the end of a scale before a scale down
 * @param scaleDownStabilization the window of scale-down recommendations (the highest wins)
 * @param tolerance the relative band around the target in which nothing changes
 * @param onMissing {@code HOLD} or {@code FIXED}: what to do when the metric has no data
 * @param fixedInstances the instances to go to when the metric has no data and {@code onMissing} is {@code FIXED}
 *     (0 when {@code HOLD})
 * @param source {@code account} (set by a user), {@code sdp} (the SDP's default) or {@code none}
 */
public record PolicyDTO(String service, boolean enabled, String metric, Duration window, double target, int min,
        int max, int step, Duration scaleUpCooldown, Duration scaleDownCooldown, Duration scaleDownStabilization,
        double tolerance, String onMissing, int fixedInstances, String source) {
}
