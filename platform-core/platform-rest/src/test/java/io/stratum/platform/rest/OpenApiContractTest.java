package io.stratum.platform.rest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.stratum.platform.api.JobState;
import io.stratum.platform.rest.RestServer.Response;
import java.lang.reflect.RecordComponent;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Keeps the OpenAPI document ({@code GET /api/v1/openapi.json}) true: the paths and methods it documents are exactly
 * those the servlet serves, checked over HTTP in both directions (each documented operation is answered by its route,
 * every other method of a documented path is a 405); every operation is called once for real, answers its documented
 * status, and its body has the documented schema (as are its dry runs); every schema reference resolves; and the
 * request body schemas have exactly the fields of the records the servlet reads.
 */
public class OpenApiContractTest {

    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

    private RestServer server;
    private JsonNode doc;
    private int unknownUsers;

    @Before
    public void start() throws Exception {
        server = new RestServer();
        Response r = server.get(null, "/openapi.json");
        assertEquals(200, r.status());
        doc = r.json();
    }

    @After
    public void stop() throws Exception {
        server.close();
    }

    private Set<String> documented() {
        Set<String> out = new TreeSet<>();
        doc.path("paths").properties().forEach(p -> p.getValue().fieldNames()
                .forEachRemaining(m -> out.add(m.toUpperCase() + " " + p.getKey())));
        return out;
    }

    @Test
    public void theDocumentedOperationsAreExactlyTheRoutesServed() {
        Set<String> served = new TreeSet<>();
        server.servlet.router().routes().forEach(r -> served.add(r.method + " " + r.path));
        assertEquals(served, documented());
        assertTrue(served.size() >= 40);
    }

    /** Over HTTP: what the document lists is answered by a route; other methods of its paths are 405. */
    @Test
    public void overHttpEachDocumentedPathAnswersItsMethodsAndRefusesTheOthers() {
        Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").properties().iterator();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> p = paths.next();
            String path = p.getKey().replaceAll("\\{[^}]+}", "1");
            Set<String> methods = new TreeSet<>();
            p.getValue().fieldNames().forEachRemaining(m -> methods.add(m.toUpperCase()));
            Set<String> allow = new TreeSet<>(methods);
            allow.add("OPTIONS");
            if (methods.contains("GET")) {
                allow.add("HEAD");
            }
            for (String m : METHODS) {
                // a name of its own each time: five failures of one name would be throttled (429)
                Response r = server.send(RestServer.as(server.request(path), "nobody-" + ++unknownUsers)
                        .method(m, HttpRequest.BodyPublishers.noBody()).build());
                if (methods.contains(m)) {
                    boolean open = p.getValue().path(m.toLowerCase()).has("security");
                    assertTrue(m + " " + path + " is documented but answered " + r, open ? r.status() == 200
                            : r.status() == 401);
                } else {
                    assertEquals(m + " " + path + " is not documented: " + r, 405, r.status());
                    assertEquals(String.join(", ", allow), r.header("Allow"));
                }
            }
        }
        Response none = server.get("admin", "/not/documented");
        assertEquals(404, none.status());
    }

    @Test
    public void everySchemaReferenceResolves() {
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertFalse(refs.isEmpty());
        for (String ref : refs) {
            assertTrue(ref, ref.startsWith("#/components/"));
            JsonNode target = doc.at(ref.substring(1));
            assertFalse("unresolved " + ref, target.isMissingNode());
        }
    }

    private static void collectRefs(JsonNode n, List<String> out) {
        if (n.isObject()) {
            n.properties().forEach(e -> {
                if (e.getKey().equals("$ref")) {
                    out.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), out);
                }
            });
        } else if (n.isArray()) {
            n.forEach(c -> collectRefs(c, out));
        }
    }

    @Test
    public void requestBodySchemasHaveTheFieldsOfTheBodiesRead() {
        for (Route r : server.servlet.router().routes()) {
            if (r.bodyType == null) {
                continue;
            }
            Set<String> fields = Arrays.stream(r.bodyType.getRecordComponents()).map(RecordComponent::getName)
                    .collect(Collectors.toCollection(TreeSet::new));
            JsonNode schema = doc.path("components").path("schemas").path(r.bodySchema);
            Set<String> documentedFields = new TreeSet<>();
            schema.path("properties").fieldNames().forEachRemaining(documentedFields::add);
            assertEquals(r + " " + r.bodySchema, fields, documentedFields);
            assertFalse(r.bodySchema, schema.path("additionalProperties").asBoolean(true));
            for (JsonNode required : schema.path("required")) {
                String body = "{}";
                Response resp = server.unchanged(() -> server.json(r.method, "admin", sample(r.path), body));
                assertEquals(r + ": " + resp, 400, resp.status());
                assertTrue(r + ": " + resp, resp.json().path("message").asText().contains("'"
                        + required.asText() + "'") || resp.json().path("message").asText().contains("required"));
            }
        }
    }

    private static String sample(String template) {
        return template.replace("{name}", "blue").replace("{id}", "b-blue").replace("{user}", "alice")
                .replace("{consumer}", "app1").replace("{alert}", "high-load");
    }

    // ------------------------------------------------------------------ every operation, for real

    /** One call: method, path (with query), body; placeholders {job} (a running job) and {ended} (an ended one). */
    private record Call(String method, String path, String body) {
    }

    private static Map<String, Call> calls() {
        Map<String, Call> c = new LinkedHashMap<>();
        c.put("openApi", new Call("GET", "/openapi.json", null));
        c.put("whoAmI", new Call("GET", "/whoami", null));
        c.put("listSdps", new Call("GET", "/sdps?all=true", null));
        c.put("listServices", new Call("GET", "/services?account=blue", null));
        c.put("createService", new Call("POST", "/services?account=blue", "{\"type\": \"database\", \"name\": \"s1\", "
                + "\"plan\": \"small\", \"sdpVersion\": \"1.0.0\", \"config\": {\"port\": \"1\"}, \"providers\": {}, "
                + "\"createProviders\": false}"));
        c.put("getService", new Call("GET", "/services/db1?account=blue&credentials=true", null));
        c.put("startService", new Call("POST", "/services/db1/start?account=blue", null));
        c.put("stopService", new Call("POST", "/services/db1/stop?account=blue", null));
        c.put("scaleService", new Call("POST", "/services/db1/scale?account=blue", "{\"instances\": 2}"));
        c.put("bindConsumer", new Call("POST", "/services/db1/consumers?account=blue", "{\"name\": \"app1\", "
                + "\"parameters\": {\"backends\": \"a,b\"}}"));
        c.put("listConsumers", new Call("GET", "/services/db1/consumers?account=blue", null));
        c.put("getConsumer", new Call("GET", "/services/db1/consumers/app1?account=blue&credentials=true", null));
        c.put("unbindConsumer", new Call("DELETE", "/services/db1/consumers/app1?account=blue", null));
        c.put("cloneService", new Call("POST", "/services/db1/clone?account=blue", "{\"target\": \"db1-copy\", "
                + "\"fromBackup\": \"b-blue\"}"));
        c.put("registerExternalService", new Call("POST", "/external-services?account=blue", "{\"type\": "
                + "\"database\", \"name\": \"pg\", \"url\": \"jdbc:postgresql://h/db\", \"user\": \"u\", "
                + "\"password\": \"p-password\", \"properties\": {\"a\": \"b\"}}"));
        c.put("deleteService", new Call("DELETE", "/services/s1?account=blue&force=true", null));
        c.put("createEnvironment", new Call("POST", "/environments?account=blue", "{\"name\": \"shop\", "
                + "\"services\": [{\"name\": \"shop-db\", \"type\": \"database\"}]}"));
        c.put("listEnvironments", new Call("GET", "/environments?account=blue", null));
        c.put("getEnvironment", new Call("GET", "/environments/shop?account=blue", null));
        c.put("cloneEnvironment", new Call("POST", "/environments/shop/clone?account=blue", "{\"target\": \"shop2\"}"));
        c.put("deleteEnvironment", new Call("DELETE", "/environments/shop?account=blue&force=false", null));
        c.put("listMetrics", new Call("GET", "/services/db1/metrics?account=blue&window=10m", null));
        c.put("getMetric", new Call("GET", "/services/db1/metrics/http.latency.p95.ms?account=blue&window=15m", null));
        c.put("createAlert", new Call("POST", "/services/db1/alerts?account=blue", "{\"name\": \"busy\", "
                + "\"expression\": \"avg('http.requests.rate', '1m') > 50\", \"every\": \"30s\", \"actions\": "
                + "[\"log\", \"email:ops@example.com\"], \"description\": \"many requests\"}"));
        c.put("listAlerts", new Call("GET", "/services/db1/alerts?account=blue", null));
        c.put("listAccountAlerts", new Call("GET", "/alerts?account=blue", null));
        c.put("getAlert", new Call("GET", "/services/db1/alerts/high-load?account=blue", null));
        c.put("alertHistory", new Call("GET", "/services/db1/alerts/high-load/history?account=blue&limit=5", null));
        c.put("deleteAlert", new Call("DELETE", "/services/db1/alerts/busy?account=blue", null));
        c.put("getPolicy", new Call("GET", "/services/db1/policy?account=blue", null));
        c.put("setPolicy", new Call("PUT", "/services/db1/policy?account=blue", "{\"service\": \"db1\", "
                + "\"enabled\": true, \"metric\": \"http.requests.rate\", \"window\": \"2m\", \"target\": 40.5, "
                + "\"min\": 1, \"max\": 6, \"step\": 2, \"scaleUpCooldown\": \"30s\", \"scaleDownCooldown\": "
                + "\"PT2M\", \"scaleDownStabilization\": \"5m\", \"tolerance\": 0.2, \"onMissing\": \"FIXED\", "
                + "\"fixedInstances\": 2, \"source\": \"sdp\"}"));
        c.put("listScalingDecisions", new Call("GET", "/services/db1/policy/decisions?account=blue&limit=5", null));
        c.put("resetPolicy", new Call("DELETE", "/services/db1/policy?account=blue", null));
        c.put("listSdpVersions", new Call("GET", "/sdps/versions?type=database", null));
        c.put("listPatches", new Call("GET", "/patches", null));
        c.put("getPatch", new Call("GET", "/patches/maxthreads", null));
        c.put("applyPatch", new Call("POST", "/patches/maxthreads/apply", "{\"force\": true}"));
        c.put("listUpdates", new Call("GET", "/updates?account=blue&all=true", null));
        c.put("getUpdate", new Call("GET", "/updates/u-blue", null));
        c.put("cancelUpdate", new Call("DELETE", "/updates/u-blue", null));
        c.put("upgradeService", new Call("POST", "/services/db1/upgrade?account=blue", "{\"toVersion\": \"1.1.0\", "
                + "\"force\": false}"));
        c.put("upgradeServiceType", new Call("POST", "/sdps/database/upgrade?allAccounts=true", "{\"toVersion\": "
                + "\"1.0.0\", \"force\": true}"));
        c.put("runUpdate", new Call("POST", "/updates/u-red/run", null));
        c.put("getWindow", new Call("GET", "/services/db1/window?account=blue", null));
        c.put("setWindow", new Call("PUT", "/services/db1/window?account=blue", "{\"frame\": \"Mon-Fri 22:30/90m\", "
                + "\"zone\": \"Europe/Berlin\", \"slots\": [\"Tue 02:00/2h\", \"Wed 23:00/2h\", \"Sat 02:00/2h\"], "
                + "\"chosenSlot\": 2, \"notifyEmail\": \"ops@example.com\"}"));
        c.put("listJobs", new Call("GET", "/jobs?account=blue&service=db1&active=false&limit=10", null));
        c.put("getJob", new Call("GET", "/jobs/{ended}?wait=1s", null));
        c.put("cancelJob", new Call("POST", "/jobs/{job}/cancel", null));
        c.put("jobEvents", new Call("GET", "/jobs/{ended}/events", null));
        c.put("listBackups", new Call("GET", "/backups?account=blue", null));
        c.put("createBackup", new Call("POST", "/backups?account=blue", "{\"scope\": \"service\", \"name\": \"db1\"}"));
        c.put("getBackup", new Call("GET", "/backups/b-blue", null));
        c.put("verifyBackup", new Call("POST", "/backups/b-blue/verify", null));
        c.put("copyBackup", new Call("POST", "/backups/b-blue/copy", null));
        c.put("restoreBackup", new Call("POST", "/backups/b-blue/restore", "{\"service\": \"db1\", \"into\": "
                + "\"db1\"}"));
        c.put("setBackupSchedule", new Call("POST", "/backup-schedules?account=blue", "{\"scope\": \"service\", "
                + "\"name\": \"db1\", \"cron\": \"0 2 * * *\", \"keepLast\": 3, \"keepFor\": \"7d\"}"));
        c.put("listBackupSchedules", new Call("GET", "/backup-schedules?account=blue", null));
        c.put("deleteBackupSchedule", new Call("DELETE", "/backup-schedules/s1?account=blue", null));
        c.put("deleteBackup", new Call("DELETE", "/backups/b-blue", null));
        c.put("listAccounts", new Call("GET", "/accounts", null));
        c.put("createAccount", new Call("POST", "/accounts", "{\"name\": \"green\"}"));
        c.put("getAccount", new Call("GET", "/accounts/blue", null));
        c.put("deleteAccount", new Call("DELETE", "/accounts/green", null));
        c.put("getQuota", new Call("GET", "/accounts/blue/quota", null));
        c.put("setQuota", new Call("PATCH", "/accounts/blue/quota", "{\"maxServices\": 10, \"maxInstances\": 20, "
                + "\"maxMemoryMb\": 4096}"));
        c.put("accountHistory", new Call("GET", "/accounts/blue/history?limit=5", null));
        c.put("accountDiff", new Call("GET", "/accounts/blue/diff?from=1&to=2", null));
        c.put("grant", new Call("PUT", "/accounts/blue/members/bob", "{\"role\": \"viewer\"}"));
        c.put("revoke", new Call("DELETE", "/accounts/blue/members/bob", null));
        c.put("cloneAccount", new Call("POST", "/accounts/blue/clone", "{\"target\": \"blue2\", \"version\": 1, "
                + "\"withData\": true}"));
        c.put("listUsers", new Call("GET", "/users", null));
        c.put("createUser", new Call("POST", "/users", "{\"name\": \"zed\", \"generatePassword\": true, "
                + "\"platformAdmin\": false, \"account\": \"blue\", \"role\": \"member\"}"));
        c.put("getUser", new Call("GET", "/users/zed", null));
        c.put("setPassword", new Call("PUT", "/users/zed/password", "{\"password\": \"zed-password-12\"}"));
        c.put("deleteUser", new Call("DELETE", "/users/zed", null));
        return c;
    }

    private Map<String, JsonNode> operations() {
        Map<String, JsonNode> ops = new LinkedHashMap<>();
        doc.path("paths").properties().forEach(p -> p.getValue().properties().forEach(m -> {
            JsonNode op = m.getValue();
            ((com.fasterxml.jackson.databind.node.ObjectNode) op).put("x-method", m.getKey().toUpperCase());
            ((com.fasterxml.jackson.databind.node.ObjectNode) op).put("x-path", p.getKey());
            ops.put(op.path("operationId").asText(), op);
        }));
        return ops;
    }

    @Test
    public void everyOperationAnswersItsDocumentedStatusAndSchema() {
        Map<String, JsonNode> ops = operations();
        Map<String, Call> calls = calls();
        assertEquals("every documented operation has a call in this test", new TreeSet<>(ops.keySet()),
                new TreeSet<>(calls.keySet()));
        for (Map.Entry<String, Call> e : calls.entrySet()) {
            JsonNode op = ops.get(e.getKey());
            Call call = e.getValue();
            assertEquals(e.getKey(), op.path("x-method").asText(), call.method());
            String path = call.path().replace("{job}", Long.toString(server.fake.submitJob("alice", "service.stop",
                    "blue", "db1")));
            if (path.contains("{ended}")) {
                long ended = server.fake.submitJob("alice", "service.stop", "blue", "db1");
                server.fake.finish(ended, JobState.SUCCEEDED);
                path = path.replace("{ended}", Long.toString(ended));
            }
            assertTrue(e.getKey() + " " + path, path.split("\\?")[0].matches(op.path("x-path").asText()
                    .replaceAll("\\{[^}]+}", "[^/]+").replace(".", "\\.")));
            boolean dryRun = false;
            for (JsonNode p : op.path("parameters")) {
                dryRun |= p.path("name").asText().equals("dryRun");
            }
            if (dryRun) {
                String dry = path + (path.contains("?") ? "&" : "?") + "dryRun=true";
                Response r = server.unchanged(() -> server.json(call.method(), "admin", dry, call.body()));
                check(e.getKey() + " (dry run)", op, 200, r);
            }
            String target = path;
            Response r = server.json(call.method(), "admin", target, call.body());
            int status = Integer.parseInt(op.path("responses").fieldNames().next());
            check(e.getKey(), op, status, r);
            if (r.status() == 202) {
                server.fake.finish(r.json().path("id").asLong(), JobState.SUCCEEDED);
            }
        }
    }

    private void check(String what, JsonNode op, int status, Response r) {
        assertEquals(what + ": " + r, status, r.status());
        JsonNode response = op.path("responses").path(Integer.toString(status));
        assertFalse(what + " documents no " + status, response.isMissingNode());
        if (status == 201 || status == 202) {
            assertNotNull(what + " has no Location", r.header("Location"));
        }
        JsonNode content = response.path("content");
        if (content.has("text/event-stream")) {
            assertTrue(what, r.header("Content-Type").startsWith("text/event-stream"));
            assertTrue(what, r.body().contains("event: done"));
            return;
        }
        if (!content.has("application/json")) {
            assertEquals(what + " answers no body", "", r.body());
            return;
        }
        List<String> problems = new ArrayList<>();
        validate(content.path("application/json").path("schema"), r.json(), "$", problems);
        assertTrue(what + " does not match its schema: " + problems + "\n" + r.body(), problems.isEmpty());
    }

    /** A small validator of the OpenAPI 3.0 schema subset the document uses. */
    private void validate(JsonNode schema, JsonNode value, String at, List<String> problems) {
        if (schema.has("$ref")) {
            validate(doc.at(schema.path("$ref").asText().substring(1)), value, at, problems);
            return;
        }
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false)) {
                problems.add(at + " is null");
            }
            return;
        }
        if (schema.has("allOf")) {
            schema.path("allOf").forEach(s -> validate(s, value, at, problems));
            return;
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "object" -> {
                if (!value.isObject()) {
                    problems.add(at + " is not an object");
                    return;
                }
                JsonNode props = schema.path("properties");
                JsonNode additional = schema.path("additionalProperties");
                value.properties().forEach(f -> {
                    if (props.has(f.getKey())) {
                        validate(props.path(f.getKey()), f.getValue(), at + "." + f.getKey(), problems);
                    } else if (additional.isObject()) {
                        validate(additional, f.getValue(), at + "." + f.getKey(), problems);
                    } else if (!additional.asBoolean(true) || additional.isMissingNode() && props.size() > 0) {
                        problems.add(at + "." + f.getKey() + " is not documented");
                    }
                });
                for (JsonNode req : schema.path("required")) {
                    if (!value.has(req.asText())) {
                        problems.add(at + "." + req.asText() + " is missing");
                    }
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    problems.add(at + " is not an array");
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    validate(schema.path("items"), value.get(i), at + "[" + i + "]", problems);
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    problems.add(at + " is not a string");
                } else if (schema.has("enum")) {
                    boolean found = false;
                    for (JsonNode v : schema.path("enum")) {
                        found |= v.asText().equals(value.asText());
                    }
                    if (!found) {
                        problems.add(at + " is not one of " + schema.path("enum"));
                    }
                } else if ("date-time".equals(schema.path("format").asText())) {
                    try {
                        Instant.parse(value.asText());
                    } catch (RuntimeException e) {
                        problems.add(at + " is not a date-time");
                    }
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    problems.add(at + " is not an integer");
                }
            }
            case "number" -> {
                if (!value.isNumber()) {
                    problems.add(at + " is not a number");
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    problems.add(at + " is not a boolean");
                }
            }
            default -> fail(at + ": schema without a type: " + schema);
        }
    }
}
