package io.stratum.platform.internal.orchestration;

import java.util.Objects;

/**
 * One step of a plan: an action, and optionally the compensation that undoes it during rollback.
 * <p>
 * A task is <em>idempotent</em> when running it again after it was interrupted half-way (by a crash) is safe;
 * the engine then resumes by repeating it. A task that is not idempotent is never repeated: an interrupted
 * job rolls back instead. Compensations must always be idempotent and must tolerate that their task did only
 * part of its work (or none): the failed task's own compensation also runs during rollback.
 */
public final class Task {

    /** The work of a task or compensation. */
    @FunctionalInterface
    public interface Action {
        /**
         * @param job the running job
         * @throws Exception on failure; transient failures ({@link Failures#isTransient}) are retried
         */
        void run(JobContext job) throws Exception;
    }

    private final String name;
    private final Action action;
    private final Action compensation;
    private final boolean idempotent;
    private final int maxAttempts;
    private final int weight;

    private Task(String name, Action action, Action compensation, boolean idempotent, int maxAttempts, int weight) {
        this.name = Objects.requireNonNull(name, "name");
        this.action = Objects.requireNonNull(action, "action");
        this.compensation = compensation;
        this.idempotent = idempotent;
        this.maxAttempts = maxAttempts;
        this.weight = weight;
    }

    /**
     * An idempotent task without compensation, tried up to 3 times on transient failures, weight 1.
     *
     * @param name its name, shown to users (e.g. "provision")
     * @param action its work
     * @return the task
     */
    public static Task of(String name, Action action) {
        return new Task(name, action, null, true, 3, 1);
    }

    /**
     * @param undo what undoes this task
     * @return a copy with that compensation
     */
    public Task compensatedBy(Action undo) {
        return new Task(name, action, undo, idempotent, maxAttempts, weight);
    }

    /** @return a copy that is never repeated after an interruption (the job rolls back instead) */
    public Task notIdempotent() {
        return new Task(name, action, compensation, false, maxAttempts, weight);
    }

    /**
     * @param attempts how often to try on transient failures (at least 1)
     * @return a copy
     */
    public Task attempts(int attempts) {
        return new Task(name, action, compensation, idempotent, Math.max(1, attempts), weight);
    }

    /**
     * @param w the share of the job's progress this task stands for, relative to the others (default 1)
     * @return a copy
     */
    public Task weight(int w) {
        return new Task(name, action, compensation, idempotent, maxAttempts, Math.max(1, w));
    }

    /** @return the name */
    public String name() {
        return name;
    }

    Action action() {
        return action;
    }

    Action compensation() {
        return compensation;
    }

    boolean isIdempotent() {
        return idempotent;
    }

    int maxAttempts() {
        return maxAttempts;
    }

    int weight() {
        return weight;
    }
}
