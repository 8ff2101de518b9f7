package io.stratum.platform.internal.orchestration;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a job does: phases of tasks, run in order, and what happens in the store when the job ends.
 * A plan is rebuilt from the job's kind and parameters each time the job runs (also after a crash), so it
 * must be a pure function of them.
 */
public final class Plan {

    /** Called in the transaction that records the end of a job. */
    @FunctionalInterface
    public interface Completion {
        /**
         * @param c the transaction (also releases the job's service lock)
         * @param job the job, with its final state and error
         * @throws SQLException on a store error (the end is then retried on the next start)
         */
        void onEnd(Connection c, JobRecord job) throws SQLException;
    }

    /** Called before the transaction that records the end of a job (see {@link Builder#beforeEnd}). */
    @FunctionalInterface
    public interface EndHook {
        /**
         * @param job the job as it is about to end: its final state, message and error
         * @throws Exception if it cannot do its work now (the end is then tried again after a pause)
         */
        void run(JobRecord job) throws Exception;
    }

    /**
     * A task with its phase.
     *
     * @param phase the phase's name
     * @param task the task
     */
    public record Step(String phase, Task task) {
    }

    private final List<Step> steps;
    private final Completion completion;
    private final EndHook beforeEnd;

    private Plan(List<Step> steps, Completion completion, EndHook beforeEnd) {
        this.steps = List.copyOf(steps);
        this.completion = completion;
        this.beforeEnd = beforeEnd;
    }

    /**
     * @param after the index of the step after which the new steps go ({@code -1}: first)
     * @param added the steps to add
     * @return this plan with {@code added} inserted
     */
    Plan inserting(int after, List<Step> added) {
        List<Step> all = new ArrayList<>(steps);
        all.addAll(after + 1, added);
        return new Plan(all, completion, beforeEnd);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the steps, in order */
    public List<Step> steps() {
        return steps;
    }

    Completion completion() {
        return completion;
    }

    EndHook beforeEnd() {
        return beforeEnd;
    }

    /** Builds a {@link Plan}. */
    public static final class Builder {
        private final List<Step> steps = new ArrayList<>();
        private Completion completion = (c, job) -> { };
        private EndHook beforeEnd = job -> { };

        /**
         * @param name the phase's name
         * @param tasks its tasks, in order
         * @return this builder
         */
        public Builder phase(String name, Task... tasks) {
            for (Task t : tasks) {
                steps.add(new Step(name, t));
            }
            return this;
        }

        /**
         * @param onEnd what to record when the job ends (successfully or not)
         * @return this builder
         */
        public Builder onEnd(Completion onEnd) {
            this.completion = onEnd;
            return this;
        }

        /**
         * @param hook what to do once the job has ended, before its end is recorded: at least once, so idempotent
         * @return this builder
         */
        public Builder beforeEnd(EndHook hook) {
            this.beforeEnd = hook;
            return this;
        }

        /** @return the plan */
        public Plan build() {
            if (steps.isEmpty()) {
                throw new IllegalStateException("a plan needs at least one task");
            }
            return new Plan(steps, completion, beforeEnd);
        }
    }
}
