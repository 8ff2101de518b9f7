package io.stratum.platform.elasticity.internal.policy;

import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.PolicyDTO;
import io.stratum.platform.api.ScalingDecisionDTO;
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.elasticity.internal.Durations;
import io.stratum.platform.elasticity.internal.policy.PolicyArithmetic.Hold;
import io.stratum.platform.elasticity.internal.policy.PolicyArithmetic.Verdict;
import io.stratum.platform.elasticity.internal.policy.ScaleRequests.Activity;
import io.stratum.platform.elasticity.internal.series.MetricHistory.Aggregation;
import io.stratum.platform.elasticity.internal.series.MetricHistory;
import io.stratum.platform.spi.ManagedService;
import io.stratum.platform.spi.Services;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the scaling policies: every {@code interval} (configuration {@value #PID}, default 5 s), for each running
 * service whose policy is enabled and names a metric, reads the metric's mean over the policy's window
 * ({@link MetricHistory}), asks {@link PolicyArithmetic} for a verdict and, when it is a change, asks the platform to
 * scale through {@link ScaleRequests}. A policy never fights another job: a service with a job that has not ended is
 * not scaled (the decision is HELD), nor is one whose scale the platform refuses with CONCURRENCY; while the scale
 * this evaluator asked for runs, nothing is recorded.
 * <p>
 * Decisions are recorded when something was done or a change was due: every SUBMITTED, and a HELD or REFUSED once
 * per episode (the same hold of the same count is not recorded again while it keeps coming back within the policy's
 * longest window or cooldown plus a minute), so that the list stays readable. Quiet evaluations (nothing due, within
 * the tolerance, no data with {@code HOLD}) record nothing. The stabilization recommendations and the episodes are kept
 * in memory; each tick also removes the policies and decisions of deleted services ({@link PolicyStore#forgetDeleted}).
 */
@Component(service = PolicyEvaluator.class, immediate = true, configurationPid = PolicyEvaluator.PID)
@Designate(ocd = PolicyEvaluator.Config.class)
public final class PolicyEvaluator {

    /** The configuration's PID. */
    public static final String PID = "io.stratum.elasticity.policy";

    /** Configuration (PID {@value #PID}). */
    @ObjectClassDefinition(name = "Stratum scaling policies", description = "How often the scaling policies of the "
            + "services are evaluated")
    public @interface Config {
        /** @return how often every enabled policy is evaluated */
        @AttributeDefinition(description = "How often every enabled scaling policy is evaluated, e.g. 5s or 500ms "
                + "(at least 100ms); the Kubernetes HPA's default is 15s")
        String interval() default "5s";
    }

    /** The interval used when the configured one is not a duration or is below 100 ms. */
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(PolicyEvaluator.class);

    private final Services services;
    private final PolicyStore policies;
    private final MetricHistory history;
    private final ScaleRequests scales;
    private final PolicyArithmetic arithmetic;
    private final Map<String, Stabilization> recent = new ConcurrentHashMap<>();
    /** Service id to the holds and refusals recorded for it, each with when it was last seen. */
    private final Map<String, Map<String, Instant>> episodes = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker;
    private ScheduledFuture<?> ticks;

    /**
     * @param services the platform's services
     * @param policies the policies, and where decisions are kept
     * @param history the metrics' time series
     * @param scales how scales are asked for
     * @param config the configuration
     */
    @Activate
    public PolicyEvaluator(@Reference Services services, @Reference PolicyStore policies,
            @Reference MetricHistory history, @Reference ScaleRequests scales, Config config) {
        this(services, policies, history, scales, Clock.systemUTC(), true);
        schedule(config);
    }

    /**
     * @param services the platform's services
     * @param policies the policies
     * @param history the metrics
     * @param scales how scales are asked for
     * @param clock the time
     * @param tick whether to tick by itself (tests call {@link #tick()})
     */
    PolicyEvaluator(Services services, PolicyStore policies, MetricHistory history, ScaleRequests scales,
            Clock clock, boolean tick) {
        this.services = services;
        this.policies = policies;
        this.history = history;
        this.scales = scales;
        this.arithmetic = new PolicyArithmetic(clock);
        this.ticker = tick ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stratum-elasticity-policies");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /**
     * Applies a changed configuration (the stabilization memory is kept).
     *
     * @param config the configuration
     */
    @Modified
    public synchronized void schedule(Config config) {
        if (ticker == null) {
            return;
        }
        Duration interval = interval(config.interval());
        if (ticks != null) {
            ticks.cancel(false);
        }
        ticks = ticker.scheduleWithFixedDelay(this::tickQuietly, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        LOG.info("Scaling policies are evaluated every {}", Durations.format(interval));
    }

    /** Stops the evaluations. */
    @Deactivate
    public void deactivate() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }

    /**
     * @param text the configured interval
     * @return it, or {@link #DEFAULT_INTERVAL} (logged) when it is not a duration of at least 100 ms
     */
    static Duration interval(String text) {
        try {
            Duration d = Durations.parse(text, "interval");
            if (d.toMillis() >= 100) {
                return d;
            }
            LOG.warn("{}: interval {} is below 100ms; evaluating every {}", PID, text,
                    Durations.format(DEFAULT_INTERVAL));
        } catch (RuntimeException e) {
            LOG.warn("{}: {}; evaluating every {}", PID, e.getMessage(), Durations.format(DEFAULT_INTERVAL));
        }
        return DEFAULT_INTERVAL;
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("Scaling policies could not be evaluated: {}", e.getMessage(), e);
        }
    }

    /** Evaluates every enabled policy with a metric once. */
    void tick() {
        List<ManagedService> all = services.all();
        Set<String> evaluated = new HashSet<>();
        for (ManagedService s : all) {
            if (s.external() || s.state() != ServiceState.RUNNING) {
                continue;
            }
            try {
                PolicyDTO p = policies.policy(s);
                if (!p.enabled() || p.metric() == null) {
                    continue;
                }
                evaluated.add(s.id());
                evaluate(s, p);
            } catch (RuntimeException e) {
                LOG.warn("The scaling policy of '{}/{}' could not be evaluated: {}", s.accountName(), s.name(),
                        e.getMessage(), e);
            }
        }
        recent.keySet().retainAll(evaluated);
        episodes.keySet().retainAll(evaluated);
        policies.forgetDeleted(all.stream().map(ManagedService::id).collect(Collectors.toSet()));
    }

    private void evaluate(ManagedService s, PolicyDTO p) {
        OptionalDouble value = history.aggregate(s.id(), p.metric(), p.window(), Aggregation.AVG);
        Stabilization st = recent.computeIfAbsent(s.id(), id -> new Stabilization(arithmetic.now(), s.instances()));
        Verdict v = arithmetic.recommend(p, s.instances(), value, st);
        if (v.isHeld()) {
            held(s, p, v, "STABILIZATION|" + v.from());
            return;
        }
        if (!v.isChange()) {
            return;
        }
        Activity activity = scales.activity(s);
        JobDTO active = activity.active();
        if (active != null) {
            if (!scales.isOwn(s, active.id())) {
                held(s, p, v.held(Hold.BUSY, "job " + active.id() + " (" + active.kind() + ", asked for by "
                        + active.requestedBy() + ") runs on the service"), "BUSY|" + v.from() + "|" + active.id());
            }
            return; // the scale this evaluator asked for: wait for it quietly
        }
        Verdict cooled = arithmetic.cooldown(p, v, activity.lastScaleEnded());
        if (cooled.isHeld()) {
            held(s, p, cooled, cooled.hold() + "|" + v.from());
            return;
        }
        ScalingDecisionDTO d = scales.submit(s, cooled, "scaling policy of '" + s.name() + "': " + cooled.reason());
        if (d.outcome().equals(ScaleRequests.SUBMITTED)) {
            episodes.remove(s.id());
            policies.record(s, d);
        } else {
            keep(s, p, d, d.outcome().equals(ScaleRequests.HELD) ? "CONCURRENCY|" + v.from()
                    : "REFUSED|" + v.from() + "|" + v.to() + "|" + d.outcome());
        }
    }

    private void held(ManagedService s, PolicyDTO p, Verdict v, String key) {
        keep(s, p, scales.held(s, v), key);
    }

    /** Records a HELD or REFUSED decision unless the same one is still going on. */
    private void keep(ManagedService s, PolicyDTO p, ScalingDecisionDTO d, String key) {
        Instant now = arithmetic.now();
        Duration quiet = Stream.of(p.scaleDownStabilization(), p.scaleUpCooldown(), p.scaleDownCooldown(),
                p.window()).max(Duration::compareTo).orElseThrow().plusMinutes(1);
        Map<String, Instant> seen = episodes.computeIfAbsent(s.id(), id -> new ConcurrentHashMap<>());
        seen.values().removeIf(at -> at.plus(quiet).isBefore(now));
        Instant last = seen.put(key, now);
        if (last == null) {
            policies.record(s, d);
        }
    }
}
