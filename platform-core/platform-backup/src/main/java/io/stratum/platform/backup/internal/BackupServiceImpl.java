package io.stratum.platform.backup.internal;

import io.stratum.platform.api.BackupDTO;
import io.stratum.platform.api.BackupScheduleDTO;
import io.stratum.platform.api.BackupService;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobPlanDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.backup.internal.repo.Manifest;
import io.stratum.platform.backup.internal.repo.Member;
import io.stratum.platform.spi.AccountScopes.Need;
import io.stratum.platform.spi.AccountScopes.Scope;
import io.stratum.platform.spi.EnvironmentInfo;
import io.stratum.platform.spi.JobRequest;
import io.stratum.platform.spi.ManagedService;
import io.stratum.platform.spi.Resource;
import io.stratum.platform.spi.Secrets;
import io.stratum.platform.spi.Services;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The backups of one caller: every call scoped to the accounts the caller may see, with the facade's rules. */
final class BackupServiceImpl implements BackupService {

    private static final Logger LOG = LoggerFactory.getLogger(BackupServiceImpl.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final BackupAccessImpl parts;
    private final Caller caller;
    private final Services services;

    BackupServiceImpl(BackupAccessImpl parts, Caller caller) {
        this.parts = parts;
        this.caller = caller;
        this.services = parts.backups.services();
    }

    // ------------------------------------------------------------------ backups

    @Override
    public JobDTO backup(String account, String scope, String name) {
        return job(parts.jobs.submit(backupRequest(account, scope, name, null)).id());
    }

    @Override
    public JobPlanDTO previewBackup(String account, String scope, String name) {
        return parts.jobs.preview(backupRequest(account, scope, name, null));
    }

    /**
     * @param account the account
     * @param scope the scope
     * @param name what to back up
     * @param schedule the schedule that asks, or {@code null}
     * @return the backup job's request, checked
     */
    JobRequest backupRequest(String account, String scope, String name, String schedule) {
        Scope a = parts.scopes.resolve(caller, account, Need.WRITE, "back up services");
        List<ManagedService> members = members(a, scope, name);
        List<ManagedService> ordered;
        try {
            ordered = LockOrder.of(members, s -> services.context(s.id()).descriptor().backup().lockBefore());
        } catch (IllegalArgumentException e) {
            throw new PlatformException(Reason.INVALID, e.getMessage());
        }
        String source = scope.equals(ACCOUNT) ? a.name() : name;
        String id = ID_TIME.format(Instant.now()) + "-" + source + "-" + HexFormat.of().formatHex(randomBytes());
        JobRequest r = JobRequest.of(BackupPlanner.CREATE, scope + " " + source, caller).account(a.id())
                .param(BackupPlanner.PARAM_BACKUP, id)
                .param(BackupPlanner.PARAM_SCOPE, scope)
                .param(BackupPlanner.PARAM_SOURCE, source)
                .param(BackupPlanner.PARAM_MEMBERS, ordered.stream().map(ManagedService::id)
                        .collect(Collectors.joining(",")))
                .param(BackupPlanner.PARAM_NAMES, BackupPlanner.pairs(names(ordered)))
                .lock(ordered.stream().map(s -> Resource.service(s.id())).collect(Collectors.toSet()));
        return schedule == null ? r : r.param(BackupPlanner.PARAM_SCHEDULE, schedule);
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[3];
        RANDOM.nextBytes(b);
        return b;
    }

    private static Map<String, String> names(List<ManagedService> services) {
        Map<String, String> m = new LinkedHashMap<>();
        services.forEach(s -> m.put(s.id(), s.name()));
        return m;
    }

    /** @return the services a backup of that scope saves, each one that the platform runs and can back up */
    private List<ManagedService> members(Scope a, String scope, String name) {
        List<ManagedService> members;
        switch (scope == null ? "" : scope) {
            case SERVICE -> {
                ManagedService s = services.find(a.id(), name).orElseThrow(() -> new PlatformException(
                        Reason.NOT_FOUND, "no service '" + name + "' in account '" + a.name() + "'"));
                if (s.external()) {
                    throw new PlatformException(Reason.INVALID, "'" + name + "' is an external service: the "
                            + "platform does not run it, so it cannot back it up");
                }
                members = List.of(s);
            }
            case ENVIRONMENT -> {
                EnvironmentInfo env = services.environment(a.id(), name).orElseThrow(() -> new PlatformException(
                        Reason.NOT_FOUND, "no environment '" + name + "' in account '" + a.name() + "'"));
                members = env.memberIds().stream().map(services::find).flatMap(java.util.Optional::stream)
                        .filter(s -> !s.external()).toList();
            }
            case ACCOUNT -> members = services.ofAccount(a.id()).stream().filter(s -> !s.external()).toList();
            default -> throw new PlatformException(Reason.INVALID, "a backup's scope is service, environment or "
                    + "account, not '" + scope + "'");
        }
        if (members.isEmpty()) {
            throw new PlatformException(Reason.INVALID, "nothing to back up: " + scope + " '"
                    + (scope.equals(ACCOUNT) ? a.name() : name) + "' has no service the platform runs");
        }
        List<String> cannot = new ArrayList<>();
        for (ManagedService s : members) {
            if (parts.backups.engines().find(s).isEmpty()) {
                cannot.add(s.name() + " (" + s.serviceType() + " " + s.sdpVersion() + ")");
            }
        }
        if (!cannot.isEmpty()) {
            throw new PlatformException(Reason.INVALID, "cannot back up " + cannot + ": the SDP of that version is "
                    + "not installed or cannot back up (see stratum:sdp-list)");
        }
        return members;
    }

    @Override
    public List<BackupDTO> listBackups(String account) {
        Set<String> visible = new TreeSet<>();
        if (account != null && !account.isBlank()) {
            visible.add(parts.scopes.resolve(caller, account, Need.READ, "see backups").id());
        } else {
            parts.scopes.visible(caller).forEach(s -> visible.add(s.id()));
        }
        try {
            return parts.backups.repository().list().stream()
                    .filter(m -> visible.contains(m.properties().get(Backups.ACCOUNT_ID)))
                    .map(m -> dto(m, false, false)).toList();
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    @Override
    public BackupDTO getBackup(String id) {
        Manifest m = readable(id);
        return dto(m, true, canWrite(m));
    }

    private boolean canWrite(Manifest m) {
        try {
            parts.scopes.resolve(caller, m.properties().get(Backups.ACCOUNT), Need.WRITE, "see configurations");
            return true;
        } catch (PlatformException e) {
            return false;
        }
    }

    @Override
    public JobDTO verifyBackup(String id) {
        Manifest m = readable(id);
        return job(parts.jobs.submit(JobRequest.of(BackupPlanner.VERIFY, "backup " + id, caller)
                .account(m.properties().get(Backups.ACCOUNT_ID)).param(BackupPlanner.PARAM_BACKUP, id)).id());
    }

    @Override
    public JobDTO copyBackup(String id) {
        Manifest m = writable(id, "copy backups");
        if (parts.backups.copies().isEmpty()) {
            throw new PlatformException(Reason.UNAVAILABLE, "no copy repository is configured: a platform admin sets "
                    + "copyRepository in etc/" + Backups.PID + ".cfg");
        }
        return job(parts.jobs.submit(JobRequest.of(BackupPlanner.COPY, "backup " + id, caller)
                .account(m.properties().get(Backups.ACCOUNT_ID)).param(BackupPlanner.PARAM_BACKUP, id)).id());
    }

    @Override
    public BackupDTO deleteBackup(String id) {
        Manifest m = writable(id, "delete backups");
        try {
            parts.backups.repository().delete(id);
            var gc = parts.backups.repository().collectGarbage();
            LOG.info("Backup {} deleted by {}; {} chunks ({} MB) freed", id, caller, gc.chunksDeleted(),
                    Backups.mb(gc.bytesFreed()));
        } catch (IOException e) {
            throw unreadable(e);
        }
        return dto(m, true, true);
    }

    // ------------------------------------------------------------------ restores

    @Override
    public JobDTO restore(String id, String service, String into) {
        return job(parts.jobs.submit(restoreRequest(id, service, into)).id());
    }

    @Override
    public JobPlanDTO previewRestore(String id, String service, String into) {
        return parts.jobs.preview(restoreRequest(id, service, into));
    }

    private JobRequest restoreRequest(String id, String service, String into) {
        Manifest m = writable(id, "restore backups");
        String accountId = m.properties().get(Backups.ACCOUNT_ID);
        List<Member> chosen = m.members();
        if (service != null && !service.isBlank()) {
            chosen = m.members().stream().filter(x -> service.equals(x.properties().get("name"))).toList();
            if (chosen.isEmpty()) {
                throw new PlatformException(Reason.NOT_FOUND, "backup " + id + " has no service '" + service + "' (it has "
                        + m.members().stream().map(x -> x.properties().get("name")).toList() + ")");
            }
        }
        if (into != null && !into.isBlank() && chosen.size() != 1) {
            throw new PlatformException(Reason.INVALID, "name the service of backup " + id + " to restore into '" + into
                    + "' (--service): it has " + chosen.size());
        }
        Map<String, String> targets = new LinkedHashMap<>();
        List<ManagedService> targetServices = new ArrayList<>();
        for (Member member : chosen) {
            String targetName = into != null && !into.isBlank() ? into : member.properties().get("name");
            ManagedService target = services.find(accountId, targetName).orElseThrow(() -> new PlatformException(
                    Reason.NOT_FOUND, "no service '" + targetName + "' to restore into in account '"
                            + m.properties().get(Backups.ACCOUNT) + "'" + (into == null || into.isBlank()
                            ? " (it was deleted; restore into a new service of the same type with --into, or clone "
                                    + "it with stratum:service-clone --from-backup " + id + ")" : "")));
            try {
                Backups.checkCompatible(member, target);
            } catch (io.stratum.sme.api.SmeException e) {
                throw new PlatformException(Reason.INVALID, e.getMessage());
            }
            if (parts.backups.engines().find(target).isEmpty()) {
                throw new PlatformException(Reason.UNAVAILABLE, "cannot restore '" + target.name() + "': its SDP ("
                        + target.serviceType() + " " + target.sdpVersion() + ") is not installed or cannot restore");
            }
            targets.put(member.key(), target.id());
            targetServices.add(target);
        }
        List<ManagedService> ordered = LockOrder.of(targetServices,
                s -> services.context(s.id()).descriptor().backup().lockBefore());
        String what = targetServices.size() == 1 ? targetServices.get(0).name() : targetServices.size() + " services";
        return JobRequest.of(BackupPlanner.RESTORE, what + " from " + id, caller).account(accountId)
                .param(BackupPlanner.PARAM_BACKUP, id)
                .param(BackupPlanner.PARAM_TARGETS, BackupPlanner.pairs(targets))
                .param(BackupPlanner.PARAM_ORDER, ordered.stream().map(ManagedService::id)
                        .collect(Collectors.joining(",")))
                .param(BackupPlanner.PARAM_NAMES, BackupPlanner.pairs(names(ordered)))
                .lock(ordered.stream().map(s -> Resource.service(s.id())).collect(Collectors.toSet()));
    }

    // ------------------------------------------------------------------ schedules

    @Override
    public BackupScheduleDTO schedule(String account, String scope, String name, String cron, int keepLast,
            Duration keepFor) {
        backupRequest(account, scope, name, null); // checks the caller, the scope and that it can be backed up
        Scope a = parts.scopes.resolve(caller, account, Need.WRITE, "schedule backups");
        return parts.schedules.put(a, scope, scope.equals(ACCOUNT) ? a.name() : name, cron, keepLast, keepFor,
                caller);
    }

    @Override
    public List<BackupScheduleDTO> listSchedules(String account) {
        List<Scope> visible = account != null && !account.isBlank()
                ? List.of(parts.scopes.resolve(caller, account, Need.READ, "see backup schedules"))
                : parts.scopes.visible(caller);
        return parts.schedules.list(visible);
    }

    @Override
    public void deleteSchedule(String account, String id) {
        Scope a = parts.scopes.resolve(caller, account, Need.WRITE, "delete backup schedules");
        parts.schedules.delete(a, id);
    }

    // ------------------------------------------------------------------ helpers

    private Manifest readable(String id) {
        Manifest m = find(id);
        if (parts.scopes.visible(caller).stream().noneMatch(s -> s.id().equals(m.properties().get(Backups.ACCOUNT_ID)))) {
            throw noBackup(id);
        }
        return m;
    }

    private Manifest writable(String id, String what) {
        Manifest m = readable(id);
        parts.scopes.resolve(caller, m.properties().get(Backups.ACCOUNT), Need.WRITE, what);
        return m;
    }

    private Manifest find(String id) {
        if (id == null || !id.matches("[A-Za-z0-9._-]{1,100}")) {
            throw noBackup(id);
        }
        try {
            return parts.backups.repository().find(id).orElseThrow(() -> noBackup(id));
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    private static PlatformException noBackup(String id) {
        return new PlatformException(Reason.NOT_FOUND, "no backup '" + id + "' (see stratum:backup-list)");
    }

    private static PlatformException unreadable(IOException e) {
        return new PlatformException(Reason.INTERNAL, "the backup repository cannot be read: " + e.getMessage());
    }

    private static Map<String, String> masked(Map<String, String> config, boolean reveal) {
        if (reveal) {
            return config;
        }
        return Secrets.shown(config);
    }

    private JobDTO job(long id) {
        return parts.platform.as(caller).getJob(id);
    }

    /**
     * @param m a manifest
     * @param withMembers with its members
     * @param reveal show configuration values whose keys look secret (for members and admins of the account)
     * @return the backup as users see it
     */
    static BackupDTO dto(Manifest m, boolean withMembers, boolean reveal) {
        Map<String, String> p = m.properties();
        List<BackupDTO.MemberDTO> members = !withMembers ? List.of() : m.members().stream()
                .map(x -> new BackupDTO.MemberDTO(x.key(), x.properties().get("name"),
                        x.properties().get("serviceType"), x.properties().get("sdpVersion"),
                        x.properties().get("plan"), x.artifacts().size(), x.logicalBytes(),
                        Long.parseLong(x.properties().getOrDefault("lockedMillis", "0")),
                        masked(Backups.stringMap(x.properties().get(Backups.MEMBER_CONFIG)), reveal),
                        Backups.stringMap(x.properties().get("providerNames"))))
                .toList();
        return new BackupDTO(m.id(), p.get(Backups.ACCOUNT), p.get(Backups.SCOPE), p.get(Backups.SOURCE),
                Instant.ofEpochMilli(Long.parseLong(p.getOrDefault(Backups.TAKEN_AT,
                        Long.toString(m.createdAt().toEpochMilli())))), m.createdAt(), p.get(Backups.REQUESTED_BY),
                Long.parseLong(p.getOrDefault(Backups.JOB, "0")), m.logicalBytes(),
                Long.parseLong(p.getOrDefault(Backups.NEW_BYTES, "0")), members);
    }
}
