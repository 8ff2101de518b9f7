package io.stratum.platform.rest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.stratum.platform.rest.RestServer.Response;
import java.util.function.Supplier;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * SDP versions, patches, updates and maintenance windows over HTTP ({@link FakeUpdates} behind the servlet): what each
 * route asks the facade and answers, that every refusal (400 before the facade is asked, 403, 404, 409 and 422 from
 * it) changes nothing, that tenants see only their accounts' updates, and that without the update bundle these routes
 * are 503 while the rest of the API works.
 */
public class UpdatesApiTest {

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
        return r;
    }

    private boolean called(String call) {
        return server.updates.calls.contains(call);
    }

    @Test
    public void versionsListEachInstalledVersionWithTheCallersServicesOnIt() {
        Response r = server.get("alice", "/sdps/versions?type=database");
        assertEquals(r.toString(), 200, r.status());
        assertTrue(called("alice rest: versions [database]"));
        assertEquals("1.1.0", r.json().get(0).path("version").asText());
        assertTrue(r.json().get(0).path("newest").asBoolean());
        assertEquals("[\"blue/db1\"]", r.json().get(1).path("services").toString());
        Response all = server.get("admin", "/sdps/versions");
        assertTrue(called("admin rest: versions [null]"));
        assertEquals("[\"blue/db1\",\"red/db2\"]", all.json().get(1).path("services").toString());
    }

    @Test
    public void upgradingAServiceAsksTheFacadeAndAnswersTheUpdates() {
        server.delete("alice", "/updates/u-blue"); // the fixture's pending update would be a conflict
        Response r = server.post("alice", "/services/db1/upgrade?account=blue", "{\"toVersion\": \"1.1.0\", "
                + "\"force\": true}");
        assertEquals(r.toString(), 200, r.status());
        assertTrue(server.updates.calls.toString(), called("alice rest: upgrade [blue, db1, null, 1.1.0, true]"));
        JsonNode u = r.json().get(0);
        assertEquals("db1", u.path("service").asText());
        assertEquals("1.0.0", u.path("fromVersion").asText());
        assertTrue(u.path("forced").asBoolean());
        // without a body: the newest version, in the window; a pending update is a conflict that changes nothing
        refused(409, "CONCURRENCY", () -> server.post("alice", "/services/db1/upgrade?account=blue", null));
        assertTrue(called("alice rest: upgrade [blue, db1, null, null, false]"));
    }

    @Test
    public void upgradingATypeMeansTheCallersOwnAccountUnlessEveryAccountIsAsked() {
        Response own = server.post("bob", "/sdps/database/upgrade", "{\"toVersion\": \"1.0.0\"}");
        assertEquals(own.toString(), 200, own.status());
        assertTrue(server.updates.calls.toString(), called("bob rest: upgrade [red, null, database, 1.0.0, false]"));
        Response all = server.post("admin", "/sdps/database/upgrade?allAccounts=true", "{\"toVersion\": \"1.0.0\"}");
        assertEquals(all.toString(), 200, all.status());
        assertTrue(called("admin rest: upgrade [null, null, database, 1.0.0, false]"));
        refused(400, "INVALID_REQUEST", () -> server.post("admin", "/sdps/database/upgrade?allAccounts=true"
                + "&account=blue", null));
        refused(403, "FORBIDDEN", () -> server.post("bob", "/sdps/database/upgrade?allAccounts=true", null));
        refused(404, "NOT_FOUND", () -> server.post("alice", "/services/db1/upgrade?account=blue",
                "{\"toVersion\": \"9.0.0\"}"));
        refused(400, "INVALID_REQUEST", () -> server.post("alice", "/services/db1/upgrade?account=blue",
                "{\"to\": \"1.1.0\"}"));
    }

    @Test
    public void patchesAreListedReadAndAppliedAndARefusedPatchIsNotApplied() {
        Response list = server.get("alice", "/patches");
        assertEquals(2, list.json().size());
        assertEquals("REFUSED", list.json().get(0).path("state").asText());
        Response one = server.get("alice", "/patches/maxthreads");
        assertEquals("100", one.json().path("configuration").path("maxThreads").asText());
        refused(404, "NOT_FOUND", () -> server.get("alice", "/patches/nope"));
        refused(422, "INVALID", () -> server.post("alice", "/patches/broken/apply", null));
        refused(422, "INVALID", () -> server.post("alice", "/patches/maxthreads/apply?account=blue",
                "{\"service\": \"db1\"}"));
        assertTrue(called("alice rest: applyPatch [maxthreads, blue, db1, false]"));
    }

    @Test
    public void tenantsSeeOnlyTheUpdatesOfTheirAccounts() {
        Response alice = server.get("alice", "/updates");
        assertEquals(1, alice.json().size());
        assertEquals("u-blue", alice.json().get(0).path("id").asText());
        assertEquals(FakeUpdates.NOT_BEFORE.toString(), alice.json().get(0).path("notBefore").asText());
        assertEquals(2, server.get("admin", "/updates").json().size());
        refused(404, "NOT_FOUND", () -> server.get("alice", "/updates/u-red"));
        refused(404, "NOT_FOUND", () -> server.post("alice", "/updates/u-red/run", null));
        refused(404, "NOT_FOUND", () -> server.delete("alice", "/updates/u-red"));
        assertEquals("red", server.get("bob", "/updates/u-red").json().path("account").asText());
    }

    @Test
    public void runningAnUpdateNowAnswersItWithItsJobAndOnlyOnce() {
        Response r = server.post("alice", "/updates/u-blue/run", null);
        assertEquals(r.toString(), 200, r.status());
        assertEquals("RUNNING", r.json().path("state").asText());
        long job = r.json().path("jobId").asLong();
        Response j = server.get("alice", "/jobs/" + job);
        assertEquals(j.toString(), 200, j.status());
        assertEquals("update.service", j.json().path("kind").asText());
        refused(409, "CONCURRENCY", () -> server.post("alice", "/updates/u-blue/run", null));
        refused(409, "CONCURRENCY", () -> server.delete("alice", "/updates/u-blue"));
        assertEquals(1, server.get("alice", "/updates").json().size());
    }

    @Test
    public void cancellingAPendingUpdateAndViewersMayNot() {
        refused(403, "FORBIDDEN", () -> server.delete("vera", "/updates/u-blue"));
        Response r = server.delete("carol", "/updates/u-blue");
        assertEquals(r.toString(), 200, r.status());
        assertEquals("CANCELLED", r.json().path("state").asText());
        assertEquals(0, server.get("alice", "/updates").json().size());
        assertEquals("CANCELLED", server.get("alice", "/updates?all=true").json().get(0).path("state").asText());
    }

    @Test
    public void aWindowIsReadAndChangedAndBadValuesChangeNothing() {
        Response w = server.get("alice", "/services/db1/window?account=blue");
        assertEquals(w.toString(), 200, w.status());
        assertTrue(w.json().path("isDefault").asBoolean());
        assertEquals(3, w.json().path("slots").size());
        refused(400, "INVALID_REQUEST", () -> server.json("PUT", "alice", "/services/db1/window?account=blue",
                "{\"slots\": [\"Tue 02:00/2h\"]}"));
        refused(400, "INVALID_REQUEST", () -> server.json("PUT", "alice", "/services/db1/window?account=blue",
                "{\"chosenSlot\": \"two\"}"));
        refused(422, "INVALID", () -> server.json("PUT", "alice", "/services/db1/window?account=blue",
                "{\"zone\": \"Mars/Olympus\"}"));
        refused(403, "FORBIDDEN", () -> server.json("PUT", "vera", "/services/db1/window?account=blue",
                "{\"chosenSlot\": 2}"));
        refused(404, "NOT_FOUND", () -> server.json("PUT", "alice", "/services/db2/window?account=red",
                "{\"chosenSlot\": 2}"));
        Response set = server.json("PUT", "alice", "/services/db1/window?account=blue", "{\"zone\": "
                + "\"Europe/Berlin\", \"chosenSlot\": 2, \"notifyEmail\": \"ops@example.com\"}");
        assertEquals(set.toString(), 200, set.status());
        assertEquals(2, set.json().path("chosenSlot").asInt());
        assertEquals("daily 02:00/2h", set.json().path("frame").asText());
        JsonNode again = server.get("alice", "/services/db1/window?account=blue").json();
        assertEquals("Europe/Berlin", again.path("zone").asText());
        assertEquals("ops@example.com", again.path("notifyEmail").asText());
    }

    @Test
    public void withoutTheUpdateBundleItsRoutesAre503AndTheRestWorks() {
        server.updating = false;
        for (String[] call : new String[][] {{"GET", "/sdps/versions", null},
                {"POST", "/sdps/database/upgrade", null}, {"POST", "/services/db1/upgrade?account=blue", null},
                {"GET", "/patches", null}, {"GET", "/patches/maxthreads", null},
                {"POST", "/patches/maxthreads/apply", null}, {"GET", "/updates", null},
                {"GET", "/updates/u-blue", null}, {"POST", "/updates/u-blue/run", null},
                {"DELETE", "/updates/u-blue", null}, {"GET", "/services/db1/window?account=blue", null},
                {"PUT", "/services/db1/window?account=blue", "{\"chosenSlot\": 2}"}}) {
            Response r = refused(503, "UNAVAILABLE", () -> server.json(call[0], "alice", call[1], call[2]));
            assertTrue(r.toString(), r.json().path("message").asText().contains("platform-update"));
            assertEquals("10", r.header("Retry-After"));
        }
        assertTrue(server.updates.calls.isEmpty());
        assertEquals(200, server.get("alice", "/services").status());
        // a malformed request is still told so first
        refused(400, "INVALID_REQUEST", () -> server.json("PUT", "alice", "/services/db1/window?account=blue",
                "{\"slots\": 3}"));
        server.updating = true;
        assertEquals(200, server.get("alice", "/services/db1/window?account=blue").status());
    }
}
