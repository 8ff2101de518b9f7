package io.stratum.platform.rest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One operation of the API: a method and a path template (relative to {@code /api/v1}, e.g.
 * {@code /services/{name}/scale}), what it takes (path and query parameters, a body), what it answers, the handler
 * that does it and, for calls that have one, the handler of its dry run ({@code ?dryRun=true}). The same
 * description serves requests ({@link Router}) and the OpenAPI document ({@link OpenApi}), so the two cannot differ.
 */
final class Route {

    /** Does the work of a route for one request. */
    @FunctionalInterface
    interface Handler {
        /**
         * @param x the request, its parameters and the caller's facades
         * @return what to answer
         * @throws Exception anything; {@link io.stratum.platform.api.PlatformException} and {@link ApiException}
         *     become their error responses, the rest a 500
         */
        Reply handle(Exchange x) throws Exception;
    }

    /** What body a route takes. */
    enum Body {
        /** None: a request with a body is refused (400). */
        NONE,
        /** A JSON object ({@code application/json}). */
        JSON,
        /** A JSON object, or nothing (read as {@code {}}). */
        OPTIONAL_JSON,
        /** An environment description: JSON ({@code application/json}) or YAML ({@code application/yaml}). */
        ENVIRONMENT
    }

    /** The query parameter of dry runs. */
    static final String DRY_RUN = "dryRun";

    final String method;
    final String path;
    final List<String> segments;
    final String operationId;
    final String tag;
    final String summary;
    final String description;
    final Map<String, Param> pathParams;
    final List<Param> query;
    final Body body;
    final Class<? extends Bodies.Checked> bodyType;
    final String bodySchema;
    final int status;
    final String responseSchema;
    final String produces;
    final Handler handler;
    final Handler preview;
    final String previewSchema;
    final boolean open;

    private Route(Builder b, Handler handler) {
        this.method = b.method;
        this.path = b.path;
        this.segments = segments(b.path);
        this.operationId = Objects.requireNonNull(b.operationId);
        this.tag = b.tag;
        this.summary = b.summary;
        this.description = b.description;
        this.body = b.body;
        this.bodyType = b.bodyType;
        this.bodySchema = b.bodySchema;
        this.status = b.status;
        this.responseSchema = b.responseSchema;
        this.produces = b.produces;
        this.handler = handler;
        this.preview = b.preview;
        this.previewSchema = b.previewSchema;
        this.open = b.open;
        List<Param> q = new ArrayList<>(b.query);
        if (b.preview != null) {
            q.add(Param.flag(DRY_RUN, "Check everything and answer what the call would do (200), changing "
                    + "nothing, like the shell's --dry-run"));
        }
        this.query = List.copyOf(q);
        Map<String, Param> pp = new LinkedHashMap<>();
        for (String s : segments) {
            if (isVariable(s)) {
                String name = s.substring(1, s.length() - 1);
                Param p = b.pathParams.get(name);
                pp.put(name, p != null ? p : new Param(name, Param.Type.STRING, name, true));
            }
        }
        for (String declared : b.pathParams.keySet()) {
            if (!pp.containsKey(declared)) {
                throw new IllegalArgumentException(method + " " + path + " has no path parameter " + declared);
            }
        }
        this.pathParams = Map.copyOf(pp);
    }

    static List<String> segments(String path) {
        return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    static boolean isVariable(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    /** @return the query parameter of that name this route takes, or {@code null} */
    Param queryParam(String name) {
        for (Param p : query) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return method + " " + path;
    }

    static Builder get(String path, String operationId) {
        return new Builder("GET", path, operationId, 200);
    }

    static Builder post(String path, String operationId) {
        return new Builder("POST", path, operationId, 200);
    }

    static Builder put(String path, String operationId) {
        return new Builder("PUT", path, operationId, 200);
    }

    static Builder patch(String path, String operationId) {
        return new Builder("PATCH", path, operationId, 200);
    }

    static Builder delete(String path, String operationId) {
        return new Builder("DELETE", path, operationId, 200);
    }

    /** Describes a route; {@link #handle} ends the description and gives the route. */
    static final class Builder {
        private final String method;
        private final String path;
        private final String operationId;
        private String tag = "";
        private String summary = "";
        private String description = "";
        private final Map<String, Param> pathParams = new LinkedHashMap<>();
        private final List<Param> query = new ArrayList<>();
        private Body body = Body.NONE;
        private Class<? extends Bodies.Checked> bodyType;
        private String bodySchema;
        private int status;
        private String responseSchema;
        private String produces = "application/json";
        private Handler preview;
        private String previewSchema = "JobPlan";
        private boolean open;

        private Builder(String method, String path, String operationId, int status) {
            this.method = method;
            this.path = path;
            this.operationId = operationId;
            this.status = status;
        }

        /** The group of the OpenAPI document it is listed under. */
        Builder tag(String t) {
            this.tag = t;
            return this;
        }

        /** One line: what it does (and the shell command it mirrors). */
        Builder summary(String s) {
            this.summary = s;
            return this;
        }

        /** More about it. */
        Builder description(String d) {
            this.description = d;
            return this;
        }

        /** Describes a path parameter; {@code {name}} segments not described are strings. */
        Builder pathParam(String name, Param.Type type, String desc) {
            pathParams.put(name, new Param(name, type, desc, true));
            return this;
        }

        /** Query parameters it takes. */
        Builder query(Param... params) {
            query.addAll(Arrays.asList(params));
            return this;
        }

        /** A JSON body of that type, described by that schema. */
        Builder body(Class<? extends Bodies.Checked> type, String schema) {
            this.body = Body.JSON;
            this.bodyType = type;
            this.bodySchema = schema;
            return this;
        }

        /** A JSON body of that type, or none (read as {@code {}}). */
        Builder optionalBody(Class<? extends Bodies.Checked> type, String schema) {
            body(type, schema);
            this.body = Body.OPTIONAL_JSON;
            return this;
        }

        /** An environment description, JSON or YAML. */
        Builder environmentBody() {
            this.body = Body.ENVIRONMENT;
            this.bodySchema = "EnvironmentDescription";
            return this;
        }

        /** Answers 200 with a body of that schema. */
        Builder ok(String schema) {
            return answers(200, schema);
        }

        /** Answers 201 Created with a body of that schema and a {@code Location}. */
        Builder created(String schema) {
            return answers(201, schema);
        }

        /** Answers 202 Accepted with the job and {@code Location: /api/v1/jobs/{id}}. */
        Builder accepted() {
            return answers(202, "Job");
        }

        /** Answers 204 No Content. */
        Builder noContent() {
            return answers(204, null);
        }

        /** Answers a Server-Sent Events stream. */
        Builder eventStream() {
            this.produces = "text/event-stream";
            return answers(200, null);
        }

        private Builder answers(int s, String schema) {
            this.status = s;
            this.responseSchema = schema;
            return this;
        }

        /** The dry run ({@code ?dryRun=true}): answers 200 with a {@code JobPlan}. */
        Builder preview(Handler h) {
            this.preview = h;
            return this;
        }

        /** The dry run, answering 200 with a body of that schema. */
        Builder preview(String schema, Handler h) {
            this.previewSchema = schema;
            return preview(h);
        }

        /** Served without credentials (the API's own description only). */
        Builder withoutLogin() {
            this.open = true;
            return this;
        }

        /** @return the route, doing that */
        Route handle(Handler h) {
            return new Route(this, h);
        }
    }
}
