package io.stratum.platform.elasticity.internal.policy;

import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PolicyDTO;
import io.stratum.platform.elasticity.internal.Durations;
import io.stratum.sme.api.descriptor.ElasticitySpec.ScalingSpec;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a policy may be: the built-in defaults, an SDP's default read from its descriptor, and the checks every policy
 * passes before it is kept.
 * <p>
 * The built-in defaults, for a service without a policy and for the fields an SDP's default leaves out: disabled, no
 * metric (target 0), window {@code 1m}, min 1, max 4, step 1, scale-up cooldown {@code 30s}, scale-down cooldown
 * {@code 60s}, scale-down stabilization {@code 60s}, tolerance 0.1, on missing data {@code HOLD}.
 */
final class PolicyRules {

    /** Where a policy comes from: the account set it. */
    static final String ACCOUNT = "account";
    /** Where a policy comes from: the SDP's default. */
    static final String SDP = "sdp";
    /** Where a policy comes from: nowhere (the built-in, disabled one). */
    static final String NONE = "none";
    /** On missing data: change nothing. */
    static final String HOLD = "HOLD";
    /** On missing data: go to the fixed count. */
    static final String FIXED = "FIXED";
    /** The most instances the platform runs of a service (its scale refuses more). */
    static final int MOST_INSTANCES = 64;

    static final Duration WINDOW = Duration.ofMinutes(1);
    static final int MIN = 1;
    static final int MAX = 4;
    static final int STEP = 1;
    static final Duration SCALE_UP_COOLDOWN = Duration.ofSeconds(30);
    static final Duration SCALE_DOWN_COOLDOWN = Duration.ofSeconds(60);
    static final Duration STABILIZATION = Duration.ofSeconds(60);
    static final double TOLERANCE = 0.1;

    private static final Pattern METRIC = Pattern.compile("[a-z0-9_-]+(\\.[a-z0-9_-]+)*");
    private static final Pattern FIXED_N = Pattern.compile("fixed:(\\d{1,9})", Pattern.CASE_INSENSITIVE);

    private PolicyRules() {
    }

    /**
     * @param service the service's name
     * @return the built-in policy: disabled, no metric, the defaults above
     */
    static PolicyDTO none(String service) {
        return new PolicyDTO(service, false, null, WINDOW, 0, MIN, MAX, STEP, SCALE_UP_COOLDOWN, SCALE_DOWN_COOLDOWN,
                STABILIZATION, TOLERANCE, HOLD, 0, NONE);
    }

    /**
     * An SDP's default policy, the fields it leaves out taking the built-in defaults.
     *
     * @param service the service's name
     * @param spec the SDP's {@code elasticity.scaling}
     * @return the policy, source {@code sdp}, checked
     * @throws PlatformException INVALID naming the field of the SDP's default that is wrong
     */
    static PolicyDTO fromSpec(String service, ScalingSpec spec) {
        String onMissing = HOLD;
        int fixed = 0;
        if (spec.onMissing() != null && !spec.onMissing().isBlank()) {
            String m = spec.onMissing().trim();
            Matcher f = FIXED_N.matcher(m);
            if (f.matches()) {
                onMissing = FIXED;
                fixed = Integer.parseInt(f.group(1));
            } else if (!m.equalsIgnoreCase("hold")) {
                throw new PlatformException(Reason.INVALID, "onMissing: '" + m + "' is neither hold nor fixed:N "
                        + "(e.g. fixed:2)");
            }
        }
        return check(new PolicyDTO(service, Boolean.TRUE.equals(spec.enabled()), blankToNull(spec.metric()),
                duration(spec.window(), "window", WINDOW), spec.target() == null ? 0 : spec.target(),
                spec.min() == null ? MIN : spec.min(), spec.max() == null ? MAX : spec.max(),
                spec.step() == null ? STEP : spec.step(),
                duration(spec.scaleUpCooldown(), "scaleUpCooldown", SCALE_UP_COOLDOWN),
                duration(spec.scaleDownCooldown(), "scaleDownCooldown", SCALE_DOWN_COOLDOWN),
                duration(spec.scaleDownStabilization(), "scaleDownStabilization", STABILIZATION),
                spec.tolerance() == null ? TOLERANCE : spec.tolerance(), onMissing, fixed, SDP));
    }

    /**
     * A policy a user sets, its absent durations and {@code onMissing} taken from the policy in force.
     *
     * @param asked what the user asked for
     * @param inForce the policy in force now
     * @param service the service's name
     * @return the policy to keep, source {@code account}, checked
     * @throws PlatformException INVALID naming the field that is wrong
     */
    static PolicyDTO merge(PolicyDTO asked, PolicyDTO inForce, String service) {
        return check(new PolicyDTO(service, asked.enabled(), blankToNull(asked.metric()),
                orElse(asked.window(), inForce.window()), asked.target(), asked.min(), asked.max(), asked.step(),
                orElse(asked.scaleUpCooldown(), inForce.scaleUpCooldown()),
                orElse(asked.scaleDownCooldown(), inForce.scaleDownCooldown()),
                orElse(asked.scaleDownStabilization(), inForce.scaleDownStabilization()), asked.tolerance(),
                asked.onMissing() == null || asked.onMissing().isBlank() ? inForce.onMissing() : asked.onMissing(),
                asked.fixedInstances(), ACCOUNT));
    }

    /**
     * Checks a policy.
     *
     * @param p a policy
     * @return it normalized: {@code onMissing} in upper case, {@code fixedInstances} 0 unless {@code FIXED}
     * @throws PlatformException INVALID with a message that starts with the field that is wrong
     */
    static PolicyDTO check(PolicyDTO p) {
        String metric = blankToNull(p.metric());
        if (metric != null && !METRIC.matcher(metric).matches()) {
            throw invalid("metric: '" + metric + "' is not a metric name (lower-case words separated by dots, e.g. "
                    + "http.requests.rate)");
        }
        if (p.window() == null || p.window().isNegative() || p.window().isZero()) {
            throw invalid("window must be longer than 0 (e.g. 1m), not " + (p.window() == null ? "absent"
                    : Durations.format(p.window())));
        }
        if (metric != null && !(p.target() > 0 && Double.isFinite(p.target()))) {
            throw invalid("target must be more than 0 when a metric is set, not " + plain(p.target()));
        }
        if (metric == null && !(p.target() >= 0 && Double.isFinite(p.target()))) {
            throw invalid("target must not be negative, not " + plain(p.target()));
        }
        if (p.min() < 1) {
            throw invalid("min must be at least 1, not " + p.min());
        }
        if (p.max() < p.min()) {
            throw invalid("max must be at least min (" + p.min() + "), not " + p.max());
        }
        if (p.max() > MOST_INSTANCES) {
            throw invalid("max must be at most " + MOST_INSTANCES + " (the most instances the platform runs of a "
                    + "service), not " + p.max());
        }
        if (p.step() < 1) {
            throw invalid("step must be at least 1, not " + p.step());
        }
        nonNegative(p.scaleUpCooldown(), "scaleUpCooldown");
        nonNegative(p.scaleDownCooldown(), "scaleDownCooldown");
        nonNegative(p.scaleDownStabilization(), "scaleDownStabilization");
        if (!(p.tolerance() >= 0 && p.tolerance() <= 1)) {
            throw invalid("tolerance must be between 0 and 1 (e.g. 0.1 for 10 %), not " + plain(p.tolerance()));
        }
        String onMissing = p.onMissing() == null ? "" : p.onMissing().trim().toUpperCase(Locale.ROOT);
        if (!onMissing.equals(HOLD) && !onMissing.equals(FIXED)) {
            throw invalid("onMissing must be HOLD or FIXED, not '" + p.onMissing() + "'");
        }
        if (onMissing.equals(FIXED) && (p.fixedInstances() < p.min() || p.fixedInstances() > p.max())) {
            throw invalid("fixedInstances must be within min..max (" + p.min() + ".." + p.max() + ") when onMissing "
                    + "is FIXED, not " + p.fixedInstances());
        }
        return new PolicyDTO(p.service(), p.enabled(), metric, p.window(), p.target(), p.min(), p.max(), p.step(),
                p.scaleUpCooldown(), p.scaleDownCooldown(), p.scaleDownStabilization(), p.tolerance(), onMissing,
                onMissing.equals(FIXED) ? p.fixedInstances() : 0, p.source());
    }

    /**
     * @param p a policy
     * @return its fields as the account's versions record them, in a fixed order ({@code metric} null when none)
     */
    static Map<String, String> fields(PolicyDTO p) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("enabled", Boolean.toString(p.enabled()));
        f.put("metric", p.metric());
        f.put("window", Durations.format(p.window()));
        f.put("target", plain(p.target()));
        f.put("min", Integer.toString(p.min()));
        f.put("max", Integer.toString(p.max()));
        f.put("step", Integer.toString(p.step()));
        f.put("scaleUpCooldown", Durations.format(p.scaleUpCooldown()));
        f.put("scaleDownCooldown", Durations.format(p.scaleDownCooldown()));
        f.put("scaleDownStabilization", Durations.format(p.scaleDownStabilization()));
        f.put("tolerance", plain(p.tolerance()));
        f.put("onMissing", p.onMissing());
        f.put("fixedInstances", Integer.toString(p.fixedInstances()));
        return f;
    }

    /**
     * @param v a number
     * @return it exactly, without trailing zeros ({@code 50}, {@code 0.1}, {@code 12.5})
     */
    static String plain(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static void nonNegative(Duration d, String field) {
        if (d == null || d.isNegative()) {
            throw invalid(field + " must not be negative" + (d == null ? " or absent" : ", not " + d));
        }
    }

    private static Duration duration(String text, String field, Duration otherwise) {
        return text == null || text.isBlank() ? otherwise : Durations.parse(text, field);
    }

    private static <T> T orElse(T value, T otherwise) {
        return value != null ? value : otherwise;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static PlatformException invalid(String message) {
        return new PlatformException(Reason.INVALID, message);
    }
}
