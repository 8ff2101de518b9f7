package io.stratum.platform.api;

/** The state of a job. */
public enum JobState {
    /** Accepted, waiting for a worker. */
    QUEUED,
    /** Running its tasks. */
    RUNNING,
    /** A task failed (or the job was cancelled); undoing the tasks it completed. */
    ROLLING_BACK,
    /** Done. */
    SUCCEEDED,
    /** Failed; what it did was rolled back (see its error). */
    FAILED,
    /** Cancelled by a user; what it did was rolled back. */
    CANCELLED;

    /** @return whether the job has ended */
    public boolean isDone() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
