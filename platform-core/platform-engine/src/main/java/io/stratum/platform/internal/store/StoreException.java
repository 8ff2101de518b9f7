package io.stratum.platform.internal.store;

/** The store failed (disk full, database corrupt, bug in a statement). */
public class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong
     * @param cause the underlying exception, or {@code null}
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
