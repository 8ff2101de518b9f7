package io.stratum.platform.shell;

/**
 * A job the command followed ended without succeeding (failed, rolled back, cancelled) or did not end in time. The
 * platform recorded the job, its steps and its error (and logged its end); the command only reports it.
 */
final class JobNotSucceededException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** @param message how the job ended and where to look, e.g. "job 7 FAILED: ..." */
    JobNotSucceededException(String message) {
        super(message);
    }
}
