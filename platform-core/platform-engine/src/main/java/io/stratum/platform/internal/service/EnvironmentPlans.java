package io.stratum.platform.internal.service;

import io.stratum.platform.api.JobState;
import io.stratum.platform.internal.account.AccessControl;
import io.stratum.platform.internal.account.AccountManager;
import io.stratum.platform.internal.orchestration.JobRecord;
import io.stratum.platform.internal.orchestration.OrchestrationEngine;
import io.stratum.platform.internal.orchestration.Plan;
import io.stratum.platform.internal.orchestration.PlanFactory;
import io.stratum.platform.internal.orchestration.Task;
import io.stratum.platform.internal.store.Json;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The plans of environment jobs (composite: they submit service jobs and wait for them). */
public final class EnvironmentPlans {

    private static final com.fasterxml.jackson.core.type.TypeReference<List<List<String>>> LEVELS =
            new com.fasterxml.jackson.core.type.TypeReference<>() { };

    private EnvironmentPlans() {
    }

    /**
     * {@value JobKinds#ENV_CREATE}: creates the members level by level, each level in parallel. Rolling back
     * deletes what was created, in reverse order, and forgets the environment; a member that a service outside the
     * environment came to use as its provider meanwhile is kept (see {@link EnvironmentTasks#undoLevel}). Once the
     * rollback forgot the environment, the plan is its first task only (a resumed rollback then ends at once).
     */
    @Component(service = PlanFactory.class, property = {PlanFactory.KIND + "=" + JobKinds.ENV_CREATE,
        PlanFactory.COMPOSITE + "=true"})
    public static final class Create implements PlanFactory {
        private final EnvironmentTasks tasks;
        private final EnvironmentRepository environments;

        /**
         * @param services the service manager
         * @param engine the orchestration engine
         * @param accounts accounts
         * @param access resolves the callers of jobs
         */
        @Activate
        public Create(@Reference ServiceManager services, @Reference OrchestrationEngine engine,
                @Reference AccountManager accounts, @Reference AccessControl access) {
            this.tasks = new EnvironmentTasks(services, engine, accounts, access);
            this.environments = new EnvironmentRepository(services.store());
        }

        @Override
        public Plan plan(JobRecord job) {
            List<List<String>> levels;
            String fixed = job.params().get(JobKinds.PARAM_LEVELS);
            if (fixed != null && (job.state() != JobState.ROLLING_BACK
                    || environments.byId(job.environmentId()).isPresent())) {
                levels = Json.read(fixed, LEVELS);
            } else { // submitted before jobs carried their levels, or rolled back up to forgetting the environment
                Optional<EnvironmentRecord> env = environments.byId(job.environmentId());
                if (env.isEmpty() && job.state() != JobState.ROLLING_BACK) {
                    throw new IllegalStateException("environment '" + job.target() + "' no longer exists");
                }
                levels = env.map(e -> e.spec().levels()).orElse(List.of());
            }
            Plan.Builder plan = Plan.builder().phase("prepare",
                    Task.of("reserve-name", j -> { }).compensatedBy(tasks::forget));
            for (int i = 0; i < levels.size(); i++) {
                List<String> level = levels.get(i);
                plan.phase("level-" + (i + 1), Task.of("create", j -> tasks.createLevel(j, level))
                        .weight(level.size() * 3).attempts(1)
                        .compensatedBy(j -> tasks.undoLevel(j, level)));
            }
            return plan.onEnd((c, j) -> {
                if (j.state() == JobState.SUCCEEDED) {
                    EnvironmentRepository.setState(c, j.environmentId(), EnvironmentRecord.READY, "");
                } else {
                    EnvironmentRepository.setState(c, j.environmentId(), EnvironmentRecord.FAILED,
                            "create failed: " + j.error());
                }
            }).build();
        }
    }

    /**
     * {@value JobKinds#ENV_DELETE}: deletes the members in reverse order (each level in parallel), then the
     * environment. Not undoable; a failed delete can be run again.
     */
    @Component(service = PlanFactory.class, property = {PlanFactory.KIND + "=" + JobKinds.ENV_DELETE,
        PlanFactory.COMPOSITE + "=true"})
    public static final class Delete implements PlanFactory {
        private final EnvironmentTasks tasks;
        private final EnvironmentRepository environments;

        /**
         * @param services the service manager
         * @param engine the orchestration engine
         * @param accounts accounts
         * @param access resolves the callers of jobs
         */
        @Activate
        public Delete(@Reference ServiceManager services, @Reference OrchestrationEngine engine,
                @Reference AccountManager accounts, @Reference AccessControl access) {
            this.tasks = new EnvironmentTasks(services, engine, accounts, access);
            this.environments = new EnvironmentRepository(services.store());
        }

        @Override
        public Plan plan(JobRecord job) {
            boolean force = Boolean.parseBoolean(job.params().get(JobKinds.PARAM_FORCE));
            Optional<EnvironmentRecord> env = environments.byId(job.environmentId());
            if (env.isEmpty()) {
                // it was forgotten just before the platform stopped: nothing is left to do
                return Plan.builder().phase("forget", Task.of("forget", j -> { })).build();
            }
            EnvironmentSpec spec = env.get().spec();
            Plan.Builder plan = Plan.builder();
            List<List<String>> levels = spec.levels();
            for (int i = levels.size() - 1; i >= 0; i--) {
                List<String> level = levels.get(i);
                plan.phase("level-" + (i + 1), Task.of("delete", j -> tasks.deleteLevel(j, level, force))
                        .weight(level.size() * 2).attempts(1));
            }
            return plan.phase("forget", Task.of("forget", tasks::forget))
                    .onEnd((c, j) -> {
                        if (j.state() != JobState.SUCCEEDED) {
                            EnvironmentRepository.setState(c, j.environmentId(), EnvironmentRecord.FAILED,
                                    "delete failed: " + j.error() + "; run stratum:env-delete again");
                        }
                    })
                    .build();
        }
    }
}
