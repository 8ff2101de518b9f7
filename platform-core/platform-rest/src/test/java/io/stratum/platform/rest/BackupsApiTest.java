package io.stratum.platform.rest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.BackupScheduleDTO;
import io.stratum.platform.rest.RestServer.Response;
import java.time.Duration;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** Backups, restores and backup schedules over HTTP, and what happens when the backup bundle is not there. */
public class BackupsApiTest {

    private RestServer server;

    @Before
    public void start() throws Exception {
        server = new RestServer();
    }

    @After
    public void stop() throws Exception {
        server.close();
    }

    private Response refused(int status, String error, java.util.function.Supplier<Response> request) {
        Response r = server.unchanged(request);
        assertEquals(r.toString(), status, r.status());
        assertEquals(r.toString(), error, r.error());
        return r;
    }

    @Test
    public void backupsAreListedAndReadInTheCallersAccountsOnly() {
        Response mine = server.get("alice", "/backups");
        assertEquals(1, mine.json().size());
        assertEquals("b-blue", mine.json().get(0).path("id").asText());
        assertEquals(0, mine.json().get(0).path("members").size());
        assertEquals(2, server.get("admin", "/backups").json().size());
        assertEquals(1, server.get("admin", "/backups?account=red").json().size());
        Response one = server.get("alice", "/backups/b-blue");
        assertEquals("db1", one.json().path("members").get(0).path("name").asText());
        Response theirs = refused(404, "NOT_FOUND", () -> server.get("alice", "/backups/b-red"));
        Response none = refused(404, "NOT_FOUND", () -> server.get("alice", "/backups/b-none"));
        assertEquals(none.body().replace("b-none", "b-red"), theirs.body());
    }

    @Test
    public void aBackupIsTakenAsAJobAndItsDryRunChangesNothing() {
        Response plan = server.unchanged(() -> server.post("alice", "/backups?account=blue&dryRun=true",
                "{\"scope\": \"service\", \"name\": \"db1\"}"));
        assertEquals(200, plan.status());
        assertEquals("backup.create", plan.json().path("kind").asText());
        Response r = server.post("alice", "/backups?account=blue", "{\"scope\": \"service\", \"name\": \"db1\"}");
        assertEquals(202, r.status());
        assertEquals("/api/v1/jobs/" + r.json().path("id").asLong(), r.header("Location"));
        assertTrue(server.fake.calls.contains("alice rest: backup [blue, service, db1]"));
        Response whole = server.post("alice", "/backups?account=blue", "{\"scope\": \"account\"}");
        assertEquals(202, whole.status());
        refused(400, "INVALID_REQUEST", () -> server.post("alice", "/backups?account=blue", "{\"name\": \"db1\"}"));
        refused(422, "INVALID", () -> server.post("alice", "/backups?account=blue", "{\"scope\": \"galaxy\"}"));
        refused(404, "NOT_FOUND", () -> server.post("alice", "/backups?account=red",
                "{\"scope\": \"service\", \"name\": \"db2\"}"));
        refused(403, "FORBIDDEN", () -> server.post("vera", "/backups?account=blue",
                "{\"scope\": \"service\", \"name\": \"db1\"}"));
    }

    @Test
    public void aBackupIsVerifiedCopiedAndRestoredAsJobs() {
        Response verify = server.post("alice", "/backups/b-blue/verify", null);
        assertEquals(202, verify.status());
        assertEquals("backup.verify", verify.json().path("kind").asText());
        Response copy = server.post("alice", "/backups/b-blue/copy", null);
        assertEquals(202, copy.status());
        assertEquals("backup.copy", copy.json().path("kind").asText());
        Response all = server.post("alice", "/backups/b-blue/restore", null);
        assertEquals(202, all.status());
        assertTrue(server.fake.calls.contains("alice rest: restore [b-blue, null, null]"));
        Response one = server.post("alice", "/backups/b-blue/restore", "{\"service\": \"db1\", \"into\": \"db1\"}");
        assertEquals(202, one.status());
        assertTrue(server.fake.calls.contains("alice rest: restore [b-blue, db1, db1]"));
        Response plan = server.unchanged(() -> server.post("alice", "/backups/b-blue/restore?dryRun=true",
                "{\"service\": \"db1\"}"));
        assertEquals("backup.restore", plan.json().path("kind").asText());
        refused(422, "INVALID", () -> server.post("alice", "/backups/b-blue/restore", "{\"service\": \"nope\"}"));
        refused(400, "INVALID_REQUEST", () -> server.post("alice", "/backups/b-blue/restore", "{\"to\": \"x\"}"));
        refused(404, "NOT_FOUND", () -> server.post("alice", "/backups/b-red/verify", null));
        refused(404, "NOT_FOUND", () -> server.post("alice", "/backups/b-red/restore", null));
        refused(403, "FORBIDDEN", () -> server.post("vera", "/backups/b-blue/copy", null));
    }

    @Test
    public void aBackupIsDeletedAndItsDryRunNamesIt() {
        Response dry = server.unchanged(() -> server.delete("alice", "/backups/b-blue?dryRun=true"));
        assertEquals(200, dry.status());
        assertEquals("b-blue", dry.json().path("id").asText());
        refused(403, "FORBIDDEN", () -> server.delete("vera", "/backups/b-blue"));
        refused(404, "NOT_FOUND", () -> server.delete("alice", "/backups/b-red"));
        Response r = server.delete("alice", "/backups/b-blue");
        assertEquals(200, r.status());
        assertEquals("b-blue", r.json().path("id").asText());
        assertEquals(404, server.get("alice", "/backups/b-blue").status());
    }

    @Test
    public void schedulesAreSetListedAndDeleted() {
        Response set = server.post("alice", "/backup-schedules?account=blue", "{\"scope\": \"service\", \"name\": "
                + "\"db1\", \"cron\": \"0 2 * * *\", \"keepLast\": 7, \"keepFor\": \"30d\"}");
        assertEquals(set.toString(), 200, set.status());
        String id = set.json().path("id").asText();
        assertEquals("PT720H", set.json().path("keepFor").asText());
        BackupScheduleDTO stored = server.fake.schedule(id);
        assertEquals(Duration.ofDays(30), stored.keepFor());
        assertEquals(7, stored.keepLast());
        Response iso = server.post("alice", "/backup-schedules?account=blue", "{\"scope\": \"account\", "
                + "\"cron\": \"0 3 * * *\", \"keepFor\": \"P7D\"}");
        assertEquals(Duration.ofDays(7), server.fake.schedule(iso.json().path("id").asText()).keepFor());
        assertEquals(0, server.fake.schedule(iso.json().path("id").asText()).keepLast());
        assertEquals(2, server.get("alice", "/backup-schedules").json().size());
        assertEquals(0, server.get("bob", "/backup-schedules").json().size());

        refused(400, "INVALID_REQUEST", () -> server.post("alice", "/backup-schedules?account=blue",
                "{\"scope\": \"service\", \"name\": \"db1\", \"cron\": \"0 2 * * *\", \"keepFor\": \"a month\"}"));
        refused(400, "INVALID_REQUEST", () -> server.post("alice", "/backup-schedules?account=blue",
                "{\"scope\": \"service\", \"name\": \"db1\"}"));
        refused(422, "INVALID", () -> server.post("alice", "/backup-schedules?account=blue",
                "{\"scope\": \"service\", \"name\": \"db1\", \"cron\": \"every night\"}"));
        refused(422, "INVALID", () -> server.post("alice", "/backup-schedules?account=blue",
                "{\"scope\": \"service\", \"name\": \"db1\", \"cron\": \"0 2 * * *\", \"keepLast\": -1}"));

        refused(404, "NOT_FOUND", () -> server.delete("bob", "/backup-schedules/" + id));
        refused(403, "FORBIDDEN", () -> server.delete("vera", "/backup-schedules/" + id + "?account=blue"));
        Response gone = server.delete("alice", "/backup-schedules/" + id); // its account found as the shell does
        assertEquals(204, gone.status());
        assertEquals("", gone.body());
        assertNull(server.fake.schedule(id));
        refused(404, "NOT_FOUND", () -> server.delete("alice", "/backup-schedules/" + id + "?account=blue"));
    }

    @Test
    public void withoutTheBackupBundleBackupsAre503() {
        server.backups = false;
        Response r = refused(503, "UNAVAILABLE", () -> server.get("alice", "/backups"));
        assertTrue(r.json().path("message").asText().contains("platform-backup"));
        assertEquals("10", r.header("Retry-After"));
        assertEquals(200, server.get("alice", "/services").status());
    }
}
