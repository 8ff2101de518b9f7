package io.stratum.platform.elasticity.internal.policy;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobQuery;
import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.ScalingDecisionDTO;
import io.stratum.platform.elasticity.internal.policy.PolicyArithmetic.Verdict;
import io.stratum.platform.spi.ManagedService;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the elasticity manager asks the platform to scale, for the policy evaluator and the scale alert actions alike:
 * always through the facade ({@link PlatformAccess}) as {@code system:elasticity} with the decision's reason as the
 * cause, so that quotas, the one-job-per-service lock and the audit trail apply as to any scale.
 * <p>
 * What a service is doing is read from its jobs ({@link io.stratum.platform.api.PlatformService#listJobs}, the newest
 * {@value #JOBS_LOOKED_AT} on the service): a job that has not ended means another job runs on it (the policy does
 * not scale it; a job locking the service under another target, such as an environment's, is caught by the
 * platform's CONCURRENCY refusal instead), and the newest {@value #SCALE_KIND} job that has ended gives the time
 * cooldowns count from. The jobs are the record of every scale, whoever asked for it (a user in the shell, REST, the
 * console, a restore, an alert, a policy), they survive a restart of the platform, and their end is when the new
 * count serves; a service's {@code updatedAt} changes for other reasons too (its state, its health).
 */
@Component(service = ScaleRequests.class)
public final class ScaleRequests {

    /** Who asks for the scales. */
    static final Caller ELASTICITY = Caller.system("elasticity");
    /** The platform's scale job kind. */
    static final String SCALE_KIND = "service.scale";
    /** Jobs of a service looked at for its active job and its last scale. */
    static final int JOBS_LOOKED_AT = 100;

    /** The outcome of a submitted scale. */
    static final String SUBMITTED = "SUBMITTED";
    /** The outcome of a scale that was due but held. */
    static final String HELD = "HELD";
    /** The outcome of a scale the platform refused (followed by {@code : } and its message). */
    static final String REFUSED = "REFUSED";

    private static final Logger LOG = LoggerFactory.getLogger(ScaleRequests.class);

    /**
     * What a service is doing, as its jobs tell.
     *
     * @param active a job on it that has not ended, or {@code null}
     * @param lastScaleEnded when its newest ended scale job ended, or {@code null} if it has none
     */
    record Activity(JobDTO active, Instant lastScaleEnded) {
    }

    private final PlatformAccess platform;
    private final Clock clock;
    /** Service id to the newest scale job this component submitted for it. */
    private final Map<String, Long> submitted = new ConcurrentHashMap<>();

    /**
     * @param platform the platform's facade
     */
    @Activate
    public ScaleRequests(@Reference PlatformAccess platform) {
        this(platform, Clock.systemUTC());
    }

    /**
     * @param platform the platform's facade
     * @param clock the time decisions are made at
     */
    ScaleRequests(PlatformAccess platform, Clock clock) {
        this.platform = platform;
        this.clock = clock;
    }

    /**
     * @param s a service
     * @return what it is doing
     */
    Activity activity(ManagedService s) {
        List<JobDTO> jobs = platform.as(ELASTICITY).listJobs(new JobQuery(s.accountName(), s.name(), false,
                JOBS_LOOKED_AT));
        JobDTO active = null;
        Instant lastScale = null;
        for (JobDTO j : jobs) { // newest first
            boolean ofService = j.serviceId() == null || j.serviceId().isEmpty() || j.serviceId().equals(s.id());
            if (!ofService) {
                continue; // a namesake deleted before this service was created
            }
            if (!j.isDone() && active == null) {
                active = j;
            }
            if (j.isDone() && lastScale == null && SCALE_KIND.equals(j.kind()) && s.id().equals(j.serviceId())
                    && j.finishedAt() != null) {
                lastScale = j.finishedAt();
            }
        }
        return new Activity(active, lastScale);
    }

    /**
     * @param s a service
     * @param jobId a job
     * @return whether it is the newest scale job asked for by the elasticity manager for the service
     */
    boolean isOwn(ManagedService s, long jobId) {
        return Long.valueOf(jobId).equals(submitted.get(s.id()));
    }

    /**
     * Asks the platform for the verdict's scale (not recorded: the caller records what it keeps).
     *
     * @param s the service
     * @param v a verdict that is a change
     * @param cause what the job's audit trail names as its cause
     * @return SUBMITTED with the job's id; HELD (to = from) when another job holds the service (CONCURRENCY); REFUSED
     *     with the platform's message otherwise
     */
    ScalingDecisionDTO submit(ManagedService s, Verdict v, String cause) {
        Instant now = clock.instant();
        try {
            JobDTO job = platform.as(ELASTICITY.because(cause)).scaleService(s.accountName(), s.name(), v.to());
            submitted.put(s.id(), job.id());
            LOG.info("'{}/{}' scaled from {} to {} (job {}): {}", s.accountName(), s.name(), v.from(), v.to(),
                    job.id(), v.reason());
            return new ScalingDecisionDTO(now, s.name(), v.from(), v.to(), v.reason(), Long.toString(job.id()),
                    SUBMITTED);
        } catch (PlatformException e) {
            if (e.reason() == Reason.CONCURRENCY) {
                return new ScalingDecisionDTO(now, s.name(), v.from(), v.from(), v.reason() + "; held: "
                        + e.getMessage(), null, HELD);
            }
            LOG.warn("'{}/{}' not scaled from {} to {}: {} ({})", s.accountName(), s.name(), v.from(), v.to(),
                    e.getMessage(), v.reason());
            return new ScalingDecisionDTO(now, s.name(), v.from(), v.to(), v.reason(), null, REFUSED + ": "
                    + e.getMessage());
        }
    }

    /**
     * @param s the service
     * @param v a held verdict
     * @return the HELD decision (to = from; the reason says what was wanted and what held it)
     */
    ScalingDecisionDTO held(ManagedService s, Verdict v) {
        return new ScalingDecisionDTO(clock.instant(), s.name(), v.from(), v.from(), v.reason(), null, HELD);
    }
}
