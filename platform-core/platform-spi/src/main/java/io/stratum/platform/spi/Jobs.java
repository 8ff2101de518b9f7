package io.stratum.platform.spi;

import io.stratum.platform.api.JobPlanDTO;
import java.time.Duration;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The orchestration engine, as core bundles submit to it (registered by the platform). Callers check the caller's
 * rights before they submit (see {@link AccountScopes}).
 */
@ProviderType
public interface Jobs {

    /**
     * Records a job and takes its locks in one transaction, then runs it.
     *
     * @param request what to run
     * @return the job as recorded
     * @throws io.stratum.platform.api.PlatformException CONCURRENCY naming the job that holds one of the locks,
     *     NOT_FOUND if a resource to lock is gone, UNAVAILABLE if the platform is stopping
     */
    JobInfo submit(JobRequest request);

    /**
     * Plans a job without submitting it (a dry run): nothing is recorded, locked or changed.
     *
     * @param request what would be submitted
     * @return its phases and tasks, and what it would lock
     * @throws io.stratum.platform.api.PlatformException UNAVAILABLE if no planner (or contribution) of its kind is
     *     installed, INVALID if it cannot be planned
     */
    JobPlanDTO preview(JobRequest request);

    /**
     * @param id a job's id
     * @return the job, if recorded
     */
    Optional<JobInfo> find(long id);

    /**
     * Waits until a job has ended.
     *
     * @param id a job's id
     * @param timeout how long at most
     * @return the job as it is then (ended, unless the time ran out)
     * @throws InterruptedException if interrupted
     */
    JobInfo await(long id, Duration timeout) throws InterruptedException;
}
