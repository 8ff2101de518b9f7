package io.stratum.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.JobQuery;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
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

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private record Answer(int status, Map<String, List<String>> headers, String raw) {
        JsonNode json() throws Exception {
            return JSON.readTree(raw);
        }

        String header(String name) {
            return headers.getOrDefault(name.toLowerCase(), List.of("")).get(0);
        }

        @Override
        public String toString() {
            return status + " " + raw;
        }
    }

    private static String base() {
        return "http://127.0.0.1:" + httpPort() + "/api/v1";
    }

    private static Answer call(String login, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base() + path))
                .timeout(Duration.ofSeconds(90))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (login != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString(login.getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.headers().map(), r.body());
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
        Answer openApi = call(null, "GET", "/openapi.json", null);
        JsonNode paths = openApi.json().path("paths");
        int operations = 0;
        for (JsonNode p : paths) {
            for (String m : List.of("get", "post", "put", "patch", "delete")) {
                operations += p.has(m) ? 1 : 0;
            }
        }
        assertTrue("documented operations: " + operations, operations >= 40);

        // the real realm: the first admin, and the same refusal for a wrong password and an unknown user
        Answer me = call(admin(), "GET", "/whoami", null);
        assertEquals(me.toString(), 200, me.status());
        Answer wrong = call("admin:not-the-password", "GET", "/whoami", null);
        Answer unknown = call("nobody:not-the-password", "GET", "/whoami", null);
        assertEquals(401, wrong.status());
        assertEquals(wrong.raw(), unknown.raw());
        assertTrue(wrong.header("WWW-Authenticate").startsWith("Basic"));

        // a member of an account of her own
        platform.createAccount("acme");
        platform.createUser("rosa", "a-long-password-for-rosa".toCharArray(), false);
        platform.grant("acme", "rosa", AccountRole.MEMBER);
        String rosa = "rosa:a-long-password-for-rosa";

        String before = state("acme");
        Answer dry = call(rosa, "POST", "/services?account=acme&dryRun=true",
                "{\"type\":\"database\",\"name\":\"orders\",\"plan\":\"small\"}");
        assertEquals(dry.toString(), 200, dry.status());
        assertFalse(dry.json().path("phases").isEmpty());
        assertEquals(400, call(rosa, "POST", "/services?account=acme", "{\"type\":\"database\",").status());
        assertEquals(400, call(rosa, "POST", "/services?account=acme",
                "{\"type\":\"database\",\"name\":\"orders\",\"size\":1}").status());
        assertEquals(400, call(rosa, "POST", "/services?account=acme&dryrun=true",
                "{\"type\":\"database\",\"name\":\"orders\"}").status());
        Answer invalid = call(rosa, "POST", "/services?account=acme",
                "{\"type\":\"database\",\"name\":\"orders\",\"config\":{\"mode\":\"NoSuchMode\"}}");
        assertEquals(invalid.toString(), 422, invalid.status());
        assertEquals("INVALID", invalid.json().path("error").asText());
        assertEquals("refusals and dry runs change nothing", before, state("acme"));

        Answer accepted = call(rosa, "POST", "/services?account=acme",
                "{\"type\":\"database\",\"name\":\"orders\",\"plan\":\"small\"}");
        assertEquals(accepted.toString(), 202, accepted.status());
        String location = accepted.header("Location");
        assertTrue(location, location.contains("/api/v1/jobs/"));
        long jobId = accepted.json().path("id").asLong();

        // its progress as Server-Sent Events, while it runs
        Answer events = call(rosa, "GET", "/jobs/" + jobId + "/events", null);
        assertEquals(events.toString(), 200, events.status());
        List<String> kinds = new ArrayList<>();
        for (String line : events.raw().split("\n")) {
            if (line.startsWith("event:")) {
                kinds.add(line.substring(6).strip());
            }
        }
        assertTrue(kinds.toString(), kinds.contains("progress"));
        assertEquals(kinds.toString(), "done", kinds.get(kinds.size() - 1));

        Answer ended = call(rosa, "GET", location.substring(location.indexOf("/jobs/")) + "?wait=60s", null);
        assertEquals(ended.toString(), "SUCCEEDED", ended.json().path("state").asText());
        assertEquals("rosa", ended.json().path("requestedBy").asText());
        assertEquals("rest", ended.json().path("requestedVia").asText());

        Answer taken = call(rosa, "POST", "/services?account=acme", "{\"type\":\"database\",\"name\":\"orders\"}");
        assertEquals(taken.toString(), 409, taken.status());

        Answer service = call(rosa, "GET", "/services/orders?account=acme&credentials=true", null);
        assertEquals(service.toString(), 200, service.status());
        JsonNode connection = service.json().path("connection");
        assertNotNull(service.raw(), connection);
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
        Answer theirs = call(bob, "GET", "/services/orders?account=acme", null);
        Answer none = call(bob, "GET", "/services/no-such-service?account=acme", null);
        assertEquals(theirs.toString(), 404, theirs.status());
        assertEquals(none.raw().replace("no-such-service", "orders"), theirs.raw());
        assertEquals(404, call(bob, "GET", "/jobs/" + jobId, null).status());
        assertEquals(404, call(bob, "POST", "/services/orders/stop?account=acme", null).status());
        assertEquals(404, call(bob, "DELETE", "/services/orders?account=acme", null).status());
        assertEquals("another tenant changed nothing", acme, state("acme"));

        // a viewer reads but cannot stop
        platform.grant("acme", "bob", AccountRole.VIEWER); // a version of acme's history of its own
        acme = state("acme");
        assertEquals(200, call(bob, "GET", "/services/orders?account=acme", null).status());
        Answer viewerStop = call(bob, "POST", "/services/orders/stop?account=acme", null);
        assertEquals(viewerStop.toString(), 403, viewerStop.status());
        assertEquals("a viewer changed nothing", acme, state("acme"));

        // a changed password counts at once
        Answer changed = call(admin(), "PUT", "/users/rosa/password", "{\"password\":\"another-long-password\"}");
        assertTrue(changed.toString(), changed.status() / 100 == 2);
        assertEquals(401, call(rosa, "GET", "/whoami", null).status());
        assertEquals(200, call("rosa:another-long-password", "GET", "/whoami", null).status());

        // delete over HTTP, followed to its end
        Answer delete = call(admin(), "DELETE", "/services/orders?account=acme", null);
        assertEquals(delete.toString(), 202, delete.status());
        Answer deleted = call(admin(), "GET", "/jobs/" + delete.json().path("id").asLong() + "?wait=60s", null);
        assertEquals(deleted.toString(), "SUCCEEDED", deleted.json().path("state").asText());
        assertTrue(platform.listServices("acme").isEmpty());
    }
}
