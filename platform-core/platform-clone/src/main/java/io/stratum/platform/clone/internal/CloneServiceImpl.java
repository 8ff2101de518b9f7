package io.stratum.platform.clone.internal;

import io.stratum.platform.api.BackupDTO;
import io.stratum.platform.api.BackupService;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CloneService;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobPlanDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.QuotaDTO;
import io.stratum.platform.spi.AccountScopes.Need;
import io.stratum.platform.spi.AccountScopes.Scope;
import io.stratum.platform.spi.EnvironmentInfo;
import io.stratum.platform.spi.JobRequest;
import io.stratum.platform.spi.ManagedService;
import java.util.ArrayList;
import java.util.List;

/** The clones of one caller, scoped like the platform's facade. */
final class CloneServiceImpl implements CloneService {

    private final CloneAccessImpl parts;
    private final Caller caller;

    CloneServiceImpl(CloneAccessImpl parts, Caller caller) {
        this.parts = parts;
        this.caller = caller;
    }

    @Override
    public JobDTO cloneService(String account, String source, String target, String fromBackup) {
        return parts.platform.as(caller).getJob(parts.jobs.submit(serviceRequest(account, source, target, fromBackup))
                .id());
    }

    @Override
    public JobPlanDTO previewCloneService(String account, String source, String target, String fromBackup) {
        JobRequest r = serviceRequest(account, source, target, fromBackup);
        JobPlanDTO plan = parts.jobs.preview(r);
        List<String> notes = new ArrayList<>(plan.notes());
        if (fromBackup == null) {
            notes.add(parts.backups.as(caller).previewBackup(account, BackupService.SERVICE, source).phases()
                    .stream().map(p -> p.name() + ": " + String.join(", ", p.tasks()))
                    .reduce("the backup job would: ", (a, b) -> a + (a.endsWith(": ") ? "" : "; ") + b));
        }
        notes.add("the create job of '" + target + "' would provision it, restore the backup into it, then start it");
        return new JobPlanDTO(plan.kind(), plan.target(), plan.phases(), List.of("service " + source + " (read)",
                "service " + target + " (new)"), notes);
    }

    private JobRequest serviceRequest(String account, String source, String target, String fromBackup) {
        Scope a = parts.scopes.resolve(caller, account, Need.WRITE, "clone services");
        checkFree(a, target);
        JobRequest r = JobRequest.of(ClonePlanner.SERVICE, source + " -> " + target, caller).account(a.id())
                .param(ClonePlanner.PARAM_SOURCE, source).param(ClonePlanner.PARAM_TARGET, target);
        if (fromBackup != null && !fromBackup.isBlank()) {
            BackupDTO b = backupOf(a, fromBackup);
            BackupDTO.MemberDTO m = ClonePlanner.member(b, null, source);
            return r.param(ClonePlanner.PARAM_FROM_BACKUP, fromBackup).param(ClonePlanner.PARAM_SOURCE_ID,
                    m.serviceId());
        }
        ManagedService s = parts.services.find(a.id(), source).orElseThrow(() -> new PlatformException(
                Reason.NOT_FOUND, "no service '" + source + "' in account '" + a.name() + "'"));
        parts.backups.as(caller).previewBackup(a.name(), BackupService.SERVICE, source); // it can be backed up
        return r.param(ClonePlanner.PARAM_SOURCE_ID, s.id());
    }

    @Override
    public JobDTO cloneEnvironment(String account, String source, String target, String fromBackup) {
        return parts.platform.as(caller).getJob(parts.jobs.submit(environmentRequest(account, source, target,
                fromBackup)).id());
    }

    @Override
    public JobPlanDTO previewCloneEnvironment(String account, String source, String target, String fromBackup) {
        JobRequest r = environmentRequest(account, source, target, fromBackup);
        JobPlanDTO plan = parts.jobs.preview(r);
        Scope a = parts.scopes.resolve(caller, account, Need.WRITE, "clone environments");
        List<String> touches = new ArrayList<>();
        if (fromBackup == null) {
            EnvironmentInfo env = parts.services.environment(a.id(), source).orElseThrow();
            for (String id : env.memberIds()) {
                parts.services.find(id).ifPresent(s -> {
                    touches.add("service " + s.name() + " (locked for the backup)");
                    touches.add("service " + ClonePlanner.copyName(source, target, s.name()) + " (new)");
                });
            }
        } else {
            for (BackupDTO.MemberDTO m : backupOf(a, fromBackup).members()) {
                touches.add("service " + ClonePlanner.copyName(source, target, m.name()) + " (new)");
            }
        }
        touches.add("environment " + target + " (new)");
        return new JobPlanDTO(plan.kind(), plan.target(), plan.phases(), touches, List.of("the environment's "
                + "create job would create the copies in dependency order, each provisioned, restored, then started"));
    }

    private JobRequest environmentRequest(String account, String source, String target, String fromBackup) {
        Scope a = parts.scopes.resolve(caller, account, Need.WRITE, "clone environments");
        if (parts.services.environment(a.id(), target).isPresent()) {
            throw new PlatformException(Reason.ALREADY_EXISTS, "an environment named '" + target + "' already exists "
                    + "in account '" + a.name() + "'");
        }
        JobRequest r = JobRequest.of(ClonePlanner.ENVIRONMENT, source + " -> " + target, caller).account(a.id())
                .param(ClonePlanner.PARAM_SOURCE, source).param(ClonePlanner.PARAM_TARGET, target);
        List<String> names = new ArrayList<>();
        if (fromBackup != null && !fromBackup.isBlank()) {
            BackupDTO b = backupOf(a, fromBackup);
            b.members().forEach(m -> names.add(ClonePlanner.copyName(source, target, m.name())));
            r = r.param(ClonePlanner.PARAM_FROM_BACKUP, fromBackup);
        } else {
            EnvironmentInfo env = parts.services.environment(a.id(), source).orElseThrow(() -> new PlatformException(
                    Reason.NOT_FOUND, "no environment '" + source + "' in account '" + a.name() + "'"));
            for (String id : env.memberIds()) {
                parts.services.find(id).ifPresent(s -> names.add(ClonePlanner.copyName(source, target, s.name())));
            }
            parts.backups.as(caller).previewBackup(a.name(), BackupService.ENVIRONMENT, source);
        }
        for (String n : names) {
            checkFree(a, n);
        }
        return r;
    }

    @Override
    public JobDTO cloneAccount(String source, String target, long version, boolean withData) {
        AccountClones.Prepared p = prepareAccount(source, target, version, withData);
        return parts.platform.as(caller).getJob(parts.jobs.submit(AccountClones.request(caller, p)).id());
    }

    @Override
    public JobPlanDTO previewCloneAccount(String source, String target, long version, boolean withData) {
        AccountClones.Prepared p = prepareAccount(source, target, version, withData);
        JobPlanDTO plan = parts.jobs.preview(AccountClones.request(caller, p));
        AccountSnapshot snap = p.snapshot();
        List<String> touches = new ArrayList<>();
        touches.add("account " + p.source().name() + " (read, as of version " + snap.version() + ")");
        touches.add("account " + target + " (new)");
        for (AccountSnapshot.External e : snap.externals().values()) {
            if (AccountClones.externalBinding(e, parts.services, p.source().id()).unrecoverable().isEmpty()) {
                touches.add("external service " + e.name() + " (new)");
            }
        }
        for (List<CreationOrder.Unit> level : p.levels()) {
            for (CreationOrder.Unit u : level) {
                if (u.environment() != null) {
                    touches.add("environment " + u.environment() + " (new)");
                }
                u.services().forEach(s -> touches.add("service " + s + " (new)"));
            }
        }
        List<String> notes = new ArrayList<>(plan.notes());
        notes.add("services are created level by level (" + p.levels().size() + " levels): each environment by one "
                + "environment job, each other service by its own create job; a level starts when the one before has "
                + "succeeded");
        if (withData) {
            p.backups().forEach((name, c) -> notes.add("'" + name + "' would be restored from backup " + c.backupId()
                    + " before it starts"));
        }
        notes.add("the quota would be " + quota(snap.quota()));
        if (!snap.members().isEmpty()) {
            notes.add("roles would be granted last: " + snap.members());
        }
        notes.addAll(p.notes());
        return new JobPlanDTO(plan.kind(), plan.target(), plan.phases(), touches, notes);
    }

    private AccountClones.Prepared prepareAccount(String source, String target, long version, boolean withData) {
        return AccountClones.prepare(caller, parts.scopes, parts.platform.as(caller), parts.backups.as(caller),
                parts.services, source, target, version, withData);
    }

    private static String quota(QuotaDTO q) {
        return "services " + limit(q.maxServices()) + ", instances " + limit(q.maxInstances()) + ", memory "
                + (q.maxMemoryMb() < 0 ? "unlimited" : q.maxMemoryMb() + " MiB");
    }

    private static String limit(long n) {
        return n < 0 ? "unlimited" : Long.toString(n);
    }

    private BackupDTO backupOf(Scope a, String id) {
        BackupDTO b = parts.backups.as(caller).getBackup(id);
        if (!a.name().equals(b.account())) {
            throw new PlatformException(Reason.INVALID, "backup " + id + " is of account '" + b.account() + "', not '"
                    + a.name() + "': a clone is made in the account of its backup");
        }
        return b;
    }

    private void checkFree(Scope a, String name) {
        if (parts.services.find(a.id(), name).isPresent()) {
            throw new PlatformException(Reason.ALREADY_EXISTS, "a service named '" + name + "' already exists in "
                    + "account '" + a.name() + "'");
        }
    }
}
