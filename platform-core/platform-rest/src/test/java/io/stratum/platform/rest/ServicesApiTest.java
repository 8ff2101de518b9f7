package io.stratum.platform.rest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.rest.RestServer.Response;
import java.util.function.Supplier;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Services and environments over HTTP, with every way a request can be malformed (JSON, types, fields, media types,
 * sizes, query parameters) and every refusal of the platform mapped to its status; after each refusal the platform is
 * checked unchanged.
 */
public class ServicesApiTest {

    private RestServer server;

    @Before
    public void start() throws Exception {
        server = new RestServer();
    }

    @After
    public void stop() throws Exception {
        server.close();
    }

    private Response refused(int status, String error, Supplier<Response> request) {
        Response r = server.unchanged(request);
        assertEquals(r.toString(), status, r.status());
        assertEquals(r.toString(), error, r.error());
        assertFalse(r.json().path("message").asText().isEmpty());
        return r;
    }

    private Response createDb(String body) {
        return server.post("alice", "/services?account=blue", body);
    }

    // ------------------------------------------------------------------ reading

    @Test
    public void servicesAreListedForTheCallersAccount() {
        Response mine = server.get("alice", "/services");
        assertEquals(200, mine.status());
        assertEquals("db1", mine.json().get(0).path("name").asText());
        assertTrue(server.fake.calls.contains("alice rest: listServices [null]"));
        Response named = server.get("alice", "/services?account=blue");
        assertEquals(mine.json(), named.json());
    }

    @Test
    public void aServiceShowsItsSecretsOnlyToThoseAllowed() {
        Response masked = server.get("alice", "/services/db1?account=blue");
        assertEquals(200, masked.status());
        assertEquals("********", masked.json().path("connection").path("password").asText());
        Response shown = server.get("alice", "/services/db1?account=blue&credentials=true");
        assertEquals("blue-secret", shown.json().path("connection").path("password").asText());
        assertEquals("no-store", shown.header("Cache-Control"));
        assertEquals(200, server.get("vera", "/services/db1?account=blue").status());
        refused(403, "FORBIDDEN", () -> server.get("vera", "/services/db1?account=blue&credentials=true"));
        assertEquals("2026-11-22T10:00:00Z", masked.json().path("createdAt").asText());
        assertEquals("RUNNING", masked.json().path("state").asText());
    }

    @Test
    public void anotherAccountsServiceIsNotFoundExactlyLikeOneThatDoesNotExist() {
        Response theirs = refused(404, "NOT_FOUND", () -> server.get("alice", "/services/db2?account=red"));
        Response none = refused(404, "NOT_FOUND", () -> server.get("alice", "/services/db2?account=purple"));
        assertEquals(none.body().replace("purple", "red"), theirs.body());
        refused(404, "NOT_FOUND", () -> server.post("alice", "/services/db2/stop?account=red", null));
        refused(404, "NOT_FOUND", () -> server.delete("alice", "/services/db2?account=red"));
        refused(404, "NOT_FOUND", () -> server.get("alice", "/services?account=red"));
        refused(404, "NOT_FOUND", () -> server.post("alice", "/services?account=red",
                "{\"type\": \"database\", \"name\": \"sneaky\"}"));
        refused(404, "NOT_FOUND", () -> server.get("alice", "/services/nope?account=blue"));
    }

    // ------------------------------------------------------------------ creating

    @Test
    public void aCreateAnswers202WithTheJobAndItsLocation() {
        Response r = createDb("{\"type\": \"database\", \"name\": \"orders\", \"plan\": \"large\", "
                + "\"config\": {\"port\": \"5001\"}, \"providers\": {}, \"createProviders\": false}");
        assertEquals(r.toString(), 202, r.status());
        long id = r.json().path("id").asLong();
        assertEquals("/api/v1/jobs/" + id, r.header("Location"));
        assertEquals("service.create", r.json().path("kind").asText());
        assertEquals("QUEUED", r.json().path("state").asText());
        assertEquals("alice", r.json().path("requestedBy").asText());
        assertEquals("rest", r.json().path("requestedVia").asText());
        assertTrue(server.fake.calls.contains("alice rest: createService [blue, database, orders, large, null, "
                + "{port=5001}, {}, false]"));
        assertEquals(ServiceState.PROVISIONING, server.fake.service("blue", "orders").state);
        Response job = server.get("alice", "/jobs/" + id);
        assertEquals(200, job.status());
    }

    @Test
    public void aDryRunAnswersThePlanAndChangesNothing() {
        Response r = server.unchanged(() -> server.post("alice", "/services?account=blue&dryRun=true",
                "{\"type\": \"database\", \"name\": \"orders\"}"));
        assertEquals(200, r.status());
        assertEquals("service.create", r.json().path("kind").asText());
        assertEquals("orders", r.json().path("target").asText());
        assertTrue(r.json().path("phases").isArray());
        // the dry run ran the platform's checks
        refused(409, "ALREADY_EXISTS", () -> server.post("alice", "/services?account=blue&dryRun=true",
                "{\"type\": \"database\", \"name\": \"db1\"}"));
        // dryRun=false does it
        assertEquals(202, server.post("alice", "/services?account=blue&dryRun=false",
                "{\"type\": \"database\", \"name\": \"other\"}").status());
    }

    @Test
    public void malformedBodiesAre400AndChangeNothing() {
        refused(400, "MALFORMED_JSON", () -> createDb("{\"type\": \"database\", \"name\": "));
        refused(400, "MALFORMED_JSON", () -> createDb("{\"type\": \"database\"} trailing"));
        refused(400, "MALFORMED_JSON", () -> createDb("not json at all"));
        refused(400, "MALFORMED_JSON", () -> createDb("{\"type\": \"database\", \"type\": \"webtier\", "
                + "\"name\": \"x\"}"));
        Response unknown = refused(400, "INVALID_REQUEST", () -> createDb("{\"type\": \"database\", \"name\": "
                + "\"orders\", \"size\": \"xl\"}"));
        assertTrue(unknown.body(), unknown.json().path("message").asText().contains("unknown field 'size'"));
        assertTrue(unknown.body(), unknown.json().path("message").asText().contains("createProviders"));
        Response missing = refused(400, "INVALID_REQUEST", () -> createDb("{\"name\": \"orders\"}"));
        assertEquals("field 'type' is required", missing.json().path("message").asText());
        refused(400, "INVALID_REQUEST", () -> createDb("null"));
        refused(400, "INVALID_REQUEST", () -> createDb("[]"));
        refused(400, "INVALID_REQUEST", () -> createDb("\"database\""));
        refused(400, "INVALID_REQUEST", () -> createDb(""));
    }

    @Test
    public void valuesOfTheWrongTypeAre400NamingTheField() {
        Response name = refused(400, "INVALID_REQUEST", () -> createDb("{\"type\": \"database\", \"name\": 5}"));
        assertEquals("field 'name' must be a string", name.json().path("message").asText());
        Response flag = refused(400, "INVALID_REQUEST", () -> createDb("{\"type\": \"database\", \"name\": "
                + "\"orders\", \"createProviders\": \"true\"}"));
        assertEquals("field 'createProviders' must be true or false", flag.json().path("message").asText());
        Response config = refused(400, "INVALID_REQUEST", () -> createDb("{\"type\": \"database\", \"name\": "
                + "\"orders\", \"config\": {\"port\": 5001}}"));
        assertEquals("field 'config.port' must be a string", config.json().path("message").asText());
        refused(400, "INVALID_REQUEST", () -> createDb("{\"type\": \"database\", \"name\": \"orders\", "
                + "\"config\": [\"port=1\"]}"));
        Response text = refused(400, "INVALID_REQUEST", () -> server.post("alice",
                "/services/db1/scale?account=blue", "{\"instances\": \"3\"}"));
        assertEquals("field 'instances' must be a whole number", text.json().path("message").asText());
        refused(400, "INVALID_REQUEST", () -> server.post("alice", "/services/db1/scale?account=blue",
                "{\"instances\": 2.5}"));
        refused(400, "INVALID_REQUEST", () -> server.post("alice", "/services/db1/scale?account=blue",
                "{\"instances\": null}"));
        refused(400, "INVALID_REQUEST", () -> server.post("alice", "/services/db1/scale?account=blue",
                "{\"instances\": true}"));
        // a wrong value for a password field is named, never echoed
        Response secret = refused(400, "INVALID_REQUEST", () -> server.post("alice",
                "/external-services?account=blue", "{\"type\": \"database\", \"name\": \"pg\", \"url\": \"jdbc:x\", "
                        + "\"password\": {\"v\": \"hunter2\"}}"));
        assertFalse(secret.body().contains("hunter2"));
    }

    @Test
    public void bodiesMustBeJsonInUtf8AndNotTooLarge() {
        String body = "{\"type\": \"database\", \"name\": \"orders\"}";
        refused(415, "UNSUPPORTED_MEDIA_TYPE", () -> server.raw("POST", "alice", "/services?account=blue",
                "text/plain", body));
        refused(415, "UNSUPPORTED_MEDIA_TYPE", () -> server.raw("POST", "alice", "/services?account=blue",
                null, body));
        refused(415, "UNSUPPORTED_MEDIA_TYPE", () -> server.raw("POST", "alice", "/services?account=blue",
                "application/x-www-form-urlencoded", "type=database&name=orders"));
        refused(415, "UNSUPPORTED_MEDIA_TYPE", () -> server.raw("POST", "alice", "/services?account=blue",
                "application/json; charset=ISO-8859-1", body));
        assertEquals(202, server.raw("POST", "alice", "/services?account=blue", "application/json; charset=utf-8",
                body).status());
        String huge = "{\"type\": \"database\", \"name\": \"big\", \"config\": {\"war\": \""
                + "x".repeat(RestServlet.MAX_BODY) + "\"}}";
        refused(413, "PAYLOAD_TOO_LARGE", () -> createDb(huge));
        // a body where the operation takes none
        refused(400, "INVALID_REQUEST", () -> server.post("alice", "/services/db1/start?account=blue", "{}"));
    }

    @Test
    public void queryParametersAreCheckedSoATypoNeverRunsTheRealThing() {
        Response typo = refused(400, "INVALID_REQUEST", () -> server.delete("alice",
                "/services/db1?account=blue&dryrun=true"));
        assertTrue(typo.body(), typo.json().path("message").asText().contains("dryRun"));
        Response none = refused(400, "INVALID_REQUEST", () -> server.post("alice", "/backups/b-blue/verify?dryRun=true",
                null));
        assertTrue(none.body(), none.json().path("message").asText().contains("no dry run"));
        Response unknown = refused(400, "INVALID_REQUEST", () -> server.delete("alice",
                "/services/db1?account=blue&forse=true"));
        assertTrue(unknown.body(), unknown.json().path("message").asText().contains("account, force, dryRun"));
        refused(400, "INVALID_REQUEST", () -> server.delete("alice", "/services/db1?account=blue&force=yes"));
        refused(400, "INVALID_REQUEST", () -> server.delete("alice", "/services/db1?account=blue&force&force"));
        refused(400, "INVALID_REQUEST", () -> server.delete("alice", "/services/db1?account="));
        refused(400, "INVALID_REQUEST", () -> server.get("alice", "/jobs?limit=ten"));
    }

    // ------------------------------------------------------------------ the platform's refusals

    @Test
    public void thePlatformsRefusalsMapToTheirStatuses() {
        refused(409, "ALREADY_EXISTS", () -> createDb("{\"type\": \"database\", \"name\": \"db1\"}"));
        Response config = refused(422, "INVALID", () -> createDb("{\"type\": \"database\", \"name\": \"orders\", "
                + "\"config\": {\"colour\": \"blue\"}}"));
        assertTrue(config.json().path("message").asText().contains("invalid configuration"));
        refused(422, "INVALID", () -> createDb("{\"type\": \"database\", \"name\": \"Bad Name\"}"));
        refused(422, "INVALID", () -> createDb("{\"type\": \"mainframe\", \"name\": \"orders\"}"));
        refused(403, "FORBIDDEN", () -> server.post("vera", "/services?account=blue",
                "{\"type\": \"database\", \"name\": \"orders\"}"));
        refused(403, "FORBIDDEN", () -> server.post("vera", "/services/db1/stop?account=blue", null));
        assertEquals(200, server.json("PATCH", "admin", "/accounts/blue/quota", "{\"maxServices\": 1}").status());
        refused(409, "QUOTA_EXCEEDED", () -> createDb("{\"type\": \"database\", \"name\": \"orders\"}"));
    }

    // ------------------------------------------------------------------ lifecycle

    @Test
    public void startStopScaleAndDeleteAnswer202AndABusyServiceIs409() {
        Response stop = server.post("alice", "/services/db1/stop?account=blue", null);
        assertEquals(202, stop.status());
        assertEquals("service.stop", stop.json().path("kind").asText());
        Response busy = refused(409, "CONCURRENCY", () -> server.post("alice", "/services/db1/scale?account=blue",
                "{\"instances\": 3}"));
        assertTrue(busy.json().path("message").asText().contains("job " + stop.json().path("id").asLong()));
        server.fake.finish(stop.json().path("id").asLong(), JobState.SUCCEEDED);
        Response start = server.post("alice", "/services/db1/start?account=blue", null);
        assertEquals(202, start.status());
        assertEquals("service.start", start.json().path("kind").asText());
        server.fake.finish(start.json().path("id").asLong(), JobState.SUCCEEDED);
        refused(422, "INVALID", () -> server.post("alice", "/services/db1/scale?account=blue", "{\"instances\": 0}"));
        Response scale = server.post("alice", "/services/db1/scale?account=blue", "{\"instances\": 3}");
        assertEquals(202, scale.status());
        assertEquals(3, server.fake.service("blue", "db1").instances);
        server.fake.finish(scale.json().path("id").asLong(), JobState.SUCCEEDED);
        Response plan = server.unchanged(() -> server.delete("alice", "/services/db1?account=blue&force=true"
                + "&dryRun=true"));
        assertEquals(200, plan.status());
        assertEquals("service.delete", plan.json().path("kind").asText());
        Response delete = server.delete("alice", "/services/db1?account=blue&force");
        assertEquals(202, delete.status());
        assertEquals("/api/v1/jobs/" + delete.json().path("id").asLong(), delete.header("Location"));
        assertTrue(server.fake.calls.contains("alice rest: deleteService [blue, db1, true]"));
    }

    @Test
    public void dryRunsOfLifecycleCallsChangeNothing() {
        for (Supplier<Response> dry : java.util.List.<Supplier<Response>>of(
                () -> server.post("alice", "/services/db1/stop?account=blue&dryRun=true", null),
                () -> server.post("alice", "/services/db1/start?account=blue&dryRun", null),
                () -> server.post("alice", "/services/db1/scale?account=blue&dryRun=true", "{\"instances\": 2}"),
                () -> server.post("alice", "/services/db1/clone?account=blue&dryRun=true", "{\"target\": \"c\"}"))) {
            Response r = server.unchanged(dry);
            assertEquals(r.toString(), 200, r.status());
            assertNotNull(r.json().path("kind").asText(null));
        }
    }

    @Test
    public void anExternalServiceIsRegisteredWith201AndItsLocation() {
        Response r = server.post("alice", "/external-services?account=blue", "{\"type\": \"database\", \"name\": "
                + "\"pg\", \"url\": \"jdbc:postgresql://127.0.0.1:5432/orders\", \"user\": \"app\", \"password\": "
                + "\"s3cret-pw\", \"properties\": {\"driver\": \"org.postgresql.Driver\"}}");
        assertEquals(r.toString(), 201, r.status());
        assertEquals("/api/v1/services/pg?account=blue", r.header("Location"));
        assertTrue(r.json().path("external").asBoolean());
        assertFalse(r.body().contains("s3cret-pw"));
        assertTrue(server.fake.calls.contains("alice rest: registerExternalService [blue, database, pg, "
                + "jdbc:postgresql://127.0.0.1:5432/orders, app, s3cret-pw, {driver=org.postgresql.Driver}]"));
        refused(400, "INVALID_REQUEST", () -> server.post("alice", "/external-services?account=blue",
                "{\"type\": \"database\", \"name\": \"pg2\"}"));
        refused(422, "INVALID", () -> server.post("alice", "/external-services?account=blue",
                "{\"type\": \"database\", \"name\": \"pg2\", \"url\": \"http://x\"}"));
        refused(409, "ALREADY_EXISTS", () -> server.post("alice", "/external-services?account=blue",
                "{\"type\": \"database\", \"name\": \"pg\", \"url\": \"jdbc:x\"}"));
    }

    @Test
    public void aServiceIsClonedAsAJob() {
        Response r = server.post("alice", "/services/db1/clone?account=blue", "{\"target\": \"db1-copy\", "
                + "\"fromBackup\": \"b-blue\"}");
        assertEquals(r.toString(), 202, r.status());
        assertEquals("clone.service", r.json().path("kind").asText());
        assertTrue(server.fake.calls.contains("alice rest: cloneService [blue, db1, db1-copy, b-blue]"));
        refused(400, "INVALID_REQUEST", () -> server.post("alice", "/services/db1/clone?account=blue", "{}"));
        refused(409, "ALREADY_EXISTS", () -> server.post("alice", "/services/db1/clone?account=blue",
                "{\"target\": \"db1\"}"));
        refused(404, "NOT_FOUND", () -> server.post("alice", "/services/db1/clone?account=blue",
                "{\"target\": \"x\", \"fromBackup\": \"b-red\"}"));
        server.clones = false;
        Response gone = refused(503, "UNAVAILABLE", () -> server.post("alice", "/services/db1/clone?account=blue",
                "{\"target\": \"db1-copy2\"}"));
        assertEquals("10", gone.header("Retry-After"));
        assertTrue(gone.json().path("message").asText().contains("platform-clone"));
    }

    // ------------------------------------------------------------------ environments

    private static final String YAML = "name: notes\nservices:\n  - name: notes-db\n    type: database\n";
    private static final String JSON = "{\"name\": \"shop\", \"services\": [{\"name\": \"shop-db\", "
            + "\"type\": \"database\"}]}";

    @Test
    public void anEnvironmentIsCreatedFromYamlOrJsonAsItIsWritten() {
        Response yaml = server.raw("POST", "alice", "/environments?account=blue", "application/yaml", YAML);
        assertEquals(yaml.toString(), 202, yaml.status());
        assertEquals("environment.create", yaml.json().path("kind").asText());
        assertEquals(YAML, server.fake.environmentDocument("blue", "notes"));
        assertTrue(server.fake.calls.contains("alice rest: createEnvironment [blue, null]"));
        Response json = server.post("alice", "/environments?account=blue", JSON);
        assertEquals(202, json.status());
        assertEquals(JSON, server.fake.environmentDocument("blue", "shop"));
        Response plan = server.unchanged(() -> server.raw("POST", "alice", "/environments?account=blue&dryRun=true",
                "text/yaml", YAML.replace("notes", "other")));
        assertEquals(200, plan.status());
        assertEquals("environment.create", plan.json().path("kind").asText());
    }

    @Test
    public void aBadEnvironmentDescriptionIsRefusedAndChangesNothing() {
        refused(400, "MALFORMED_JSON", () -> server.post("alice", "/environments?account=blue",
                "{\"name\": \"shop\", "));
        refused(415, "UNSUPPORTED_MEDIA_TYPE", () -> server.raw("POST", "alice", "/environments?account=blue",
                "text/plain", YAML));
        refused(400, "INVALID_REQUEST", () -> server.raw("POST", "alice", "/environments?account=blue",
                "application/yaml", ""));
        refused(422, "INVALID", () -> server.raw("POST", "alice", "/environments?account=blue",
                "application/yaml", "name: empty\n"));
        refused(403, "FORBIDDEN", () -> server.raw("POST", "vera", "/environments?account=blue",
                "application/yaml", YAML));
    }

    @Test
    public void environmentsAreListedShownDeletedAndCloned() {
        assertEquals(202, server.post("alice", "/environments?account=blue", JSON).status());
        Response list = server.get("alice", "/environments?account=blue");
        assertEquals("shop", list.json().get(0).path("name").asText());
        JsonNode env = server.get("alice", "/environments/shop?account=blue").json();
        assertEquals("shop-db", env.path("levels").get(0).get(0).asText());
        refused(404, "NOT_FOUND", () -> server.get("alice", "/environments/nope?account=blue"));
        refused(404, "NOT_FOUND", () -> server.get("bob", "/environments/shop?account=blue"));
        Response clone = server.post("alice", "/environments/shop/clone?account=blue", "{\"target\": \"shop2\"}");
        assertEquals(202, clone.status());
        assertEquals("clone.environment", clone.json().path("kind").asText());
        Response dry = server.unchanged(() -> server.delete("alice", "/environments/shop?account=blue&dryRun=true"));
        assertEquals("environment.delete", dry.json().path("kind").asText());
        Response delete = server.delete("alice", "/environments/shop?account=blue&force=true");
        assertEquals(202, delete.status());
        assertTrue(server.fake.calls.contains("alice rest: deleteEnvironment [blue, shop, true]"));
        assertNull(server.fake.environmentDocument("blue", "nope"));
    }
}
