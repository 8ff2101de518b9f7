package io.stratum.platform.backup.internal;

import io.stratum.platform.backup.internal.repo.VerifyReport;
import io.stratum.platform.spi.JobInfo;
import io.stratum.platform.spi.JobPlan;
import io.stratum.platform.spi.JobPlanner;
import io.stratum.platform.spi.JobTask;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans backup, restore and verify jobs.
 * <ul>
 * <li>{@value #CREATE}: lock every member in lock order, back up all at once into the staging directory, unlock
 * every member in reverse order, then store the staged artifacts in the repository and write the manifest. A failure
 * anywhere unlocks every member whose lock was tried (the compensations of the locks) and leaves no manifest. An
 * interrupted backup (the platform stopped or crashed) is rolled back the same way: take it again.</li>
 * <li>{@value #RESTORE}: verify and extract every artifact into the staging directory (nothing is touched before
 * every checksum is right), lock the targets in lock order, restore all at once, unlock in reverse order. An
 * interrupted restore resumes: each step may run again.</li>
 * <li>{@value #VERIFY}: re-read every chunk of a backup.</li>
 * </ul>
 */
@Component(service = JobPlanner.class, property = {JobPlanner.KINDS + "=" + BackupPlanner.CREATE,
    JobPlanner.KINDS + "=" + BackupPlanner.RESTORE, JobPlanner.KINDS + "=" + BackupPlanner.VERIFY,
    JobPlanner.KINDS + "=" + BackupPlanner.COPY})
public final class BackupPlanner implements JobPlanner {

    /** Job kind: take a backup. */
    public static final String CREATE = "backup.create";
    /** Job kind: restore from a backup. */
    public static final String RESTORE = "backup.restore";
    /** Job kind: verify a backup. */
    public static final String VERIFY = "backup.verify";
    /** Job kind: copy a backup to the second repository. */
    public static final String COPY = "backup.copy";

    /** Job parameter: the backup's id. */
    static final String PARAM_BACKUP = io.stratum.platform.api.BackupService.JOB_PARAM_BACKUP;
    /** Job parameter: the member services' ids, in lock order, comma-separated. */
    static final String PARAM_MEMBERS = "members";
    /** Job parameter (restore): member key to target service id, as {@code key=id} pairs, comma-separated. */
    static final String PARAM_TARGETS = "targets";
    /** Job parameter (restore): the targets' ids in lock order, comma-separated. */
    static final String PARAM_ORDER = "order";
    /** Job parameter: service id to name, as {@code id=name} pairs, for the names of tasks. */
    static final String PARAM_NAMES = "names";
    /** Job parameter: the backup's scope. */
    static final String PARAM_SCOPE = "scope";
    /** Job parameter: the name of what is backed up. */
    static final String PARAM_SOURCE = "source";
    /** Job parameter: the schedule that asked, if one did. */
    static final String PARAM_SCHEDULE = "schedule";

    private static final Logger LOG = LoggerFactory.getLogger(BackupPlanner.class);

    private final Backups backups;

    /**
     * @param backups the work
     */
    @Activate
    public BackupPlanner(@Reference Backups backups) {
        this.backups = backups;
    }

    @Override
    public JobPlan plan(JobInfo job) {
        return switch (job.kind()) {
            case CREATE -> create(job);
            case RESTORE -> restore(job);
            case VERIFY -> verify(job);
            case COPY -> copy(job);
            default -> throw new IllegalArgumentException("not a backup job: " + job.kind());
        };
    }

    private JobPlan create(JobInfo job) {
        String backupId = job.param(PARAM_BACKUP);
        List<String> members = list(job.param(PARAM_MEMBERS));
        Map<String, String> names = pairs(job.params().getOrDefault(PARAM_NAMES, ""));
        List<JobTask> locks = new ArrayList<>();
        for (String id : members) {
            locks.add(JobTask.of("lock " + names.getOrDefault(id, id), j -> backups.lock(j, id)).notIdempotent()
                    .attempts(1).compensatedBy(j -> backups.unlock(j, id)));
        }
        List<JobTask> unlocks = new ArrayList<>();
        for (String id : reversed(members)) {
            unlocks.add(JobTask.of("unlock " + names.getOrDefault(id, id), j -> backups.unlock(j, id)));
        }
        return JobPlan.builder()
                .phase("prepare", JobTask.of("prepare", j -> {
                    StagedArtifacts.delete(backups.staging(j.job().id()));
                }).compensatedBy(j -> StagedArtifacts.delete(backups.staging(j.job().id()))))
                .phase("lock", locks)
                .phase("backup", JobTask.of("backup", j -> backups.backup(j, members)).notIdempotent().attempts(1)
                        .weight(2))
                .phase("unlock", unlocks)
                .phase("store", JobTask.of("store", j -> {
                    Map<String, String> props = new TreeMap<>();
                    props.put(Backups.ACCOUNT_ID, j.job().accountId().orElse(""));
                    props.put(Backups.ACCOUNT, j.job().accountName().orElse(""));
                    props.put(Backups.SCOPE, j.job().param(PARAM_SCOPE));
                    props.put(Backups.SOURCE, j.job().param(PARAM_SOURCE));
                    props.put(Backups.REQUESTED_BY, j.job().requester().user());
                    props.put(Backups.JOB, Long.toString(j.job().id()));
                    String schedule = j.job().params().get(PARAM_SCHEDULE);
                    if (schedule != null) {
                        props.put(Backups.SCHEDULE, schedule);
                    }
                    var m = backups.store(j, backupId, members, props);
                    List<String> windows = new ArrayList<>();
                    for (String id : members) {
                        windows.add(names.getOrDefault(id, id) + " " + j.get("locked." + id).orElse("?") + " ms");
                    }
                    j.note("backup", "backup " + backupId + " (" + Backups.mb(m.logicalBytes()) + " MB, "
                            + Backups.mb(Long.parseLong(m.properties().get(Backups.NEW_BYTES))) + " MB new; locked: "
                            + String.join(", ", windows) + ")");
                }).notIdempotent().attempts(1).weight(6).compensatedBy(j -> {
                    backups.repository().abandon(backupId);
                    backups.repository().delete(backupId);
                }))
                .phase("cleanup", JobTask.of("cleanup", j -> StagedArtifacts.delete(backups.staging(j.job().id()))))
                .onEnd(ended -> StagedArtifacts.delete(backups.staging(ended.id())))
                .build();
    }

    private JobPlan restore(JobInfo job) {
        String backupId = job.param(PARAM_BACKUP);
        Map<String, String> targets = pairs(job.param(PARAM_TARGETS));
        List<String> order = list(job.param(PARAM_ORDER));
        Map<String, String> names = pairs(job.params().getOrDefault(PARAM_NAMES, ""));
        List<JobTask> locks = new ArrayList<>();
        for (String id : order) {
            locks.add(JobTask.of("lock " + names.getOrDefault(id, id), j -> backups.lock(j, id))
                    .compensatedBy(j -> backups.unlock(j, id)));
        }
        List<JobTask> unlocks = new ArrayList<>();
        for (String id : reversed(order)) {
            unlocks.add(JobTask.of("unlock " + names.getOrDefault(id, id), j -> backups.unlock(j, id)));
        }
        return JobPlan.builder()
                .phase("verify", JobTask.of("verify and extract", j -> backups.extract(j, backupId,
                        List.copyOf(targets.keySet()))).attempts(1).weight(4)
                        .compensatedBy(j -> StagedArtifacts.delete(backups.staging(j.job().id()))))
                .phase("lock", locks)
                .phase("restore", JobTask.of("restore", j -> backups.restore(j, backupId, targets)).attempts(1)
                        .weight(4))
                .phase("unlock", unlocks)
                .phase("cleanup", JobTask.of("cleanup", j -> StagedArtifacts.delete(backups.staging(j.job().id()))))
                .onEnd(ended -> StagedArtifacts.delete(backups.staging(ended.id())))
                .build();
    }

    private JobPlan verify(JobInfo job) {
        String backupId = job.param(PARAM_BACKUP);
        return JobPlan.builder()
                .phase("verify", JobTask.of("verify", j -> {
                    j.message("reading every chunk of backup " + backupId);
                    VerifyReport report = backups.repository().verify(backupId, (bytes, of) -> j.monitor().progress(
                            of == 0 ? 100 : (int) (bytes * 100 / of), "checked " + Backups.mb(bytes) + " of "
                                    + Backups.mb(of) + " MB"));
                    if (!report.ok()) {
                        LOG.warn("Backup {} is damaged: {}", backupId, report.problems());
                        throw new IllegalStateException("backup " + backupId + " is damaged: "
                                + String.join("; ", report.problems()) + " (it cannot be restored; delete it and "
                                + "take another backup)");
                    }
                    j.note("verified", "backup " + backupId + " verified: " + report.chunksChecked() + " chunks, "
                            + Backups.mb(report.bytesChecked()) + " MB, all checksums right");
                }).attempts(1))
                .build();
    }

    private JobPlan copy(JobInfo job) {
        String backupId = job.param(PARAM_BACKUP);
        return JobPlan.builder()
                .phase("copy", JobTask.of("copy", j -> {
                    var target = backups.copies().orElseThrow(() -> new IllegalStateException("no copy repository is "
                            + "configured: set copyRepository in etc/" + Backups.PID + ".cfg"));
                    j.message("copying backup " + backupId + " to " + target.root());
                    var report = backups.repository().copyTo(backupId, target, (bytes, of) -> j.monitor().progress(
                            of == 0 ? 100 : (int) (bytes * 100 / of), "copied " + Backups.mb(bytes) + " of "
                                    + Backups.mb(of) + " MB"));
                    j.note("copied", "backup " + backupId + " copied to " + target.root() + ": " + report.chunksSent()
                            + " chunks sent (" + Backups.mb(report.bytesSent()) + " MB), " + report.chunksAlreadyThere()
                            + " already there");
                }))
                .phase("verify", JobTask.of("verify the copy", j -> {
                    var target = backups.copies().orElseThrow();
                    VerifyReport report = target.verify(backupId, (bytes, of) -> j.monitor().progress(
                            of == 0 ? 100 : (int) (bytes * 100 / of), "checked " + Backups.mb(bytes) + " of "
                                    + Backups.mb(of) + " MB of the copy"));
                    if (!report.ok()) {
                        throw new IllegalStateException("the copy of backup " + backupId + " is damaged: "
                                + String.join("; ", report.problems()));
                    }
                }).attempts(1))
                .build();
    }

    static List<String> reversed(List<String> list) {
        List<String> r = new ArrayList<>(list);
        java.util.Collections.reverse(r);
        return r;
    }

    static List<String> list(String commaSeparated) {
        return commaSeparated.isBlank() ? List.of() : Arrays.stream(commaSeparated.split(",")).toList();
    }

    static Map<String, String> pairs(String text) {
        Map<String, String> m = new TreeMap<>();
        for (String pair : list(text)) {
            int eq = pair.indexOf('=');
            m.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return m;
    }

    static String pairs(Map<String, String> m) {
        return String.join(",", m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }
}
