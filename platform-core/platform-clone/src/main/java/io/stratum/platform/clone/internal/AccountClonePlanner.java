package io.stratum.platform.clone.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stratum.platform.api.AccountDTO;
import io.stratum.platform.api.AccountVersionDTO;
import io.stratum.platform.api.BackupAccess;
import io.stratum.platform.api.BackupDTO;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.ExternalServiceRequest;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobQuery;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.UserDTO;
import io.stratum.platform.spi.AccountScopes;
import io.stratum.platform.spi.JobContext;
import io.stratum.platform.spi.JobInfo;
import io.stratum.platform.spi.JobPlan;
import io.stratum.platform.spi.JobPlanner;
import io.stratum.platform.spi.JobTask;
import io.stratum.platform.spi.Jobs;
import io.stratum.platform.spi.Services;
import io.stratum.platform.spi.StepContributor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Plans {@value AccountClones#KIND} jobs: a new account whose administrative state is the source's at a version.
 * The state is rebuilt from the source's history ({@link AccountSnapshot}; the versions up to the clone's never
 * change, so the plan depends on the job's parameters only). Phases, in order:
 * <ol>
 * <li>{@code account}: create the account and record in its history where it came from.</li>
 * <li>{@code external services}: register the external services of the version, masked binding values taken from
 * the live source service of the same name; one whose values cannot be recovered is left out with a note.</li>
 * <li>{@code services}: one task per level of {@link CreationOrder}: each environment of the version by an
 * environment job of the same name and members, each other service by a service create job, all of a level
 * together, waiting until all have ended. Each has the same SDP version, plan, configuration (masked values
 * recovered as {@link AccountClones#configSources} says) and providers (by name: the target's copies have the
 * source's names); with data, the restore step of the backup bundle puts the chosen backup member into it between
 * provision and start.</li>
 * <li>{@code finish}: set the quota of the version, then grant the roles of the version to the users that still
 * exist (the others are noted). Members come last, so that nobody but platform admins changes the account while
 * the clone makes it.</li>
 * </ol>
 * Each task records the jobs it submitted, so a clone resumed after a crash waits for them instead of submitting
 * again (and adopts a job whose submission it did not get to record). A child job that fails fails the clone with
 * its error; what the clone made before stays (accounts cannot be deleted), which the error says.
 */
@Component(service = JobPlanner.class, property = {JobPlanner.KINDS + "=" + AccountClones.KIND,
    JobPlanner.COMPOSITE + "=true"})
public final class AccountClonePlanner implements JobPlanner {

    private static final String TARGET_ID = "targetId";
    private static final String CREATING = "accountCreating";

    private final Jobs jobs;
    private final Services services;
    private final BackupAccess backups;
    private final PlatformAccess platform;
    private final AccountScopes scopes;

    /**
     * @param jobs the engine
     * @param services the services
     * @param backups the backups
     * @param platform the platform's facade
     * @param scopes records the clone's origin
     */
    @Activate
    public AccountClonePlanner(@Reference Jobs jobs, @Reference Services services, @Reference BackupAccess backups,
            @Reference PlatformAccess platform, @Reference AccountScopes scopes) {
        this.jobs = jobs;
        this.services = services;
        this.backups = backups;
        this.platform = platform;
        this.scopes = scopes;
    }

    @Override
    public JobPlan plan(JobInfo job) {
        String source = job.param(AccountClones.PARAM_SOURCE);
        String target = job.param(AccountClones.PARAM_TARGET);
        long version = Long.parseLong(job.param(AccountClones.PARAM_VERSION));
        AccountSnapshot snap = AccountClones.snapshot(platform.as(job.requester()), source, version);
        List<List<CreationOrder.Unit>> levels = CreationOrder.levels(snap);
        Clone c = new Clone(snap);
        JobPlan.Builder plan = JobPlan.builder().phase("account", JobTask.of("create account " + target,
                c::createAccount).attempts(1));
        if (!snap.externals().isEmpty()) {
            plan.phase("external services", JobTask.of("register " + String.join(", ", snap.externals().keySet()),
                    c::registerExternals).attempts(1));
        }
        List<JobTask> creates = new ArrayList<>();
        for (List<CreationOrder.Unit> level : levels) {
            creates.add(JobTask.of("create " + AccountClones.labels(level), j -> c.createLevel(j, level)).attempts(1)
                    .weight(3));
        }
        if (!creates.isEmpty()) {
            plan.phase("services", creates);
        }
        plan.phase("finish", JobTask.of("set the quota", c::setQuota));
        if (!snap.members().isEmpty()) {
            plan.phase("finish", JobTask.of("grant " + snap.members().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")), c::grant));
        }
        return plan.build();
    }

    /** The tasks of one clone job. */
    private final class Clone {
        private final AccountSnapshot snap;

        Clone(AccountSnapshot snap) {
            this.snap = snap;
        }

        private String source(JobContext j) {
            return j.job().param(AccountClones.PARAM_SOURCE);
        }

        private String target(JobContext j) {
            return j.job().param(AccountClones.PARAM_TARGET);
        }

        private PlatformService facade(JobContext j) {
            return platform.as(j.job().requester());
        }

        void createAccount(JobContext j) {
            if (j.get(TARGET_ID).isPresent()) {
                return;
            }
            PlatformService p = facade(j);
            Caller by = j.job().requester();
            String target = target(j);
            String origin = "clone of account '" + source(j) + "' at version " + snap.version() + " (job "
                    + j.job().id() + ")";
            Optional<AccountDTO> existing = p.listAccounts().stream().filter(a -> a.name().equals(target)).findFirst();
            AccountDTO account;
            if (existing.isPresent()) {
                // made by this job before a crash, or by someone else since the clone was submitted
                List<AccountVersionDTO> history = p.accountHistory(target, 0);
                boolean ours = j.get(CREATING).isPresent() && history.stream().filter(v -> v.version() == 1)
                        .anyMatch(v -> v.user().equals(by.user()));
                if (!ours) {
                    throw new IllegalStateException("account '" + target + "' was created after this clone was "
                            + "submitted; clone again into another name");
                }
                account = existing.get();
            } else {
                j.put(CREATING, "true");
                account = p.createAccount(target);
            }
            boolean recorded = p.accountHistory(target, 0).stream().flatMap(v -> v.changes().stream())
                    .anyMatch(ch -> ch.entity().equals("account") && ch.field().equals("origin")
                            && origin.equals(ch.after()));
            if (!recorded) {
                scopes.recordOrigin(account.id(), by, origin);
            }
            j.put(TARGET_ID, account.id());
            j.note("origin", "account '" + target + "' is a " + origin);
        }

        void registerExternals(JobContext j) {
            PlatformService p = facade(j);
            String targetId = j.get(TARGET_ID).orElseThrow();
            String sourceId = j.job().param(AccountClones.PARAM_SOURCE_ID);
            for (AccountSnapshot.External e : snap.externals().values()) {
                if (services.find(targetId, e.name()).isPresent()) {
                    continue; // registered before an interruption
                }
                MaskedValues.Recovered r = AccountClones.externalBinding(e, services, sourceId);
                if (!r.unrecoverable().isEmpty()) {
                    j.note("external:" + e.name(), "external service '" + e.name() + "' was not registered: its "
                            + "masked binding " + r.unrecoverable() + " is no longer registered in account '"
                            + source(j) + "'; register it in '" + target(j) + "' yourself");
                    continue;
                }
                Map<String, String> binding = new TreeMap<>(r.values());
                String url = binding.remove("url");
                String user = binding.remove("user");
                String password = binding.remove("password");
                j.message("registering " + e.name());
                p.registerExternalService(new ExternalServiceRequest(target(j), e.type(), e.name(), url, user,
                        password, binding));
            }
        }

        void createLevel(JobContext j, List<CreationOrder.Unit> level) throws Exception {
            Map<Long, CreationOrder.Unit> submitted = new LinkedHashMap<>();
            for (CreationOrder.Unit u : level) {
                String key = "job:" + u.key();
                Optional<String> recorded = j.get(key);
                long id;
                if (recorded.isPresent()) {
                    id = Long.parseLong(recorded.get());
                } else {
                    Optional<Long> adopted = adopt(j, u);
                    id = adopted.isPresent() ? adopted.get() : submit(j, u);
                    j.put(key, Long.toString(id));
                }
                submitted.put(id, u);
            }
            j.message("creating " + AccountClones.labels(level) + " (jobs " + submitted.keySet() + ")");
            List<String> failed = new ArrayList<>();
            for (Map.Entry<Long, CreationOrder.Unit> e : submitted.entrySet()) {
                JobInfo ended = await(j, e.getKey(), submitted.keySet());
                if (ended.state() != JobState.SUCCEEDED) {
                    failed.add("creating " + e.getValue().label() + " (job " + e.getKey() + ") ended "
                            + ended.state() + ": " + ended.error());
                }
            }
            if (!failed.isEmpty()) {
                throw new IllegalStateException(String.join("; ", failed) + ". Account '" + target(j) + "' keeps "
                        + "what the clone made before (see stratum:service-list " + target(j) + ")");
            }
        }

        /** @return the create job of a unit that exists in the target although no job of it was recorded */
        private Optional<Long> adopt(JobContext j, CreationOrder.Unit u) {
            String targetId = j.get(TARGET_ID).orElseThrow();
            boolean exists = u.environment() != null ? services.environment(targetId, u.environment()).isPresent()
                    : services.find(targetId, u.services().get(0)).isPresent();
            if (!exists) {
                return Optional.empty();
            }
            String kind = u.environment() != null ? "environment.create" : "service.create";
            String name = u.environment() != null ? u.environment() : u.services().get(0);
            Optional<Long> job = facade(j).listJobs(new JobQuery(target(j), name, false, 0)).stream()
                    .filter(x -> x.kind().equals(kind)).findFirst().map(JobDTO::id);
            if (job.isEmpty()) {
                throw new IllegalStateException(u.label() + " exists in account '" + target(j) + "' but no job "
                        + "created it");
            }
            return job;
        }

        private long submit(JobContext j, CreationOrder.Unit u) throws Exception {
            Caller by = j.job().requester();
            if (u.environment() == null) {
                AccountSnapshot.Service s = snap.services().get(u.services().get(0));
                return services.create(by, new CreateServiceRequest(target(j), s.type(), s.name(), s.plan(),
                        s.sdpVersion(), config(j, s), s.providers(), false), restoreParams(j, s)).id();
            }
            ObjectNode doc = ClonePlanner.JSON.createObjectNode();
            doc.put("name", u.environment());
            ArrayNode list = doc.putArray("services");
            Map<String, Map<String, String>> memberParams = new LinkedHashMap<>();
            for (String name : u.services()) {
                AccountSnapshot.Service s = snap.services().get(name);
                ObjectNode m = list.addObject();
                m.put("name", s.name());
                m.put("type", s.type());
                m.put("plan", s.plan());
                m.put("version", s.sdpVersion());
                ObjectNode config = m.putObject("config");
                config(j, s).forEach(config::put);
                ObjectNode providers = m.putObject("providers");
                s.providers().forEach(providers::put);
                Map<String, String> params = restoreParams(j, s);
                if (!params.isEmpty()) {
                    memberParams.put(s.name(), params);
                }
            }
            return services.createEnvironment(by, new EnvironmentRequest(target(j),
                    ClonePlanner.JSON.writeValueAsString(doc), null), memberParams).id();
        }

        /** @return the service's configuration at the version, masked values recovered */
        private Map<String, String> config(JobContext j, AccountSnapshot.Service s) {
            BackupChoice.Choice backup = choice(j, s.name()).orElse(null);
            MaskedValues.Recovered r = MaskedValues.recover(s.config(), AccountClones.configSources(s, backup,
                    services, j.job().param(AccountClones.PARAM_SOURCE_ID)));
            if (!r.unrecoverable().isEmpty()) {
                throw new IllegalStateException("the masked configuration " + r.unrecoverable() + " of '" + s.name()
                        + "' can no longer be recovered: " + (backup == null ? "" : "neither backup "
                                + backup.backupId() + " nor ") + "a service '" + s.name() + "' in account '"
                        + source(j) + "' has it (it changed since the clone was submitted)");
            }
            return r.values();
        }

        private Optional<BackupChoice.Choice> choice(JobContext j, String service) {
            if (!Boolean.parseBoolean(j.job().params().get(AccountClones.PARAM_WITH_DATA))) {
                return Optional.empty();
            }
            Map<String, String> chosen = AccountClones.backups(j.job().param(AccountClones.PARAM_BACKUPS))
                    .get(service);
            if (chosen == null) {
                throw new IllegalStateException("the clone chose no backup for '" + service + "'");
            }
            BackupDTO b = backups.as(j.job().requester()).getBackup(chosen.get("backup"));
            return Optional.of(new BackupChoice.Choice(b.id(), AccountClones.member(b, chosen.get("member"))));
        }

        private Map<String, String> restoreParams(JobContext j, AccountSnapshot.Service s) {
            if (!Boolean.parseBoolean(j.job().params().get(AccountClones.PARAM_WITH_DATA))) {
                return Map.of();
            }
            Map<String, String> chosen = AccountClones.backups(j.job().param(AccountClones.PARAM_BACKUPS))
                    .get(s.name());
            Map<String, String> params = new LinkedHashMap<>();
            params.put(StepContributor.REQUIRED, ClonePlanner.RESTORE);
            params.put(ClonePlanner.RESTORE_BACKUP, chosen.get("backup"));
            params.put(ClonePlanner.RESTORE_MEMBER, chosen.get("member"));
            return params;
        }

        void setQuota(JobContext j) {
            facade(j).setQuota(target(j), snap.quota());
            j.note("clone", "account '" + target(j) + "' is account '" + source(j) + "' as of version "
                    + snap.version() + ": " + snap.services().size() + " services, " + snap.externals().size()
                    + " external services" + (Boolean.parseBoolean(j.job().params().get(
                            AccountClones.PARAM_WITH_DATA)) ? ", each restored from its backup" : ""));
        }

        void grant(JobContext j) {
            PlatformService p = facade(j);
            Set<String> users = p.listUsers().stream().map(UserDTO::name).collect(Collectors.toSet());
            snap.members().forEach((user, role) -> {
                if (users.contains(user)) {
                    p.grant(target(j), user, role);
                } else {
                    j.note("member:" + user, "user '" + user + "' (" + role + " at version " + snap.version()
                            + ") no longer exists and is not a member of '" + target(j) + "'");
                }
            });
        }

        /** Waits for a child job; when this job is cancelled, asks every child of the level to stop too. */
        private JobInfo await(JobContext j, long id, Set<Long> level) throws Exception {
            while (true) {
                JobInfo other = jobs.await(id, Duration.ofSeconds(2));
                if (other.state().isDone()) {
                    return other;
                }
                if (j.isCancelled()) {
                    PlatformService p = facade(j);
                    for (long child : level) {
                        if (jobs.find(child).map(x -> !x.state().isDone()).orElse(false)) {
                            p.cancelJob(child);
                        }
                    }
                    throw new IllegalStateException("cancelled while jobs " + level + " ran; they were asked to "
                            + "stop too");
                }
            }
        }
    }
}
