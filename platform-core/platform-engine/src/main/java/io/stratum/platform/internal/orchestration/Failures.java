package io.stratum.platform.internal.orchestration;

import io.stratum.sme.api.SmeException;

/** Tells transient failures (worth retrying) from permanent ones. */
public final class Failures {

    private Failures() {
    }

    /** A failure of the platform's own that may pass if the task is tried again later. */
    public static final class TransientException extends Exception {
        private static final long serialVersionUID = 1L;

        /**
         * @param message what went wrong
         * @param cause the cause, or {@code null}
         */
        public TransientException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * @param t a failure
     * @return whether retrying may help
     */
    public static boolean isTransient(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TransientException) {
                return true;
            }
            if (c instanceof SmeException sme) {
                return sme.isTransient();
            }
        }
        return false;
    }

    /**
     * @param t a failure
     * @return its message for users: the message, or the class name if there is none
     */
    public static String message(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName() + (t.getCause() == null ? "" : ": " + message(t.getCause()));
        }
        return m;
    }
}
