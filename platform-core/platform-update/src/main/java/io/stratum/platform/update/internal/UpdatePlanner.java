package io.stratum.platform.update.internal;

import io.stratum.platform.api.ServiceState;
import io.stratum.platform.spi.JobContext;
import io.stratum.platform.spi.JobInfo;
import io.stratum.platform.spi.JobPlan;
import io.stratum.platform.spi.JobPlanner;
import io.stratum.platform.spi.JobTask;
import io.stratum.platform.spi.ManagedService;
import io.stratum.platform.spi.ServiceSteps;
import io.stratum.platform.spi.Services;
import io.stratum.sme.api.Dependant;
import io.stratum.sme.api.DependantEngine;
import io.stratum.sme.api.MaintenanceEngine;
import io.stratum.sme.api.RollingEngine;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.SmeException;
import io.stratum.sme.api.UpdateEngine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Plans update jobs ({@value UpdateJob#KIND}); every job locks its service. Its parameters say how it runs
 * ({@value UpdateJob#MODE}) and between which versions and configurations ({@value UpdateJob#FROM_VERSION},
 * {@value UpdateJob#TO_VERSION}; the configurations come from the update's record):
 * <ul>
 * <li><b>SOFT</b>: {@code release} records the new configuration (compensation: the old one), {@code reconfigure}
 * hands the changed live settings to {@link UpdateEngine#reconfigure} (compensation: the old configuration recorded
 * and handed over the same way, roles reversed). Nothing restarts.</li>
 * <li><b>HARD</b>: {@code lockout} puts the service's routes under maintenance at each running provider whose engine
 * is a {@link MaintenanceEngine} (compensation: associations refreshed and routes opened again); the backup bundle's
 * {@value UpdateJob#BACKUP_GUARD} contribution follows it (a backup of the service, whose compensation restores it
 * and leaves the service running); {@code stop}; {@code release} of the new version and configuration
 * (compensation: the old ones); {@code migrate} ({@link UpdateEngine#upgrade} on the new version's engine, only when
 * the version changes); {@code start} with its health check (compensation: stop); {@code open}: associations
 * refreshed and routes opened. A failure anywhere runs the compensations in reverse: old version and configuration
 * recorded, data restored from the backup, service running, routes open.</li>
 * <li><b>ROLLING</b>: {@code release} of the new configuration, then {@code roll}: for each instance the
 * {@link RollingEngine} names, drain, refresh associations (a web tier waits for the requests in flight), replace,
 * refresh again; each instance done is recorded, so that a resumed job goes on with the next. Compensation: the old
 * configuration recorded and every instance rolled back the same way.</li>
 * </ul>
 * With {@link UpdateConfig#faultInjection()} on, the job parameter {@value UpdateJob#FAIL_AT} names a task (or, inside
 * {@code roll instances}, {@code drain <instance>} or {@code replace <instance>}) that fails after doing its work,
 * with {@code injected failure at <task>}. Once the job has ended, its end is handed to the update ledger, which
 * records the update's outcome.
 */
@Component(service = JobPlanner.class, configurationPid = UpdateConfig.PID,
        property = JobPlanner.KINDS + "=" + UpdateJob.KIND)
public final class UpdatePlanner implements JobPlanner {

    private final ServiceSteps steps;
    private final Services services;
    private final Consumer<JobInfo> onEnd;
    private final Records updates;
    private final boolean faultInjection;
    private final int retryAfterSeconds;

    /**
     * @param steps the platform's steps on services
     * @param services the services
     * @param ledger records how updates end
     * @param store the updates, with the configurations they move between
     * @param config the configuration
     */
    @Activate
    public UpdatePlanner(@Reference ServiceSteps steps, @Reference Services services, @Reference UpdateLedger ledger,
            @Reference UpdateStore store, UpdateConfig config) {
        this(steps, services, ledger::jobEnded, new Records() {
            @Override
            public Optional<UpdateStore.Row> find(String id) {
                return store.find(id);
            }

            @Override
            public void rebase(String id, String before, String configuration) {
                store.rebase(id, before, configuration);
            }
        }, config.faultInjection(), config.retryAfterSeconds());
    }

    /**
     * @param steps the platform's steps on services
     * @param services the services
     * @param onEnd what to do with a job that ended
     * @param updates the updates' records: a job carries only its update's id, so that no configuration (which may
     *     hold passwords) is in a job record; the update's record keeps them sealed
     * @param faultInjection whether {@value UpdateJob#FAIL_AT} is obeyed
     * @param retryAfterSeconds what the maintenance page's Retry-After says
     */
    public UpdatePlanner(ServiceSteps steps, Services services, Consumer<JobInfo> onEnd,
            Records updates, boolean faultInjection, int retryAfterSeconds) {
        this.steps = steps;
        this.services = services;
        this.onEnd = onEnd;
        this.updates = updates;
        this.faultInjection = faultInjection;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public JobPlan plan(JobInfo job) {
        String sid = job.serviceId().orElseThrow(() -> new IllegalStateException("update job " + job.id()
                + " names no service"));
        String mode = job.param(UpdateJob.MODE);
        Params p = new Params(job.param(UpdateJob.UPDATE), sid, job.param(UpdateJob.FROM_VERSION),
                job.param(UpdateJob.TO_VERSION), mode);
        JobPlan.Builder b = switch (mode) {
            case UpdateJob.SOFT -> soft(p);
            case UpdateJob.HARD -> hard(p);
            case UpdateJob.ROLLING -> rolling(p);
            default -> throw new IllegalArgumentException("update job " + job.id() + ": unknown mode '"
                    + job.param(UpdateJob.MODE) + "' (SOFT, HARD or ROLLING)");
        };
        return b.onEnd(onEnd::accept).build();
    }

    /** The updates' records, which hold the configurations an update moves between (sealed at rest). */
    public interface Records {
        /**
         * @param id an update's id
         * @return its record
         */
        Optional<UpdateStore.Row> find(String id);

        /**
         * Records the configurations an update moves between, as its job found the service.
         *
         * @param id the update's id
         * @param before the service's configuration now, as JSON
         * @param configuration what it becomes, as JSON
         */
        void rebase(String id, String before, String configuration);
    }

    /**
     * What every plan works with; the configurations are read from the update's record when a task runs, since the
     * job's first task sets them from the service as it is then.
     */
    private final class Params {
        private final String id;
        private final String sid;
        private final String from;
        private final String to;
        private final String mode;

        Params(String id, String sid, String from, String to, String mode) {
            this.id = id;
            this.sid = sid;
            this.from = from;
            this.to = to;
            this.mode = mode;
        }

        String sid() {
            return sid;
        }

        String from() {
            return from;
        }

        String to() {
            return to;
        }

        private UpdateStore.Row row() {
            return updates.find(id).orElseThrow(() -> new IllegalStateException("update " + id + " is not "
                    + "recorded any more"));
        }

        Map<String, String> before() {
            return UpdateJob.map(row().before());
        }

        Map<String, String> after() {
            return UpdateJob.map(row().configuration());
        }
    }

    /**
     * The first task of every update: checks that the update still fits the service, and rebases it on the service as
     * it is now. An update waits for its window, and the service may have changed meanwhile (a scale changes its
     * {@code instances}): the update's own changes (what its configuration changed from the one it was asked on) are
     * applied to the configuration the service has now, so that nothing done meanwhile is undone. Refused, before
     * anything changes: another version than the update was asked on, a stopped service (a hard or rolling update would
     * start it), a rolling update of a service that has one instance left, and a configuration the new version refuses.
     */
    private JobTask check(Params p) {
        return task("check", j -> {
            ManagedService s = service(p.sid());
            if (!s.sdpVersion().equals(p.from())) {
                throw new IllegalStateException("'" + s.name() + "' runs version " + s.sdpVersion() + " now, not "
                        + p.from() + " as when the update was asked for; ask for it again");
            }
            if (!p.mode.equals(UpdateJob.SOFT) && s.state() != ServiceState.RUNNING) {
                throw new IllegalStateException("'" + s.name() + "' is " + s.state() + ": a " + p.mode
                        + " update restarts it, so it runs only on a running service; start it and ask again");
            }
            if (p.mode.equals(UpdateJob.ROLLING) && s.instances() < 2) {
                throw new IllegalStateException("'" + s.name() + "' has " + s.instances() + " instance now: a "
                        + "rolling update needs at least 2 (one serves while the other is replaced); ask again for a "
                        + "hard update");
            }
            UpdateStore.Row row = p.row();
            Map<String, String> asked = UpdateJob.map(row.before());
            Map<String, String> wanted = UpdateJob.map(row.configuration());
            Map<String, String> now = new java.util.TreeMap<>(s.configuration());
            Map<String, String> target = new java.util.TreeMap<>(now);
            for (String k : changed(asked, wanted).keySet()) {
                String v = wanted.get(k);
                if (v == null) {
                    target.remove(k);
                } else {
                    target.put(k, v);
                }
            }
            List<String> problems = steps.problems(s.serviceType(), p.to(), target);
            if (!problems.isEmpty()) {
                throw new IllegalStateException("the new configuration of '" + s.name() + "' does not fit "
                        + s.serviceType() + " " + p.to() + ": " + String.join("; ", problems)
                        + "; nothing was changed");
            }
            updates.rebase(p.id, UpdateJob.json(now), UpdateJob.json(target));
            if (!asked.equals(now)) {
                j.note("rebased", "the configuration changed since the update was asked for ("
                        + String.join(", ", changed(asked, now).keySet()) + "): the update applied its own changes to "
                        + "it");
            }
        });
    }

    // ------------------------------------------------------------------ plans

    private JobPlan.Builder soft(Params p) {
        return JobPlan.builder()
                .phase("check", check(p))
                .phase("release", task("release configuration", j -> {
                    j.message("recording the new configuration (" + keys(p) + ")");
                    steps.release(j, p.sid(), p.to(), p.after());
                }).compensatedBy(j -> steps.release(j, p.sid(), p.from(), p.before())))
                .phase("reconfigure", task("reconfigure", j -> {
                    j.message("applying " + keys(p) + " to the running service");
                    Map<String, String> oldValues = changed(p.before(), p.after());
                    steps.call(j, p.sid(), "reconfiguration", (e, c, m) -> {
                        update(e, c.name()).reconfigure(c, oldValues, m);
                        return null;
                    });
                }).compensatedBy(j -> {
                    j.message("applying the previous " + keys(p) + " again");
                    Map<String, String> newValues = changed(p.after(), p.before());
                    steps.release(j, p.sid(), p.from(), p.before());
                    steps.call(j, p.sid(), "reconfiguration back", (e, c, m) -> {
                        update(e, c.name()).reconfigure(c, newValues, m);
                        return null;
                    });
                }));
    }

    private static String keys(Params p) {
        return String.join(", ", new TreeSet<>(changed(p.before(), p.after()).keySet()));
    }

    private JobPlan.Builder hard(Params p) {
        JobPlan.Builder b = JobPlan.builder()
                .phase("check", check(p))
                .phase("lockout", task("lock out", j -> lockout(j, p.sid())).compensatedBy(j -> openUp(j, p.sid(),
                        true)))
                .phase("stop", task("stop", j -> {
                    j.message("stopping the service");
                    steps.stop(j, p.sid());
                }))
                .phase("release", task("release " + p.to(), j -> {
                    j.message("recording version " + p.to() + " and the new configuration");
                    steps.release(j, p.sid(), p.to(), p.after());
                }).compensatedBy(j -> {
                    j.message("recording version " + p.from() + " and the configuration before");
                    steps.release(j, p.sid(), p.from(), p.before());
                }));
        if (!p.from().equals(p.to())) {
            b.phase("migrate", task("migrate", j -> {
                j.message("migrating " + p.from() + " -> " + p.to());
                steps.call(j, p.sid(), "migration from " + p.from(), (e, c, m) -> {
                    update(e, c.name()).upgrade(c, p.from(), m);
                    return null;
                });
            }).attempts(1));
        }
        return b.phase("start", task("start", j -> {
            j.message("starting the service and checking its health");
            steps.start(j, p.sid());
            steps.awaitHealthy(j, p.sid());
        }).compensatedBy(j -> {
            j.message("stopping the updated service");
            steps.stop(j, p.sid());
        })).phase("open", task("refresh associations", j -> {
            j.message("telling providers where the service runs now");
            steps.refreshAssociations(j, p.sid());
        }), task("open up", j -> openUp(j, p.sid(), false)));
    }

    private JobPlan.Builder rolling(Params p) {
        return JobPlan.builder()
                .phase("check", check(p))
                .phase("release", task("release configuration", j -> {
                    j.message("recording the new configuration");
                    steps.release(j, p.sid(), p.to(), p.after());
                }).compensatedBy(j -> steps.release(j, p.sid(), p.from(), p.before())))
                .phase("roll", task("roll instances", j -> roll(j, p.sid(), true)).attempts(1).weight(5)
                        .compensatedBy(j -> {
                            steps.release(j, p.sid(), p.from(), p.before());
                            roll(j, p.sid(), false);
                        }));
    }

    // ------------------------------------------------------------------ steps

    /** A task whose action fails after its work when fault injection names it. */
    private JobTask task(String name, JobTask.Action action) {
        return JobTask.of(name, j -> {
            action.run(j);
            fault(j, name);
        });
    }

    private void fault(JobContext j, String name) {
        if (faultInjection && name.equals(j.job().params().get(UpdateJob.FAIL_AT))) {
            throw new IllegalStateException("injected failure at " + name);
        }
    }

    private void lockout(JobContext j, String sid) throws Exception {
        ManagedService s = service(sid);
        for (Map.Entry<String, String> e : new HashMap<>(s.providers()).entrySet()) {
            Optional<ManagedService> provider = services.find(e.getValue());
            if (provider.isEmpty() || provider.get().external()) {
                continue;
            }
            if (provider.get().state() != ServiceState.RUNNING) {
                j.note("lockout." + provider.get().id(), "'" + provider.get().name() + "' (" + e.getKey()
                        + ") was " + provider.get().state() + ": it could not show the maintenance page");
                continue;
            }
            Dependant d = dependant(j, s, e.getKey());
            boolean locked = steps.call(j, provider.get().id(), "maintenance page for '" + s.name() + "'",
                    (engine, c, m) -> {
                        if (!(engine instanceof MaintenanceEngine me)) {
                            return false;
                        }
                        j.message("locking out '" + s.name() + "' at '" + provider.get().name() + "'");
                        me.beginMaintenance(c, d, retryAfterSeconds, m);
                        return true;
                    });
            if (locked) {
                j.put("lockedOut." + provider.get().id(), "true");
            }
        }
    }

    private void openUp(JobContext j, String sid, boolean rollingBack) throws Exception {
        ManagedService s = service(sid);
        if (rollingBack) {
            try {
                steps.refreshAssociations(j, sid);
            } catch (Exception e) {
                j.note("refresh", "the providers of '" + s.name() + "' could not be told where it runs again: "
                        + e.getMessage());
            }
        }
        Exception first = null;
        for (Map.Entry<String, String> e : new HashMap<>(s.providers()).entrySet()) {
            Optional<ManagedService> provider = services.find(e.getValue());
            if (provider.isEmpty() || provider.get().external()
                    || provider.get().state() != ServiceState.RUNNING && j.get("lockedOut." + e.getValue()).isEmpty()) {
                continue;
            }
            Dependant d = new Dependant(s.id(), s.name(), s.serviceType(), Map.of());
            try {
                steps.call(j, provider.get().id(), "end of the maintenance page for '" + s.name() + "'",
                        (engine, c, m) -> {
                            if (engine instanceof MaintenanceEngine me) {
                                j.message("opening '" + s.name() + "' at '" + provider.get().name() + "' again");
                                me.endMaintenance(c, d, m);
                            }
                            return null;
                        });
            } catch (Exception ex) {
                if (first == null) {
                    first = ex;
                } else {
                    first.addSuppressed(ex);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private Dependant dependant(JobContext j, ManagedService s, String providerType) throws Exception {
        Map<String, String> params = steps.call(j, s.id(), "parameters for its " + providerType,
                (engine, c, m) -> engine instanceof DependantEngine de ? de.parameters(c, providerType) : Map.of());
        return new Dependant(s.id(), s.name(), s.serviceType(), params == null ? Map.of() : params);
    }

    private void roll(JobContext j, String sid, boolean forward) throws Exception {
        List<String> names = steps.call(j, sid, "its instances", (e, c, m) -> rolling(e, c.name()).instanceNames(c));
        String done = forward ? "rolled." : "rolledBack.";
        int n = names.size();
        for (int i = 0; i < n; i++) {
            String name = names.get(i);
            if (j.get(done + name).isPresent()) {
                continue;
            }
            String of = " (" + (i + 1) + " of " + n + (forward ? "" : ", rolling back") + ")";
            j.message("draining " + name + of);
            j.monitor().progress(i * 100 / n, "draining " + name + of);
            steps.call(j, sid, "drain of " + name, (e, c, m) -> {
                rolling(e, c.name()).drain(c, name);
                return null;
            });
            steps.refreshAssociations(j, sid);
            if (forward) {
                fault(j, "drain " + name);
            }
            j.message("replacing " + name + of);
            steps.call(j, sid, "replacement of " + name, (e, c, m) -> {
                rolling(e, c.name()).replace(c, name, m);
                return null;
            });
            steps.refreshAssociations(j, sid);
            j.put(done + name, "true");
            if (forward) {
                fault(j, "replace " + name);
            }
        }
        j.monitor().progress(100, (forward ? "replaced " : "rolled back ") + n + " instance(s)");
    }

    private ManagedService service(String sid) throws SmeException {
        return services.find(sid).orElseThrow(() -> new SmeException("service " + sid + " no longer exists"));
    }

    private static UpdateEngine update(ServiceManagementEngine e, String name) throws SmeException {
        if (e instanceof UpdateEngine u) {
            return u;
        }
        throw new SmeException("the engine of '" + name + "' cannot update its services (it is no UpdateEngine)");
    }

    private static RollingEngine rolling(ServiceManagementEngine e, String name) throws SmeException {
        if (e instanceof RollingEngine r) {
            return r;
        }
        throw new SmeException("the engine of '" + name + "' cannot replace instances one by one (it is no "
                + "RollingEngine)");
    }

    /**
     * @param from a configuration
     * @param to another
     * @return the keys whose values differ, with their values in {@code from} ({@code null} where not set)
     */
    static Map<String, String> changed(Map<String, String> from, Map<String, String> to) {
        Map<String, String> m = new HashMap<>();
        TreeSet<String> keys = new TreeSet<>(from.keySet());
        keys.addAll(to.keySet());
        for (String k : keys) {
            if (!Objects.equals(from.get(k), to.get(k))) {
                m.put(k, from.get(k));
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** @return the names of the tasks of a plan, for messages */
    static List<String> names(JobPlan plan) {
        List<String> n = new ArrayList<>();
        plan.steps().forEach(s -> n.add(s.phase() + "/" + s.task().name()));
        return n;
    }
}
