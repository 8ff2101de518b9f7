package io.stratum.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.JobQuery;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The REST API on the real distribution, over real HTTP: the real JAAS realm, the real orchestrator behind long polls
 * and event streams, tenants kept apart, refusals that change nothing, and the OpenAPI document it serves.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RestApiIT extends StratumTestSupport {

    private static String base() {
        return "http://127.0.0.1:" + httpPort() + "/api/v1";
    }

    /** A request to the API (a path below /api/v1, or a whole URL), as {@code login} ({@code null}: no login). */
    private static Response call(String login, String method, String path, String body) throws Exception {
        return http(method, path.startsWith("http") ? path : base() + path, login,
                body == null ? Map.of() : Map.of("Content-Type", "application/json"), body, Duration.ofSeconds(90));
    }

    private static String admin() throws Exception {
        return "admin:" + Files.readString(stratumHome().resolve("initial-admin-password")).strip();
    }

    private void awaitApi() throws Exception {
        await("the REST API", Duration.ofSeconds(60), () -> {
            try {
                return call(null, "GET", "/openapi.json", null).status() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        await("the database type", Duration.ofSeconds(60),
                () -> platform.listSdps(false).stream().anyMatch(s -> s.serviceType().equals("database")));
    }

    /** What a refusal must leave as it was. */
    private String state(String account) {
        return platform.listServices(account).stream().map(s -> s.name() + "/" + s.state()).sorted().toList()
                + " jobs " + platform.listJobs(new JobQuery(null, null, false, 1000)).size()
                + " history " + platform.accountHistory(account, 1000).size();
    }

    @Test
    public void aUserCreatesADatabaseOverHttpFollowsItsJobAndConnectsWithItsCredentials() throws Exception {
        awaitApi();
        Response openApi = call(null, "GET", "/openapi.json", null);
        JsonNode paths = openApi.json().path("paths");
        int operations = 0;
        for (JsonNode p : paths) {
            for (String m : List.of("get", "post", "put", "patch", "delete")) {
                operations += p.has(m) ? 1 : 0;
            }
        }
        assertTrue("documented operations: " + operations, operations >= 40);

        // the real realm: the first admin, and the same refusal for a wrong password and an unknown user
        Response me = call(admin(), "GET", "/whoami", null);
        assertEquals(me.toString(), 200, me.status());
        Response wrong = call("admin:not-the-password", "GET", "/whoami", null);
        Response unknown = call("nobody:not-the-password", "GET", "/whoami", null);
        assertEquals(401, wrong.status());
        assertEquals(wrong.body(), unknown.body());
        assertTrue(wrong.header("WWW-Authenticate").startsWith("Basic"));

        // a member of an account of her own
        platform.createAccount("acme");
        platform.createUser("rosa", "a-long-password-for-rosa".toCharArray(), false);
        platform.grant("acme", "rosa", AccountRole.MEMBER);
        String rosa = "rosa:a-long-password-for-rosa";

        String before = state("acme");
        Response dry = call(rosa, "POST", "/services?account=acme&dryRun=true",
                "{\"type\":\"database\",\"name\":\"orders\",\"plan\":\"small\"}");
        assertEquals(dry.toString(), 200, dry.status());
        assertFalse(dry.json().path("phases").isEmpty());
        assertEquals(400, call(rosa, "POST", "/services?account=acme", "{\"type\":\"database\",").status());
        assertEquals(400, call(rosa, "POST", "/services?account=acme",
                "{\"type\":\"database\",\"name\":\"orders\",\"size\":1}").status());
        assertEquals(400, call(rosa, "POST", "/services?account=acme&dryrun=true",
                "{\"type\":\"database\",\"name\":\"orders\"}").status());
        Response invalid = call(rosa, "POST", "/services?account=acme",
                "{\"type\":\"database\",\"name\":\"orders\",\"config\":{\"mode\":\"NoSuchMode\"}}");
        assertEquals(invalid.toString(), 422, invalid.status());
        assertEquals("INVALID", invalid.json().path("error").asText());
        assertEquals("refusals and dry runs change nothing", before, state("acme"));

        Response accepted = call(rosa, "POST", "/services?account=acme",
                "{\"type\":\"database\",\"name\":\"orders\",\"plan\":\"small\"}");
        assertEquals(accepted.toString(), 202, accepted.status());
        String location = accepted.header("Location");
        assertTrue(location, location.contains("/api/v1/jobs/"));
        long jobId = accepted.json().path("id").asLong();

        // its progress as Server-Sent Events, while it runs
        Response events = call(rosa, "GET", "/jobs/" + jobId + "/events", null);
        assertEquals(events.toString(), 200, events.status());
        List<String> kinds = new ArrayList<>();
        for (String line : events.body().split("\n")) {
            if (line.startsWith("event:")) {
                kinds.add(line.substring(6).strip());
            }
        }
        assertTrue(kinds.toString(), kinds.contains("progress"));
        assertEquals(kinds.toString(), "done", kinds.get(kinds.size() - 1));

        Response ended = call(rosa, "GET", location.substring(location.indexOf("/jobs/")) + "?wait=60s", null);
        assertEquals(ended.toString(), "SUCCEEDED", ended.json().path("state").asText());
        assertEquals("rosa", ended.json().path("requestedBy").asText());
        assertEquals("rest", ended.json().path("requestedVia").asText());

        Response taken = call(rosa, "POST", "/services?account=acme", "{\"type\":\"database\",\"name\":\"orders\"}");
        assertEquals(taken.toString(), 409, taken.status());

        Response service = call(rosa, "GET", "/services/orders?account=acme&credentials=true", null);
        assertEquals(service.toString(), 200, service.status());
        JsonNode connection = service.json().path("connection");
        assertNotNull(service.body(), connection);
        try (Connection c = jdbc(connection.path("url").asText(), connection.path("user").asText(),
                connection.path("password").asText()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes(id INT PRIMARY KEY)");
            s.execute("INSERT INTO notes VALUES (1)");
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM notes")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
        }

        // another tenant: everything of acme is "not found", exactly like what does not exist, and nothing changes
        platform.createAccount("blue");
        platform.createUser("bob", "a-long-password-for-bob".toCharArray(), false);
        platform.grant("blue", "bob", AccountRole.ADMIN);
        String bob = "bob:a-long-password-for-bob";
        String acme = state("acme");
        Response theirs = call(bob, "GET", "/services/orders?account=acme", null);
        Response none = call(bob, "GET", "/services/no-such-service?account=acme", null);
        assertEquals(theirs.toString(), 404, theirs.status());
        assertEquals(none.body().replace("no-such-service", "orders"), theirs.body());
        assertEquals(404, call(bob, "GET", "/jobs/" + jobId, null).status());
        assertEquals(404, call(bob, "POST", "/services/orders/stop?account=acme", null).status());
        assertEquals(404, call(bob, "DELETE", "/services/orders?account=acme", null).status());
        assertEquals("another tenant changed nothing", acme, state("acme"));

        // a viewer reads but cannot stop
        platform.grant("acme", "bob", AccountRole.VIEWER); // a version of acme's history of its own
        acme = state("acme");
        assertEquals(200, call(bob, "GET", "/services/orders?account=acme", null).status());
        Response viewerStop = call(bob, "POST", "/services/orders/stop?account=acme", null);
        assertEquals(viewerStop.toString(), 403, viewerStop.status());
        assertEquals("a viewer changed nothing", acme, state("acme"));

        // a changed password counts at once
        Response changed = call(admin(), "PUT", "/users/rosa/password", "{\"password\":\"another-long-password\"}");
        assertTrue(changed.toString(), changed.status() / 100 == 2);
        assertEquals(401, call(rosa, "GET", "/whoami", null).status());
        assertEquals(200, call("rosa:another-long-password", "GET", "/whoami", null).status());

        // delete over HTTP, followed to its end
        Response delete = call(admin(), "DELETE", "/services/orders?account=acme", null);
        assertEquals(delete.toString(), 202, delete.status());
        Response deleted = call(admin(), "GET", "/jobs/" + delete.json().path("id").asLong() + "?wait=60s", null);
        assertEquals(deleted.toString(), "SUCCEEDED", deleted.json().path("state").asText());
        assertTrue(platform.listServices("acme").isEmpty());
    }

    /** Creates a database in account default over HTTP and waits until it runs. */
    private void database(String login, String name) throws Exception {
        Response created = call(login, "POST", "/services?account=default", "{\"type\":\"database\",\"name\":\""
                + name + "\"}");
        assertEquals(created.toString(), 202, created.status());
        assertEquals("SUCCEEDED", awaitJob(login, created).path("state").asText());
    }

    /** Follows the job of a 202 to its end (at most 60 s); returns the job. */
    private static JsonNode awaitJob(String login, Response accepted) throws Exception {
        String location = accepted.header("Location");
        assertEquals(location, "/api/v1/jobs/" + accepted.json().path("id").asLong(), location);
        Response job = call(login, "GET", location.substring("/api/v1".length()) + "?wait=60s", null);
        assertEquals(job.toString(), 200, job.status());
        assertTrue(job.toString(), job.json().path("state").asText().matches("SUCCEEDED|FAILED|CANCELLED"));
        return job.json();
    }

    /** A refusal's body is the error object: exactly {"error", "message"}. */
    private static void assertError(Response r, String error) {
        assertEquals(r.toString(), error, r.json().path("error").asText());
        List<String> fields = new ArrayList<>();
        r.json().fieldNames().forEachRemaining(fields::add);
        assertEquals(r.toString(), List.of("error", "message"), fields);
        assertFalse(r.toString(), r.json().path("message").asText().isEmpty());
    }

    @Test
    public void ofTwoChangesOfOneServiceAskedAtOnceOneIsAcceptedAndTheOtherIs409NamingTheJobThatHoldsIt()
            throws Exception {
        awaitApi();
        String admin = admin();
        database(admin, "race");
        assertEquals("the login is remembered before the race", 200, call(admin, "GET", "/whoami", null).status());

        // two stops at once: one job stops it, the other request is refused and changes nothing
        List<Response> stops = atOnce(() -> call(admin, "POST", "/services/race/stop?account=default", null),
                () -> call(admin, "POST", "/services/race/stop?account=default", null));
        Response stop = theOne(stops, 202);
        Response busy = theOne(stops, 409);
        assertError(busy, "CONCURRENCY");
        long stopJob = stop.json().path("id").asLong();
        assertTrue(busy.toString(), busy.json().path("message").asText().contains("job " + stopJob));
        assertEquals("SUCCEEDED", awaitJob(admin, stop).path("state").asText());
        assertEquals("STOPPED", platform.getService("default", "race").state().name());
        assertEquals("one stop job ran", 1, platform.listJobs(new JobQuery("default", "race", false, 100)).stream()
                .filter(j -> j.kind().equals("service.stop")).count());

        // a start and a delete at once: the service ends as the accepted one leaves it
        List<Response> startOrDelete = atOnce(
                () -> call(admin, "POST", "/services/race/start?account=default", null),
                () -> call(admin, "DELETE", "/services/race?account=default", null));
        Response accepted = theOne(startOrDelete, 202);
        Response refused = theOne(startOrDelete, 409);
        assertError(refused, "CONCURRENCY");
        assertTrue(refused.toString(), refused.json().path("message").asText().contains("job "
                + accepted.json().path("id").asLong()));
        assertEquals("SUCCEEDED", awaitJob(admin, accepted).path("state").asText());
        if (accepted == startOrDelete.get(0)) {
            assertEquals("the start won", "RUNNING", platform.getService("default", "race").state().name());
            assertEquals(0, platform.listJobs(new JobQuery("default", "race", false, 100)).stream()
                    .filter(j -> j.kind().equals("service.delete")).count());
        } else {
            assertTrue("the delete won", platform.listServices("default").stream()
                    .noneMatch(x -> x.name().equals("race")));
            assertEquals(0, platform.listJobs(new JobQuery("default", "race", false, 100)).stream()
                    .filter(j -> j.kind().equals("service.start")).count());
        }
    }

    @Test
    public void aConsumerBoundOverHttpConnectsWithALoginOfItsOwnUntilItIsUnbound() throws Exception {
        awaitApi();
        String admin = admin();
        database(admin, "shop");
        String consumers = "/services/shop/consumers";

        Response bind = call(admin, "POST", consumers + "?account=default", "{\"name\":\"billing\"}");
        assertEquals(bind.toString(), 202, bind.status());
        assertEquals("service.bind", bind.json().path("kind").asText());
        assertEquals("SUCCEEDED", awaitJob(admin, bind).path("state").asText());

        Response list = call(admin, "GET", consumers + "?account=default", null);
        assertEquals(list.toString(), 200, list.status());
        assertEquals(list.toString(), 1, list.json().size());
        assertEquals("billing", list.json().get(0).path("name").asText());
        assertEquals("BOUND", list.json().get(0).path("state").asText());
        assertEquals("a list masks the binding's secrets", "********",
                list.json().get(0).path("binding").path("password").asText());

        Response info = call(admin, "GET", consumers + "/billing?account=default&credentials=true", null);
        assertEquals(info.toString(), 200, info.status());
        JsonNode binding = info.json().path("binding");
        String url = binding.path("url").asText();
        String user = binding.path("user").asText();
        String password = binding.path("password").asText();
        assertFalse(info.toString(), password.isEmpty() || password.equals("********"));
        assertFalse("a login of its own, not the service's",
                user.equals(platform.getService("default", "shop", true).connection().user()));
        try (Connection c = jdbc(url, user, password); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE invoices(id INT PRIMARY KEY)");
            st.execute("INSERT INTO invoices VALUES (1)");
        }
        Response taken = call(admin, "POST", consumers + "?account=default", "{\"name\":\"billing\"}");
        assertEquals(taken.toString(), 409, taken.status());
        assertError(taken, "ALREADY_EXISTS");

        Response unbind = call(admin, "DELETE", consumers + "/billing?account=default", null);
        assertEquals(unbind.toString(), 202, unbind.status());
        assertEquals("SUCCEEDED", awaitJob(admin, unbind).path("state").asText());
        assertEquals(404, call(admin, "GET", consumers + "/billing?account=default", null).status());
        try (Connection ignored = jdbc(url, user, password)) {
            throw new AssertionError("the unbound consumer's login still opens the database");
        } catch (java.sql.SQLException expected) {
            // its login was dropped
        }
    }
}
