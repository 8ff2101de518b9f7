package io.stratum.platform.backup.internal;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.api.PlatformEvents;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.backup.internal.repo.Manifest;
import io.stratum.platform.backup.internal.repo.Member;
import io.stratum.platform.spi.JobInfo;
import io.stratum.platform.spi.Jobs;
import io.stratum.platform.spi.ManagedService;
import io.stratum.platform.spi.Services;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings back the instance count a backup recorded after a restore in place. The restore job itself restores state
 * (data, the deployed application, routes); the number of instances is the platform's, changed only by a scale job,
 * which checks the account's quota and tells the web tier. So when a restore job succeeds, every service restored into
 * itself whose configured {@code instances} differ from the backup's is scaled to the backup's count, by a scale job
 * asked for by whoever asked for the restore, with the restore as its cause. A restore into another service
 * ({@code --into}) keeps that service's count, as it keeps its logins and ports; a clone is created with the backup's
 * count already.
 * <p>
 * The scale follows the restore's end event: if the platform stops in between, the count stays as it was, and the log
 * of the next start does not say so. A scale the platform refuses (over quota, another job on the service) is logged
 * with its reason; the restore stays successful.
 */
@Component(service = EventHandler.class, property = {
    EventConstants.EVENT_TOPIC + "=" + PlatformEvents.JOB_TOPIC_PREFIX + "SUCCEEDED",
    EventConstants.EVENT_FILTER + "=(" + PlatformEvents.JOB_KIND + "=" + BackupPlanner.RESTORE + ")"})
public final class RestoredInstances implements EventHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RestoredInstances.class);

    /** The configuration key of a service's instance count, as the platform keeps it. */
    static final String INSTANCES = "instances";

    private final Jobs jobs;
    private final Backups backups;
    private final Services services;
    private final PlatformAccess platform;

    /**
     * @param jobs the jobs, to read the restore's parameters and requester
     * @param backups the repository, to read the backup's members
     * @param services the services restored
     * @param platform the facade that scales them, as the restore's requester
     */
    @Activate
    public RestoredInstances(@Reference Jobs jobs, @Reference Backups backups, @Reference Services services,
            @Reference PlatformAccess platform) {
        this.jobs = jobs;
        this.backups = backups;
        this.services = services;
        this.platform = platform;
    }

    @Override
    public void handleEvent(Event event) {
        Object id = event.getProperty(PlatformEvents.JOB_ID);
        if (!(id instanceof Long jobId)) {
            return;
        }
        try {
            Optional<JobInfo> restore = jobs.find(jobId);
            if (restore.isPresent()) {
                restored(restore.get());
            }
        } catch (RuntimeException | IOException e) {
            LOG.warn("Job {}: cannot bring back the instance counts of its backup: {}", jobId, e.toString());
        }
    }

    /**
     * Scales each service restored in place by {@code restore} to its backup's count, where that differs.
     *
     * @param restore a restore job that succeeded
     * @return the scale jobs submitted
     * @throws IOException if the backup's manifest cannot be read
     */
    List<JobDTO> restored(JobInfo restore) throws IOException {
        String backupId = restore.params().get(BackupPlanner.PARAM_BACKUP);
        Optional<Manifest> manifest = backupId == null ? Optional.empty() : backups.repository().find(backupId);
        List<JobDTO> scales = new ArrayList<>();
        if (manifest.isEmpty()) {
            return scales;
        }
        Map<String, String> targets = BackupPlanner.pairs(restore.params().getOrDefault(BackupPlanner.PARAM_TARGETS,
                ""));
        for (Member member : manifest.get().members()) {
            String target = targets.get(member.key());
            String recorded = Backups.stringMap(member.properties().get(Backups.MEMBER_CONFIG)).get(INSTANCES);
            if (!member.key().equals(target) || recorded == null) {
                continue; // not restored, restored into another service, or a type without an instance count
            }
            Optional<ManagedService> service = services.find(target);
            if (service.isEmpty() || recorded.equals(service.get().configuration().get(INSTANCES))) {
                continue;
            }
            ManagedService s = service.get();
            Caller caller = restore.requester().because("restore of backup " + backupId + " (job " + restore.id()
                    + ") brings back its instance count");
            try {
                JobDTO scale = platform.as(caller).scaleService(s.accountName(), s.name(), Integer.parseInt(recorded));
                LOG.info("Job {}: '{}' is scaled back to the {} instance(s) of backup {} (job {})", restore.id(),
                        s.name(), recorded, backupId, scale.id());
                scales.add(scale);
            } catch (PlatformException | NumberFormatException e) {
                LOG.warn("Job {}: '{}' keeps {} instance(s), not the {} of backup {}: {}", restore.id(), s.name(),
                        s.configuration().getOrDefault(INSTANCES, "its"), recorded, backupId, e.getMessage());
            }
        }
        return scales;
    }
}
