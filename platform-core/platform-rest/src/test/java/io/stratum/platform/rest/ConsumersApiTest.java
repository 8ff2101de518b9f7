package io.stratum.platform.rest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.JobState;
import io.stratum.platform.rest.RestServer.Response;
import java.util.function.Supplier;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Consumers over HTTP: binding one (a job), reading it with its binding masked or, for members, shown, unbinding it
 * (a job); malformed requests and the platform's refusals change nothing.
 */
public class ConsumersApiTest {

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

    private Response bind(String user, String body) {
        return server.post(user, "/services/db1/consumers?account=blue", body);
    }

    /** Binds app1 to blue/db1 and lets its job succeed. */
    private void bound() {
        Response r = bind("alice", "{\"name\": \"app1\"}");
        assertEquals(r.toString(), 202, r.status());
        server.fake.finish(r.json().path("id").asLong(), JobState.SUCCEEDED);
    }

    @Test
    public void aBindAnswers202WithItsJobAndTheConsumerIsBoundWhenTheJobSucceeds() {
        Response r = bind("alice", "{\"name\": \"app1\", \"parameters\": {\"backends\": \"a,b\"}}");
        assertEquals(r.toString(), 202, r.status());
        long job = r.json().path("id").asLong();
        assertEquals("/api/v1/jobs/" + job, r.header("Location"));
        assertEquals("service.bind", r.json().path("kind").asText());
        assertEquals("alice", r.json().path("requestedBy").asText());
        assertTrue(server.fake.calls.toString(), server.fake.calls.contains("alice rest: bindConsumer [blue, db1, "
                + "app1, {backends=a,b}]"));

        Response binding = server.get("alice", "/services/db1/consumers?account=blue");
        assertEquals(200, binding.status());
        assertEquals("app1", binding.json().get(0).path("name").asText());
        assertEquals("BINDING", binding.json().get(0).path("state").asText());
        assertEquals(job, binding.json().get(0).path("activeJobId").asLong());
        assertEquals("a,b", binding.json().get(0).path("parameters").path("backends").asText());

        server.fake.finish(job, JobState.SUCCEEDED);
        Response list = server.get("alice", "/services/db1/consumers?account=blue");
        assertEquals("BOUND", list.json().get(0).path("state").asText());
        assertEquals("listed bindings are masked", "********",
                list.json().get(0).path("binding").path("password").asText());
        assertTrue(server.fake.calls.contains("alice rest: listConsumers [blue, db1]"));
    }

    @Test
    public void aBindingShowsItsSecretsOnlyToThoseAllowedAsAServiceDoes() {
        bound();
        Response masked = server.get("alice", "/services/db1/consumers/app1?account=blue");
        assertEquals(masked.toString(), 200, masked.status());
        assertEquals("********", masked.json().path("binding").path("password").asText());
        assertEquals("APP1", masked.json().path("binding").path("user").asText());
        Response shown = server.get("alice", "/services/db1/consumers/app1?account=blue&credentials=true");
        assertEquals("app1-binding-secret", shown.json().path("binding").path("password").asText());
        assertEquals("no-store", shown.header("Cache-Control"));
        assertTrue(server.fake.calls.contains("alice rest: getConsumer [blue, db1, app1, true]"));

        Response viewer = server.get("vera", "/services/db1/consumers/app1?account=blue");
        assertEquals(200, viewer.status());
        assertEquals("********", viewer.json().path("binding").path("password").asText());
        refused(403, "FORBIDDEN", () -> server.get("vera", "/services/db1/consumers/app1?account=blue"
                + "&credentials=true"));
    }

    @Test
    public void anUnbindAnswers202AndTheConsumerIsGoneWhenItsJobSucceeds() {
        bound();
        Response r = server.delete("alice", "/services/db1/consumers/app1?account=blue");
        assertEquals(r.toString(), 202, r.status());
        assertEquals("service.unbind", r.json().path("kind").asText());
        assertEquals("UNBINDING", server.get("alice", "/services/db1/consumers/app1?account=blue").json()
                .path("state").asText());
        server.fake.finish(r.json().path("id").asLong(), JobState.SUCCEEDED);
        assertEquals(0, server.get("alice", "/services/db1/consumers?account=blue").json().size());
        refused(404, "NOT_FOUND", () -> server.get("alice", "/services/db1/consumers/app1?account=blue"));
        refused(404, "NOT_FOUND", () -> server.delete("alice", "/services/db1/consumers/app1?account=blue"));
    }

    @Test
    public void dryRunsOfBindAndUnbindAnswerThePlanAndChangeNothing() {
        Response dry = server.unchanged(() -> server.post("alice", "/services/db1/consumers?account=blue&dryRun=true",
                "{\"name\": \"app1\"}"));
        assertEquals(dry.toString(), 200, dry.status());
        assertEquals("service.bind", dry.json().path("kind").asText());
        bound();
        Response unbind = server.unchanged(() -> server.delete("alice",
                "/services/db1/consumers/app1?account=blue&dryRun=true"));
        assertEquals(unbind.toString(), 200, unbind.status());
        assertEquals("service.unbind", unbind.json().path("kind").asText());
    }

    @Test
    public void malformedBindsAreRefusedBeforeThePlatformIsAsked() {
        refused(400, "INVALID_REQUEST", () -> bind("alice", "{}"));
        refused(400, "INVALID_REQUEST", () -> bind("alice", "{\"name\": \"app1\", \"role\": \"x\"}"));
        refused(400, "INVALID_REQUEST", () -> bind("alice", "{\"name\": \"app1\", \"parameters\": [\"a\"]}"));
        refused(400, "MALFORMED_JSON", () -> bind("alice", "{\"name\": "));
        refused(400, "INVALID_REQUEST", () -> server.post("alice", "/services/db1/consumers?account=blue", null));
        assertTrue(server.fake.calls.toString(), server.fake.calls.stream().noneMatch(c -> c.contains("bindConsumer")));
    }

    @Test
    public void thePlatformsRefusalsOfABindHaveTheirStatusesAndChangeNothing() {
        refused(422, "INVALID", () -> bind("alice", "{\"name\": \"App One\"}"));
        refused(409, "ALREADY_EXISTS", () -> bind("alice", "{\"name\": \"db1\"}"));
        refused(403, "FORBIDDEN", () -> bind("vera", "{\"name\": \"app1\"}"));
        Response theirs = refused(404, "NOT_FOUND", () -> server.post("alice",
                "/services/db2/consumers?account=red", "{\"name\": \"app1\"}"));
        Response none = refused(404, "NOT_FOUND", () -> server.post("alice",
                "/services/db2/consumers?account=purple", "{\"name\": \"app1\"}"));
        assertEquals(none.body().replace("purple", "red"), theirs.body());
        refused(404, "NOT_FOUND", () -> server.get("alice", "/services/db2/consumers?account=red"));

        long stop = server.post("alice", "/services/db1/stop?account=blue", null).json().path("id").asLong();
        Response busy = refused(409, "CONCURRENCY", () -> bind("alice", "{\"name\": \"app1\"}"));
        assertTrue(busy.toString(), busy.json().path("message").asText().contains("job " + stop));
    }
}
