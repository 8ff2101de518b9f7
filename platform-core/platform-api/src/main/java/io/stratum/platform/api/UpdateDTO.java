package io.stratum.platform.api;

import java.time.Instant;

/**
 * An update of one service: asked for, pending until its window (unless forced), then run as a job.
 *
 * @param id the update's id
 * @param account the service's account
 * @param service the service's name
 * @param serviceType its type
 * @param type an SDP upgrade or a patch
 * @param fromVersion the SDP version the service had when the update was asked for
 * @param toVersion the SDP version it ends on (the same for a patch)
 * @param patchId the patch, or {@code null}
 * @param mode how it runs: {@code SOFT} (live, no restart), {@code HARD} (lockout, backup, restart) or
 *     {@code ROLLING} (one instance at a time)
 * @param state where it stands
 * @param notBefore when it may run (the start of its window or slot); the time it was asked for if forced
 * @param forced whether it runs at once, outside the window
 * @param jobId its job once it runs, else {@code null}
 * @param requestedBy who asked
 * @param requestedAt when
 * @param endedAt when it ended, or {@code null}
 * @param message what happened (the job's message or error), or what it waits for
 */
public record UpdateDTO(String id, String account, String service, String serviceType, Type type, String fromVersion,
        String toVersion, String patchId, String mode, State state, Instant notBefore, boolean forced, Long jobId,
        String requestedBy, Instant requestedAt, Instant endedAt, String message) {

    /** What an update changes. */
    public enum Type {
        /** The service moves to another SDP version. */
        UPGRADE,
        /** A patch changes the service's configuration within its SDP version. */
        PATCH
    }

    /** Where an update stands. */
    public enum State {
        /** Waiting for its window. */
        PENDING,
        /** Its job runs. */
        RUNNING,
        /** Done: the service runs the new version or configuration. */
        SUCCEEDED,
        /** Failed: the service was put back as it was before (see the message). */
        FAILED,
        /** Withdrawn before it ran. */
        CANCELLED
    }
}
