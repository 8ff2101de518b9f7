package io.stratum.platform.api;

import java.time.Instant;
import java.util.List;

/**
 * A job: one asynchronous action on the platform.
 *
 * @param id its unique id
 * @param kind what it does, e.g. {@code service.create}
 * @param account the account it works for
 * @param target what it works on, e.g. the service's name
 * @param serviceId the id of the service it works on, or empty
 * @param state its state
 * @param phase the phase it is in (or ended in)
 * @param task the task it is running (or ended in)
 * @param progress 0 to 100
 * @param attempts attempts of the current task so far
 * @param message what is happening now
 * @param error why it failed, or empty
 * @param createdAt when it was submitted
 * @param startedAt when it started, or {@code null}
 * @param updatedAt when it last changed
 * @param finishedAt when it ended, or {@code null}
 * @param steps what it did, in order (only from {@link PlatformService#getJob}; empty in lists)
 * @param requestedBy the user who asked for it ({@code system:<component>} for a platform component)
 * @param requestedVia the interface the request came through ({@code shell}, {@code rest}, ...)
 * @param cause what else started it (an alert, a schedule), or empty
 */
public record JobDTO(
        long id,
        String kind,
        String account,
        String target,
        String serviceId,
        JobState state,
        String phase,
        String task,
        int progress,
        int attempts,
        String message,
        String error,
        Instant createdAt,
        Instant startedAt,
        Instant updatedAt,
        Instant finishedAt,
        List<StepDTO> steps,
        String requestedBy,
        String requestedVia,
        String cause) {

    /** @return whether the job has ended */
    public boolean isDone() {
        return state.isDone();
    }

    /**
     * One step of a job: a task run forward, or its compensation run during rollback.
     *
     * @param phase the task's phase
     * @param task the task's name
     * @param compensation {@code true} if this step undid the task
     * @param state {@code RUNNING}, {@code DONE}, {@code FAILED}
     * @param attempts how many times it was tried
     * @param error the last error, or empty
     * @param startedAt when it started
     * @param finishedAt when it ended, or {@code null}
     */
    public record StepDTO(
            String phase,
            String task,
            boolean compensation,
            String state,
            int attempts,
            String error,
            Instant startedAt,
            Instant finishedAt) {
    }
}
