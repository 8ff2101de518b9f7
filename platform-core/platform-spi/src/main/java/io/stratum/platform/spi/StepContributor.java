package io.stratum.platform.spi;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Adds tasks to the plans of jobs that another bundle plans: a clone adds a restore to a service create, between
 * its {@code provision} and {@code start} phases. Registered as an OSGi service with {@value #NAME} and
 * {@value JobPlanner#KINDS} (the kinds whose plans it adds to).
 * <p>
 * A job that needs a contribution says so when it is submitted, in its parameter {@value #REQUIRED}
 * (comma-separated names); the engine runs it only once each named contributor is there, so that a resumed job
 * gets the same plan. Contributors not named by a job add nothing to it.
 */
@ConsumerType
public interface StepContributor {

    /** Service property: the contribution's name, e.g. {@code clone.restore}. */
    String NAME = "stratum.job.contribution";

    /** Job parameter: the contributions the job needs, comma-separated. */
    String REQUIRED = "contributions";

    /**
     * @return the phase after which the tasks go (e.g. {@code provision}); if the plan has no such phase they go at
     *     its end
     */
    String after();

    /**
     * @param job the job being planned (a pure function of its parameters, as for {@link JobPlanner#plan})
     * @return the tasks to add, in order, under the phase name they show
     */
    List<JobPlan.Step> contribute(JobInfo job);
}
