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

    private Plan(List<Step> steps, Completion completion) {
        this.steps = List.copyOf(steps);
        this.completion = completion;
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

    /** Builds a {@link Plan}. */
    public static final class Builder {
        private final List<Step> steps = new ArrayList<>();
        private Completion completion = (c, job) -> { };

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

        /** @return the plan */
        public Plan build() {
            if (steps.isEmpty()) {
                throw new IllegalStateException("a plan needs at least one task");
            }
            return new Plan(steps, completion);
        }
    }
}
