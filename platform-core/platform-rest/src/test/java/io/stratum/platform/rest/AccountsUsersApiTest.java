package io.stratum.platform.rest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.rest.RestServer.Response;
import java.util.function.Supplier;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** Accounts (quota, members, history, diff, clone), users and SDPs over HTTP. */
public class AccountsUsersApiTest {

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

    private Response loginAs(String user, String password) {
        return server.send(server.request("/whoami").header("Authorization", RestServer.basic(user, password))
                .GET().build());
    }

    // ------------------------------------------------------------------ accounts

    @Test
    public void accountsAreListedReadAndCreated() {
        assertEquals(3, server.get("admin", "/accounts").json().size());
        assertEquals(1, server.get("alice", "/accounts").json().size());
        Response blue = server.get("alice", "/accounts/blue");
        assertEquals("blue", blue.json().path("name").asText());
        assertEquals(-1, blue.json().path("quota").path("maxServices").asInt());
        refused(404, "NOT_FOUND", () -> server.get("alice", "/accounts/red"));
        Response created = server.post("admin", "/accounts", "{\"name\": \"green\"}");
        assertEquals(201, created.status());
        assertEquals("/api/v1/accounts/green", created.header("Location"));
        assertEquals(200, server.get("admin", created.header("Location").substring("/api/v1".length())).status());
        refused(409, "ALREADY_EXISTS", () -> server.post("admin", "/accounts", "{\"name\": \"green\"}"));
        refused(403, "FORBIDDEN", () -> server.post("alice", "/accounts", "{\"name\": \"mine\"}"));
        refused(422, "INVALID", () -> server.post("admin", "/accounts", "{\"name\": \"Not Valid\"}"));
        refused(400, "INVALID_REQUEST", () -> server.post("admin", "/accounts", "{\"name\": [\"x\"]}"));

        refused(403, "FORBIDDEN", () -> server.delete("alice", "/accounts/green"));
        Response inUse = refused(422, "INVALID", () -> server.delete("admin", "/accounts/blue"));
        assertTrue(inUse.toString(), inUse.body().contains("db1"));
        assertEquals(204, server.delete("admin", "/accounts/green").status());
        assertTrue(server.fake.calls.contains("admin rest: deleteAccount [green]"));
        refused(404, "NOT_FOUND", () -> server.get("admin", "/accounts/green"));
    }

    @Test
    public void aQuotaIsReadAndChangedFieldByField() {
        Response q = server.get("alice", "/accounts/blue/quota");
        assertEquals("blue", q.json().path("account").asText());
        assertEquals(1, q.json().path("usage").path("maxServices").asInt());
        Response set = server.json("PATCH", "admin", "/accounts/blue/quota", "{\"maxServices\": 5}");
        assertEquals(200, set.status());
        assertEquals(5, set.json().path("quota").path("maxServices").asInt());
        assertEquals(-1, set.json().path("quota").path("maxInstances").asInt());
        Response more = server.json("PATCH", "admin", "/accounts/blue/quota", "{\"maxMemoryMb\": 2048, "
                + "\"maxInstances\": 4}");
        assertEquals(5, more.json().path("quota").path("maxServices").asInt());
        assertEquals(4, more.json().path("quota").path("maxInstances").asInt());
        assertEquals(2048, more.json().path("quota").path("maxMemoryMb").asLong());
        refused(403, "FORBIDDEN", () -> server.json("PATCH", "alice", "/accounts/blue/quota", "{\"maxServices\": 50}"));
        refused(400, "INVALID_REQUEST", () -> server.json("PATCH", "admin", "/accounts/blue/quota",
                "{\"maxServices\": \"many\"}"));
        refused(404, "NOT_FOUND", () -> server.json("PATCH", "alice", "/accounts/red/quota", "{}"));
    }

    @Test
    public void historyAndDiffOfAnAccount() {
        Response h = server.get("alice", "/accounts/blue/history");
        assertEquals(2, h.json().size());
        assertEquals(2, h.json().get(0).path("version").asLong());
        assertEquals(1, server.get("alice", "/accounts/blue/history?limit=1").json().size());
        assertTrue(server.fake.calls.contains("alice rest: accountHistory [blue, 50]"));
        Response d = server.get("alice", "/accounts/blue/diff?from=1&to=2");
        assertEquals("large", d.json().get(0).path("after").asText());
        Response missing = refused(400, "INVALID_REQUEST", () -> server.get("alice", "/accounts/blue/diff?from=1"));
        assertTrue(missing.json().path("message").asText().contains("'to' is required"));
        refused(422, "INVALID", () -> server.get("alice", "/accounts/blue/diff?from=3&to=2"));
        refused(404, "NOT_FOUND", () -> server.get("alice", "/accounts/red/history"));
    }

    @Test
    public void membersAreGrantedAndRevoked() {
        Response g = server.json("PUT", "carol", "/accounts/blue/members/bob", "{\"role\": \"viewer\"}");
        assertEquals(g.toString(), 200, g.status());
        assertEquals("VIEWER", g.json().path("memberships").path("blue").asText());
        assertEquals(200, server.get("bob", "/services?account=blue").status());
        refused(400, "INVALID_REQUEST", () -> server.json("PUT", "carol", "/accounts/blue/members/bob",
                "{\"role\": \"owner\"}"));
        refused(400, "INVALID_REQUEST", () -> server.json("PUT", "carol", "/accounts/blue/members/bob", "{}"));
        refused(403, "FORBIDDEN", () -> server.json("PUT", "alice", "/accounts/blue/members/bob",
                "{\"role\": \"ADMIN\"}"));
        Response r = server.delete("carol", "/accounts/blue/members/bob");
        assertEquals(200, r.status());
        assertFalse(r.json().path("memberships").has("blue"));
        refused(404, "NOT_FOUND", () -> server.delete("carol", "/accounts/blue/members/bob"));
    }

    @Test
    public void anAccountIsClonedByPlatformAdmins() {
        Response plan = server.unchanged(() -> server.post("admin", "/accounts/blue/clone?dryRun=true",
                "{\"target\": \"blue2\", \"version\": 1}"));
        assertEquals("clone.account", plan.json().path("kind").asText());
        Response r = server.post("admin", "/accounts/blue/clone", "{\"target\": \"blue2\", \"version\": 1, "
                + "\"withData\": true}");
        assertEquals(202, r.status());
        assertTrue(server.fake.calls.contains("admin rest: cloneAccount [blue, blue2, 1, true]"));
        refused(400, "INVALID_REQUEST", () -> server.post("admin", "/accounts/blue/clone", "{\"target\": \"b3\"}"));
        refused(400, "INVALID_REQUEST", () -> server.post("admin", "/accounts/blue/clone",
                "{\"target\": \"b3\", \"version\": \"1\"}"));
        refused(422, "INVALID", () -> server.post("admin", "/accounts/blue/clone", "{\"target\": \"b3\", "
                + "\"version\": 9}"));
        refused(403, "FORBIDDEN", () -> server.post("alice", "/accounts/blue/clone", "{\"target\": \"b3\", "
                + "\"version\": 1}"));
    }

    // ------------------------------------------------------------------ users

    @Test
    public void usersAreCreatedAndCanLogIn() {
        Response r = server.post("admin", "/users", "{\"name\": \"dave\", \"password\": \"dave-password-1\"}");
        assertEquals(r.toString(), 201, r.status());
        assertEquals("/api/v1/users/dave", r.header("Location"));
        assertTrue(r.json().path("generatedPassword").isNull());
        assertFalse(r.body().contains("dave-password-1"));
        assertEquals(200, server.get("admin", "/users/dave").status());
        assertEquals(200, loginAs("dave", "dave-password-1").status());
        refused(409, "ALREADY_EXISTS", () -> server.post("admin", "/users", "{\"name\": \"dave\", "
                + "\"password\": \"dave-password-1\"}"));
        refused(422, "INVALID", () -> server.post("admin", "/users", "{\"name\": \"eve\", \"password\": \"short\"}"));
        refused(403, "FORBIDDEN", () -> server.post("alice", "/users", "{\"name\": \"eve\", \"password\": "
                + "\"eve-password-12\"}"));
        refused(400, "INVALID_REQUEST", () -> server.post("admin", "/users", "{\"name\": \"eve\"}"));
        refused(400, "INVALID_REQUEST", () -> server.post("admin", "/users", "{\"name\": \"eve\", \"password\": "
                + "\"eve-password-12\", \"generatePassword\": true}"));
        refused(400, "INVALID_REQUEST", () -> server.post("admin", "/users", "{\"name\": \"eve\", \"password\": "
                + "\"eve-password-12\", \"role\": \"member\"}"));
    }

    @Test
    public void aGeneratedPasswordIsAnsweredOnceAndWorks() {
        Response r = server.post("admin", "/users", "{\"name\": \"erin\", \"generatePassword\": true, "
                + "\"account\": \"blue\", \"role\": \"viewer\"}");
        assertEquals(r.toString(), 201, r.status());
        String password = r.json().path("generatedPassword").asText();
        assertEquals(24, password.length());
        assertEquals("VIEWER", r.json().path("user").path("memberships").path("blue").asText());
        assertEquals(200, loginAs("erin", password).status());
        Response changed = server.send(server.request("/users/erin/password")
                .header("Authorization", RestServer.basic("erin", password)).header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"generatePassword\": true}")).build());
        assertEquals(200, changed.status());
        String next = changed.json().path("generatedPassword").asText();
        assertEquals(24, next.length());
        assertEquals(401, loginAs("erin", password).status());
        assertEquals(200, loginAs("erin", next).status());
    }

    @Test
    public void aUserIsNotCreatedWhenItsRoleCannotBeGiven() {
        refused(404, "NOT_FOUND", () -> server.post("admin", "/users", "{\"name\": \"frank\", \"password\": "
                + "\"frank-password-1\", \"account\": \"nowhere\"}"));
        server.fake.failNextGrant = new PlatformException(Reason.CONCURRENCY, "the account is being cloned");
        refused(409, "CONCURRENCY", () -> server.post("admin", "/users", "{\"name\": \"frank\", \"password\": "
                + "\"frank-password-1\", \"account\": \"blue\"}"));
        assertFalse(server.fake.userExists("frank"));
        assertTrue(server.fake.calls.contains("admin rest: deleteUser [frank]"));
    }

    @Test
    public void usersAreListedPasswordsChangedAndUsersDeleted() {
        assertEquals(5, server.get("admin", "/users").json().size());
        assertEquals(1, server.get("alice", "/users").json().size());
        assertEquals("carol administers blue: alice, carol, vera", 3, server.get("carol", "/users").json().size());
        refused(404, "NOT_FOUND", () -> server.get("alice", "/users/bob"));
        refused(403, "FORBIDDEN", () -> server.json("PUT", "alice", "/users/bob/password",
                "{\"password\": \"bob-new-password\"}"));
        refused(422, "INVALID", () -> server.json("PUT", "alice", "/users/alice/password", "{\"password\": \"x\"}"));
        refused(400, "INVALID_REQUEST", () -> server.json("PUT", "alice", "/users/alice/password", "{}"));
        Response admin = server.json("PUT", "admin", "/users/bob/password", "{\"password\": \"bob-new-password\"}");
        assertEquals(200, admin.status());
        assertTrue(admin.json().path("generatedPassword").isNull());
        assertEquals(200, loginAs("bob", "bob-new-password").status());
        refused(403, "FORBIDDEN", () -> server.delete("alice", "/users/bob"));
        refused(422, "INVALID", () -> server.delete("admin", "/users/admin"));
        Response gone = server.delete("admin", "/users/bob");
        assertEquals(204, gone.status());
        assertEquals(401, loginAs("bob", "bob-new-password").status());
        refused(404, "NOT_FOUND", () -> server.delete("admin", "/users/bob"));
    }

    // ------------------------------------------------------------------ SDPs

    @Test
    public void sdpsAreListedAndRefusedOnesShownToPlatformAdmins() {
        Response r = server.get("alice", "/sdps");
        assertEquals(1, r.json().size());
        assertEquals("database", r.json().get(0).path("serviceType").asText());
        Response all = server.get("admin", "/sdps?all=true");
        assertEquals(2, all.json().size());
        assertEquals("REFUSED", all.json().get(1).path("state").asText());
        assertTrue(all.json().get(1).path("reason").asText().contains("unknown field"));
        refused(403, "FORBIDDEN", () -> server.get("alice", "/sdps?all=true"));
    }
}
