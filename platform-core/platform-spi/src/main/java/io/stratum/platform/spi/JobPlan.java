package io.stratum.platform.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What a job does: phases of tasks, run in order, and what to do once it has ended. */
public final class JobPlan {

    /** Runs once a job has ended, before its end is recorded and its locks released. */
    @FunctionalInterface
    public interface Completion {
        /**
         * Called at least once: again if the platform stops before the end is recorded, so it must be idempotent.
         * Throwing delays the job's end (it is tried again after a pause); it does not change how it ended.
         *
         * @param job the job, with its final state, message and error
         * @throws Exception if what it records cannot be recorded now
         */
        void onEnd(JobInfo job) throws Exception;
    }

    /**
     * A task with its phase.
     *
     * @param phase the phase's name
     * @param task the task
     */
    public record Step(String phase, JobTask task) {
        /** Checks. */
        public Step {
            Objects.requireNonNull(phase, "phase");
            Objects.requireNonNull(task, "task");
        }
    }

    private final List<Step> steps;
    private final Completion completion;

    private JobPlan(List<Step> steps, Completion completion) {
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

    /** @return what runs at the end */
    public Completion completion() {
        return completion;
    }

    /** Builds a {@link JobPlan}. */
    public static final class Builder {
        private final List<Step> steps = new ArrayList<>();
        private Completion completion = job -> { };

        /**
         * @param name the phase's name
         * @param tasks its tasks, in order
         * @return this builder
         */
        public Builder phase(String name, JobTask... tasks) {
            for (JobTask t : tasks) {
                steps.add(new Step(name, t));
            }
            return this;
        }

        /**
         * @param name the phase's name
         * @param tasks its tasks, in order
         * @return this builder
         */
        public Builder phase(String name, List<JobTask> tasks) {
            return phase(name, tasks.toArray(JobTask[]::new));
        }

        /**
         * @param onEnd what to do once the job has ended (successfully or not)
         * @return this builder
         */
        public Builder onEnd(Completion onEnd) {
            this.completion = Objects.requireNonNull(onEnd, "onEnd");
            return this;
        }

        /** @return the plan */
        public JobPlan build() {
            if (steps.isEmpty()) {
                throw new IllegalStateException("a plan needs at least one task");
            }
            return new JobPlan(steps, completion);
        }
    }
}
