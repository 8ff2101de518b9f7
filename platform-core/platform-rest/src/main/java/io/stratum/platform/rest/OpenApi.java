package io.stratum.platform.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The OpenAPI 3 document of the API, made from the route table (paths, methods, parameters, bodies, statuses) and
 * the hand-written schemas of {@code openapi-schemas.json} (the JSON of the platform's DTOs and of the request
 * bodies). Served at {@code GET /api/v1/openapi.json}; tests compare it with what the servlet serves and check real
 * responses against its schemas.
 */
final class OpenApi {

    /** The version of the API (its path is /api/v1). */
    static final String VERSION = "1.0.0";

    private static final String DESCRIPTION = """
            Everything a user can do with the stratum: shell commands, over HTTP (JSON). Each operation names the \
            shell command it mirrors.

            **Login**: HTTP Basic with a Stratum user name and password (the same users as SSH and the web console). \
            Every call acts for that user and sees only the accounts they are a member of. 401 with \
            `WWW-Authenticate: Basic realm="Stratum"` without valid credentials. After 5 failed logins of one user \
            name (by default), that name is refused with 429 TOO_MANY_FAILED_LOGINS and `Retry-After` for a delay \
            that doubles with each further failure, its password not checked; a successful login ends it.

            **Long actions** answer `202 Accepted` with the job and `Location: /api/v1/jobs/{id}`. Follow a job with \
            `GET /jobs/{id}?wait=30s` (answers when it has ended or the time has passed) or as Server-Sent Events \
            from `GET /jobs/{id}/events`.

            **Dry runs**: operations that list the query parameter `dryRun` answer, with `dryRun=true`, what they \
            would do (200) after every check, and change nothing. Query parameters an operation does not list are \
            refused (400), so a misspelt `dryrun` never runs the real thing.

            **Durations** are taken as 30 (seconds), 500ms, 30s, 5m, 12h, 7d, 2w, combined like 1m30s, or ISO-8601 \
            such as PT30S, and answered as ISO-8601 (PT30S, PT5M), which requests and the shell also take. Numbers \
            that are not a number (e.g. a metric's value without data) are answered as null.

            **Errors** are `{"error": CODE, "message": text}`: 400 MALFORMED_JSON or INVALID_REQUEST (not JSON, \
            unknown fields, values of the wrong type, missing fields, bad query parameters), 401 UNAUTHORIZED, 403 \
            FORBIDDEN (the platform refuses you this action, e.g. a viewer changing something, or a cross-origin \
            browser request), 404 NOT_FOUND (does not exist, or is not yours: the two are never told apart), 405 \
            METHOD_NOT_ALLOWED (with `Allow`), 406 NOT_ACCEPTABLE, 409 ALREADY_EXISTS, CONCURRENCY (a job is already \
            working on it) or QUOTA_EXCEEDED, 413 PAYLOAD_TOO_LARGE, 415 UNSUPPORTED_MEDIA_TYPE (bodies are \
            application/json; environments also application/yaml), 422 INVALID (the platform refuses the values, \
            e.g. an invalid configuration), 429 TOO_MANY_FAILED_LOGINS (with `Retry-After`), 500 INTERNAL (the \
            message names an id to look for in karaf.log), 503 UNAVAILABLE or TOO_MANY_WAITS (with `Retry-After`). \
            A 4xx changes nothing.""";

    private OpenApi() {
    }

    /**
     * @param routes the route table
     * @param mapper makes the JSON
     * @return the document
     */
    static ObjectNode document(List<Route> routes, ObjectMapper mapper) {
        ObjectNode doc = mapper.createObjectNode();
        doc.put("openapi", "3.0.3");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Stratum REST API");
        info.put("version", VERSION);
        info.put("description", DESCRIPTION);
        doc.putArray("servers").addObject().put("url", "/api/v1");
        doc.putArray("security").addObject().putArray("basicAuth");
        Map<String, ObjectNode> paths = new TreeMap<>();
        for (Route r : routes) {
            ObjectNode item = paths.computeIfAbsent(r.path, p -> mapper.createObjectNode());
            item.set(r.method.toLowerCase(java.util.Locale.ROOT), operation(r, mapper));
        }
        ObjectNode p = doc.putObject("paths");
        paths.forEach(p::set);
        ObjectNode components = doc.putObject("components");
        ObjectNode basic = components.putObject("securitySchemes").putObject("basicAuth");
        basic.put("type", "http");
        basic.put("scheme", "basic");
        ObjectNode responses = components.putObject("responses");
        error(responses, "BadRequest", "MALFORMED_JSON or INVALID_REQUEST: the request is malformed; nothing changed");
        error(responses, "Unauthorized", "UNAUTHORIZED: no valid credentials");
        error(responses, "Forbidden", "FORBIDDEN: you may see this but not do it; nothing changed");
        error(responses, "NotFound", "NOT_FOUND: it does not exist or is not yours");
        error(responses, "Conflict", "ALREADY_EXISTS, CONCURRENCY or QUOTA_EXCEEDED; nothing changed");
        error(responses, "Unprocessable", "INVALID: the platform refuses these values; nothing changed");
        error(responses, "TooManyFailedLogins", "TOO_MANY_FAILED_LOGINS: this user name is refused for a while "
                + "after failed logins; try again after Retry-After");
        error(responses, "Internal", "INTERNAL: Stratum failed; the message names the id to look for in karaf.log");
        error(responses, "Unavailable", "UNAVAILABLE or TOO_MANY_WAITS: try again later (Retry-After)");
        components.set("schemas", schemas(mapper));
        return doc;
    }

    private static ObjectNode operation(Route r, ObjectMapper mapper) {
        ObjectNode op = mapper.createObjectNode();
        op.put("operationId", r.operationId);
        op.put("summary", r.summary);
        if (!r.description.isEmpty()) {
            op.put("description", r.description);
        }
        op.putArray("tags").add(r.tag);
        if (r.open) {
            op.putArray("security");
        }
        ArrayNode params = mapper.createArrayNode();
        r.pathParams.values().forEach(pp -> params.add(parameter(pp, "path", mapper)));
        r.query.forEach(q -> params.add(parameter(q, "query", mapper)));
        if (!params.isEmpty()) {
            op.set("parameters", params);
        }
        if (r.body != Route.Body.NONE) {
            ObjectNode body = op.putObject("requestBody");
            body.put("required", r.body != Route.Body.OPTIONAL_JSON);
            ObjectNode content = body.putObject("content");
            content.putObject("application/json").set("schema", ref(r.bodySchema, mapper));
            if (r.body == Route.Body.ENVIRONMENT) {
                ObjectNode yaml = content.putObject("application/yaml");
                yaml.putObject("schema").put("type", "string").put("description", "The same description in YAML");
            }
        }
        ObjectNode responses = op.putObject("responses");
        ObjectNode ok = responses.putObject(Integer.toString(r.status));
        ok.put("description", switch (r.status) {
            case 201 -> "Created; Location names it";
            case 202 -> "Accepted: the job that does it; Location: /api/v1/jobs/{id}";
            case 204 -> "Done";
            default -> "OK";
        });
        if (r.status == 201 || r.status == 202) {
            ok.putObject("headers").putObject("Location").putObject("schema").put("type", "string");
        }
        if ("text/event-stream".equals(r.produces)) {
            ok.putObject("content").putObject("text/event-stream").putObject("schema").put("type", "string");
        } else if (r.responseSchema != null) {
            ok.putObject("content").putObject("application/json").set("schema", ref(r.responseSchema, mapper));
        }
        if (r.preview != null) {
            String key = "200";
            ObjectNode dry = responses.has(key) ? (ObjectNode) responses.get(key) : responses.putObject(key);
            if (r.status != 200) {
                dry.put("description", "Dry run (dryRun=true): what it would do; nothing changed");
                dry.putObject("content").putObject("application/json").set("schema", ref(r.previewSchema, mapper));
            } else {
                dry.put("description", "OK; with dryRun=true what it would do, nothing changed");
            }
        }
        if (!r.open) {
            responses.putObject("400").put("$ref", "#/components/responses/BadRequest");
            responses.putObject("401").put("$ref", "#/components/responses/Unauthorized");
            responses.putObject("403").put("$ref", "#/components/responses/Forbidden");
            responses.putObject("404").put("$ref", "#/components/responses/NotFound");
            if (!"GET".equals(r.method)) {
                responses.putObject("409").put("$ref", "#/components/responses/Conflict");
                responses.putObject("422").put("$ref", "#/components/responses/Unprocessable");
            }
            responses.putObject("429").put("$ref", "#/components/responses/TooManyFailedLogins");
            responses.putObject("503").put("$ref", "#/components/responses/Unavailable");
        }
        responses.putObject("500").put("$ref", "#/components/responses/Internal");
        return op;
    }

    private static ObjectNode parameter(Param p, String in, ObjectMapper mapper) {
        ObjectNode n = mapper.createObjectNode();
        n.put("name", p.name());
        n.put("in", in);
        n.put("required", p.required());
        n.put("description", p.description());
        ObjectNode schema = n.putObject("schema");
        switch (p.type()) {
            case BOOLEAN -> schema.put("type", "boolean");
            case INTEGER -> schema.put("type", "integer").put("format", "int64");
            case DURATION -> schema.put("type", "string").put("example", "30s");
            default -> schema.put("type", "string");
        }
        return n;
    }

    /** @return a reference to a schema; {@code X[]} is an array of X */
    private static ObjectNode ref(String schema, ObjectMapper mapper) {
        ObjectNode n = mapper.createObjectNode();
        if (schema.endsWith("[]")) {
            n.put("type", "array");
            n.putObject("items").put("$ref", "#/components/schemas/" + schema.substring(0, schema.length() - 2));
        } else {
            n.put("$ref", "#/components/schemas/" + schema);
        }
        return n;
    }

    private static void error(ObjectNode responses, String name, String description) {
        ObjectNode r = responses.putObject(name);
        r.put("description", description);
        r.putObject("content").putObject("application/json").putObject("schema")
                .put("$ref", "#/components/schemas/Error");
    }

    private static JsonNode schemas(ObjectMapper mapper) {
        try (InputStream in = OpenApi.class.getResourceAsStream("openapi-schemas.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi-schemas.json is missing from the bundle");
            }
            return mapper.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read openapi-schemas.json", e);
        }
    }
}
