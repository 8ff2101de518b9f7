package io.stratum.platform.backup.internal;

import io.stratum.platform.spi.JobInfo;
import io.stratum.platform.spi.JobPlan;
import io.stratum.platform.spi.JobPlanner;
import io.stratum.platform.spi.JobTask;
import io.stratum.platform.spi.StepContributor;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Adds a restore to the create of a service, between its provision and its start: the new service gets a backup
 * member's state before it first serves (a clone). The create job names the backup and member in its parameters
 * {@value #PARAM_BACKUP} and {@value #PARAM_MEMBER}, and this contribution in {@value StepContributor#REQUIRED}.
 * Each step may run again after an interruption; if one fails, the create rolls back as any failed create does.
 */
@Component(service = StepContributor.class, property = {StepContributor.NAME + "=" + RestoreStep.NAME,
    JobPlanner.KINDS + "=service.create"})
public final class RestoreStep implements StepContributor {

    /** The contribution's name. */
    public static final String NAME = "backup.restore";
    /** Create job parameter: the backup to restore from. */
    public static final String PARAM_BACKUP = "restore.backup";
    /** Create job parameter: the member of that backup (the source service's id). */
    public static final String PARAM_MEMBER = "restore.member";

    private final Backups backups;

    /**
     * @param backups the work
     */
    @Activate
    public RestoreStep(@Reference Backups backups) {
        this.backups = backups;
    }

    @Override
    public String after() {
        return "provision";
    }

    @Override
    public List<JobPlan.Step> contribute(JobInfo job) {
        String backupId = job.param(PARAM_BACKUP);
        String member = job.param(PARAM_MEMBER);
        String target = job.serviceId().orElseThrow(() -> new IllegalStateException("job " + job.id()
                + " creates no service to restore into"));
        return List.of(
                new JobPlan.Step("restore", JobTask.of("verify and extract", j -> backups.extract(j, backupId,
                        List.of(member))).attempts(1).weight(2)
                        .compensatedBy(j -> StagedArtifacts.delete(backups.staging(j.job().id())))),
                new JobPlan.Step("restore", JobTask.of("restore", j -> {
                    backups.lock(j, target);
                    try {
                        backups.restore(j, backupId, Map.of(member, target));
                    } finally {
                        backups.unlock(j, target);
                    }
                }).attempts(1).weight(3)),
                new JobPlan.Step("restore", JobTask.of("cleanup", j -> StagedArtifacts.delete(
                        backups.staging(j.job().id())))));
    }
}
