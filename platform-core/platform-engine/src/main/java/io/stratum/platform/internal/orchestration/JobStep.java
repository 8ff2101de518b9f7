package io.stratum.platform.internal.orchestration;

import java.time.Instant;

/**
 * One row of {@code job_steps}: a task run forward, or its compensation.
 *
 * @param seq its position in the job's history
 * @param taskIndex the task's index in the plan
 * @param phase the task's phase
 * @param task the task's name
 * @param compensation whether this step undid the task
 * @param state {@code RUNNING}, {@code DONE} or {@code FAILED}
 * @param attempts attempts so far
 * @param error last error, or empty
 * @param startedAt started at
 * @param finishedAt ended at, or {@code null}
 */
public record JobStep(
        int seq,
        int taskIndex,
        String phase,
        String task,
        boolean compensation,
        String state,
        int attempts,
        String error,
        Instant startedAt,
        Instant finishedAt) {

    /** Step states. */
    public static final String RUNNING = "RUNNING";
    /** Step states. */
    public static final String DONE = "DONE";
    /** Step states. */
    public static final String FAILED = "FAILED";
}
