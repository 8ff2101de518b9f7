package io.stratum.platform.osb.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.stratum.platform.api.Caller;
import io.stratum.platform.osb.internal.BrokerHarness.Answer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The Open Service Broker API over real HTTP against the servlet in an embedded Jetty 9.4, on a real H2 store, with a
 * hand-written fake platform ({@link FakePlatform}): every endpoint, every status and error code the spec gives, the
 * audit trail of the platform's user, concurrent requests on one instance, and after every 4xx, nothing changed.
 */
public class OsbBrokerTest {

    private static final String INSTANCE = "5a76d3a6-0e0f-4c43-9b7a-4b6e1a0c9d11";
    private static final String BINDING = "9c1d2f7e-66aa-4b1e-8e9b-2b1f4c1d0a77";
    private static final String ORG = "org-guid-1";
    private static final String SPACE = "space-guid-1";

    private BrokerHarness broker;
    private String dbService;
    private String dbSmall;
    private String dbLarge;
    private String cacheService;
    private String cachePlan;

    @Before
    public void setUp() throws Exception {
        broker = new BrokerHarness();
        broker.platform.sdps.add(FakePlatform.sdp("h2-database", "database", "1.0.0", List.of(),
                List.of("database"), "small", "large"));
        broker.platform.sdps.add(FakePlatform.sdp("h2-database", "database", "1.2.0", List.of(),
                List.of("database"), "small", "large"));
        broker.platform.sdps.add(FakePlatform.sdp("appserver", "appserver", "1.0.0", List.of("database", "webtier?"),
                List.of(), "small"));
        broker.platform.sdps.add(FakePlatform.sdp("appcache", "appcache", "2.0.0", List.of("database?"), List.of(),
                "tiny"));
        JsonNode catalog = ok(get("/catalog"));
        for (JsonNode s : catalog.path("services")) {
            if (s.path("name").asText().equals("database")) {
                dbService = s.path("id").asText();
                dbSmall = planId(s, "small");
                dbLarge = planId(s, "large");
            } else if (s.path("name").asText().equals("appcache")) {
                cacheService = s.path("id").asText();
                cachePlan = planId(s, "tiny");
            }
        }
    }

    @After
    public void tearDown() throws Exception {
        broker.close();
    }

    // ------------------------------------------------------------------ helpers

    private static String planId(JsonNode service, String name) {
        for (JsonNode p : service.path("plans")) {
            if (p.path("name").asText().equals(name)) {
                return p.path("id").asText();
            }
        }
        throw new AssertionError("no plan " + name + " in " + service);
    }

    private BrokerHarness.Request get(String path) {
        return broker.request("GET", path);
    }

    private static JsonNode ok(BrokerHarness.Request r) {
        Answer a = r.send();
        assertEquals(a.toString(), 200, a.status());
        return a.json();
    }

    private String provisionBody(String plan, String params) {
        return "{\"service_id\": \"" + dbService + "\", \"plan_id\": \"" + plan + "\", \"organization_guid\": \"" + ORG
                + "\", \"space_guid\": \"" + SPACE + "\", \"context\": {\"platform\": \"cloudfoundry\", "
                + "\"instance_name\": \"orders\"}" + (params == null ? "" : ", \"parameters\": " + params) + "}";
    }

    private Answer provision(String instance, String body) {
        return broker.request("PUT", "/service_instances/" + instance + "?accepts_incomplete=true").body(body).send();
    }

    private Answer lastOperation(String instance, String operation) {
        return get("/service_instances/" + instance + "/last_operation" + (operation == null ? ""
                : "?operation=" + operation + "&service_id=" + dbService + "&plan_id=" + dbSmall)).send();
    }

    private Answer deprovision(String instance, boolean async) {
        return broker.request("DELETE", "/service_instances/" + instance + "?service_id=" + dbService + "&plan_id="
                + dbSmall + (async ? "&accepts_incomplete=true" : "")).send();
    }

    private String bindBody(String params) {
        return "{\"service_id\": \"" + dbService + "\", \"plan_id\": \"" + dbSmall + "\", \"bind_resource\": "
                + "{\"app_guid\": \"app-1\"}" + (params == null ? "" : ", \"parameters\": " + params) + "}";
    }

    private Answer bind(String instance, String binding, String body, boolean async) {
        return broker.request("PUT", "/service_instances/" + instance + "/service_bindings/" + binding
                + (async ? "?accepts_incomplete=true" : "")).body(body).send();
    }

    private Answer unbind(String instance, String binding, boolean async) {
        return broker.request("DELETE", "/service_instances/" + instance + "/service_bindings/" + binding
                + "?service_id=" + dbService + "&plan_id=" + dbSmall + (async ? "&accepts_incomplete=true" : ""))
                .send();
    }

    /** Sends a request that must be refused with the status (and error code, if given), changing nothing. */
    private Answer refused(int status, String error, BrokerHarness.Request request) {
        String before = broker.state();
        Answer a = request.send();
        assertEquals(a.toString(), status, a.status());
        if (error != null) {
            assertEquals(a.toString(), error, a.text("error"));
        }
        if (status == 410) {
            assertEquals("{}", a.response().body());
        } else {
            assertFalse(a.toString(), a.text("description").isBlank());
        }
        assertEquals("a " + status + " changed something: " + a, before, broker.state());
        return a;
    }

    private BrokerHarness.Request put(String path, String body) {
        return broker.request("PUT", path).body(body);
    }

    /** Provisions the instance and lets its job succeed. */
    private long provisioned(String instance, String params) {
        Answer a = provision(instance, provisionBody(dbSmall, params));
        assertEquals(a.toString(), 202, a.status());
        long job = Long.parseLong(a.text("operation"));
        broker.platform.succeed(job);
        return job;
    }

    private long bound(String instance, String binding) {
        Answer a = bind(instance, binding, bindBody(null), true);
        assertEquals(a.toString(), 202, a.status());
        long job = Long.parseLong(a.text("operation"));
        broker.platform.succeed(job);
        return job;
    }

    // ------------------------------------------------------------------ authentication and headers

    @Test
    public void everyRequestNeedsTheBrokersLoginAndASupportedVersion() throws Exception {
        Answer anonymous = refused(401, "Unauthorized", get("/catalog").header("Authorization", null));
        assertTrue(anonymous.header("WWW-Authenticate").startsWith("Basic realm="));
        refused(401, "Unauthorized", get("/catalog").header("Authorization", BrokerHarness.basic(BrokerHarness.USER,
                "wrong")));
        refused(401, "Unauthorized", get("/catalog").header("Authorization", BrokerHarness.basic("admin",
                BrokerHarness.PASSWORD)));
        refused(401, "Unauthorized", get("/catalog").header("Authorization", "Basic %%%"));
        refused(401, "Unauthorized", provisionRequest().header("Authorization", null));

        refused(412, "PreconditionFailed", get("/catalog").header("X-Broker-API-Version", null));
        refused(412, "PreconditionFailed", provisionRequest().header("X-Broker-API-Version", null));
        refused(412, "PreconditionFailed", get("/catalog").header("X-Broker-API-Version", "2.12"));
        refused(412, "PreconditionFailed", get("/catalog").header("X-Broker-API-Version", "3.0"));
        refused(412, "PreconditionFailed", get("/catalog").header("X-Broker-API-Version", "latest"));
        ok(get("/catalog").header("X-Broker-API-Version", "2.13"));
        ok(get("/catalog").header("X-Broker-API-Version", "2.18"));

        Answer echoed = get("/catalog").header("X-Broker-API-Request-Identity", "req-42").send();
        assertEquals("req-42", echoed.header("X-Broker-API-Request-Identity"));
        assertEquals("application/json;charset=utf-8", echoed.header("Content-Type").toLowerCase().replace(" ", ""));

        refused(404, "NotFound", get("/nothing-here"));
        refused(405, "MethodNotAllowed", broker.request("POST", "/catalog").body("{}"));
        refused(405, "MethodNotAllowed", broker.request("POST", "/service_instances/x").body("{}"));
    }

    private BrokerHarness.Request provisionRequest() {
        return put("/service_instances/" + INSTANCE + "?accepts_incomplete=true", provisionBody(dbSmall, null));
    }

    @Test
    public void withoutConfiguredCredentialsEveryRequestIsRefused() throws Exception {
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            broker.start(Map.of());
            refused(401, "Unauthorized", get("/catalog"));
            refused(401, "Unauthorized", provisionRequest());
            refused(401, "Unauthorized", get("/catalog").header("Authorization", null));
        } finally {
            System.setErr(err);
        }
        String logged = log.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(logged, 1, logged.split("answers every request with 401", -1).length - 1);
        assertTrue(logged, logged.contains("Set username and passwordHash in etc/io.stratum.osb.cfg"));
        assertTrue(logged, logged.contains("io.stratum.platform.osb.internal.BrokerPassword"));
        assertTrue("a broker nobody set up is no warning: " + logged, logged.lines()
                .filter(l -> l.contains("answers every request with 401")).allMatch(l -> l.contains(" INFO ")));
        Map<String, Object> broken = new HashMap<>(BrokerHarness.config());
        broken.put("passwordHash", "plain-text-password");
        broker.start(broken);
        refused(401, "Unauthorized", get("/catalog"));
        broker.start(BrokerHarness.config());
        ok(get("/catalog"));
    }

    @Test
    public void theOriginatingIdentityIsTheCauseOfEveryJob() {
        Answer a = provisionRequest().header("X-Broker-API-Request-Identity", "req-7").send();
        assertEquals(a.toString(), 202, a.status());
        var job = broker.platform.job(Long.parseLong(a.text("operation")));
        assertEquals("system:osb", job.requestedBy());
        assertEquals(Caller.VIA_OSB, job.requestedVia());
        assertEquals("cloudfoundry user {\"user_id\":\"683ea748-3092-4ff4-b656-39cacc4d5360\"}, request req-7",
                job.cause());
        refused(400, "BadRequest", provisionRequest().header("X-Broker-API-Originating-Identity", "cloudfoundry"));
        refused(400, "BadRequest", provisionRequest().header("X-Broker-API-Originating-Identity",
                "cloudfoundry not-base64!"));
        refused(400, "BadRequest", provisionRequest().header("X-Broker-API-Originating-Identity",
                "cloudfoundry " + java.util.Base64.getEncoder().encodeToString("[1]".getBytes())));
    }

    // ------------------------------------------------------------------ catalog

    @Test
    public void theCatalogListsTheInstalledTypesWithIdsThatStayTheSame() throws Exception {
        JsonNode catalog = ok(get("/catalog"));
        List<String> names = new ArrayList<>();
        catalog.path("services").forEach(s -> names.add(s.path("name").asText()));
        assertEquals("a type that needs a provider cannot be provisioned alone", List.of("database", "appcache"),
                names);
        JsonNode db = catalog.path("services").get(0);
        assertTrue(db.path("bindable").asBoolean());
        assertFalse(db.path("plan_updateable").asBoolean());
        assertTrue(db.path("instances_retrievable").asBoolean());
        assertTrue(db.path("bindings_retrievable").asBoolean());
        assertEquals("H2 databases", db.path("description").asText());
        JsonNode small = db.path("plans").get(0);
        assertEquals("small", small.path("name").asText());
        assertEquals("one small instance", small.path("description").asText());
        assertEquals("the newest SDP version", "1.2.0", small.path("maintenance_info").path("version").asText());
        assertEquals("plan large of database (heapMb=64)", db.path("plans").get(1).path("description").asText());
        JsonNode cache = catalog.path("services").get(1);
        assertFalse(cache.path("bindable").asBoolean());
        assertFalse(cache.path("description").asText().isBlank());

        // the same ids after a restart, and after the SDP is removed and installed again
        broker.start(BrokerHarness.config());
        assertEquals(catalog, ok(get("/catalog")));
        var sdps = new ArrayList<>(broker.platform.sdps);
        broker.platform.sdps.clear();
        assertEquals(0, ok(get("/catalog")).path("services").size());
        broker.platform.sdps.addAll(sdps);
        assertEquals(catalog, ok(get("/catalog")));

        // another installation (another namespace) has other ids
        Map<String, Object> other = new HashMap<>(BrokerHarness.config());
        other.put("catalogNamespace", "1b4e28ba-2fa1-11d2-883f-0016d3cca427");
        broker.start(other);
        JsonNode elsewhere = ok(get("/catalog"));
        assertNotEquals(dbService, elsewhere.path("services").get(0).path("id").asText());
        assertEquals(Names.serviceId(java.util.UUID.fromString("1b4e28ba-2fa1-11d2-883f-0016d3cca427"), "database"),
                elsewhere.path("services").get(0).path("id").asText());
    }

    @Test
    public void nameBasedIdsAreRfc4122Version5() {
        // the RFC 4122 example namespace (DNS) and name "www.example.com"
        assertEquals("2ed6657d-e927-568b-95e1-2665a8aea6a2", Names.nameUuid(
                java.util.UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "www.example.com").toString());
    }

    // ------------------------------------------------------------------ provision

    @Test
    public void provisioningRunsAsAJobThatThePlatformPolls() throws Exception {
        refused(422, "AsyncRequired", put("/service_instances/" + INSTANCE, provisionBody(dbSmall, null)));
        Answer accepted = provision(INSTANCE, provisionBody(dbSmall, "{\"heapMb\": 128, \"trace\": true}"));
        assertEquals(accepted.toString(), 202, accepted.status());
        String op = accepted.text("operation");
        String account = Names.account(ORG, SPACE);
        assertEquals(List.of("createAccount " + account, "createService " + account + "/i-" + INSTANCE
                + " database small 1.2.0 {heapMb=128, trace=true}"), broker.platform.calls);

        Answer polling = lastOperation(INSTANCE, op);
        assertEquals(200, polling.status());
        assertEquals("in progress", polling.text("state"));
        assertEquals("2", polling.header("Retry-After"));
        assertEquals("in progress", lastOperation(INSTANCE, null).text("state"));

        // the same request again while it runs: 202 with the same operation; another one: 409
        Answer again = provision(INSTANCE, provisionBody(dbSmall, "{\"trace\": true, \"heapMb\": 128}"));
        assertEquals(again.toString(), 202, again.status());
        assertEquals(op, again.text("operation"));
        refused(409, "Conflict", put("/service_instances/" + INSTANCE + "?accepts_incomplete=true",
                provisionBody(dbLarge, "{\"heapMb\": 128, \"trace\": true}")));
        refused(409, "Conflict", put("/service_instances/" + INSTANCE + "?accepts_incomplete=true",
                provisionBody(dbSmall, "{\"heapMb\": 256, \"trace\": true}")));
        refused(404, "NotFound", get("/service_instances/" + INSTANCE));
        refused(422, "ConcurrencyError", broker.request("PATCH", "/service_instances/" + INSTANCE
                + "?accepts_incomplete=true").body("{\"service_id\": \"" + dbService + "\"}"));
        refused(422, "ConcurrencyError", broker.request("DELETE", "/service_instances/" + INSTANCE
                + "?accepts_incomplete=true&service_id=" + dbService + "&plan_id=" + dbSmall));
        refused(422, "ConcurrencyError", broker.request("PUT", "/service_instances/" + INSTANCE
                + "/service_bindings/" + BINDING + "?accepts_incomplete=true").body(bindBody(null)));

        broker.platform.succeed(Long.parseLong(op));
        Answer done = lastOperation(INSTANCE, op);
        assertEquals("succeeded", done.text("state"));
        assertNull(done.header("Retry-After"));
        Answer identical = provision(INSTANCE, provisionBody(dbSmall, "{\"heapMb\": 128, \"trace\": true}"));
        assertEquals(identical.toString(), 200, identical.status());
        refused(409, "Conflict", put("/service_instances/" + INSTANCE + "?accepts_incomplete=true",
                provisionBody(dbLarge, null)));

        JsonNode fetched = ok(get("/service_instances/" + INSTANCE));
        assertEquals(dbService, fetched.path("service_id").asText());
        assertEquals(dbSmall, fetched.path("plan_id").asText());
        assertEquals("128", fetched.path("parameters").path("heapMb").asText());
        assertEquals("1.2.0", fetched.path("maintenance_info").path("version").asText());
        assertEquals(List.of(account), List.copyOf(broker.platform.accountNames()));
    }

    @Test
    public void malformedAndInvalidProvisionsAreRefusedChangingNothing() throws Exception {
        provisioned("b7f5d0b4-6c0e-4d4e-9a39-111111111111", null); // the space's account exists from now on
        String path = "/service_instances/" + INSTANCE + "?accepts_incomplete=true";
        refused(400, "BadRequest", put(path, "{not json"));
        refused(400, "BadRequest", put(path, "[1, 2]"));
        refused(400, "BadRequest", put(path, ""));
        refused(400, "BadRequest", put(path, provisionBody(dbSmall, null)).header("Content-Type", "text/plain"));
        refused(400, "BadRequest", put(path, "{\"plan_id\": \"" + dbSmall + "\", \"organization_guid\": \"o\", "
                + "\"space_guid\": \"s\"}"));
        refused(400, "BadRequest", put(path, "{\"service_id\": \"" + dbService + "\", \"plan_id\": 7, "
                + "\"organization_guid\": \"o\", \"space_guid\": \"s\"}"));
        refused(400, "BadRequest", put(path, "{\"service_id\": \"" + dbService + "\", \"plan_id\": \"" + dbSmall
                + "\", \"space_guid\": \"s\"}"));
        refused(400, "BadRequest", put(path, provisionBody(dbSmall, null).replace(dbService, "no-such-service")));
        refused(400, "BadRequest", put(path, provisionBody("no-such-plan", null)));
        refused(400, "BadRequest", put(path, provisionBody(cachePlan, null)));
        refused(400, "BadRequest", put(path, provisionBody(dbSmall, "{\"nested\": {\"a\": 1}}")));
        refused(400, "BadRequest", put(path, provisionBody(dbSmall, "[1]")));
        refused(400, "BadRequest", put(path, provisionBody(dbSmall, null).replace("\"context\": {",
                "\"context\": 5, \"x\": {")));
        refused(400, "BadRequest", put("/service_instances/" + "x".repeat(201) + "?accepts_incomplete=true",
                provisionBody(dbSmall, null)));
        // the platform's own checks: a configuration its SDP does not take, a quota
        refused(400, "BadRequest", put(path, provisionBody(dbSmall, "{\"bad\": 1}")));
        refused(422, "QuotaExceeded", put(path, provisionBody(dbSmall, "{\"huge\": 1}")));
        refused(422, "MaintenanceInfoConflict", put(path, provisionBody(dbSmall, null).replace("\"context\"",
                "\"maintenance_info\": {\"version\": \"1.0.0\"}, \"context\"")));
        Answer fits = provision(INSTANCE, provisionBody(dbSmall, null).replace("\"context\"",
                "\"maintenance_info\": {\"version\": \"1.2.0\"}, \"context\""));
        assertEquals(fits.toString(), 202, fits.status());
    }

    @Test
    public void aFailedProvisionIsReportedAndItsInstanceCanBeForgotten() throws Exception {
        Answer a = provision(INSTANCE, provisionBody(dbSmall, null));
        long job = Long.parseLong(a.text("operation"));
        broker.platform.fail(job, "the H2 server did not start");
        Answer failed = lastOperation(INSTANCE, a.text("operation"));
        assertEquals("failed", failed.text("state"));
        assertTrue(failed.text("description"), failed.text("description").contains("the H2 server did not start"));
        assertFalse("instance_usable is only for updates and deprovisions", failed.json().has("instance_usable"));
        refused(404, "NotFound", get("/service_instances/" + INSTANCE));
        // orphan mitigation: nothing is left, so the delete is done at once, also without accepts_incomplete
        Answer deleted = deprovision(INSTANCE, false);
        assertEquals(deleted.toString(), 200, deleted.status());
        assertEquals("{}", deleted.response().body());
        Answer gone = deprovision(INSTANCE, true);
        assertEquals(gone.toString(), 410, gone.status());
        refused(404, "NotFound", get("/service_instances/" + INSTANCE + "/last_operation"));
    }

    @Test
    public void aProvisionCutShortBeforeItsJobWasRecordedIsFoundByItsServiceName() throws Exception {
        Answer a = provision(INSTANCE, provisionBody(dbSmall, null));
        String op = a.text("operation");
        // as if the broker stopped after the platform took the job and before the row named it
        BrokerStore.Instance row = broker.store().instance(INSTANCE).orElseThrow();
        broker.store().put(new BrokerStore.Instance(row.instanceId(), row.serviceId(), row.planId(), row.account(),
                row.serviceName(), row.digest(), row.parameterNames(), null, BrokerStore.Kind.PROVISION,
                row.lastDigest()));
        broker.start(BrokerHarness.config());
        assertEquals("in progress", lastOperation(INSTANCE, null).text("state"));
        Answer again = provision(INSTANCE, provisionBody(dbSmall, null));
        assertEquals(again.toString(), 202, again.status());
        assertEquals(op, again.text("operation"));
        assertEquals(1, broker.platform.calls.stream().filter(c -> c.startsWith("createService")).count());
        broker.platform.succeed(Long.parseLong(op));
        assertEquals("succeeded", lastOperation(INSTANCE, op).text("state"));
        assertEquals(200, provision(INSTANCE, provisionBody(dbSmall, null)).status());
    }

    // ------------------------------------------------------------------ update

    @Test
    public void anUpdateScalesAndRefusesWhatCannotChange() throws Exception {
        String cache = "c0ffee00-0000-4000-8000-000000000001";
        Answer a = provision(cache, "{\"service_id\": \"" + cacheService + "\", \"plan_id\": \"" + cachePlan
                + "\", \"organization_guid\": \"" + ORG + "\", \"space_guid\": \"" + SPACE + "\"}");
        broker.platform.succeed(Long.parseLong(a.text("operation")));
        String path = "/service_instances/" + cache;
        String scale = "{\"service_id\": \"" + cacheService + "\", \"parameters\": {\"instances\": 3}}";

        refused(422, "AsyncRequired", broker.request("PATCH", path).body(scale));
        Answer accepted = broker.request("PATCH", path + "?accepts_incomplete=true").body(scale).send();
        assertEquals(accepted.toString(), 202, accepted.status());
        String op = accepted.text("operation");
        assertTrue(broker.platform.calls.toString(), broker.platform.calls.contains("scaleService "
                + Names.account(ORG, SPACE) + "/i-" + cache + " 3"));
        Answer again = broker.request("PATCH", path + "?accepts_incomplete=true").body(scale).send();
        assertEquals(again.toString(), 202, again.status());
        assertEquals(op, again.text("operation"));
        refused(422, "ConcurrencyError", broker.request("PATCH", path + "?accepts_incomplete=true").body(
                scale.replace("3", "4")));
        refused(422, "ConcurrencyError", get(path));
        Answer polling = get(path + "/last_operation?operation=" + op).send();
        assertEquals("in progress", polling.text("state"));
        broker.platform.succeed(Long.parseLong(op));
        assertEquals("succeeded", get(path + "/last_operation?operation=" + op).send().text("state"));

        // nothing to change: 200 {}, also without accepts_incomplete
        Answer same = broker.request("PATCH", path).body(scale).send();
        assertEquals(same.toString(), 200, same.status());
        assertEquals("{}", same.response().body());
        assertEquals(200, broker.request("PATCH", path).body("{\"service_id\": \"" + cacheService
                + "\", \"context\": {\"instance_name\": \"renamed\"}}").send().status());

        String async = path + "?accepts_incomplete=true";
        refused(422, "UnprocessableEntity", broker.request("PATCH", async).body("{\"service_id\": \""
                + cacheService + "\", \"parameters\": {\"heapMb\": 512}}"));
        refused(400, "BadRequest", broker.request("PATCH", async).body("{\"service_id\": \"" + cacheService
                + "\", \"parameters\": {\"instances\": \"many\"}}"));
        refused(400, "BadRequest", broker.request("PATCH", async).body("{\"service_id\": \"" + cacheService
                + "\", \"plan_id\": \"no-such-plan\"}"));
        refused(400, "BadRequest", broker.request("PATCH", async).body("{\"service_id\": \"" + dbService + "\"}"));
        refused(400, "BadRequest", broker.request("PATCH", async).body("{\"plan_id\": \"" + cachePlan + "\"}"));
        refused(400, "BadRequest", broker.request("PATCH", async).body("{oops"));
        refused(422, "MaintenanceInfoConflict", broker.request("PATCH", async).body("{\"service_id\": \""
                + cacheService + "\", \"maintenance_info\": {\"version\": \"9.9.9\"}}"));
        assertEquals(200, broker.request("PATCH", async).body("{\"service_id\": \"" + cacheService
                + "\", \"maintenance_info\": {\"version\": \"2.0.0\"}}").send().status());
        refused(422, "UnprocessableEntity", broker.request("PATCH", "/service_instances/no-such?"
                + "accepts_incomplete=true").body(scale));

        // a newer SDP in the catalog: the instance's own version is still no change; an older one is a conflict
        broker.platform.sdps.add(FakePlatform.sdp("appcache", "appcache", "2.1.0", List.of(), List.of(), "tiny"));
        assertEquals(200, broker.request("PATCH", async).body("{\"service_id\": \"" + cacheService
                + "\", \"maintenance_info\": {\"version\": \"2.0.0\"}}").send().status());
        refused(422, "MaintenanceInfoConflict", broker.request("PATCH", async).body("{\"service_id\": \""
                + cacheService + "\", \"maintenance_info\": {\"version\": \"1.9.0\"}}"));
        assertTrue(broker.updates.calls.toString(), broker.updates.calls.isEmpty());

        // a plan change (the catalog says plan_updateable false), a type that does not scale
        provisioned(INSTANCE, null);
        refused(422, "UnprocessableEntity", broker.request("PATCH", "/service_instances/" + INSTANCE
                + "?accepts_incomplete=true").body("{\"service_id\": \"" + dbService + "\", \"plan_id\": \"" + dbLarge
                + "\"}"));
        refused(422, "UnprocessableEntity", broker.request("PATCH", "/service_instances/" + INSTANCE
                + "?accepts_incomplete=true").body("{\"service_id\": \"" + dbService
                + "\", \"parameters\": {\"instances\": 2}}"));
    }

    /** Provisions an appcache instance at SDP 2.0.0 and adds SDP 2.1.0 to the catalog; @return its path. */
    private String cacheAt200WithNewerSdp(String cache) {
        Answer a = provision(cache, "{\"service_id\": \"" + cacheService + "\", \"plan_id\": \"" + cachePlan
                + "\", \"organization_guid\": \"" + ORG + "\", \"space_guid\": \"" + SPACE + "\"}");
        broker.platform.succeed(Long.parseLong(a.text("operation")));
        broker.platform.sdps.add(FakePlatform.sdp("appcache", "appcache", "2.1.0", List.of(), List.of(), "tiny"));
        return "/service_instances/" + cache;
    }

    private String upgradeTo(String version) {
        return "{\"service_id\": \"" + cacheService + "\", \"maintenance_info\": {\"version\": \"" + version
                + "\"}}";
    }

    @Test
    public void aNewerMaintenanceVersionUpgradesTheInstanceAsAnOperationThePlatformPolls() throws Exception {
        String cache = "c0ffee00-0000-4000-8000-000000000002";
        String path = cacheAt200WithNewerSdp(cache);
        String service = Names.account(ORG, SPACE) + " i-" + cache;
        JsonNode catalog = get("/catalog").send().json();
        boolean offered = false;
        for (JsonNode s : catalog.path("services")) {
            if (s.path("id").asText().equals(cacheService)) {
                offered = s.path("plans").get(0).path("maintenance_info").path("version").asText().equals("2.1.0");
            }
        }
        assertTrue("the catalog offers the newest version: " + catalog, offered);

        refused(422, "AsyncRequired", broker.request("PATCH", path).body(upgradeTo("2.1.0")));
        Answer accepted = broker.request("PATCH", path + "?accepts_incomplete=true").body(upgradeTo("2.1.0")).send();
        assertEquals(accepted.toString(), 202, accepted.status());
        String op = accepted.text("operation");
        assertEquals(List.of("system:osb: upgrade " + service + " null 2.1.0 true"),
                broker.updates.calls);
        assertEquals("update.service", broker.platform.job(Long.parseLong(op)).kind());
        Answer again = broker.request("PATCH", path + "?accepts_incomplete=true").body(upgradeTo("2.1.0")).send();
        assertEquals(again.toString(), 202, again.status());
        assertEquals(op, again.text("operation"));
        assertEquals("no second upgrade", 1, broker.updates.calls.size());
        refused(422, "ConcurrencyError", get(path));
        Answer polling = get(path + "/last_operation?operation=" + op).send();
        assertEquals("in progress", polling.text("state"));
        assertTrue(polling.toString(), polling.text("description").startsWith("upgrade: "));
        assertEquals("2", polling.header("Retry-After"));

        broker.platform.succeed(Long.parseLong(op));
        Answer done = get(path + "/last_operation?operation=" + op).send();
        assertEquals("succeeded", done.text("state"));
        assertEquals("upgrade done (job " + op + ")", done.text("description"));
        assertEquals("2.1.0", get(path).send().json().path("maintenance_info").path("version").asText());
        // the instance's version now: nothing to do
        Answer same = broker.request("PATCH", path + "?accepts_incomplete=true").body(upgradeTo("2.1.0")).send();
        assertEquals(same.toString(), 200, same.status());
        assertEquals("{}", same.response().body());
        assertEquals(1, broker.updates.calls.size());
        refused(422, "MaintenanceInfoConflict", broker.request("PATCH", path + "?accepts_incomplete=true")
                .body(upgradeTo("2.0.0")));
    }

    @Test
    public void anUpgradeAndAScaleInOneRequestAreRefusedAndAFailedUpgradeLeavesTheInstanceUsable() throws Exception {
        String cache = "c0ffee00-0000-4000-8000-000000000003";
        String path = cacheAt200WithNewerSdp(cache) + "?accepts_incomplete=true";
        refused(422, "UnprocessableEntity", broker.request("PATCH", path).body("{\"service_id\": \"" + cacheService
                + "\", \"maintenance_info\": {\"version\": \"2.1.0\"}, \"parameters\": {\"instances\": 2}}"));
        String op = broker.request("PATCH", path).body(upgradeTo("2.1.0")).send().text("operation");
        broker.platform.fail(Long.parseLong(op), "injected failure at health; put back as before");
        Answer failed = get("/service_instances/" + cache + "/last_operation?operation=" + op).send();
        assertEquals("failed", failed.text("state"));
        assertTrue(failed.toString(), failed.text("description").contains("injected failure at health"));
        assertTrue(failed.json().path("instance_usable").asBoolean());
        assertEquals("2.0.0", get("/service_instances/" + cache).send().json().path("maintenance_info")
                .path("version").asText());
    }

    @Test
    public void anUpgradeNotYetHandedToItsJobIsPolledByItsOwnOperation() throws Exception {
        String cache = "c0ffee00-0000-4000-8000-000000000004";
        String path = cacheAt200WithNewerSdp(cache);
        broker.updates.defer = true;
        Answer accepted = broker.request("PATCH", path + "?accepts_incomplete=true").body(upgradeTo("2.1.0")).send();
        assertEquals(accepted.toString(), 202, accepted.status());
        String op = accepted.text("operation");
        assertTrue(op, op.startsWith("update-"));
        Answer waiting = get(path + "/last_operation?operation=" + op).send();
        assertEquals(waiting.toString(), "in progress", waiting.text("state"));
        assertTrue(waiting.toString(), waiting.text("description").startsWith("upgrade to 2.1.0: pending"));
        long job = broker.updates.start(op.substring("update-".length()), Caller.system("update"));
        assertEquals("in progress", get(path + "/last_operation?operation=" + op).send().text("state"));
        broker.platform.succeed(job);
        assertEquals("succeeded", get(path + "/last_operation?operation=" + op).send().text("state"));
        refused(400, "BadRequest", get(path + "/last_operation?operation=update-nope"));
    }

    @Test
    public void withoutTheUpdateBundleAnUpgradeIs503AndChangesNothing() throws Exception {
        String cache = "c0ffee00-0000-4000-8000-000000000005";
        String path = cacheAt200WithNewerSdp(cache);
        broker.updating = false;
        broker.start(BrokerHarness.config());
        Answer a = refused(503, "Unavailable", broker.request("PATCH", path + "?accepts_incomplete=true")
                .body(upgradeTo("2.1.0")));
        assertTrue(a.toString(), a.text("description").contains("platform-update"));
        // what needs no upgrade still works
        assertEquals(200, broker.request("PATCH", path + "?accepts_incomplete=true").body(upgradeTo("2.0.0")).send()
                .status());
    }

    // ------------------------------------------------------------------ deprovision

    @Test
    public void deprovisioningRunsAsAJobAndThenTheInstanceIsGone() throws Exception {
        refused(410, null, broker.request("DELETE", "/service_instances/" + INSTANCE + "?service_id=" + dbService
                + "&plan_id=" + dbSmall + "&accepts_incomplete=true"));
        provisioned(INSTANCE, null);
        String path = "/service_instances/" + INSTANCE;
        refused(400, "BadRequest", broker.request("DELETE", path + "?accepts_incomplete=true&plan_id=" + dbSmall));
        refused(400, "BadRequest", broker.request("DELETE", path + "?accepts_incomplete=true&service_id="
                + dbService));
        refused(400, "BadRequest", broker.request("DELETE", path + "?accepts_incomplete=true&service_id="
                + dbService + "&plan_id=" + dbLarge));
        refused(422, "AsyncRequired", broker.request("DELETE", path + "?service_id=" + dbService + "&plan_id="
                + dbSmall));

        Answer accepted = deprovision(INSTANCE, true);
        assertEquals(accepted.toString(), 202, accepted.status());
        String op = accepted.text("operation");
        Answer again = deprovision(INSTANCE, true);
        assertEquals(again.toString(), 202, again.status());
        assertEquals(op, again.text("operation"));
        refused(422, "ConcurrencyError", get(path));
        refused(422, "ConcurrencyError", provisionRequest());
        assertEquals("in progress", lastOperation(INSTANCE, op).text("state"));

        broker.platform.succeed(Long.parseLong(op));
        Answer done = lastOperation(INSTANCE, op);
        assertEquals(done.toString(), "succeeded", done.text("state"));
        refused(404, "NotFound", get(path));
        refused(410, null, broker.request("DELETE", path + "?service_id=" + dbService + "&plan_id=" + dbSmall
                + "&accepts_incomplete=true"));
        refused(400, "BadRequest", get(path + "/last_operation?operation=abc"));
        refused(400, "BadRequest", get(path + "/last_operation?operation=999"));
        refused(404, "NotFound", get("/service_instances/never-seen/last_operation"));

        // the platform may use the id again once the instance is gone
        Answer reused = provision(INSTANCE, provisionBody(dbLarge, null));
        assertEquals(reused.toString(), 202, reused.status());
    }

    @Test
    public void aFailedDeprovisionLeavesTheInstanceAndSaysItIsNotUsable() throws Exception {
        provisioned(INSTANCE, null);
        Answer accepted = deprovision(INSTANCE, true);
        broker.platform.fail(Long.parseLong(accepted.text("operation")), "the engine could not stop it");
        Answer failed = lastOperation(INSTANCE, accepted.text("operation"));
        assertEquals("failed", failed.text("state"));
        assertFalse(failed.json().path("instance_usable").asBoolean(true));
        Answer retried = deprovision(INSTANCE, true);
        assertEquals(retried.toString(), 202, retried.status());
        assertNotEquals(accepted.text("operation"), retried.text("operation"));
    }

    // ------------------------------------------------------------------ bindings

    @Test
    public void aBindingHandsTheAppCredentialsOfItsOwn() throws Exception {
        provisioned(INSTANCE, null);
        String path = "/service_instances/" + INSTANCE + "/service_bindings/" + BINDING;
        refused(422, "AsyncRequired", put(path, bindBody(null)));
        Answer accepted = bind(INSTANCE, BINDING, bindBody("{\"role\": \"reader\"}"), true);
        assertEquals(accepted.toString(), 202, accepted.status());
        assertFalse("no credentials in a 202", accepted.json().has("credentials"));
        String op = accepted.text("operation");
        String account = Names.account(ORG, SPACE);
        assertTrue(broker.platform.calls.toString(), broker.platform.calls.contains("bindConsumer " + account + "/i-"
                + INSTANCE + " b-" + BINDING + " {role=reader}"));
        refused(404, "NotFound", get(path));
        Answer again = bind(INSTANCE, BINDING, bindBody("{\"role\": \"reader\"}"), true);
        assertEquals(again.toString(), 202, again.status());
        assertEquals(op, again.text("operation"));
        refused(409, "Conflict", put(path + "?accepts_incomplete=true", bindBody("{\"role\": \"writer\"}")));
        assertEquals("in progress", get(path + "/last_operation?operation=" + op).send().text("state"));
        refused(422, "ConcurrencyError", broker.request("DELETE", path + "?service_id=" + dbService + "&plan_id="
                + dbSmall + "&accepts_incomplete=true"));

        broker.platform.succeed(Long.parseLong(op));
        assertEquals("succeeded", get(path + "/last_operation?operation=" + op).send().text("state"));
        JsonNode fetched = ok(get(path));
        JsonNode credentials = fetched.path("credentials");
        assertEquals("pw-b-" + BINDING, credentials.path("password").asText());
        assertEquals("S_b-" + BINDING, credentials.path("username").asText());
        assertEquals(credentials.path("url").asText(), credentials.path("jdbcUrl").asText());
        assertEquals("reader", fetched.path("parameters").path("role").asText());
        Answer identical = bind(INSTANCE, BINDING, bindBody("{\"role\": \"reader\"}"), true);
        assertEquals(identical.toString(), 200, identical.status());
        assertEquals(credentials, identical.json().path("credentials"));
        refused(409, "Conflict", put(path + "?accepts_incomplete=true", bindBody(null)));

        // a provider with a binding is not deprovisioned
        refused(422, "UnprocessableEntity", broker.request("DELETE", "/service_instances/" + INSTANCE
                + "?service_id=" + dbService + "&plan_id=" + dbSmall + "&accepts_incomplete=true"));

        refused(400, "BadRequest", broker.request("DELETE", path + "?plan_id=" + dbSmall + "&accepts_incomplete=true"));
        refused(422, "AsyncRequired", broker.request("DELETE", path + "?service_id=" + dbService + "&plan_id="
                + dbSmall));
        Answer unbinding = unbind(INSTANCE, BINDING, true);
        assertEquals(unbinding.toString(), 202, unbinding.status());
        String unbindOp = unbinding.text("operation");
        Answer unbindAgain = unbind(INSTANCE, BINDING, true);
        assertEquals(unbindAgain.toString(), 202, unbindAgain.status());
        assertEquals(unbindOp, unbindAgain.text("operation"));
        assertEquals("in progress", get(path + "/last_operation").send().text("state"));
        broker.platform.succeed(Long.parseLong(unbindOp));
        assertEquals("succeeded", get(path + "/last_operation?operation=" + unbindOp).send().text("state"));
        refused(404, "NotFound", get(path));
        refused(410, null, broker.request("DELETE", path + "?service_id=" + dbService + "&plan_id=" + dbSmall
                + "&accepts_incomplete=true"));
        refused(400, "BadRequest", get(path + "/last_operation?operation=1"));

        Answer deleted = deprovision(INSTANCE, true);
        assertEquals(deleted.toString(), 202, deleted.status());
    }

    @Test
    public void badBindsAreRefusedChangingNothing() throws Exception {
        String path = "/service_instances/" + INSTANCE + "/service_bindings/" + BINDING + "?accepts_incomplete=true";
        refused(422, "UnprocessableEntity", put(path, bindBody(null)));
        provisioned(INSTANCE, null);
        refused(400, "BadRequest", put(path, "{\"service_id\": \"" + dbService + "\"}"));
        refused(400, "BadRequest", put(path, bindBody(null).replace(dbSmall, dbLarge)));
        refused(400, "BadRequest", put(path, bindBody("{\"deep\": [1]}")));
        refused(400, "BadRequest", put(path, bindBody(null).replace("\"bind_resource\"",
                "\"predecessor_binding_id\": \"x\", \"bind_resource\"")));
        refused(400, "BadRequest", put(path, bindBody(null).replace("{\"app_guid\": \"app-1\"}", "\"app-1\"")));
        refused(400, "BadRequest", put(path, "nope"));
        refused(404, "NotFound", get("/service_instances/" + INSTANCE + "/service_bindings/" + BINDING));
        refused(404, "NotFound", get("/service_instances/" + INSTANCE + "/service_bindings/" + BINDING
                + "/last_operation"));
        refused(410, null, broker.request("DELETE", "/service_instances/" + INSTANCE + "/service_bindings/"
                + BINDING + "?service_id=" + dbService + "&plan_id=" + dbSmall + "&accepts_incomplete=true"));
        // a failed bind: the platform undid it; the same request binds anew
        Answer a = bind(INSTANCE, BINDING, bindBody(null), true);
        broker.platform.fail(Long.parseLong(a.text("operation")), "no more logins");
        Answer failed = get("/service_instances/" + INSTANCE + "/service_bindings/" + BINDING + "/last_operation")
                .send();
        assertEquals("failed", failed.text("state"));
        assertTrue(failed.text("description").contains("no more logins"));
        refused(404, "NotFound", get("/service_instances/" + INSTANCE + "/service_bindings/" + BINDING));
        Answer retried = bind(INSTANCE, BINDING, bindBody(null), true);
        assertEquals(retried.toString(), 202, retried.status());
    }

    // ------------------------------------------------------------------ concurrency

    @Test
    public void concurrentRequestsOnOneInstanceGetOneAnswerEach() throws Exception {
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            // the same provision, n times at once: one job, every answer 202 with its operation
            List<Answer> answers = all(pool, n, i -> provision(INSTANCE, provisionBody(dbSmall, null)));
            Set<String> ops = new TreeSet<>();
            for (Answer a : answers) {
                assertEquals(a.toString(), 202, a.status());
                ops.add(a.text("operation"));
            }
            assertEquals(1, ops.size());
            assertEquals(1, broker.platform.calls.stream().filter(c -> c.startsWith("createService")).count());

            // different provisions of one new id at once: one is accepted, the others conflict with it
            String other = "0d9f3e36-1111-4f6b-9d2b-222222222222";
            List<Answer> mixed = all(pool, n, i -> provision(other, provisionBody(i % 2 == 0 ? dbSmall : dbLarge,
                    null)));
            assertEquals(mixed.toString(), 1, mixed.stream().filter(a -> a.status() == 202)
                    .map(a -> a.text("operation")).distinct().count());
            assertEquals(mixed.toString(), n, mixed.stream().filter(a -> a.status() == 202 || a.status() == 409)
                    .count());

            // binds of several bindings of one instance at once: the platform runs one job on the service at a time
            broker.platform.succeed(Long.parseLong(ops.iterator().next()));
            List<Answer> binds = all(pool, n, i -> bind(INSTANCE, "binding-" + i, bindBody(null), true));
            assertEquals(binds.toString(), 1, binds.stream().filter(a -> a.status() == 202).count());
            assertEquals(binds.toString(), n - 1, binds.stream().filter(a -> a.status() == 422
                    && a.text("error").equals("ConcurrencyError")).count());
            assertEquals(1, broker.platform.calls.stream().filter(c -> c.startsWith("bindConsumer")).count());
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface Call {
        Answer send(int i);
    }

    /** Sends n requests at once (released together) and returns their answers. */
    private static List<Answer> all(ExecutorService pool, int n, Call call) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Answer>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            Callable<Answer> task = () -> {
                start.await();
                return call.send(index);
            };
            futures.add(pool.submit(task));
        }
        start.countDown();
        List<Answer> out = new ArrayList<>();
        for (Future<Answer> f : futures) {
            out.add(f.get(30, TimeUnit.SECONDS));
        }
        return out;
    }
}
