package io.stratum.sme.api;

/**
 * Failure of an engine call. The message is shown to users as the reason a job failed: say what went wrong
 * and, where possible, what to do about it.
 */
public class SmeException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean transientFailure;

    /**
     * A permanent failure: repeating the call will not help.
     *
     * @param message what went wrong and what to do
     */
    public SmeException(String message) {
        this(message, null, false);
    }

    /**
     * A permanent failure caused by another exception.
     *
     * @param message what went wrong and what to do
     * @param cause the underlying exception
     */
    public SmeException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /**
     * @param message what went wrong and what to do
     * @param cause the underlying exception, or {@code null}
     * @param transientFailure {@code true} if repeating the call later may succeed
     */
    public SmeException(String message, Throwable cause, boolean transientFailure) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    /**
     * A failure that may go away if the call is repeated later (a port still in use, a process still
     * starting); the platform retries the task with backoff.
     *
     * @param message what went wrong
     * @param cause the underlying exception, or {@code null}
     * @return the exception
     */
    public static SmeException transientFailure(String message, Throwable cause) {
        return new SmeException(message, cause, true);
    }

    /** @return {@code true} if repeating the call later may succeed */
    public boolean isTransient() {
        return transientFailure;
    }
}
