package io.stratum.platform.api;

import java.time.Instant;

/**
 * A decision of the elasticity manager to scale a service, or not to when one was due.
 *
 * @param at when
 * @param service the service's name
 * @param from instances before
 * @param to instances asked for (equal to {@code from} when held)
 * @param reason why, with the values that led to it (e.g. {@code avg(http.requests.rate, 1m) = 130.2 req/s for 1
 *     instance(s), target 50 per instance: 3 recommended, step 1})
 * @param jobId the scale job ({@code null} when none was submitted)
 * @param outcome {@code SUBMITTED}, {@code HELD} (cooldown, stabilization, another job on the service) or
 *     {@code REFUSED} (the platform refused the scale: quota, ...), with the platform's message after a colon
 */
public record ScalingDecisionDTO(Instant at, String service, int from, int to, String reason, String jobId,
        String outcome) {
}
