package io.stratum.platform.rest;

import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import java.util.Map;

/**
 * A request the REST layer answers with an error of its own, before or instead of calling the platform: the HTTP
 * status, the {@code error} code of the body and its message, and any headers the status needs ({@code Allow},
 * {@code WWW-Authenticate}, {@code Retry-After}). Errors the platform reports arrive as {@link PlatformException}
 * and are mapped by {@link #of(PlatformException)}.
 */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** 400: the body is not JSON. */
    static final String MALFORMED_JSON = "MALFORMED_JSON";
    /** 400: wrong types, unknown or missing fields, bad query parameters, a body where none is taken. */
    static final String INVALID_REQUEST = "INVALID_REQUEST";
    /** 401: no or wrong credentials. */
    static final String UNAUTHORIZED = "UNAUTHORIZED";
    /** 403: a cross-origin request from a browser. */
    static final String FORBIDDEN = "FORBIDDEN";
    /** 404: no such resource, or not the caller's (also the platform's code). */
    static final String NOT_FOUND = "NOT_FOUND";
    /** 405: the resource exists, the method does not. */
    static final String METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED";
    /** 406: the client accepts nothing this resource sends. */
    static final String NOT_ACCEPTABLE = "NOT_ACCEPTABLE";
    /** 413: the body is larger than {@link RestApi#MAX_BODY}. */
    static final String PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE";
    /** 415: a body of a media type this resource does not take. */
    static final String UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE";
    /** 429: too many failed logins of this user name; try again after Retry-After. */
    static final String TOO_MANY_FAILED_LOGINS = "TOO_MANY_FAILED_LOGINS";
    /** 503: too many long polls and event streams open at once. */
    static final String TOO_MANY_WAITS = "TOO_MANY_WAITS";
    /** 500: anything unexpected; the message names the correlation id to look for in karaf.log. */
    static final String INTERNAL = "INTERNAL";

    private final int status;
    private final String code;
    private final Map<String, String> headers;

    ApiException(int status, String code, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    static ApiException badRequest(String code, String message) {
        return new ApiException(400, code, message, Map.of());
    }

    static ApiException invalid(String message) {
        return badRequest(INVALID_REQUEST, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, NOT_FOUND, message, Map.of());
    }

    /**
     * Maps the platform's refusal to its HTTP status; the code is the reason's name and the message the platform's
     * (written for users; it never holds secrets).
     *
     * @param e what the platform threw
     * @return the error to answer
     */
    static ApiException of(PlatformException e) {
        Reason r = e.reason() == null ? Reason.INTERNAL : e.reason();
        return new ApiException(status(r), r.name(), e.getMessage() == null ? r.name() : e.getMessage(),
                r == Reason.UNAVAILABLE ? Map.of("Retry-After", "10") : Map.of());
    }

    /**
     * The one mapping of the platform's reasons to HTTP statuses (documented in the OpenAPI document's description).
     *
     * @param r a reason
     * @return its status
     */
    static int status(Reason r) {
        return switch (r) {
            case NOT_FOUND -> 404;
            case FORBIDDEN -> 403;
            case ALREADY_EXISTS, CONCURRENCY, QUOTA_EXCEEDED -> 409;
            case INVALID -> 422;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
        };
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    Map<String, String> headers() {
        return headers;
    }
}
