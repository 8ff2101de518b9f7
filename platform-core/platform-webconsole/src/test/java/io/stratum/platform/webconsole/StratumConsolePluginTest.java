package io.stratum.platform.webconsole;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.eclipse.jetty.util.ajax.JSON;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The console plugin in a real servlet container, driven over real HTTP, in front of a hand-written fake platform
 * ({@link FakePlatform}: a unit test of the console layer, which must only pass calls on and show answers).
 */
public class StratumConsolePluginTest {


    private FakePlatform fake;
    private ConsoleServer server;

    @Before
    public void start() throws Exception {
        fake = new FakePlatform();
        StratumConsolePlugin plugin = new StratumConsolePlugin(fake, "/opt/stratum/deploy");
        plugin.backupAccess = fake.backupAccess;
        plugin.cloneAccess = fake.cloneAccess;
        server = new ConsoleServer(plugin, new TestRealm().security());
    }

    @After
    public void stop() throws Exception {
        server.close();
    }

    private Browser browser(String user) {
        return new Browser(server).as(user, TestRealm.password(user));
    }

    private static String service(String account, String name) {
        return "/service?account=" + enc(account) + "&name=" + enc(name);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> ok(HttpResponse<String> r) {
        assertEquals(r.uri() + " answered " + r.statusCode() + ":\n" + r.body(), 200, r.statusCode());
        return r;
    }

    private static void contains(HttpResponse<String> r, String... parts) {
        for (String part : parts) {
            assertTrue(r.uri() + " lacks '" + part + "':\n" + r.body(), r.body().contains(part));
        }
    }

    private static void lacks(HttpResponse<String> r, String... parts) {
        for (String part : parts) {
            assertFalse(r.uri() + " has '" + part + "':\n" + r.body(), r.body().contains(part));
        }
    }

    @Test
    public void everyPageRendersThePlatformsDataInsideTheConsole() throws Exception {
        Browser admin = browser("admin");
        HttpResponse<String> services = ok(admin.get("/services"));
        contains(services, "<div id='content'>", "Logged in as <strong>admin</strong>", "id=\"services-table\"",
                "data-name=\"orders-db\"", "data-name=\"secret-db\"", ">HEALTHY<", "id=\"create-service-form\"",
                "<option value=\"database\"", "data-type=\"database\"", "value=\"large\"", "</div>\n</body></html>");
        contains(ok(admin.get("")), "id=\"services-table\"", "id=\"tab-services\"");

        HttpResponse<String> db = ok(admin.get(service("default", "orders-db")));
        contains(db, "id=\"service-state\" data-test=\"service-state\" data-state=\"RUNNING\"",
                "jdbc:h2:tcp://127.0.0.1:40001/db", "id=\"connection-password\"", "********", "id=\"show-credentials\"",
                "id=\"action-start\"", "id=\"action-stop\"", "id=\"action-scale\"", "id=\"action-delete\"",
                "id=\"action-backup\"", "id=\"action-clone\"", "/var/log/orders-db.log", "id=\"service-jobs\"",
                "href=\"/system/console/stratum/environment?account=default&amp;name=shop\"");
        lacks(db, FakePlatform.PASSWORD);

        contains(ok(admin.get("/environments")), "id=\"environments-table\"", "data-name=\"shop\"",
                "id=\"create-environment-form\"");
        contains(ok(admin.get("/environment?account=default&name=shop")), "<svg", "id=\"environment-members\"",
                "id=\"environment-backup\"", "id=\"environment-delete\"");

        HttpResponse<String> jobs = ok(admin.get("/jobs"));
        contains(jobs, "data-job=\"1\"", "data-job=\"2\"", "data-job=\"3\"");
        HttpResponse<String> job = ok(admin.get("/jobs/2"));
        contains(job, "data-job-url=\"/system/console/stratum/jobs/2.json\"", "data-done=\"false\"",
                "id=\"job-state\" data-test=\"job-state\">RUNNING<", "value=\"35\"", "id=\"job-requested-by\"",
                ">alice<", ">console<", "alert &lt;i&gt;cpu&lt;/i&gt;", "data-test=\"job-step\"", "id=\"job-cancel\"",
                "src=\"/system/console/stratum/res/stratum.js\"");

        contains(ok(admin.get("/backups")), "data-backup=\"b-1\"", "4.8 MiB");
        contains(ok(admin.get("/backup?id=b-1")), "data-test=\"backup-member\"", "orders-db");

        HttpResponse<String> sdps = ok(admin.get("/sdps"));
        contains(sdps, "id=\"sdp-dropin-hint\"", "<code>/opt/stratum/deploy</code>", "data-state=\"REFUSED\"",
                "descriptor field &#39;plans&#39; is missing &lt;b&gt;bold&lt;/b&gt;", "data-name=\"h2-database\"");
        contains(ok(admin.get("/accounts")), "data-name=\"default\"", "data-name=\"other\"", "id=\"account-create-form\"");
        contains(ok(admin.get("/users")), "data-name=\"alice\"", "data-name=\"victor\"", "id=\"user-create-form\"",
                "id=\"user-grant-form\"");

        HttpResponse<String> missing = admin.get("/nothing-here");
        assertEquals(404, missing.statusCode());
        contains(missing, "There is no Stratum page &#39;/nothing-here&#39;");
    }

    @Test
    public void pagesShowOnlyWhatThePlatformGivesTheUser() throws Exception {
        Browser alice = browser("alice");
        HttpResponse<String> services = ok(alice.get("/services"));
        contains(services, "data-name=\"orders-db\"");
        lacks(services, "secret-db");
        HttpResponse<String> jobs = ok(alice.get("/jobs"));
        contains(jobs, "data-job=\"2\"");
        lacks(jobs, "data-job=\"3\"");
        HttpResponse<String> hidden = alice.get(service("other", "secret-db"));
        assertEquals(404, hidden.statusCode());
        contains(hidden, "data-test=\"message-error\"", "account &#39;other&#39; does not exist");

        HttpResponse<String> sdps = ok(alice.get("/sdps"));
        contains(sdps, "data-name=\"h2-database\"", "shown to platform admins");
        lacks(sdps, "REFUSED", "com.example.broken");
        lacks(ok(alice.get("/users")), "id=\"user-create-form\"", "data-name=\"victor\"");
    }

    @Test
    public void everyValueIsEscapedSoAServiceNamedScriptRendersInert() throws Exception {
        Browser admin = browser("admin");
        HttpResponse<String> services = ok(admin.get("/services"));
        contains(services, "&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(2)&gt;",
                // '$' is written as an entity: the console's filter would eat "${oops" and everything after it
                "&#36;{oops", "id=\"create-submit\"", "</div>\n</body></html>");
        lacks(services, FakePlatform.SCRIPT_NAME, "<img src=x", "${oops");

        HttpResponse<String> detail = ok(admin.get(service("default", FakePlatform.SCRIPT_NAME)));
        contains(detail, "&lt;script&gt;alert(1)&lt;/script&gt;", "name=\"name\" value=\"&lt;script&gt;");
        lacks(detail, FakePlatform.SCRIPT_NAME, "<img src=x");

        fake.jobs.put(9L, FakePlatform.job(9, "service.start", "default", FakePlatform.SCRIPT_NAME, JobState.RUNNING,
                10, "alice", "console", "</script><script>alert(3)</script>"));
        HttpResponse<String> json = ok(admin.get("/jobs/9.json"));
        lacks(json, "<script>", "</script>");
        Map<?, ?> parsed = (Map<?, ?>) new JSON().fromJSON(json.body());
        assertEquals(FakePlatform.SCRIPT_NAME, parsed.get("target"));
        assertEquals("</script><script>alert(3)</script>", parsed.get("cause"));
        HttpResponse<String> page = ok(admin.get("/jobs/9"));
        lacks(page, "<script>alert(3)", FakePlatform.SCRIPT_NAME);
    }

    @Test
    public void aPostWithoutTheSessionsTokenIsRefusedAndChangesNothing() throws Exception {
        Browser alice = browser("alice");
        String token = Browser.token(ok(alice.get(service("default", "orders-db"))));

        HttpResponse<String> none = alice.post("/service/start", "account", "default", "name", "orders-db");
        assertEquals(403, none.statusCode());
        contains(none, "nothing was done");
        HttpResponse<String> wrong = alice.post("/service/start", "csrf", token + "x", "account", "default", "name",
                "orders-db");
        assertEquals(403, wrong.statusCode());
        // the right token from a page that another session (a foreign page's request) does not have
        HttpResponse<String> otherSession = browser("alice").post("/service/start", "csrf", token, "account", "default",
                "name", "orders-db");
        assertEquals(403, otherSession.statusCode());
        // the session's token, but for another user who logs in with the same browser
        HttpResponse<String> otherUser = new Browser(server).as("victor", "pw-victor").post("/service/stop", "csrf",
                token, "account", "default", "name", "orders-db");
        assertEquals(403, otherUser.statusCode());
        assertEquals(List.of(), fake.changes);

        HttpResponse<String> right = alice.post("/service/start", "csrf", token, "account", "default", "name",
                "orders-db");
        assertEquals(right.body(), 303, right.statusCode());
        assertEquals("/system/console/stratum/jobs/101", right.headers().firstValue("Location").orElseThrow());
        assertEquals(List.of("startService default/orders-db by alice (console)"), fake.changes);
    }

    @Test
    public void theSameBrowserLoggedInAsAnotherUserNeedsItsOwnToken() throws Exception {
        Browser browser = browser("alice");
        String aliceToken = Browser.token(ok(browser.get(service("default", "orders-db"))));
        browser.as("admin", "pw-admin");
        HttpResponse<String> reused = browser.post("/service/stop", "csrf", aliceToken, "account", "default", "name",
                "orders-db");
        assertEquals(403, reused.statusCode());
        assertEquals(List.of(), fake.changes);
        String adminToken = Browser.token(ok(browser.get(service("default", "orders-db"))));
        assertFalse(adminToken.equals(aliceToken));
        assertEquals(303, browser.post("/service/stop", "csrf", adminToken, "account", "default", "name",
                "orders-db").statusCode());
        assertEquals(List.of("stopService default/orders-db by admin (console)"), fake.changes);
    }

    @Test
    public void anActionThePlatformRefusesShowsThePlatformsMessage() throws Exception {
        Browser alice = browser("alice");
        String token = Browser.token(ok(alice.get(service("default", "orders-db"))));
        fake.refusals.put("startService", new PlatformException(Reason.CONCURRENCY,
                "service 'orders-db' is busy with job 7 <b>now</b>; try again when it has ended"));

        HttpResponse<String> post = alice.post("/service/start", "csrf", token, "account", "default", "name",
                "orders-db");
        assertEquals(303, post.statusCode());
        String back = post.headers().firstValue("Location").orElseThrow();
        assertEquals("/system/console/stratum/service?account=default&name=orders-db", back);
        HttpResponse<String> page = ok(alice.get(back));
        contains(page, "data-test=\"message-error\"",
                "service &#39;orders-db&#39; is busy with job 7 &lt;b&gt;now&lt;/b&gt;; try again when it has ended");
        lacks(ok(alice.get(back)), "data-test=\"message-error\""); // shown once
        assertEquals(List.of(), fake.changes);

        Browser victor = browser("victor");
        String victorToken = Browser.token(ok(victor.get(service("default", "orders-db"))));
        HttpResponse<String> refused = victor.post("/service/stop", "csrf", victorToken, "account", "default", "name",
                "orders-db");
        contains(ok(victor.get(refused.headers().firstValue("Location").orElseThrow())),
                "viewers of account &#39;default&#39; may not stop services");

        HttpResponse<String> notANumber = alice.post("/service/scale", "csrf", token, "account", "default", "name",
                "orders-db", "instances", "many");
        contains(ok(alice.get(notANumber.headers().firstValue("Location").orElseThrow())),
                "the number of instances must be a whole number, not &#39;many&#39;");
        assertEquals(List.of(), fake.changes);
    }

    @Test
    public void theJobEndpointReportsProgressUntilTheJobHasEnded() throws Exception {
        Browser alice = browser("alice");
        HttpResponse<String> running = ok(alice.get("/jobs/2.json"));
        assertTrue(running.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        assertEquals("no-store", running.headers().firstValue("Cache-Control").orElseThrow());
        lacks(running, "<div id='content'>"); // not wrapped into a page
        Map<?, ?> first = (Map<?, ?>) new JSON().fromJSON(running.body());
        assertEquals("RUNNING", first.get("state"));
        assertEquals(35L, first.get("progress"));
        assertEquals(false, first.get("done"));
        assertEquals("alice", first.get("requestedBy"));
        assertEquals("console", first.get("requestedVia"));
        assertEquals("/system/console/stratum/service?account=default&name=shop-app", first.get("targetUrl"));
        assertEquals(2, ((Object[]) first.get("steps")).length);

        fake.progress(2, JobState.SUCCEEDED, 100);
        Map<?, ?> last = (Map<?, ?>) new JSON().fromJSON(ok(alice.get("/jobs/2.json")).body());
        assertEquals("SUCCEEDED", last.get("state"));
        assertEquals(100L, last.get("progress"));
        assertEquals(true, last.get("done"));
        assertEquals("2026-11-22 10:00:02Z", last.get("finishedAt"));

        HttpResponse<String> notHers = alice.get("/jobs/3.json");
        assertEquals(404, notHers.statusCode());
        assertEquals("NOT_FOUND", ((Map<?, ?>) new JSON().fromJSON(notHers.body())).get("error"));
        assertEquals(404, alice.get("/jobs/999.json").statusCode());
    }

    @Test
    public void theEnvironmentGraphHasABoxPerMemberAndAnArrowPerAssociation() throws Exception {
        HttpResponse<String> page = ok(browser("alice").get("/environment?account=default&name=shop"));
        String body = page.body();
        String svg = body.substring(body.indexOf("<svg"), body.indexOf("</svg>") + "</svg>".length());
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));

        Map<String, String> nodes = new HashMap<>(); // name -> state
        Map<String, Integer> top = new HashMap<>();
        Set<String> edges = new HashSet<>();
        NodeList groups = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "g");
        for (int i = 0; i < groups.getLength(); i++) {
            Element g = (Element) groups.item(i);
            if (g.getAttribute("data-test").equals("graph-node")) {
                nodes.put(g.getAttribute("data-name"), g.getAttribute("data-state"));
                Element rect = (Element) g.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect").item(0);
                top.put(g.getAttribute("data-name"), Integer.parseInt(rect.getAttribute("y")));
            } else if (g.getAttribute("data-test").equals("graph-edge")) {
                edges.add(g.getAttribute("data-from") + "->" + g.getAttribute("data-to") + ":" + g.getAttribute("data-type"));
            }
        }
        assertEquals(Map.of("orders-db", "RUNNING", "shop-lb", "RUNNING", "shop-app", "RUNNING",
                "shop-worker", "ABSENT", "legacy-db", "OUTSIDE"), nodes);
        assertEquals(Set.of("shop-app->orders-db:database", "shop-app->shop-lb:webtier",
                "shop-worker->legacy-db:database"), edges);
        // layered by creation order: providers below the services that use them, outside providers at the bottom
        assertTrue(top.get("orders-db") > top.get("shop-app"));
        assertEquals(top.get("orders-db"), top.get("shop-lb"));
        assertEquals(top.get("shop-app"), top.get("shop-worker"));
        assertTrue(top.get("legacy-db") > top.get("orders-db"));
        assertTrue(svg.contains("href=\"/system/console/stratum/service?account=default&amp;name=shop-app\""));
    }

    @Test
    public void aCreatedServicesJobIsShownAndEveryCallActsForTheLoggedInUser() throws Exception {
        Browser alice = browser("alice");
        String token = Browser.token(ok(alice.get("/services")));
        HttpResponse<String> created = alice.post("/services/create", "csrf", token, "account", "default", "type",
                "database", "name", "new-db", "plan", "large", "createProviders", "true");
        assertEquals(303, created.statusCode());
        String jobPage = created.headers().firstValue("Location").orElseThrow();
        assertEquals("/system/console/stratum/jobs/101", jobPage);
        assertEquals(List.of("createService default/new-db type=database plan=large env=true by alice (console)"),
                fake.changes);
        HttpResponse<String> job = ok(alice.get(jobPage));
        contains(job, "Job #101 submitted: create database &#39;new-db&#39;.", "data-job-url=\"/system/console/stratum/jobs/101.json\"",
                "id=\"job-state\" data-test=\"job-state\">QUEUED<", "id=\"job-done\" data-test=\"job-done\" hidden",
                "href=\"/system/console/stratum/environment?account=default&amp;name=new-db\"");
        fake.progress(101, JobState.SUCCEEDED, 100);
        assertEquals(true, ((Map<?, ?>) new JSON().fromJSON(ok(alice.get("/jobs/101.json")).body())).get("done"));

        assertFalse(fake.callers.isEmpty());
        for (Caller c : fake.callers) {
            assertEquals(Caller.user("alice", Caller.VIA_CONSOLE), c);
            assertFalse(c.isSystem());
        }
    }

    @Test
    public void aFormThePlatformRefusesKeepsWhatWasTyped() throws Exception {
        Browser alice = browser("alice");
        String token = Browser.token(ok(alice.get("/services")));
        fake.refusals.put("createService", new PlatformException(Reason.ALREADY_EXISTS,
                "a service named 'orders-db' exists already in account 'default'; choose another name"));
        HttpResponse<String> post = alice.post("/services/create", "csrf", token, "account", "default", "type",
                "database", "name", "orders-db", "plan", "large");
        HttpResponse<String> form = ok(alice.get(post.headers().firstValue("Location").orElseThrow()));
        contains(form, "a service named &#39;orders-db&#39; exists already", "id=\"create-name\" name=\"name\""
                + " data-test=\"create-name\" required value=\"orders-db\"", "value=\"large\" data-type=\"database\" selected");
        HttpResponse<String> noName = alice.post("/services/create", "csrf", token, "account", "default", "type",
                "database", "name", " ");
        contains(ok(alice.get(noName.headers().firstValue("Location").orElseThrow())),
                "The form lacks the service&#39;s name");
        assertEquals(List.of(), fake.changes);
    }

    @Test
    public void credentialsAreShownOnlyWhenThePlatformHandsThemOut() throws Exception {
        HttpResponse<String> member = ok(browser("alice").get(service("default", "orders-db") + "&credentials=true"));
        contains(member, FakePlatform.PASSWORD);
        lacks(member, "id=\"show-credentials\"");

        HttpResponse<String> viewer = ok(browser("victor").get(service("default", "orders-db") + "&credentials=true"));
        lacks(viewer, FakePlatform.PASSWORD);
        contains(viewer, "viewers of account &#39;default&#39; may not see credentials of &#39;orders-db&#39;",
                "id=\"connection-password\" data-test=\"connection-password\">********<");
    }

    @Test
    public void everyActionGoesThroughThePlatformAndShowsItsJob() throws Exception {
        Browser admin = browser("admin");
        String t = Browser.token(ok(admin.get("/services")));
        String[][] posts = {
            {"/service/stop", "name", "orders-db"},
            {"/service/scale", "name", "shop-app", "instances", "3"},
            {"/service/backup", "name", "orders-db"},
            {"/service/clone", "name", "orders-db", "target", "orders-copy"},
            {"/service/delete", "name", "legacy-db", "force", "true"},
            {"/environment/backup", "name", "shop"},
            {"/environment/clone", "name", "shop", "target", "shop2"},
            {"/environment/delete", "name", "shop"},
            {"/environments/create", "document", "name: x\nservices: []\n"},
            {"/jobs/2/cancel"},
        };
        for (String[] p : posts) {
            String[] fields = new String[p.length + 3];
            fields[0] = "csrf";
            fields[1] = t;
            fields[2] = "account";
            fields[3] = "default";
            System.arraycopy(p, 1, fields, 4, p.length - 1);
            HttpResponse<String> r = admin.post(p[0], fields);
            assertEquals(p[0] + ": " + r.body(), 303, r.statusCode());
            assertTrue(p[0] + " went to " + r.headers().firstValue("Location"),
                    r.headers().firstValue("Location").orElseThrow().startsWith("/system/console/stratum/jobs/"));
        }
        assertEquals(List.of(
                "stopService default/orders-db by admin (console)",
                "scaleService default/shop-app to 3 by admin (console)",
                "backup default/service/orders-db by admin (console)",
                "cloneService default/orders-db -> orders-copy by admin (console)",
                "deleteService default/legacy-db force=true by admin (console)",
                "backup default/environment/shop by admin (console)",
                "cloneEnvironment default/shop -> shop2 by admin (console)",
                "deleteEnvironment default/shop force=false by admin (console)",
                "createEnvironment default document-length=21 by admin (console)",
                "cancelJob 2 by admin (console)"), fake.changes);

        fake.changes.clear();
        assertEquals(303, admin.post("/users/create", "csrf", t, "name", "bob", "password", "a-long-password-1")
                .statusCode());
        assertEquals(303, admin.post("/users/grant", "csrf", t, "account", "default", "user", "bob", "role", "MEMBER")
                .statusCode());
        assertEquals(303, admin.post("/users/grant", "csrf", t, "account", "default", "user", "bob", "role", "NONE")
                .statusCode());
        assertEquals(303, admin.post("/accounts/create", "csrf", t, "name", "team-b").statusCode());
        assertEquals(List.of("createUser bob admin=false password-length=17 by admin (console)",
                "grant default/bob=MEMBER by admin (console)", "revoke default/bob by admin (console)",
                "createAccount team-b by admin (console)"), fake.changes);
        HttpResponse<String> unknown = admin.post("/service/explode", "csrf", t, "account", "default", "name", "x");
        assertEquals(404, unknown.statusCode());
    }

    @Test
    public void withoutALoggedInUserNothingIsShownOrDone() throws Exception {
        server.close();
        StratumConsolePlugin plugin = new StratumConsolePlugin(fake, "/opt/stratum/deploy");
        server = new ConsoleServer(plugin, null); // a console without a security provider
        Browser anonymous = new Browser(server);
        HttpResponse<String> page = anonymous.get("/services");
        assertEquals(403, page.statusCode());
        contains(page, "need a user logged in");
        assertEquals(403, anonymous.post("/service/start", "account", "default", "name", "orders-db").statusCode());
        assertEquals(403, anonymous.get("/jobs/2.json").statusCode());
        assertEquals(List.of(), fake.callers);
        assertEquals(List.of(), fake.changes);
    }

    @Test
    public void theScriptAndStyleSheetAreServedByThePlugin() throws Exception {
        HttpResponse<String> js = ok(browser("alice").get("/res/stratum.js"));
        assertTrue(js.headers().firstValue("Content-Type").orElseThrow().startsWith("application/javascript"));
        contains(js, "data-job-url", "textContent");
        lacks(js, "<div id='content'>", "innerHTML");
        HttpResponse<String> css = ok(browser("alice").get("/res/stratum.css"));
        assertTrue(css.headers().firstValue("Content-Type").orElseThrow().startsWith("text/css"));
        assertEquals(404, browser("alice").get("/res/other.js").statusCode());
        assertNotNull(css.body());
    }
}
