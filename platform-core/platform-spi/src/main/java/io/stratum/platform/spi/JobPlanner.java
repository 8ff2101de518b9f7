package io.stratum.platform.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Makes the plans of some kinds of job. Registered as an OSGi service with {@value #KINDS} (one kind or several);
 * the orchestration engine runs a job once the planner of its kind is there (a job submitted or resumed before
 * waits for it).
 * <p>
 * A plan is made anew each time its job runs, also after a crash; it must depend on the job's kind and
 * parameters only, so that the same tasks are at the same places.
 */
@ConsumerType
public interface JobPlanner {

    /** Service property: the job kinds this planner plans, e.g. {@code backup.create} (String or String[]). */
    String KINDS = "stratum.job.kind";

    /**
     * Service property: {@code true} if jobs of these kinds submit other jobs and wait for them. They run on threads
     * of their own, so that they never take all workers from the jobs they wait for.
     */
    String COMPOSITE = "stratum.job.composite";

    /**
     * @param job the job
     * @return its plan
     */
    JobPlan plan(JobInfo job);
}
