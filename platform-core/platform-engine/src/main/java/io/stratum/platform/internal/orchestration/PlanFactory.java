package io.stratum.platform.internal.orchestration;

/**
 * Makes the plan of one kind of job. Registered as an OSGi service with the property
 * {@value #KIND}; the engine runs a job once the factory of its kind is there.
 */
public interface PlanFactory {

    /** Service property: the job kind this factory plans, e.g. {@code service.create}. */
    String KIND = "stratum.job.kind";

    /**
     * Service property: {@code true} if jobs of this kind submit other jobs and wait for them (e.g. creating an
     * environment). They run on threads of their own, so that they never take all workers from the jobs they wait
     * for.
     */
    String COMPOSITE = "stratum.job.composite";

    /**
     * @param job the job (kind, parameters); must depend on nothing else that can change between runs
     * @return its plan
     */
    Plan plan(JobRecord job);
}
