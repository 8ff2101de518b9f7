package io.stratum.platform.elasticity.internal.policy;

import io.stratum.platform.api.PolicyDTO;
import io.stratum.platform.elasticity.internal.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The arithmetic of a scaling policy, exactly as {@link PolicyDTO} states it: recommendation, tolerance band, step,
 * bounds, scale-down stabilization, missing data, cooldowns. Pure: it reads nothing but its arguments and the clock,
 * and changes nothing but the {@link Stabilization} it is handed. Every verdict carries a reason naming the values
 * that led to it.
 * <p>
 * A decision is made in two steps, so that the caller asks the platform about the service's jobs only when a change
 * is due: {@link #recommend} (or {@link #alertStep}) proposes, {@link #cooldown} then holds a change that comes too
 * soon after the service's last scale.
 */
final class PolicyArithmetic {

    /** What was held, if anything. */
    enum Hold {
        /** Nothing held: the verdict is a change, or steady. */
        NONE,
        /** A scale down not below the highest recommendation of the stabilization window. */
        STABILIZATION,
        /** A scale up within the scale-up cooldown. */
        COOLDOWN_UP,
        /** A scale down within the scale-down cooldown. */
        COOLDOWN_DOWN,
        /** Another job runs on the service. */
        BUSY,
        /** An alert's step at the policy's min or max. */
        LIMIT,
        /** The policy is disabled. */
        DISABLED
    }

    /**
     * What a policy says now.
     *
     * @param from the service's instances
     * @param to the instances wanted (when held: wanted but held; when steady: {@code from})
     * @param reason why, with the values
     * @param hold what held the change, or {@link Hold#NONE}
     */
    record Verdict(int from, int to, String reason, Hold hold) {

        /** @return whether a change is to be made now */
        boolean isChange() {
            return hold == Hold.NONE && to != from;
        }

        /** @return whether a change was due but held */
        boolean isHeld() {
            return hold != Hold.NONE;
        }

        /**
         * @param why what holds the change
         * @param what a few words appended to the reason
         * @return this verdict, held
         */
        Verdict held(Hold why, String what) {
            return new Verdict(from, to, reason + "; held: " + what, why);
        }
    }

    /** {@code ceil} forgives this much, so that 100 / 50 computed as 2.0000000001 recommends 2, not 3. */
    private static final double EPSILON = 1e-9;
    /** Most instances any recommendation names (the platform allows 64; the bounds clamp further). */
    private static final int MOST = 10_000;

    private final Clock clock;

    /**
     * @param clock the time (of stabilization windows and cooldowns)
     */
    PolicyArithmetic(Clock clock) {
        this.clock = clock;
    }

    /** @return the clock's now */
    Instant now() {
        return clock.instant();
    }

    /**
     * What a policy recommends, before cooldowns. A recommendation within {@code min..max} is kept in
     * {@code recent} for the stabilization of later scale downs.
     *
     * @param p the policy (enabled, with a metric and a target above 0)
     * @param instances the service's instances now
     * @param value the metric's mean over the policy's window, empty when the window holds no sample
     * @param recent the service's recent recommendations
     * @return steady, a change, or a scale down held by stabilization
     */
    Verdict recommend(PolicyDTO p, int instances, OptionalDouble value, Stabilization recent) {
        Instant now = clock.instant();
        String seen = "avg(" + p.metric() + ", " + Durations.format(p.window()) + ")";
        if (value.isEmpty()) {
            String none = "no sample of " + p.metric() + " in the last " + Durations.format(p.window());
            if (!"FIXED".equals(p.onMissing())) {
                return new Verdict(instances, instances, none + ": holding " + instances + " instance(s) (onMissing "
                        + "HOLD)", Hold.NONE);
            }
            int to = clamp(p.fixedInstances(), p);
            return new Verdict(instances, to, none + ": " + to + " instance(s) (onMissing FIXED "
                    + p.fixedInstances() + bounds(p) + ")" + action(instances, to), Hold.NONE);
        }
        double v = value.getAsDouble();
        String observed = seen + " = " + number(v) + " for " + instances + " instance(s), target " + number(p.target())
                + " per instance";
        if (instances < p.min() || instances > p.max()) {
            int to = clamp(instances, p);
            recent.add(now, to, p.scaleDownStabilization());
            return new Verdict(instances, to, observed + ": " + instances + " instance(s) is outside " + p.min()
                    + ".." + p.max() + action(instances, to), Hold.NONE);
        }
        if (instances >= 1) {
            double ratio = v / (instances * p.target());
            if (Math.abs(ratio - 1) <= p.tolerance() + EPSILON) {
                recent.add(now, instances, p.scaleDownStabilization());
                return new Verdict(instances, instances, observed + ": within the tolerance " + number(p.tolerance())
                        + " (ratio " + number(ratio) + ")", Hold.NONE);
            }
        }
        int raw = (int) Math.min(MOST, Math.max(0, Math.ceil(v / p.target() - EPSILON)));
        int recommended = clamp(raw, p);
        recent.add(now, recommended, p.scaleDownStabilization());
        String says = observed + ": " + raw + " recommended" + (raw == recommended ? "" : raw > recommended
                ? ", " + recommended + " at most (max)" : ", " + recommended + " at least (min)");
        if (recommended == instances) {
            return new Verdict(instances, instances, says, Hold.NONE);
        }
        if (recommended > instances) {
            int to = Math.min(recommended, instances + p.step());
            return new Verdict(instances, to, says + ", step " + p.step() + action(instances, to), Hold.NONE);
        }
        int highest = recent.highestSince(now.minus(p.scaleDownStabilization()));
        String stabilized = says + "; highest recommendation in the last "
                + Durations.format(p.scaleDownStabilization()) + ": " + highest;
        if (highest >= instances) {
            return new Verdict(instances, recommended, stabilized, Hold.NONE).held(Hold.STABILIZATION,
                    "scale-down stabilization");
        }
        int to = Math.max(highest, instances - p.step());
        return new Verdict(instances, to, stabilized + ", step " + p.step() + action(instances, to), Hold.NONE);
    }

    /**
     * What an alert's scale action asks: {@code step} instances more or fewer, within {@code min..max} (no metric,
     * no tolerance, no stabilization: the alert's expression decided).
     *
     * @param p the policy
     * @param instances the service's instances now
     * @param up whether to scale up (else down)
     * @param step instances to add or remove (the policy's, or the action's own)
     * @param why what asks (the alert and its values)
     * @return a change, or held at the policy's bound
     */
    Verdict alertStep(PolicyDTO p, int instances, boolean up, int step, String why) {
        int to = clamp(up ? instances + step : instances - step, p);
        String says = why + ": scale " + (up ? "up" : "down") + " by " + step + " within " + p.min() + ".." + p.max();
        if (up ? to <= instances : to >= instances) {
            return new Verdict(instances, up ? instances + step : instances - step, says, Hold.NONE).held(Hold.LIMIT,
                    instances + " instance(s) is at or beyond the policy's " + (up ? "max " + p.max()
                            : "min " + p.min()));
        }
        return new Verdict(instances, to, says + action(instances, to), Hold.NONE);
    }

    /**
     * Holds a change that comes within its direction's cooldown of the end of the service's last scale.
     *
     * @param p the policy
     * @param v a verdict
     * @param lastScaleEnded when the service's last scale job ended (whoever asked for it), or {@code null} if never
     * @return {@code v}, or {@code v} held by its cooldown
     */
    Verdict cooldown(PolicyDTO p, Verdict v, Instant lastScaleEnded) {
        if (!v.isChange() || lastScaleEnded == null) {
            return v;
        }
        boolean up = v.to() > v.from();
        Duration cooldown = up ? p.scaleUpCooldown() : p.scaleDownCooldown();
        Duration since = Duration.between(lastScaleEnded, clock.instant());
        if (since.compareTo(cooldown) >= 0) {
            return v;
        }
        return v.held(up ? Hold.COOLDOWN_UP : Hold.COOLDOWN_DOWN, "the last scale ended " + Durations.format(
                since.isNegative() ? Duration.ZERO : Duration.ofMillis(since.toMillis())) + " ago, scale-"
                + (up ? "up" : "down") + " cooldown " + Durations.format(cooldown));
    }

    private static int clamp(int n, PolicyDTO p) {
        return Math.max(p.min(), Math.min(p.max(), n));
    }

    private static String bounds(PolicyDTO p) {
        return ", within " + p.min() + ".." + p.max();
    }

    private static String action(int from, int to) {
        return to == from ? "" : to > from ? " -> scale up to " + to : " -> scale down to " + to;
    }

    /**
     * @param v a value
     * @return it with at most two decimals (three below 1), without trailing zeros ({@code 130.25}, {@code 50},
     *     {@code 0.125})
     */
    static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        String s = String.format(Locale.ROOT, Math.abs(v) < 1 ? "%.3f" : "%.2f", v);
        s = s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
        return "-0".equals(s) ? "0" : s;
    }
}
