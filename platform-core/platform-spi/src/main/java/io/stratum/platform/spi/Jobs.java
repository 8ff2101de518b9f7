package io.stratum.platform.spi;

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
