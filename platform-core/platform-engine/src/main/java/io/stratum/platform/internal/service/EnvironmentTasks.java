package io.stratum.platform.internal.service;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.AccountDTO;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.internal.account.AccessControl;
import io.stratum.platform.internal.account.AccountManager;
import io.stratum.platform.internal.account.AccountHistory;
import io.stratum.platform.internal.orchestration.JobContext;
import io.stratum.platform.internal.orchestration.JobRecord;
import io.stratum.platform.internal.orchestration.OrchestrationEngine;
import io.stratum.platform.internal.orchestration.OrchestrationEngine.Submission;
import io.stratum.platform.internal.store.Sql;
import io.stratum.sme.api.SmeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task bodies of environment jobs: each submits the lifecycle jobs of one level of members at once (so they
 * run in parallel) and waits for all of them. Repeating a task after a crash picks up the jobs it had submitted.
 */
final class EnvironmentTasks {

    private static final Logger LOG = LoggerFactory.getLogger(EnvironmentTasks.class);

    private final ServiceManager services;
    private final ServiceLifecycle lifecycle;
    private final OrchestrationEngine engine;
    private final EnvironmentRepository environments;
    private final AccountManager accounts;

    EnvironmentTasks(ServiceManager services, OrchestrationEngine engine, AccountManager accounts,
            AccessControl access) {
        this.services = services;
        this.lifecycle = new ServiceLifecycle(services, engine, access);
        this.engine = engine;
        this.environments = new EnvironmentRepository(services.store());
        this.accounts = accounts;
    }

    EnvironmentRecord environment(JobContext job) throws SmeException {
        return environments.byId(job.job().environmentId()).orElseThrow(() -> new SmeException(
                "environment '" + job.job().target() + "' no longer exists"));
    }

    /** @return who asked for the environment job, as the requester of the member jobs it starts */
    private static Caller member(JobContext job, EnvironmentRecord env) {
        Caller requester = job.job().requester();
        String cause = "environment '" + env.name() + "' (job " + job.job().id() + ")";
        return requester.because(requester.cause().isEmpty() ? cause : requester.cause() + "; " + cause);
    }

    /** Creates the members of one level: submits their create jobs at once and waits for all. */
    void createLevel(JobContext job, List<String> names) throws Exception {
        EnvironmentRecord env = environment(job);
        AccountDTO account = accounts.require(env.accountName());
        Map<String, Long> jobs = new LinkedHashMap<>();
        for (String name : names) {
            Optional<ServiceRecord> existing = services.store().query(c ->
                    services.repository().byName(c, account.id(), name));
            if (existing.isPresent()) {
                ServiceRecord s = existing.get();
                if (!env.id().equals(s.environmentId())) {
                    throw new SmeException("a service named '" + name + "' exists outside the environment");
                }
                if (s.activeJobId() != 0) {
                    jobs.put(name, s.activeJobId()); // submitted before the platform restarted
                } else if (s.state() != ServiceState.RUNNING) {
                    throw new SmeException("'" + name + "' is " + s.state() + ": " + s.stateMessage());
                }
                continue;
            }
            EnvironmentSpec.Member m = env.spec().member(name);
            Caller requester = member(job, env);
            ServiceLifecycle.Checked checked = lifecycle.check(requester, m.type(), m.name(), m.plan(), m.version(),
                    m.config());
            JobRecord created = lifecycle.submit(account, checked, lifecycle.resolveProviders(account, m.providers()),
                    env.id(), requester, m.params());
            job.put("create." + name, Long.toString(created.id()));
            jobs.put(name, created.id());
        }
        await(job, "creating", jobs);
    }

    /** Deletes the members of one level that exist: submits their delete jobs at once and waits for all. */
    void deleteLevel(JobContext job, List<String> names, boolean force) throws Exception {
        deleteLevel(job, names, force, false);
    }

    /**
     * Undoes the creation of one level (the rollback of an environment's create): deletes its members, except those
     * a service outside the environment came to use as its provider while the environment was created. Such a member
     * is kept as it is, its dependants' bindings (e.g. their database schemas) untouched, taken out of the
     * environment, and named in the job's end record.
     */
    void undoLevel(JobContext job, List<String> names) throws Exception {
        deleteLevel(job, names, true, true);
    }

    private void deleteLevel(JobContext job, List<String> names, boolean force, boolean keepUsedOutside)
            throws Exception {
        EnvironmentRecord env = environment(job);
        Map<String, Long> jobs = new LinkedHashMap<>();
        for (String name : names) {
            Optional<ServiceRecord> existing = services.store().query(c ->
                    services.repository().byName(c, env.accountId(), name));
            if (existing.isEmpty() || !env.id().equals(existing.get().environmentId())) {
                continue;
            }
            ServiceRecord s = existing.get();
            if (s.activeJobId() != 0) {
                JobRecord running = engine.jobs().find(s.activeJobId()).orElseThrow();
                if (running.kind().equals(JobKinds.DELETE)) {
                    jobs.put(name, running.id());
                    continue;
                }
                if (running.kind().equals(JobKinds.CREATE)) {
                    engine.cancel(running.id()); // its rollback removes the member sooner than a delete would
                }
                await(job, "waiting for", Map.of(name, running.id()), true);
                s = services.repository().byId(s.id()).orElse(null);
                if (s == null) {
                    continue;
                }
            }
            if (keepUsedOutside) {
                Optional<JobRecord> deleting = deleteUnlessUsedOutside(job, env, s);
                if (deleting.isPresent()) {
                    jobs.put(name, deleting.get().id());
                }
            } else {
                jobs.put(name, lifecycle.submitDelete(s, force, member(job, env)).id());
            }
        }
        await(job, "deleting", jobs);
    }

    /** Refuses, inside a delete's submission, to delete a member that services outside the environment use. */
    private static final class UsedOutside extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final List<String> users;

        UsedOutside(List<String> users) {
            super("used outside the environment by " + users);
            this.users = users;
        }
    }

    /**
     * Submits the forced delete of a member, unless a service outside the environment uses it as its provider (its
     * binding bound or still reserved by a create): checked in the delete's own submission, after marking the member
     * DELETING as every delete does, so that no create can name it as its provider in between. A member in use is
     * kept: noted in the job, then taken out of the environment.
     *
     * @return the delete job, or empty if the member is kept
     */
    private Optional<JobRecord> deleteUnlessUsedOutside(JobContext job, EnvironmentRecord env, ServiceRecord s) {
        try {
            return Optional.of(engine.submit(new Submission(JobKinds.DELETE, s.accountId(), s.name(), s.id(),
                    Map.of(), c -> {
                        ServiceRepository.setState(c, s.id(), ServiceState.DELETING, "");
                        List<String> users = new ArrayList<>();
                        for (Association a : services.associations().dependantsOf(c, s.id())) {
                            services.repository().byId(c, a.dependantId())
                                    .filter(d -> !env.id().equals(d.environmentId()))
                                    .ifPresent(d -> users.add("'" + d.name() + "' (" + d.serviceType() + ")"));
                        }
                        if (!users.isEmpty()) {
                            throw new UsedOutside(users); // rolls the submission back: it stays as it was
                        }
                        return Map.of(JobKinds.PARAM_FORCE, "true");
                    }).by(member(job, env))));
        } catch (UsedOutside e) {
            LOG.info("Environment '{}': keeping '{}' in its rollback: {}", env.name(), s.name(), e.getMessage());
            job.note("kept." + s.name(), "kept '" + s.name() + "' (" + s.serviceType() + "): "
                    + String.join(", ", e.users) + " outside the environment use" + (e.users.size() == 1 ? "s" : "")
                    + " it; it is no longer part of environment '" + env.name() + "'");
            services.store().transact(c -> Sql.update(c, "UPDATE services SET environment_id = NULL, updated_at = ? "
                    + "WHERE id = ? AND environment_id = ?", Instant.now(), s.id(), env.id()));
            return Optional.empty();
        }
    }

    private void await(JobContext job, String doing, Map<String, Long> jobs) throws Exception {
        await(job, doing, jobs, false);
    }

    /** Waits until every job ended; fails listing those that did not succeed (unless {@code anyEnd}). */
    private void await(JobContext job, String doing, Map<String, Long> jobs, boolean anyEnd) throws Exception {
        if (jobs.isEmpty()) {
            return;
        }
        long seen = engine.jobs().changes();
        while (true) {
            job.checkCancelled();
            List<String> failed = new ArrayList<>();
            int done = 0;
            for (Map.Entry<String, Long> e : jobs.entrySet()) {
                JobRecord j = engine.jobs().find(e.getValue()).orElseThrow();
                if (j.state().isDone()) {
                    done++;
                    if (j.state() != JobState.SUCCEEDED) {
                        failed.add(e.getKey() + " (job " + j.id() + "): " + j.error());
                    }
                }
            }
            job.monitor().progress(100 * done / jobs.size(), doing + " " + String.join(", ", jobs.keySet()) + ": "
                    + done + " of " + jobs.size() + " done");
            if (done == jobs.size()) {
                if (!failed.isEmpty() && !anyEnd) {
                    throw new SmeException(String.join("; ", failed));
                }
                return;
            }
            seen = engine.jobs().awaitChange(seen, 500);
        }
    }

    /** Deletes the environment's record (after its members are gone); nothing to do if it is gone already. */
    void forget(JobContext job) throws SmeException {
        Optional<EnvironmentRecord> found = environments.byId(job.job().environmentId());
        if (found.isEmpty()) {
            return;
        }
        EnvironmentRecord env = found.get();
        List<ServiceRecord> left = services.repository().ofEnvironment(env.id());
        if (!left.isEmpty()) {
            throw new SmeException("members are left: " + left.stream().map(ServiceRecord::name).toList());
        }
        services.store().transact(c -> {
            if (EnvironmentRepository.delete(c, env.id())) {
                AccountHistory.record(c, env.accountId(), job.job().requester(), "environment '" + env.name()
                        + "' deleted (job " + job.job().id() + ")", AccountHistory.whole("environment", env.name(),
                                Map.of("members", String.join(",", env.spec().levels().stream().flatMap(List::stream)
                                        .sorted().toList())), true));
            }
        });
    }
}
