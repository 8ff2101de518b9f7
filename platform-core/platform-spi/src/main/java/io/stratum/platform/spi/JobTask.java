package io.stratum.platform.spi;

import java.util.Objects;

/**
 * One step of a job plan: an action, and optionally the compensation that undoes it during rollback.
 * <p>
 * A task is <em>idempotent</em> (the default) when running it again after it was interrupted half-way is safe; the
 * engine then resumes a crashed job by repeating it. A task that is not is never repeated: an interrupted job rolls
 * back instead. Compensations must be idempotent and must tolerate that their task did part of its work, or none.
 * A task throws to fail; a failure whose cause is marked transient (an
 * {@link io.stratum.sme.api.SmeException#isTransient() SmeException}, an I/O timeout) is retried with backoff.
 */
public final class JobTask {

    /** The work of a task or of its compensation. */
    @FunctionalInterface
    public interface Action {
        /**
         * @param job the running job
         * @throws Exception on failure
         */
        void run(JobContext job) throws Exception;
    }

    private final String name;
    private final Action action;
    private final Action compensation;
    private final boolean idempotent;
    private final int attempts;
    private final int weight;

    private JobTask(String name, Action action, Action compensation, boolean idempotent, int attempts, int weight) {
        this.name = Objects.requireNonNull(name, "name");
        this.action = Objects.requireNonNull(action, "action");
        this.compensation = compensation;
        this.idempotent = idempotent;
        this.attempts = attempts;
        this.weight = weight;
    }

    /**
     * An idempotent task without compensation, tried up to 3 times on transient failures, weight 1.
     *
     * @param name its name, shown to users (e.g. {@code lock})
     * @param action its work
     * @return the task
     */
    public static JobTask of(String name, Action action) {
        return new JobTask(name, action, null, true, 3, 1);
    }

    /**
     * @param undo what undoes this task
     * @return a copy with that compensation
     */
    public JobTask compensatedBy(Action undo) {
        return new JobTask(name, action, undo, idempotent, attempts, weight);
    }

    /** @return a copy that is never repeated after an interruption (the job rolls back instead) */
    public JobTask notIdempotent() {
        return new JobTask(name, action, compensation, false, attempts, weight);
    }

    /**
     * @param n how often to try on transient failures (at least 1)
     * @return a copy
     */
    public JobTask attempts(int n) {
        return new JobTask(name, action, compensation, idempotent, Math.max(1, n), weight);
    }

    /**
     * @param w this task's share of the job's progress, relative to the others (default 1)
     * @return a copy
     */
    public JobTask weight(int w) {
        return new JobTask(name, action, compensation, idempotent, attempts, Math.max(1, w));
    }

    /** @return its name */
    public String name() {
        return name;
    }

    /** @return its work */
    public Action action() {
        return action;
    }

    /** @return what undoes it, or {@code null} */
    public Action compensation() {
        return compensation;
    }

    /** @return whether repeating it after an interruption is safe */
    public boolean idempotent() {
        return idempotent;
    }

    /** @return how often it is tried on transient failures */
    public int attempts() {
        return attempts;
    }

    /** @return its share of the job's progress */
    public int weight() {
        return weight;
    }
}
