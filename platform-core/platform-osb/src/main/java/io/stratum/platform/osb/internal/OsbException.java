package io.stratum.platform.osb.internal;

/**
 * A request the broker answers with an error: the HTTP status, the OSB error code (one of the spec's codes where the
 * spec names one for the case, else a word of our own) and a description for the platform's user. Thrown before
 * anything changed: a 4xx answer leaves the broker's state as it was.
 */
final class OsbException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The spec's code: the request needs {@code accepts_incomplete=true}. */
    static final String ASYNC_REQUIRED = "AsyncRequired";
    /** The spec's code: another operation on the instance (or binding) is in progress. */
    static final String CONCURRENCY_ERROR = "ConcurrencyError";
    /** The spec's code: the request's {@code maintenance_info.version} is not the catalog's. */
    static final String MAINTENANCE_INFO_CONFLICT = "MaintenanceInfoConflict";

    private final int status;
    private final String error;

    /**
     * @param status the HTTP status
     * @param error the error code
     * @param description what is wrong and what to do
     */
    OsbException(int status, String error, String description) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
    }

    static OsbException badRequest(String description) {
        return new OsbException(400, "BadRequest", description);
    }

    static OsbException notFound(String description) {
        return new OsbException(404, "NotFound", description);
    }

    static OsbException conflict(String description) {
        return new OsbException(409, "Conflict", description);
    }

    static OsbException unprocessable(String description) {
        return new OsbException(422, "UnprocessableEntity", description);
    }

    static OsbException asyncRequired(String what) {
        return new OsbException(422, ASYNC_REQUIRED, what + " runs as a Stratum job: send the request with "
                + "accepts_incomplete=true and poll last_operation");
    }

    static OsbException concurrency(String description) {
        return new OsbException(422, CONCURRENCY_ERROR, description);
    }

    /** @return the HTTP status */
    int status() {
        return status;
    }

    /** @return the error code */
    String error() {
        return error;
    }
}
