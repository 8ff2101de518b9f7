package io.stratum.platform.internal.orchestration;

/**
 * Makes the plan of one kind of job. Registered as an OSGi service with the property
 * {@value #KIND}; the engine runs a job once the factory of its kind is there.
 */
public interface PlanFactory {

    /** Service property: the job kind this factory plans, e.g. {@code service.create}. */
    String KIND = "stratum.job.kind";

    /**
     * @param job the job (kind, parameters); must depend on nothing else that can change between runs
     * @return its plan
     */
    Plan plan(JobRecord job);
}
