package io.stratum.platform.internal.orchestration;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.JobState;
import io.stratum.platform.spi.JobInfo;
import io.stratum.platform.spi.JobPlan;
import io.stratum.platform.spi.JobPlanner;
import io.stratum.platform.spi.JobTask;
import io.stratum.platform.spi.Resource;
import io.stratum.sme.api.TaskMonitor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Runs the job SPI ({@link JobPlanner}s and their plans) on the engine's own plans, tasks and contexts. */
public final class SpiAdapters {

    private SpiAdapters() {
    }

    /**
     * @param job a job's record
     * @return the job as the SPI shows it
     */
    static JobInfo info(JobRecord job) {
        return new Info(job);
    }

    /**
     * @param planner a planner of the SPI
     * @return it, as the engine's plan factory
     */
    static PlanFactory factory(JobPlanner planner) {
        return job -> plan(planner.plan(info(job)));
    }

    /**
     * @param plan a plan of the SPI
     * @return it, as the engine's plan
     */
    static Plan plan(JobPlan plan) {
        Plan.Builder b = Plan.builder();
        for (JobPlan.Step step : plan.steps()) {
            b.phase(step.phase(), task(step.task()));
        }
        JobPlan.Completion completion = plan.completion();
        return b.beforeEnd(ended -> completion.onEnd(info(ended))).build();
    }

    /**
     * @param steps steps of the SPI
     * @return them, as the engine's steps
     */
    static List<Plan.Step> steps(List<JobPlan.Step> steps) {
        return steps.stream().map(s -> new Plan.Step(s.phase(), task(s.task()))).toList();
    }

    private static Task task(JobTask t) {
        Task task = Task.of(t.name(), ctx -> t.action().run(context(ctx)));
        if (t.compensation() != null) {
            JobTask.Action undo = t.compensation();
            task = task.compensatedBy(ctx -> undo.run(context(ctx)));
        }
        if (!t.idempotent()) {
            task = task.notIdempotent();
        }
        return task.attempts(t.attempts()).weight(t.weight());
    }

    private static io.stratum.platform.spi.JobContext context(JobContext ctx) {
        return new SpiContext(ctx);
    }

    /**
     * @param job a job's context as the SPI shows it, handed to a task of this engine
     * @return the engine's own context of that job
     * @throws IllegalArgumentException if the context was not made by this engine
     */
    public static JobContext internal(io.stratum.platform.spi.JobContext job) {
        if (job instanceof SpiContext s) {
            return s.ctx;
        }
        throw new IllegalArgumentException("not a context of a running job of this platform: " + job);
    }

    /** A running job's context, as the SPI shows it. */
    private static final class SpiContext implements io.stratum.platform.spi.JobContext {
        private final JobContext ctx;

        SpiContext(JobContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public JobInfo job() {
            return info(ctx.job());
        }

        @Override
        public Optional<String> get(String key) {
            return ctx.get(key);
        }

        @Override
        public void put(String key, String value) {
            ctx.put(key, value);
        }

        @Override
        public void note(String key, String text) {
            ctx.note(key, text);
        }

        @Override
        public TaskMonitor monitor() {
            return ctx.monitor();
        }

        @Override
        public void message(String message) {
            ctx.message(message);
        }

        @Override
        public boolean isCancelled() {
            return ctx.isCancelled();
        }
    }

    /** A job's record, as the SPI shows it. */
    private record Info(JobRecord r) implements JobInfo {
        @Override
        public long id() {
            return r.id();
        }

        @Override
        public String kind() {
            return r.kind();
        }

        @Override
        public Optional<String> accountId() {
            return Optional.ofNullable(r.accountId());
        }

        @Override
        public Optional<String> accountName() {
            return Optional.ofNullable(r.accountName());
        }

        @Override
        public Optional<String> serviceId() {
            return Optional.ofNullable(r.serviceId());
        }

        @Override
        public String target() {
            return r.target();
        }

        @Override
        public Map<String, String> params() {
            return r.params();
        }

        @Override
        public String param(String key) {
            return r.param(key);
        }

        @Override
        public Set<Resource> locks() {
            return r.locks();
        }

        @Override
        public Caller requester() {
            return r.requester();
        }

        @Override
        public JobState state() {
            return r.state();
        }

        @Override
        public String error() {
            return r.error();
        }

        @Override
        public String message() {
            return r.message();
        }
    }
}
