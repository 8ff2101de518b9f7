package io.stratum.platform.webconsole;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.AlertRequest;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.MetricSeriesDTO.PointDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PolicyDTO;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.util.ajax.JSON;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The elasticity pages of the console plugin (a service's metrics, alerts, policy and decisions; every alert of the
 * user's accounts; the JSON document the plots are drawn from) in a real servlet container over real HTTP, in front of
 * hand-written fakes of the platform and of the elasticity bundle's facade ({@link FakeElasticity}).
 */
public class ElasticityPagesTest {

    private static final String SHOP_APP = "/elasticity?account=default&name=shop-app";
    private static final String SHOP_APP_PAGE = "/system/console/stratum/elasticity?account=default&name=shop-app";

    private FakePlatform fake;
    private FakeElasticity elasticity;
    private ConsoleServer server;

    @Before
    public void start() throws Exception {
        fake = new FakePlatform();
        elasticity = new FakeElasticity(fake);
        server = new ConsoleServer(plugin(true), new TestRealm().security());
    }

    private StratumConsolePlugin plugin(boolean withElasticity) {
        StratumConsolePlugin plugin = new StratumConsolePlugin(fake, "/opt/stratum/deploy",
                Clock.fixed(FakeElasticity.NOW, ZoneOffset.UTC));
        plugin.backupAccess = fake.backupAccess;
        plugin.cloneAccess = fake.cloneAccess;
        plugin.elasticityAccess = withElasticity ? elasticity : null;
        return plugin;
    }

    @After
    public void stop() {
        server.close();
    }

    private Browser browser(String user) {
        return new Browser(server).as(user, TestRealm.password(user));
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

    private static String location(HttpResponse<String> r) {
        assertEquals(r.body(), 303, r.statusCode());
        return r.headers().firstValue("Location").orElseThrow();
    }

    /** @return a point of the JSON document, its numbers as doubles */
    private static List<Double> numbers(Object point) {
        List<Double> out = new ArrayList<>();
        for (Object n : (Object[]) point) {
            out.add(((Number) n).doubleValue());
        }
        return out;
    }

    private static Map<?, ?> json(HttpResponse<String> r) {
        return (Map<?, ?>) new JSON().fromJSON(r.body());
    }

    @Test
    public void aServicesElasticityPageShowsItsMetricsAlertsWithHistoryPolicyAndDecisions() throws Exception {
        Browser alice = browser("alice");
        HttpResponse<String> page = ok(alice.get(SHOP_APP));
        // the plots: a figure per metric with its unit, drawn by the page's script from the JSON document
        contains(page, "<div id='content'>", "id=\"tab-services\"", "Elasticity of <span id=\"elasticity-service\"",
                "data-metrics-url=\"/system/console/stratum/elasticity.json?account=default&amp;name=shop-app\"",
                "data-window=\"15m\"", "data-metric=\"http.requests.rate\"", ">req/s<", "data-metric=\"process.memory.rss\"",
                ">bytes<", "95th percentile latency &lt;i&gt;ms&lt;/i&gt;", "id=\"metrics-empty\" data-test=\"metrics-empty\" hidden",
                "data-window=\"5m\"", "data-window=\"1h\"", "data-window=\"24h\"",
                "href=\"/system/console/stratum/elasticity?account=default&amp;name=shop-app&amp;window=15m#metrics\""
                        + " class=\"active\"", "src=\"/system/console/stratum/res/elasticity.js\"");
        // the alerts: state coloured, since, expression, actions, values, and the history of each
        contains(page, "data-alert=\"high-load\" data-state=\"ALARM\"",
                "<span class=\"stratum-state stratum-state-alarm\">ALARM</span>",
                "<span class=\"stratum-state stratum-state-ok\">OK</span>",
                "<span class=\"stratum-state stratum-state-no_data\">NO_DATA</span>",
                "<td data-field=\"since\">2026-11-22 10:50:00Z</td>",
                "<code data-test=\"alert-expression\">avg(&#39;http.requests.rate&#39;, &#39;1m&#39;) &gt; 100 &amp;&amp;"
                        + " instances &lt; 4</code>", "<code>scale-up</code><br><code>log</code><br>"
                        + "<code>email:ops@example.com</code>",
                "avg(&#39;http.requests.rate&#39;,&#39;1m&#39;) = 130.2, instances = 1", "(the SDP's default)",
                "too many requests per instance", "History of high-load (2 changes)", "data-test=\"alert-transition\"",
                "avg(&#39;http.requests.rate&#39;,&#39;1m&#39;) = 104.5, instances = 1", "the expression is true",
                "<span data-test=\"action-outcome\">scale-up: job 42</span>",
                "<span data-test=\"action-outcome\" class=\"stratum-error-text\">email: failed: connection refused</span>",
                "id=\"alert-delete-form-high-load\"", "name=\"alert\" value=\"high-load\"",
                "data-confirm=\"Delete alert &#39;high-load&#39; of &#39;shop-app&#39;?\"",
                "id=\"alert-create-form\"", "name=\"expression\"", "name=\"every\"", "value=\"30s\"", "name=\"actions\"",
                "Metrics: http.latency.p95, http.requests.rate, process.memory.rss.");
        // the policy, shown and in its form, with the reset to the SDP's default; the decisions with job links
        contains(page, "id=\"policy-props\" data-source=\"account\" data-enabled=\"true\"",
                "<code>http.requests.rate</code>, averaged over 1m, target 50 per instance, tolerance 0.1",
                "1 to 4, at most 1 per decision", "scale up 30s, scale down 1m after the end of the last scale",
                "go to 2 instance(s)", "id=\"policy-enabled\" name=\"enabled\" value=\"true\""
                        + " data-test=\"policy-enabled-input\" checked",
                "name=\"metric\" list=\"policy-metrics\" size=\"32\" data-test=\"policy-metric\""
                        + " value=\"http.requests.rate\"", "<option value=\"process.memory.rss\">",
                "name=\"window\" size=\"10\" data-test=\"policy-window\" value=\"1m\"",
                "name=\"target\" size=\"10\" data-test=\"policy-target\" value=\"50\"",
                "name=\"tolerance\" size=\"10\" data-test=\"policy-tolerance\" value=\"0.1\"",
                "name=\"max\" size=\"10\" data-test=\"policy-max\" value=\"4\"",
                "name=\"stabilization\" size=\"10\" data-test=\"policy-stabilization\" value=\"2m\"",
                "data-test=\"policy-missing-fixed\" checked", "data-test=\"policy-fixedInstances\" value=\"2\"",
                "id=\"policy-reset\"", "id=\"decisions-table\"", "data-outcome=\"SUBMITTED\"",
                "href=\"/system/console/stratum/jobs/42\">#42</a>", "data-outcome=\"HELD\"",
                "<span class=\"stratum-state stratum-state-refused\">REFUSED</span> quota of account &#39;default&#39;"
                        + " allows &lt;b&gt;2&lt;/b&gt; instances", "3 recommended, step 1");

        // reached from the services list and the service's page
        contains(ok(alice.get("/services")), "<th>Elasticity</th>", "data-test=\"service-elasticity\" href=\""
                + "/system/console/stratum/elasticity?account=default&amp;name=shop-app\"");
        contains(ok(alice.get("/service?account=default&name=shop-app")), "id=\"service-elasticity\"");

        // a service without alerts, metrics or a policy of its own
        HttpResponse<String> lb = ok(alice.get("/elasticity?account=default&name=shop-lb"));
        contains(lb, "id=\"metrics-empty\" data-test=\"metrics-empty\">", "id=\"alerts-empty\"",
                "id=\"policy-props\" data-source=\"none\" data-enabled=\"false\"", "id=\"decisions-empty\"",
                "data-test=\"policy-missing-hold\" checked");
        lacks(lb, "id=\"policy-reset\"", "id=\"alerts-table\"");

        HttpResponse<String> badWindow = alice.get(SHOP_APP + "&window=2d");
        assertEquals(400, badWindow.statusCode());
        contains(badWindow, "the window must be one of 5m, 15m, 1h, 24h, not &#39;2d&#39;");
        assertFalse(elasticity.callers.isEmpty());
        for (Caller c : elasticity.callers) {
            assertEquals(Caller.user("alice", Caller.VIA_CONSOLE), c);
        }
    }

    @Test
    public void aHostileAlertNameAndExpressionRenderInertOnEveryPage() throws Exception {
        Browser admin = browser("admin");
        for (HttpResponse<String> page : List.of(ok(admin.get(SHOP_APP)), ok(admin.get("/alerts")))) {
            contains(page, "&lt;img src=x onerror=alert(5)&gt;&#36;{x}",
                    "&#39;&lt;/code&gt;&lt;script&gt;alert(6)&lt;/script&gt;&#39; != &#39;&#36;{y}&#39;",
                    "webhook:https://hooks.example/&lt;script&gt;", "</div>\n</body></html>");
            lacks(page, "<img src=x", "${x}", "${y}", "<script>alert(6)", "hooks.example/<script>", "<b>bold</b>");
        }
        HttpResponse<String> json = ok(admin.get("/elasticity.json?account=default&name=shop-app"));
        lacks(json, "<img", "<script>", "</code>");
        List<String> names = new ArrayList<>();
        for (Object a : (Object[]) json(json).get("alerts")) {
            names.add((String) ((Map<?, ?>) a).get("name"));
        }
        assertTrue(names.toString(), names.contains(FakeElasticity.HOSTILE_NAME));
    }

    @Test
    public void elasticityFormsWithoutTheSessionsTokenAreRefusedAndChangeNothing() throws Exception {
        Browser alice = browser("alice");
        String token = Browser.token(ok(alice.get(SHOP_APP)));
        String[][] posts = {
            {"/elasticity/alerts/create", "alert", "x", "expression", "instances > 1"},
            {"/elasticity/alerts/delete", "alert", "high-load"},
            {"/elasticity/policy/set", "enabled", "true", "window", "1m", "target", "5", "min", "1", "max", "2", "step",
                "1", "upCooldown", "0", "downCooldown", "0", "stabilization", "0", "tolerance", "0"},
            {"/elasticity/policy/reset"},
        };
        for (String[] p : posts) {
            List<String> fields = new ArrayList<>(List.of("account", "default", "name", "shop-app"));
            fields.addAll(List.of(p).subList(1, p.length));
            HttpResponse<String> none = alice.post(p[0], fields.toArray(String[]::new));
            assertEquals(p[0], 403, none.statusCode());
            contains(none, "nothing was done");
            fields.addAll(List.of("csrf", token + "x"));
            assertEquals(p[0], 403, alice.post(p[0], fields.toArray(String[]::new)).statusCode());
            List<String> foreign = new ArrayList<>(fields.subList(0, fields.size() - 1));
            foreign.add(token); // the right token, from another session (a foreign page's request)
            assertEquals(p[0], 403, browser("alice").post(p[0], foreign.toArray(String[]::new)).statusCode());
        }
        assertEquals(List.of(), elasticity.changes);
    }

    @Test
    public void theJsonDocumentGivesEachSeriesWithItsUnitAndLastValueAndTheAlertsStates() throws Exception {
        Browser alice = browser("alice");
        HttpResponse<String> r = ok(alice.get("/elasticity.json?account=default&name=shop-app&window=5m"));
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElseThrow());
        lacks(r, "<div id='content'>");
        Map<?, ?> doc = json(r);
        assertEquals("default", doc.get("account"));
        assertEquals("shop-app", doc.get("service"));
        assertEquals("5m", doc.get("window"));
        assertEquals(300_000L, doc.get("windowMillis"));
        assertEquals(5_000L, doc.get("refreshMillis"));
        assertEquals(FakeElasticity.NOW.toEpochMilli(), doc.get("now"));
        assertEquals("2026-11-22 11:00:00Z", doc.get("nowText"));
        Map<String, Map<?, ?>> metrics = new java.util.LinkedHashMap<>();
        for (Object m : (Object[]) doc.get("metrics")) {
            metrics.put((String) ((Map<?, ?>) m).get("metric"), (Map<?, ?>) m);
        }
        assertEquals(List.of("http.latency.p95", "http.requests.rate", "process.memory.rss"),
                new ArrayList<>(metrics.keySet()));
        Map<?, ?> rate = metrics.get("http.requests.rate");
        assertEquals("req/s", rate.get("unit"));
        assertEquals("HTTP requests per second", rate.get("description"));
        assertEquals(130.0, ((Number) rate.get("last")).doubleValue(), 0);
        assertEquals("2026-11-22 11:00:00Z", rate.get("lastAt"));
        Object[] points = (Object[]) rate.get("points");
        assertEquals("the last 5 minutes, a point every 5 s", 61, points.length);
        assertEquals(List.of((double) FakeElasticity.NOW.minusSeconds(300).toEpochMilli(), 70.0, 70.0, 70.0),
                numbers(points[0]));
        assertEquals(List.of((double) FakeElasticity.NOW.toEpochMilli(), 130.0, 130.0, 130.0), numbers(points[60]));
        Map<?, ?> latency = metrics.get("http.latency.p95");
        assertNull(latency.get("last"));
        assertEquals(0, ((Object[]) latency.get("points")).length);
        assertNull(latency.get("error"));

        // the downsampled points keep their least and greatest values; a value that is not whole is a JSON number
        Map<?, ?> day = json(ok(alice.get("/elasticity.json?account=default&name=shop-app&window=1h")));
        assertEquals(5_000L, day.get("refreshMillis"));
        Object[] memory = null;
        for (Object m : (Object[]) day.get("metrics")) {
            if ("process.memory.rss".equals(((Map<?, ?>) m).get("metric"))) {
                memory = (Object[]) ((Map<?, ?>) m).get("points");
            }
        }
        assertEquals(List.of((double) FakeElasticity.NOW.minusSeconds(1800).toEpochMilli(), 1.0e8, 9.0e7, 1.1e8),
                numbers(memory[0]));
        assertTrue(day.toString(), ok(alice.get("/elasticity.json?account=default&name=shop-app&window=1h")).body()
                .contains("[" + FakeElasticity.NOW.minusSeconds(1800).toEpochMilli() + ",1.0E8,9.0E7,1.1E8]"));

        Map<String, Map<?, ?>> alerts = new java.util.HashMap<>();
        for (Object a : (Object[]) doc.get("alerts")) {
            alerts.put((String) ((Map<?, ?>) a).get("name"), (Map<?, ?>) a);
        }
        assertEquals(Map.of("name", "high-load", "state", "ALARM", "since", "2026-11-22 10:50:00Z", "evaluatedAt",
                "2026-11-22 10:59:55Z", "values", "avg('http.requests.rate','1m') = 130.2, instances = 1"),
                alerts.get("high-load"));
        assertEquals("OK", alerts.get("slow").get("state"));

        // 24 hours of a sample every 30 s: at most 300 points, its one spike kept, refreshed less often
        Map<?, ?> db = json(ok(alice.get("/elasticity.json?account=default&name=orders-db&window=24h")));
        assertEquals(30_000L, db.get("refreshMillis"));
        Object[] dayPoints = (Object[]) ((Map<?, ?>) ((Object[]) db.get("metrics"))[0]).get("points");
        assertTrue(dayPoints.length + " points", dayPoints.length <= ElasticityPages.MAX_POINTS
                && dayPoints.length >= ElasticityPages.MAX_POINTS - 1);
        double highest = 0;
        for (Object p : dayPoints) {
            highest = Math.max(highest, ((Number) ((Object[]) p)[3]).doubleValue());
        }
        assertEquals(1000.0, highest, 0);

        HttpResponse<String> bad = alice.get("/elasticity.json?account=default&name=shop-app&window=2d");
        assertEquals(400, bad.statusCode());
        assertEquals("INVALID", json(bad).get("error"));
        HttpResponse<String> notHers = alice.get("/elasticity.json?account=other&name=secret-db");
        assertEquals(404, notHers.statusCode());
        assertEquals("NOT_FOUND", json(notHers).get("error"));
        lacks(notHers, "sessions open");

        // a metric whose source went away between the catalog and its series: that metric says why, the rest stands
        elasticity.refusals.put("series", new PlatformException(Reason.NOT_FOUND, "no metric 'x' <now>"));
        Map<?, ?> partial = json(ok(alice.get("/elasticity.json?account=default&name=shop-app")));
        Map<?, ?> gone = (Map<?, ?>) ((Object[]) partial.get("metrics"))[0];
        assertEquals("no metric 'x' <now>", gone.get("error"));
        assertEquals(0, ((Object[]) gone.get("points")).length);
        assertEquals("the last 10 minutes of a 15 minute window", 121,
                ((Object[]) ((Map<?, ?>) ((Object[]) partial.get("metrics"))[1]).get("points")).length);
    }

    @Test
    public void aTenantSeesOnlyTheirAccountsAlertsAndRefusalsShowThePlatformsMessage() throws Exception {
        Browser alice = browser("alice");
        HttpResponse<String> overview = ok(alice.get("/alerts"));
        contains(overview, "id=\"tab-alerts\"", "data-service=\"shop-app\" data-alert=\"high-load\"",
                "data-alert=\"many-connections\"", "4 alerts: 1 in ALARM, 2 without data, 1 OK.",
                "href=\"/system/console/stratum/elasticity?account=default&amp;name=shop-app#alerts\"");
        lacks(overview, "secret-alert", "secret-db");

        HttpResponse<String> other = ok(alice.get("/alerts?account=other"));
        contains(other, "data-test=\"alerts-account-error\"", "Alerts of account other: account &#39;other&#39; does"
                + " not exist");
        lacks(other, "secret-alert");
        HttpResponse<String> hidden = alice.get("/elasticity?account=other&name=secret-db");
        assertEquals(404, hidden.statusCode());
        contains(hidden, "data-test=\"message-error\"", "account &#39;other&#39; does not exist");
        lacks(hidden, "secret-alert", "sessions open");

        // a viewer may look but not change: the platform's refusal is shown on the page, nothing changes
        Browser victor = browser("victor");
        String token = Browser.token(ok(victor.get(SHOP_APP)));
        HttpResponse<String> create = victor.post("/elasticity/alerts/create", "csrf", token, "account", "default",
                "name", "shop-app", "alert", "mine", "expression", "instances > 2", "every", "30s");
        assertEquals(SHOP_APP_PAGE + "#alerts", location(create));
        contains(ok(victor.get(SHOP_APP)), "viewers of account &#39;default&#39; may not create alerts");
        HttpResponse<String> policy = victor.post("/elasticity/policy/reset", "csrf", token, "account", "default",
                "name", "shop-app");
        assertEquals(SHOP_APP_PAGE + "#policy", location(policy));
        contains(ok(victor.get(SHOP_APP)), "viewers of account &#39;default&#39; may not reset scaling policies");
        assertEquals(List.of(), elasticity.changes);

        // a failure inside the platform: a message and the log, no stack trace on the page
        elasticity.refusals.put("decisions", new IllegalStateException("boom <secret-ish detail>"));
        HttpResponse<String> failed = alice.get(SHOP_APP);
        assertEquals(500, failed.statusCode());
        contains(failed, "This page failed inside the platform (IllegalStateException). See the Karaf log");
        lacks(failed, "boom", "at io.stratum", "ElasticityPages.java");
        elasticity.refusals.put("listAlerts", new IllegalStateException("boom"));
        HttpResponse<String> failedJson = alice.get("/elasticity.json?account=default&name=shop-app");
        assertEquals(500, failedJson.statusCode());
        assertEquals("INTERNAL", json(failedJson).get("error"));
        lacks(failedJson, "boom");
    }

    @Test
    public void theAlertsOverviewPutsAlarmsFirstAndFiltersByState() throws Exception {
        HttpResponse<String> all = ok(browser("admin").get("/alerts"));
        String body = all.body();
        assertTrue(body.indexOf("data-alert=\"secret-alert\"") < body.indexOf("data-alert=\"many-connections\""));
        assertTrue(body.indexOf("data-alert=\"high-load\"") < body.indexOf("data-alert=\"many-connections\""));
        assertTrue(body.indexOf("data-alert=\"many-connections\"") < body.indexOf("data-alert=\"slow\""));
        contains(all, "5 alerts: 2 in ALARM, 2 without data, 1 OK.", "id=\"account-filter\"");
        HttpResponse<String> ok = ok(browser("admin").get("/alerts?state=OK"));
        contains(ok, "data-alert=\"slow\"");
        lacks(ok, "data-alert=\"high-load\"", "data-alert=\"secret-alert\"");
        contains(ok(browser("admin").get("/alerts?account=other&state=OK")), "id=\"alerts-none\"",
                "No alerts in state OK.");
    }

    @Test
    public void creatingAnAlertPassesTheFormOnAndAnExpressionErrorKeepsItsCaretLine() throws Exception {
        Browser alice = browser("alice");
        String token = Browser.token(ok(alice.get(SHOP_APP)));
        HttpResponse<String> created = alice.post("/elasticity/alerts/create", "csrf", token, "account", "default",
                "name", "shop-app", "alert", "busy", "expression", "avg('http.requests.rate', '1m') > 50",
                "every", "1m", "actions", "scale-up\r\n\r\n  log \r\nemail:ops@example.com\r\n", "description", "");
        assertEquals(SHOP_APP_PAGE + "#alerts", location(created));
        assertEquals(List.of("createAlert default/shop-app/busy by alice (console)"), elasticity.changes);
        assertEquals(new AlertRequest("shop-app", "busy", "avg('http.requests.rate', '1m') > 50", Duration.ofMinutes(1),
                List.of("scale-up", "log", "email:ops@example.com"), null), elasticity.requests.get(0));
        contains(ok(alice.get(SHOP_APP)), "data-test=\"message-info\">Alert &#39;busy&#39; of &#39;shop-app&#39;"
                + " created, evaluated every 1m; it is NO_DATA until it is first evaluated.", "data-alert=\"busy\"");

        // the platform's message of a bad expression: preformatted, so the caret stays under the error
        String refusal = "at 5: unknown metric 'http.reqs'; the service has http.requests.rate\n"
                + "  avg('http.reqs', '1m') > 50\n"
                + "      ^";
        elasticity.refusals.put("createAlert", new PlatformException(Reason.INVALID, refusal));
        HttpResponse<String> refused = alice.post("/elasticity/alerts/create", "csrf", token, "account", "default",
                "name", "shop-app", "alert", "typo", "expression", "avg('http.reqs', '1m') > 50", "every", "10s",
                "actions", "webhook:https://hooks.example/T0/secret-token", "description", "a typo");
        String back = location(refused);
        assertEquals(SHOP_APP_PAGE + "#alerts", back);
        assertFalse("the form's values are not in the URL", back.contains("secret-token"));
        HttpResponse<String> page = ok(alice.get(back));
        contains(page, "<pre class=\"stratum-message stratum-error\" data-test=\"message-error\" role=\"alert\">"
                + "at 5: unknown metric &#39;http.reqs&#39;; the service has http.requests.rate\n"
                + "  avg(&#39;http.reqs&#39;, &#39;1m&#39;) &gt; 50\n"
                + "      ^</pre>",
                "name=\"alert\" data-test=\"alert-name\" required value=\"typo\"",
                ">avg(&#39;http.reqs&#39;, &#39;1m&#39;) &gt; 50</textarea>", "value=\"10s\"",
                ">webhook:https://hooks.example/T0/secret-token</textarea>", "value=\"a typo\"");
        HttpResponse<String> again = ok(alice.get(back));
        lacks(again, "secret-token", "value=\"typo\"", "data-test=\"message-error\""); // shown once
        contains(again, "value=\"30s\"");

        // what the console itself reads: a duration, a name
        HttpResponse<String> badEvery = alice.post("/elasticity/alerts/create", "csrf", token, "account", "default",
                "name", "shop-app", "alert", "x", "expression", "instances > 1", "every", "soon");
        contains(ok(alice.get(location(badEvery))), "Every takes a duration such as 500ms, 30s, 5m or 1h",
                "not &#39;soon&#39;");
        HttpResponse<String> noName = alice.post("/elasticity/alerts/create", "csrf", token, "account", "default",
                "name", "shop-app", "alert", " ", "expression", "instances > 1");
        contains(ok(alice.get(location(noName))), "The form lacks the alert&#39;s name");
        assertEquals(1, elasticity.changes.size());
    }

    @Test
    public void deletingAnAlertAndSettingAndResettingThePolicyGoThroughTheFacade() throws Exception {
        Browser alice = browser("alice");
        String token = Browser.token(ok(alice.get(SHOP_APP)));
        HttpResponse<String> deleted = alice.post("/elasticity/alerts/delete", "csrf", token, "account", "default",
                "name", "shop-app", "alert", "slow");
        assertEquals(SHOP_APP_PAGE + "#alerts", location(deleted));
        HttpResponse<String> after = ok(alice.get(SHOP_APP));
        contains(after, "Alert &#39;slow&#39; of &#39;shop-app&#39; deleted.");
        lacks(after, "data-alert=\"slow\"");

        String[] policy = {"csrf", token, "account", "default", "name", "shop-app", "enabled", "true", "metric",
            "process.cpu", "window", "2m", "target", "70.5", "tolerance", "0.2", "min", "2", "max", "6", "step", "2",
            "upCooldown", "0", "downCooldown", "90s", "stabilization", "PT5M", "onMissing", "HOLD", "fixedInstances", "3"};
        assertEquals(SHOP_APP_PAGE + "#policy", location(alice.post("/elasticity/policy/set", policy)));
        assertEquals(new PolicyDTO("shop-app", true, "process.cpu", Duration.ofMinutes(2), 70.5, 2, 6, 2, Duration.ZERO,
                Duration.ofSeconds(90), Duration.ofMinutes(5), 0.2, "HOLD", 0, null), elasticity.requests.get(0));
        contains(ok(alice.get(SHOP_APP)), "Scaling policy of &#39;shop-app&#39; set: enabled, 2 to 6 instances,"
                + " process.cpu near 70.5 per instance.", "data-test=\"policy-window\" value=\"2m\"",
                "data-test=\"policy-downCooldown\" value=\"90s\"", "data-test=\"policy-missing-hold\" checked");

        // unchecked means disabled; no metric means only alerts scale; FIXED takes its count
        String[] disabled = {"csrf", token, "account", "default", "name", "shop-app", "metric", "", "window", "1m",
            "target", "1", "tolerance", "0", "min", "1", "max", "1", "step", "1", "upCooldown", "30s", "downCooldown",
            "30s", "stabilization", "0s", "onMissing", "FIXED", "fixedInstances", "1"};
        location(alice.post("/elasticity/policy/set", disabled));
        assertEquals(new PolicyDTO("shop-app", false, null, Duration.ofMinutes(1), 1, 1, 1, 1, Duration.ofSeconds(30),
                Duration.ofSeconds(30), Duration.ZERO, 0, "FIXED", 1, null), elasticity.requests.get(1));

        // a field the console cannot read: named, the call not made, what was typed shown again
        String[] fifty = policy.clone();
        fifty[13] = "fifty";
        contains(ok(alice.get(location(alice.post("/elasticity/policy/set", fifty)))),
                "Target takes a number such as 50 or 0.1, not &#39;fifty&#39;",
                "data-test=\"policy-target\" value=\"fifty\"", "data-test=\"policy-max\" value=\"6\"",
                "data-test=\"policy-metric\" value=\"process.cpu\"");
        String[] noWindow = policy.clone();
        noWindow[11] = "";
        contains(ok(alice.get(location(alice.post("/elasticity/policy/set", noWindow)))),
                "The form lacks Window: fill it in and try again.");
        assertEquals(2, elasticity.requests.size());
        // the platform's refusal, naming the field
        elasticity.refusals.put("setPolicy", new PlatformException(Reason.INVALID, "max (1) must not be below min (2)"));
        contains(ok(alice.get(location(alice.post("/elasticity/policy/set", policy)))),
                "max (1) must not be below min (2)", "data-test=\"policy-stabilization\" value=\"PT5M\"");

        assertEquals(SHOP_APP_PAGE + "#policy", location(alice.post("/elasticity/policy/reset", "csrf", token,
                "account", "default", "name", "shop-app")));
        HttpResponse<String> reset = ok(alice.get(SHOP_APP));
        contains(reset, "The scaling policy of &#39;shop-app&#39; is the SDP&#39;s default again.",
                "data-source=\"none\"");
        assertEquals(List.of("deleteAlert default/shop-app/slow by alice (console)",
                "setPolicy default/shop-app by alice (console)", "setPolicy default/shop-app by alice (console)",
                "resetPolicy default/shop-app by alice (console)"), elasticity.changes);
    }

    @Test
    public void withoutTheElasticityBundleThePagesSaySo() throws Exception {
        server.close();
        server = new ConsoleServer(plugin(false), new TestRealm().security());
        Browser alice = browser("alice");
        HttpResponse<String> page = ok(alice.get(SHOP_APP));
        contains(page, "Elasticity of <span", "id=\"elasticity-unavailable\"", "need the elasticity bundle"
                + " (io.stratum.platform-elasticity), which is not installed or not active");
        lacks(page, "id=\"stratum-elasticity\"", "elasticity.js");
        contains(ok(alice.get("/alerts")), "id=\"elasticity-unavailable\"");
        HttpResponse<String> json = alice.get("/elasticity.json?account=default&name=shop-app");
        assertEquals(503, json.statusCode());
        assertEquals("UNAVAILABLE", json(json).get("error"));
        String token = Browser.token(ok(alice.get("/services")));
        HttpResponse<String> post = alice.post("/elasticity/alerts/create", "csrf", token, "account", "default",
                "name", "shop-app", "alert", "x", "expression", "instances > 1");
        contains(ok(alice.get(location(post))), "data-test=\"message-error\"", "need the elasticity bundle");
        HttpResponse<String> services = ok(alice.get("/services"));
        lacks(services, "<th>Elasticity</th>", "service-elasticity");
        contains(ok(alice.get("/service?account=default&name=shop-app")),
                "metrics, alerts and scaling policies need the elasticity bundle");
        assertEquals(List.of(), elasticity.callers);
    }

    @Test
    public void theScriptIsServedByThePluginAndWritesTextOnly() throws Exception {
        HttpResponse<String> js = ok(browser("alice").get("/res/elasticity.js"));
        assertTrue(js.headers().firstValue("Content-Type").orElseThrow().startsWith("application/javascript"));
        contains(js, "data-metrics-url", "createElementNS", "textContent");
        lacks(js, "<div id='content'>", "innerHTML", "insertAdjacentHTML", "eval(");
    }

    @Test
    public void thinningKeepsEachIntervalsMeanLeastAndGreatestValue() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        List<PointDTO> points = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            points.add(new PointDTO(start.plusSeconds(i), i, i - 0.5, i + 0.5));
        }
        assertEquals(points, ElasticityPages.thin(points, start, Duration.ofSeconds(10), 10));
        List<PointDTO> thinned = ElasticityPages.thin(points, start, Duration.ofSeconds(10), 2);
        assertEquals(List.of(new PointDTO(start, 2, -0.5, 4.5), new PointDTO(start.plusSeconds(5), 7, 4.5, 9.5)),
                thinned);
        // a point at the very end of the window, or before its start, stays within the bounds
        List<PointDTO> edges = List.of(new PointDTO(start.minusSeconds(3), 1, 1, 1), new PointDTO(start, 3, 3, 3),
                new PointDTO(start.plusSeconds(10), 8, 8, 8));
        assertEquals(List.of(new PointDTO(start.minusSeconds(3), 2, 1, 3), new PointDTO(start.plusSeconds(10), 8, 8, 8)),
                ElasticityPages.thin(edges, start, Duration.ofSeconds(10), 2));
    }

    @Test
    public void durationsReadAsTheOtherInterfacesTakeThem() {
        assertEquals(Duration.ofMillis(500), Durations.parse("Every", "500ms", false));
        assertEquals(Duration.ofSeconds(90), Durations.parse("Every", "1m30s", false));
        assertEquals(Duration.ofHours(1), Durations.parse("Every", " 1H ", false));
        assertEquals(Duration.ofSeconds(30), Durations.parse("Every", "PT30S", false));
        assertEquals(Duration.ZERO, Durations.parse("Cooldown", "0", true));
        assertEquals(Duration.ZERO, Durations.parse("Cooldown", "0s", true));
        for (String bad : List.of("0", "0s", "soon", "5", "-5s", "1y", "")) {
            try {
                Durations.parse("Every", bad, false);
                throw new AssertionError("'" + bad + "' was read");
            } catch (PlatformException e) {
                assertEquals(Reason.INVALID, e.reason());
                assertTrue(e.getMessage(), e.getMessage().startsWith("Every "));
            }
        }
        for (String s : List.of("500ms", "30s", "90s", "5m", "1h", "36h", "2d", "0s")) {
            assertEquals(s, Durations.format(Durations.parse("x", s, true)));
        }
        assertEquals("", Durations.format(null));
    }

    @Test
    public void jsonWritesDoublesAsNumbersAndNonFiniteOnesAsNull() {
        assertEquals("[1.5,-2.0E-5,1.0E20,null,null,3]", Json.write(List.of(1.5, -2.0E-5, 1.0E20, Double.NaN,
                Double.POSITIVE_INFINITY, 3L)));
        assertEquals(List.of(1.5, -2.0E-5, 1.0E20), List.of((Object[]) new JSON().fromJSON("[1.5,-2.0E-5,1.0E20]")));
    }
}
