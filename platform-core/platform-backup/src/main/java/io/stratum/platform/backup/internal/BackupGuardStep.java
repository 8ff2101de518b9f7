package io.stratum.platform.backup.internal;

import io.stratum.platform.spi.JobContext;
import io.stratum.platform.spi.JobInfo;
import io.stratum.platform.spi.JobPlan;
import io.stratum.platform.spi.JobPlanner;
import io.stratum.platform.spi.JobTask;
import io.stratum.platform.spi.ServiceSteps;
import io.stratum.platform.spi.StepContributor;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The pre-update backup of a hard update ({@value #NAME}, for {@value #KIND} jobs, after their {@code lockout}
 * phase): the job's service is locked, backed up and unlocked as a backup job does it, and the backup stored in the
 * repository, where it stays listed (scope {@code service}, source {@code update <update id>}, id
 * {@code update-<update id>-<job id>}). Once it is stored, the task {@code guard} stands for it: if anything after it
 * fails, its compensation (which runs after those of every later task, so once the service's old version and
 * configuration are recorded again) verifies and extracts the backup, restores it into the service, and starts the
 * service through {@link ServiceSteps#start}, so that it ends running with the data it had before the update. The
 * service is started even when the restore fails, and the restore's failure is reported.
 */
@Component(service = StepContributor.class, property = {StepContributor.NAME + "=" + BackupGuardStep.NAME,
    JobPlanner.KINDS + "=" + BackupGuardStep.KIND})
public final class BackupGuardStep implements StepContributor {

    /** The contribution's name. */
    public static final String NAME = "backup.guard";
    /** The job kind it adds to. */
    public static final String KIND = "update.service";
    /** Job parameter: the update's id. */
    public static final String PARAM_UPDATE = "update";
    /**
     * Job parameter, for tests: the task that fails once it has done its work ({@code injected failure at <task>}).
     * The update manager sets it only when its {@code faultInjection} setting is on, as for its own tasks.
     */
    public static final String PARAM_FAIL_AT = "failAt";

    private final Backups backups;
    private final ServiceSteps steps;

    /**
     * @param backups the work
     * @param steps the platform's steps on services (to start the restored service)
     */
    @Activate
    public BackupGuardStep(@Reference Backups backups, @Reference ServiceSteps steps) {
        this.backups = backups;
        this.steps = steps;
    }

    @Override
    public String after() {
        return "lockout";
    }

    /**
     * @param job an update job
     * @return the id of its backup
     */
    static String backupId(JobInfo job) {
        return "update-" + job.param(PARAM_UPDATE) + "-" + job.id();
    }

    @Override
    public List<JobPlan.Step> contribute(JobInfo job) {
        String sid = job.serviceId().orElseThrow(() -> new IllegalStateException("job " + job.id()
                + " updates no service to back up"));
        String backupId = backupId(job);
        String update = job.param(PARAM_UPDATE);
        return List.of(
                new JobPlan.Step("backup", injectable("prepare backup", j -> StagedArtifacts.delete(
                        backups.staging(j.job().id())))),
                new JobPlan.Step("backup", injectable("lock for backup", j -> backups.lock(j, sid)).notIdempotent()
                        .attempts(1).compensatedBy(j -> backups.unlock(j, sid))),
                new JobPlan.Step("backup", injectable("back up", j -> {
                    j.message("backing up before the update");
                    backups.backup(j, List.of(sid));
                }).notIdempotent().attempts(1).weight(2)),
                new JobPlan.Step("backup", injectable("unlock after backup", j -> backups.unlock(j, sid))),
                new JobPlan.Step("backup", injectable("store backup", j -> {
                    Map<String, String> props = new TreeMap<>();
                    props.put(Backups.ACCOUNT_ID, j.job().accountId().orElse(""));
                    props.put(Backups.ACCOUNT, j.job().accountName().orElse(""));
                    props.put(Backups.SCOPE, "service");
                    props.put(Backups.SOURCE, "update " + update);
                    props.put(Backups.REQUESTED_BY, j.job().requester().user());
                    props.put(Backups.JOB, Long.toString(j.job().id()));
                    var m = backups.store(j, backupId, List.of(sid), props);
                    StagedArtifacts.delete(backups.staging(j.job().id()));
                    j.note("backup", "backup " + backupId + " taken before the update (" + Backups.mb(m.logicalBytes())
                            + " MB)");
                }).notIdempotent().attempts(1).weight(3).compensatedBy(j -> {
                    if (j.get("guard.stored").isEmpty()) { // the guard's own compensation restores a stored one
                        backups.repository().abandon(backupId);
                    }
                })),
                new JobPlan.Step("backup", injectable("guard", j -> j.put("guard.stored", backupId))
                        .compensatedBy(j -> restore(j, backupId, sid))));
    }

    /** @return a task that fails after its work when the job names it in {@value #PARAM_FAIL_AT} */
    private static JobTask injectable(String name, JobTask.Action action) {
        return JobTask.of(name, j -> {
            action.run(j);
            if (name.equals(j.job().params().get(PARAM_FAIL_AT))) {
                throw new IllegalStateException("injected failure at " + name);
            }
        });
    }

    /** Restores the backup into the service and starts it; starts it even when the restore fails. */
    private void restore(JobContext j, String backupId, String sid) throws Exception {
        Exception failed = null;
        try {
            j.message("restoring backup " + backupId + " taken before the update");
            StagedArtifacts.delete(backups.staging(j.job().id()));
            backups.extract(j, backupId, List.of(sid));
            backups.lock(j, sid);
            try {
                backups.restore(j, backupId, Map.of(sid, sid));
            } finally {
                backups.unlock(j, sid);
            }
        } catch (Exception e) {
            failed = e;
        } finally {
            StagedArtifacts.delete(backups.staging(j.job().id()));
        }
        try {
            j.message("starting the restored service");
            steps.start(j, sid);
        } catch (Exception e) {
            if (failed == null) {
                throw e;
            }
            failed.addSuppressed(e);
        }
        if (failed != null) {
            throw failed;
        }
        j.note("restored", "the service's data was restored from backup " + backupId + " (taken before the update)");
    }
}
