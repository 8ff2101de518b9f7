package io.stratum.platform.rest;

import io.stratum.platform.api.JobDTO;
import java.util.Map;

/**
 * What a route answers: a status, a body written as JSON (none for {@code null}), and headers.
 *
 * @param status the HTTP status
 * @param body the body, or {@code null}
 * @param headers further headers, e.g. {@code Location}
 */
record Reply(int status, Object body, Map<String, String> headers) {

    /** What a route that wrote its response itself (an event stream) returns. */
    static final Reply WRITTEN = new Reply(0, null, Map.of());

    static Reply ok(Object body) {
        return new Reply(200, body, Map.of());
    }

    /**
     * @param body the new thing
     * @param location where it can be read, e.g. {@code /api/v1/accounts/blue}
     * @return 201 Created
     */
    static Reply created(Object body, String location) {
        return new Reply(201, body, Map.of("Location", location));
    }

    /**
     * @param job a job just submitted (or asked to stop)
     * @param x the exchange, for the API's base path
     * @return 202 Accepted with the job and {@code Location: <base>/jobs/<id>}
     */
    static Reply accepted(JobDTO job, Exchange x) {
        return new Reply(202, job, Map.of("Location", x.base() + "/jobs/" + job.id()));
    }

    static Reply noContent() {
        return new Reply(204, null, Map.of());
    }
}
