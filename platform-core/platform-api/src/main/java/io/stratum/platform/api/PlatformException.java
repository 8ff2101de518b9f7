package io.stratum.platform.api;

/**
 * A request the platform cannot accept, with a message for users that says what is wrong and what to do.
 * A rejected request changes nothing.
 */
public class PlatformException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a request was rejected; interfaces map it to their own codes (e.g. HTTP status). */
    public enum Reason {
        /** The named thing does not exist, or is not the caller's to see (the two are never told apart). */
        NOT_FOUND,
        /** The caller may see the target but not do this to it (e.g. a viewer asking for a change). */
        FORBIDDEN,
        /** A limit of the account (its quota) would be exceeded. */
        QUOTA_EXCEEDED,
        /** Something of that name exists already. */
        ALREADY_EXISTS,
        /** The request is malformed or asks for something not allowed. */
        INVALID,
        /** The target is busy with another job; try again when it has ended. */
        CONCURRENCY,
        /** Something the request needs is missing right now (e.g. no engine for the service type). */
        UNAVAILABLE,
        /** The platform failed; see its log. */
        INTERNAL
    }

    private final Reason reason;

    /**
     * @param reason why the request was rejected
     * @param message what is wrong and what to do
     */
    public PlatformException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /**
     * @param reason why the request was rejected
     * @param message what is wrong and what to do
     * @param cause the underlying exception
     */
    public PlatformException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** @return why the request was rejected */
    public Reason reason() {
        return reason;
    }
}
