package io.stratum.platform.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stratum.platform.api.BackupService;
import io.stratum.platform.api.CloneService;
import io.stratum.platform.api.ElasticityService;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.UpdateService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * One request as a route's handler sees it: its path values and query parameters (already checked against the
 * route: every one declared, each of its type), its body, and the facades of the authenticated caller. Handlers
 * call the facades and return a {@link Reply}; nothing here decides what the platform allows.
 */
final class Exchange {

    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final Route route;
    private final Map<String, String> pathValues;
    private final Map<String, String> query;
    private final byte[] body;
    private final ObjectMapper mapper;
    private final String user;
    private final PlatformService platform;
    private final Supplier<BackupService> backups;
    private final Supplier<CloneService> clones;
    private final Supplier<ElasticityService> elasticity;
    private final Supplier<UpdateService> updates;

    Exchange(HttpServletRequest request, HttpServletResponse response, Route route, Map<String, String> pathValues,
            Map<String, String> query, byte[] body, ObjectMapper mapper, String user, PlatformService platform,
            Supplier<BackupService> backups, Supplier<CloneService> clones, Supplier<ElasticityService> elasticity,
            Supplier<UpdateService> updates) {
        this.request = request;
        this.response = response;
        this.route = route;
        this.pathValues = pathValues;
        this.query = query;
        this.body = body;
        this.mapper = mapper;
        this.user = user;
        this.platform = platform;
        this.backups = backups;
        this.clones = clones;
        this.elasticity = elasticity;
        this.updates = updates;
    }

    /** @return the API's base path as the client reached it, e.g. {@code /api/v1} */
    String base() {
        return request.getContextPath() + request.getServletPath();
    }

    /** @return the request's method */
    String method() {
        return request.getMethod();
    }

    /** @return the authenticated user's name */
    String user() {
        return user;
    }

    /** @return the platform facade of the caller */
    PlatformService platform() {
        return platform;
    }

    /**
     * @return the backups of the caller
     * @throws io.stratum.platform.api.PlatformException UNAVAILABLE (503) without the backup bundle
     */
    BackupService backups() {
        return backups.get();
    }

    /**
     * @return the clones of the caller
     * @throws io.stratum.platform.api.PlatformException UNAVAILABLE (503) without the clone bundle
     */
    CloneService clones() {
        return clones.get();
    }

    /**
     * @return the metrics, alerts and scaling policies of the caller
     * @throws io.stratum.platform.api.PlatformException UNAVAILABLE (503) without the elasticity bundle
     */
    ElasticityService elasticity() {
        return elasticity.get();
    }

    /**
     * @return the SDP versions, patches, updates and maintenance windows of the caller
     * @throws io.stratum.platform.api.PlatformException UNAVAILABLE (503) without the update bundle
     */
    UpdateService updates() {
        return updates.get();
    }

    /** @return the value of a path variable of the route's template */
    String path(String name) {
        String v = pathValues.get(name);
        if (v == null) {
            throw new IllegalStateException(route + " has no path variable " + name);
        }
        return v;
    }

    /** @return the value of a path variable that names something by number (a job id); a 404 if it is not one */
    long pathId(String name, String what) {
        String v = path(name);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw ApiException.notFound("no " + what + " " + v + ": " + what + " ids are numbers");
        }
    }

    /** @return a query parameter's text, or {@code null} if it was not given */
    String string(String name) {
        declared(name);
        return query.get(name);
    }

    /** @return the {@code account} query parameter, or {@code null} (the platform picks the caller's account) */
    String account() {
        return string("account");
    }

    /** @return a boolean query parameter, {@code false} if not given */
    boolean flag(String name) {
        declared(name);
        String v = query.get(name);
        return v != null && (v.isEmpty() || Boolean.parseBoolean(v));
    }

    /** @return an integer query parameter, or {@code fallback} if not given */
    long integer(String name, long fallback) {
        declared(name);
        String v = query.get(name);
        return v == null ? fallback : Long.parseLong(v);
    }

    /** @return an integer query parameter that must fit an int, or {@code fallback} if not given */
    int smallInteger(String name, int fallback) {
        long v = integer(name, fallback);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw ApiException.invalid("query parameter '" + name + "' is too large");
        }
        return (int) v;
    }

    /** @return a duration query parameter, or {@code null} if not given */
    Duration duration(String name) {
        declared(name);
        String v = query.get(name);
        return v == null ? null : Durations.parse("query parameter '" + name + "'", v);
    }

    /** @return whether the request asks for a dry run */
    boolean dryRun() {
        return route.preview != null && flag(Route.DRY_RUN);
    }

    /**
     * @param type the route's body type
     * @return the body, read and its shape checked
     * @throws ApiException 400 if it is not JSON, not an object, has unknown fields or values of the wrong type, or
     *     lacks a field it needs
     */
    <T extends Bodies.Checked> T body(Class<T> type) {
        if (route.bodyType != type) {
            throw new IllegalStateException(route + " does not declare a body of " + type.getSimpleName());
        }
        T value;
        try {
            value = body.length == 0 ? mapper.readValue("{}", type) : mapper.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw Json.badBody(e);
        } catch (IOException e) {
            throw ApiException.badRequest(ApiException.MALFORMED_JSON, "the request body cannot be read");
        }
        if (value == null) {
            throw ApiException.invalid("the request body must be a JSON object, not null");
        }
        value.check();
        return value;
    }

    /** @return the body as UTF-8 text (an environment description) */
    String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** @return the servlet response, for routes that write a stream themselves */
    HttpServletResponse response() {
        return response;
    }

    private void declared(String name) {
        if (route.queryParam(name) == null) {
            throw new IllegalStateException(route + " does not declare query parameter " + name);
        }
    }
}
