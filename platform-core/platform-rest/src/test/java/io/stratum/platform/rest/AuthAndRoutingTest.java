package io.stratum.platform.rest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.rest.RestServer.Response;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Logging in (HTTP Basic through the JAAS realm), finding routes (404, 405, OPTIONS, HEAD, 406), refusing browsers of
 * other origins, and 500s that leak nothing: over real HTTP to the servlet in Jetty.
 */
public class AuthAndRoutingTest {

    private RestServer server;

    @Before
    public void start() throws Exception {
        server = new RestServer();
    }

    @After
    public void stop() throws Exception {
        server.close();
    }

    private Response withAuthorization(String path, String authorization) {
        return server.send(server.request(path).header("Authorization", authorization).GET().build());
    }

    @Test
    public void aRequestWithoutCredentialsIsChallenged() {
        Response r = server.get(null, "/services");
        assertEquals(401, r.status());
        assertEquals("Basic realm=\"Stratum\", charset=\"UTF-8\"", r.header("WWW-Authenticate"));
        assertEquals("UNAUTHORIZED", r.error());
        assertTrue(r.json().path("message").asText().contains("HTTP Basic"));
        assertTrue(server.fake.calls.isEmpty());
    }

    @Test
    public void aWrongPasswordAndAnUnknownUserGetTheSameAnswer() {
        Response wrong = withAuthorization("/services", RestServer.basic("alice", "not-her-password"));
        Response unknown = withAuthorization("/services", RestServer.basic("mallory", "whatever-password"));
        assertEquals(401, wrong.status());
        assertEquals(wrong.status(), unknown.status());
        assertEquals(wrong.body(), unknown.body());
        assertEquals(wrong.header("WWW-Authenticate"), unknown.header("WWW-Authenticate"));
        assertFalse(wrong.body().contains("alice"));
        assertTrue(server.fake.calls.isEmpty());
    }

    @Test
    public void malformedCredentialsAreChallenged() {
        assertEquals(401, withAuthorization("/whoami", "Basic !!!not-base64").status());
        assertEquals(401, withAuthorization("/whoami", "Basic " + Base64.getEncoder()
                .encodeToString("no-colon".getBytes(StandardCharsets.UTF_8))).status());
        assertEquals(401, withAuthorization("/whoami", "Basic " + Base64.getEncoder()
                .encodeToString(":alice-password-1".getBytes(StandardCharsets.UTF_8))).status());
        assertEquals(401, withAuthorization("/whoami", "Bearer abc").status());
        assertEquals(401, withAuthorization("/whoami", "Basic " + Base64.getEncoder()
                .encodeToString(new byte[] {'a', ':', (byte) 0xff, (byte) 0xfe})).status());
    }

    @Test
    public void theCallerIsTheLoggedInUserViaRest() {
        Response r = server.get("alice", "/whoami");
        assertEquals(200, r.status());
        assertEquals("alice", r.json().path("name").asText());
        assertEquals("MEMBER", r.json().path("memberships").path("blue").asText());
        assertEquals("alice rest: whoAmI []", server.fake.calls.get(0));
        assertEquals("no-store", r.header("Cache-Control"));
        assertEquals("application/json;charset=utf-8", r.header("Content-Type").toLowerCase().replace(" ", ""));
    }

    @Test
    public void credentialsAreReadAsUtf8() {
        String password = "pässwörd-ünïcode-✓";
        Response set = server.send(RestServer.as(server.request("/users/alice/password"), "alice")
                .header("Content-Type", "application/json; charset=UTF-8")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"password\": \"" + password + "\"}",
                        StandardCharsets.UTF_8)).build());
        assertEquals(set.toString(), 200, set.status());
        assertEquals(200, withAuthorization("/whoami", RestServer.basic("alice", password)).status());
        assertEquals(401, withAuthorization("/whoami", RestServer.basic("alice", "p?ssw?rd-?n?code-?")).status());
    }

    @Test
    public void theOpenApiDocumentNeedsNoLogin() {
        Response r = server.get(null, "/openapi.json");
        assertEquals(200, r.status());
        assertEquals("3.0.3", r.json().path("openapi").asText());
        assertTrue(r.json().path("paths").has("/services/{name}"));
    }

    @Test
    public void anUnknownPathIs404AndAWrongMethod405WithAllow() {
        Response unknown = server.get("alice", "/nothing/here");
        assertEquals(404, unknown.status());
        assertEquals("NOT_FOUND", unknown.error());
        assertTrue(unknown.json().path("message").asText().contains("openapi.json"));
        Response wrong = server.unchanged(() -> server.json("PUT", "alice", "/services/db1", "{}"));
        assertEquals(405, wrong.status());
        assertEquals("METHOD_NOT_ALLOWED", wrong.error());
        assertEquals("DELETE, GET, HEAD, OPTIONS", wrong.header("Allow"));
    }

    @Test
    public void optionsNamesTheMethodsOfAPath() {
        Response r = server.send(RestServer.as(server.request("/services"), "alice")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(204, r.status());
        assertEquals("GET, HEAD, OPTIONS, POST", r.header("Allow"));
    }

    @Test
    public void headAnswersTheHeadersOfGetWithoutTheBody() {
        Response get = server.get("alice", "/services?account=blue");
        Response head = server.send(RestServer.as(server.request("/services?account=blue"), "alice")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, head.status());
        assertEquals("", head.body());
        assertEquals(Integer.toString(get.body().getBytes(StandardCharsets.UTF_8).length),
                head.header("Content-Length"));
    }

    @Test
    public void anAcceptHeaderThatExcludesJsonIs406() {
        Response r = server.send(RestServer.as(server.request("/whoami"), "alice").header("Accept", "text/html")
                .GET().build());
        assertEquals(406, r.status());
        assertEquals("NOT_ACCEPTABLE", r.error());
        Response ok = server.send(RestServer.as(server.request("/whoami"), "alice")
                .header("Accept", "text/html, application/*;q=0.5").GET().build());
        assertEquals(200, ok.status());
        Response refused = server.send(RestServer.as(server.request("/whoami"), "alice")
                .header("Accept", "application/json;q=0").GET().build());
        assertEquals(406, refused.status());
    }

    @Test
    public void aChangeAskedFromAPageOfAnotherOriginIsRefused() {
        Response r = server.unchanged(() -> server.send(RestServer.as(server.request("/services/db1/stop?account=blue"),
                "alice").header("Origin", "http://evil.example").POST(HttpRequest.BodyPublishers.noBody()).build()));
        assertEquals(403, r.status());
        assertEquals("FORBIDDEN", r.error());
        // a page of the API's own host may
        String own = "http://" + server.base.getHost() + ":" + server.base.getPort();
        Response same = server.send(RestServer.as(server.request("/services/db1/stop?account=blue"), "alice")
                .header("Origin", own).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(202, same.status());
        // reading is not refused (a page of another origin cannot read the answer without CORS, which is not offered)
        Response read = server.send(RestServer.as(server.request("/whoami"), "alice")
                .header("Origin", "http://evil.example").GET().build());
        assertEquals(200, read.status());
        assertNull(read.header("Access-Control-Allow-Origin"));
    }

    @Test
    public void anUnexpectedFailureIs500WithAReferenceAndNoSecret() {
        server.fake.failSdps = new IllegalStateException("connection string jdbc:h2:x;PASSWORD=hunter2 broke");
        Response r = server.get("admin", "/sdps");
        assertEquals(500, r.status());
        assertEquals("INTERNAL", r.error());
        assertFalse(r.body(), r.body().contains("hunter2"));
        assertFalse(r.body(), r.body().contains("jdbc"));
        assertTrue(r.body(), r.json().path("message").asText().matches(".*see karaf.log, id [0-9a-f]{8}.*"));
    }

    @Test
    public void afterFiveFailedLoginsTheNameIsRefusedWithRetryAfterWithoutCheckingThePassword() {
        for (int i = 0; i < 5; i++) {
            Response r = withAuthorization("/whoami", RestServer.basic("alice", "guess-" + i));
            assertEquals(r.toString(), 401, r.status());
        }
        int logins = server.fake.logins;
        Response refused = server.get("alice", "/whoami"); // the right password
        assertEquals(refused.toString(), 429, refused.status());
        assertEquals("TOO_MANY_FAILED_LOGINS", refused.error());
        assertEquals("1", refused.header("Retry-After"));
        assertFalse(refused.body(), refused.body().contains("alice"));
        assertEquals("the password was not checked", logins, server.fake.logins);
        assertEquals("another user is not refused", 200, server.get("carol", "/whoami").status());

        server.throttleClock.addAndGet(1_000_000_000L);
        Response wrong = withAuthorization("/whoami", RestServer.basic("alice", "guess-5"));
        assertEquals(401, wrong.status());
        Response longer = server.get("alice", "/whoami");
        assertEquals(429, longer.status());
        assertEquals("each further failure doubles the delay", "2", longer.header("Retry-After"));

        server.throttleClock.addAndGet(2_000_000_000L);
        assertEquals(200, server.get("alice", "/whoami").status());
        assertEquals("a success ends it", 401, withAuthorization("/whoami", RestServer.basic("alice", "x")).status());
        assertEquals(200, server.get("alice", "/whoami").status());
        assertTrue(server.fake.calls.stream().noneMatch(c -> c.startsWith("alice") && !c.endsWith("whoAmI []")));
    }

    @Test
    public void aLoginIsRememberedUntilThePasswordChanges() {
        int before = server.fake.logins;
        assertEquals(200, server.get("alice", "/whoami").status());
        assertEquals(200, server.get("alice", "/whoami").status());
        assertEquals(200, server.get("alice", "/whoami").status());
        assertEquals("one realm login for three requests", before + 1, server.fake.logins);

        Response changed = server.json("PUT", "alice", "/users/alice/password",
                "{\"password\": \"a-brand-new-password\"}");
        assertEquals(changed.toString(), 200, changed.status());
        assertEquals(401, server.get("alice", "/whoami").status()); // the old password no longer opens anything
        Response fresh = server.send(server.request("/whoami")
                .header("Authorization", RestServer.basic("alice", "a-brand-new-password")).GET().build());
        assertEquals(200, fresh.status());
    }
}
