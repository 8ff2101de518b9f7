package io.stratum.platform.clone.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stratum.platform.api.BackupAccess;
import io.stratum.platform.api.BackupDTO;
import io.stratum.platform.api.BackupService;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.spi.JobContext;
import io.stratum.platform.spi.JobInfo;
import io.stratum.platform.spi.JobPlan;
import io.stratum.platform.spi.JobPlanner;
import io.stratum.platform.spi.JobTask;
import io.stratum.platform.spi.Jobs;
import io.stratum.platform.spi.Services;
import io.stratum.platform.spi.StepContributor;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Plans clone jobs. Each submits other jobs and waits for them (so they are composite): a backup of the source (unless
 * the clone starts from an existing backup), then the create of the copy, whose plan gets a restore between provision
 * and start from the backup bundle's {@code backup.restore} contribution. Each task records the job it submitted, so
 * that a clone resumed after a crash waits for that job instead of submitting another.
 * <ul>
 * <li>{@value #SERVICE}: one service, with the source's SDP version, plan, configuration and providers.</li>
 * <li>{@value #ENVIRONMENT}: every member of an environment, from one staged backup (one point in time), created in
 * dependency order under new names and wired to each other: a member that used another member uses that member's
 * copy; a provider outside the environment stays the same.</li>
 * </ul>
 */
@Component(service = JobPlanner.class, property = {JobPlanner.KINDS + "=" + ClonePlanner.SERVICE,
    JobPlanner.KINDS + "=" + ClonePlanner.ENVIRONMENT, JobPlanner.COMPOSITE + "=true"})
public final class ClonePlanner implements JobPlanner {

    /** Job kind: clone a service. */
    public static final String SERVICE = "clone.service";
    /** Job kind: clone an environment. */
    public static final String ENVIRONMENT = "clone.environment";

    /** Job parameter: the source's name (a service or an environment). */
    static final String PARAM_SOURCE = "source";
    /** Job parameter: the copy's name. */
    static final String PARAM_TARGET = "target";
    /** Job parameter: the backup to clone from, if the clone takes none. */
    static final String PARAM_FROM_BACKUP = "fromBackup";
    /** Job parameter: the source service's id (service clones). */
    static final String PARAM_SOURCE_ID = "sourceId";

    /** The restore contribution of the backup bundle, and its parameters. */
    static final String RESTORE = "backup.restore";
    static final String RESTORE_BACKUP = "restore.backup";
    static final String RESTORE_MEMBER = "restore.member";

    static final ObjectMapper JSON = new ObjectMapper();

    private final Jobs jobs;
    private final Services services;
    private final BackupAccess backups;
    private final PlatformAccess platform;

    /**
     * @param jobs the engine
     * @param services the services
     * @param backups the backups
     * @param platform the platform's facade
     */
    @Activate
    public ClonePlanner(@Reference Jobs jobs, @Reference Services services, @Reference BackupAccess backups,
            @Reference PlatformAccess platform) {
        this.jobs = jobs;
        this.services = services;
        this.backups = backups;
        this.platform = platform;
    }

    @Override
    public JobPlan plan(JobInfo job) {
        String source = job.param(PARAM_SOURCE);
        String target = job.param(PARAM_TARGET);
        boolean env = job.kind().equals(ENVIRONMENT);
        JobTask backup = JobTask.of(job.params().containsKey(PARAM_FROM_BACKUP) ? "use backup "
                + job.param(PARAM_FROM_BACKUP) : "back up " + source, j -> backup(j, env ? BackupService.ENVIRONMENT
                        : BackupService.SERVICE, source)).attempts(1);
        JobTask create = JobTask.of("create " + target, j -> {
            if (env) {
                createEnvironment(j, source, target);
            } else {
                createService(j, target);
            }
        }).attempts(1).weight(3);
        return JobPlan.builder().phase("backup", backup).phase("create", create).build();
    }

    /** Takes the backup the clone starts from (or uses the one named), recording its id as {@code backup}. */
    private void backup(JobContext j, String scope, String source) throws Exception {
        if (j.get("backup").isPresent()) {
            return;
        }
        String from = j.job().params().get(PARAM_FROM_BACKUP);
        if (from != null) {
            j.put("backup", from);
            return;
        }
        Caller by = j.job().requester();
        long id;
        Optional<String> submitted = j.get("backupJob");
        if (submitted.isPresent()) {
            id = Long.parseLong(submitted.get());
        } else {
            id = backups.as(by).backup(j.job().accountName().orElse(null), scope, source).id();
            j.put("backupJob", Long.toString(id));
        }
        j.message("backing up " + source + " (job " + id + ")");
        JobInfo ended = await(j, id);
        if (ended.state() != JobState.SUCCEEDED) {
            throw new IllegalStateException("the backup of '" + source + "' (job " + id + ") ended " + ended.state()
                    + ": " + ended.error());
        }
        j.put("backup", ended.param(BackupService.JOB_PARAM_BACKUP));
    }

    private void createService(JobContext j, String target) throws Exception {
        String backupId = j.get("backup").orElseThrow();
        Caller by = j.job().requester();
        String account = j.job().accountName().orElse(null);
        long id;
        Optional<String> submitted = j.get("createJob");
        if (submitted.isPresent()) {
            id = Long.parseLong(submitted.get());
        } else {
            BackupDTO b = backups.as(by).getBackup(backupId);
            BackupDTO.MemberDTO m = member(b, j.job().params().get(PARAM_SOURCE_ID), j.job().param(PARAM_SOURCE));
            Map<String, String> params = new LinkedHashMap<>();
            params.put(StepContributor.REQUIRED, RESTORE);
            params.put(RESTORE_BACKUP, backupId);
            params.put(RESTORE_MEMBER, m.serviceId());
            id = services.create(by, new CreateServiceRequest(account, m.serviceType(), target, m.plan(),
                    m.sdpVersion(), m.configuration(), m.providers(), false), params).id();
            j.put("createJob", Long.toString(id));
        }
        j.message("creating " + target + " (job " + id + ")");
        JobInfo ended = await(j, id);
        if (ended.state() != JobState.SUCCEEDED) {
            throw new IllegalStateException("creating '" + target + "' (job " + id + ") ended " + ended.state() + ": "
                    + ended.error());
        }
        j.note("clone", "'" + target + "' is a copy of '" + j.job().param(PARAM_SOURCE) + "' as of backup " + backupId);
    }

    /** @return the member of the backup that is the source service */
    static BackupDTO.MemberDTO member(BackupDTO b, String sourceId, String sourceName) {
        return b.members().stream().filter(m -> m.serviceId().equals(sourceId)).findFirst()
                .or(() -> b.members().stream().filter(m -> m.name().equals(sourceName)).findFirst())
                .or(() -> b.members().size() == 1 ? Optional.of(b.members().get(0)) : Optional.empty())
                .orElseThrow(() -> new IllegalStateException("backup " + b.id() + " has no service '" + sourceName
                        + "' (it has " + b.members().stream().map(BackupDTO.MemberDTO::name).toList() + ")"));
    }

    private void createEnvironment(JobContext j, String source, String target) throws Exception {
        String backupId = j.get("backup").orElseThrow();
        Caller by = j.job().requester();
        String account = j.job().accountName().orElse(null);
        long id;
        Optional<String> submitted = j.get("createJob");
        if (submitted.isPresent()) {
            id = Long.parseLong(submitted.get());
        } else {
            BackupDTO b = backups.as(by).getBackup(backupId);
            Map<String, Map<String, String>> memberParams = new LinkedHashMap<>();
            String document = document(b, source, target, memberParams);
            id = services.createEnvironment(by, new EnvironmentRequest(account, document, null), memberParams).id();
            j.put("createJob", Long.toString(id));
        }
        j.message("creating environment " + target + " (job " + id + ")");
        JobInfo ended = await(j, id);
        if (ended.state() != JobState.SUCCEEDED) {
            throw new IllegalStateException("creating environment '" + target + "' (job " + id + ") ended "
                    + ended.state() + ": " + ended.error());
        }
        j.note("clone", "environment '" + target + "' is a copy of '" + source + "' as of backup " + backupId);
    }

    /**
     * @param source the source environment's name
     * @param target the copy's name
     * @param member a member's name
     * @return the name of the member's copy: the target's name, then the member's name without the source's name
     *     in front (so {@code shop-db} of {@code shop} becomes {@code shop2-db} of {@code shop2})
     */
    static String copyName(String source, String target, String member) {
        String rest = member.startsWith(source + "-") ? member.substring(source.length() + 1) : member;
        return target + "-" + rest;
    }

    /** @return the environment document of the copy, filling in each member's restore parameters */
    static String document(BackupDTO b, String source, String target,
            Map<String, Map<String, String>> memberParams) throws Exception {
        Map<String, String> copies = new LinkedHashMap<>();
        for (BackupDTO.MemberDTO m : b.members()) {
            copies.put(m.name(), copyName(source, target, m.name()));
        }
        ObjectNode doc = JSON.createObjectNode();
        doc.put("name", target);
        ArrayNode list = doc.putArray("services");
        for (BackupDTO.MemberDTO m : b.members()) {
            ObjectNode s = list.addObject();
            s.put("name", copies.get(m.name()));
            s.put("type", m.serviceType());
            s.put("plan", m.plan());
            s.put("version", m.sdpVersion());
            ObjectNode config = s.putObject("config");
            m.configuration().forEach(config::put);
            ObjectNode providers = s.putObject("providers");
            // a member's provider that is in the backup is replaced by its copy; one outside stays
            m.providers().forEach((type, name) -> providers.put(type, copies.getOrDefault(name, name)));
            Map<String, String> params = new LinkedHashMap<>();
            params.put(StepContributor.REQUIRED, RESTORE);
            params.put(RESTORE_BACKUP, b.id());
            params.put(RESTORE_MEMBER, m.serviceId());
            memberParams.put(copies.get(m.name()), params);
        }
        return JSON.writeValueAsString(doc);
    }

    /** Waits for a job, giving up when this job is cancelled (the other job is then cancelled too). */
    private JobInfo await(JobContext j, long id) throws Exception {
        while (true) {
            JobInfo other = jobs.await(id, Duration.ofSeconds(2));
            if (other.state().isDone()) {
                return other;
            }
            if (j.isCancelled()) {
                platform.as(j.job().requester()).cancelJob(id);
                throw new IllegalStateException("cancelled while job " + id + " ran; it was asked to stop too");
            }
        }
    }
}
