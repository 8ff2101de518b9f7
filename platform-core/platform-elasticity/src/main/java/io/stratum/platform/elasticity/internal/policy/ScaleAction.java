package io.stratum.platform.elasticity.internal.policy;

import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.PolicyDTO;
import io.stratum.platform.api.ScalingDecisionDTO;
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.elasticity.internal.alert.ReportingAction;
import io.stratum.platform.elasticity.internal.policy.PolicyArithmetic.Hold;
import io.stratum.platform.elasticity.internal.policy.PolicyArithmetic.Verdict;
import io.stratum.platform.elasticity.internal.policy.ScaleRequests.Activity;
import io.stratum.platform.spi.ManagedService;
import io.stratum.platform.spi.Services;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code scale-up} and {@code scale-down} alert actions. When an alert enters ALARM (from OK or NO_DATA; any other
 * change does nothing), the service is scaled by its policy's {@code step} (or the action's own, {@code scale-up:2})
 * within the policy's {@code min..max}, honouring its cooldowns from the end of the service's last scale, and never
 * while another job runs on the service. The scale is asked for as {@code system:elasticity} with the alert's
 * {@link Firing#summary() summary} as its cause. Each firing records a decision with the service's policy decisions:
 * SUBMITTED, HELD (at the bound, cooldown, another job, the policy disabled) or REFUSED.
 * <p>
 * Nothing scales a service by itself while its policy is disabled: then the decision is HELD and the action fails with
 * a message that says so (the alert's history shows it), as it does when the platform refuses the scale.
 */
abstract class ScaleAction implements ReportingAction {

    private static final Pattern STEP = Pattern.compile("[1-9]\\d?");

    private final boolean up;
    private final String name;
    private final Services services;
    private final PolicyStore policies;
    private final ScaleRequests scales;
    private final PolicyArithmetic arithmetic;

    /**
     * @param up whether it scales up (else down)
     * @param services the platform's services
     * @param policies the policies, and where decisions are kept
     * @param scales how scales are asked for
     * @param clock the time (of cooldowns)
     */
    ScaleAction(boolean up, Services services, PolicyStore policies, ScaleRequests scales, Clock clock) {
        this.up = up;
        this.name = up ? "scale-up" : "scale-down";
        this.services = services;
        this.policies = policies;
        this.scales = scales;
        this.arithmetic = new PolicyArithmetic(clock);
    }

    @Override
    public void validate(String argument) {
        step(argument);
    }

    private int step(String argument) {
        String a = argument == null ? "" : argument.trim();
        if (a.isEmpty()) {
            return 0;
        }
        if (!STEP.matcher(a).matches() || Integer.parseInt(a) > PolicyRules.MOST_INSTANCES) {
            throw new IllegalArgumentException(name + " takes nothing (the policy's step) or the number of instances "
                    + "to " + (up ? "add" : "remove") + ", 1 to " + PolicyRules.MOST_INSTANCES + " (e.g. " + name
                    + ":2), not '" + a + "'");
        }
        return Integer.parseInt(a);
    }

    /**
     * Scales on a transition into ALARM.
     *
     * @return for the alert's history: the job it submitted ({@code job 42}), or why it held ({@code held: ...});
     *     {@code null} on other transitions
     */
    @Override
    public String report(Firing firing) {
        if (!"ALARM".equals(firing.to()) || "ALARM".equals(firing.from())) {
            return null;
        }
        ManagedService s = services.find(firing.serviceId()).orElseThrow(() -> new IllegalStateException(name
                + ": service '" + firing.service() + "' no longer exists"));
        if (s.state() != ServiceState.RUNNING) {
            throw new IllegalStateException(name + ": '" + s.name() + "' is " + s.state() + "; only a running service "
                    + "is scaled");
        }
        PolicyDTO p = policies.policy(s);
        int own = step(firing.argument());
        String why = "alert '" + firing.alert() + "' entered ALARM (" + values(firing.values()) + ")";
        if (!p.enabled()) {
            String disabled = "the scaling policy of '" + s.name() + "' is " + (p.source().equals(PolicyRules.NONE)
                    ? "the built-in one, disabled" : "disabled") + "; enable one (policy-set) for alerts to scale it";
            policies.record(s, scales.held(s, new Verdict(s.instances(), s.instances(), why + ": " + name,
                    Hold.NONE).held(Hold.DISABLED, disabled)));
            throw new IllegalStateException(name + ": " + disabled);
        }
        Verdict v = arithmetic.alertStep(p, s.instances(), up, own > 0 ? own : p.step(), why);
        if (v.isHeld()) {
            return held(s, scales.held(s, v));
        }
        Activity activity = scales.activity(s);
        JobDTO active = activity.active();
        if (active != null) {
            return held(s, scales.held(s, v.held(Hold.BUSY, "job " + active.id() + " (" + active.kind()
                    + ", asked for by " + active.requestedBy() + ") runs on the service")));
        }
        Verdict cooled = arithmetic.cooldown(p, v, activity.lastScaleEnded());
        if (cooled.isHeld()) {
            return held(s, scales.held(s, cooled));
        }
        ScalingDecisionDTO d = scales.submit(s, cooled, firing.summary() + " -> " + name + " to " + cooled.to());
        policies.record(s, d);
        if (d.outcome().startsWith(ScaleRequests.REFUSED)) {
            throw new IllegalStateException(name + " of '" + s.name() + "' to " + cooled.to() + " refused: "
                    + d.outcome().substring(ScaleRequests.REFUSED.length() + 2));
        }
        return "job " + d.jobId() + " (" + d.from() + " -> " + d.to() + " instances)";
    }

    private String held(ManagedService s, ScalingDecisionDTO d) {
        policies.record(s, d);
        return "held: " + d.outcome();
    }

    private static String values(Map<String, Double> values) {
        return new TreeMap<>(values).entrySet().stream().map(e -> e.getKey() + " = "
                + PolicyArithmetic.number(e.getValue())).collect(Collectors.joining(", "));
    }
}
