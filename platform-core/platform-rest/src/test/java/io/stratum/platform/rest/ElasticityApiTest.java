package io.stratum.platform.rest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.stratum.platform.rest.RestServer.Response;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Metrics, alerts and scaling policies over HTTP ({@link FakeElasticity} behind the servlet): what each route asks the
 * facade and answers, that every refusal (400 before the facade is asked, 403, 404, 409 and 422 from it) changes
 * nothing, that another account's services are 404 exactly as services that do not exist, and that without the
 * elasticity bundle these routes are 503 while the rest of the API works.
 */
public class ElasticityApiTest {

    private static final String ALERT = "{\"name\": \"busy\", \"expression\": \"avg('http.requests.rate', '1m') > 50 "
            + "&& instances < 4\", \"every\": \"10s\", \"actions\": [\"scale-up\", \"email:ops@example.com\"], "
            + "\"description\": \"many requests\"}";

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
        return server.elasticity.calls.contains(call);
    }

    // ------------------------------------------------------------------ metrics

    @Test
    public void theCatalogListsEveryMetricWithItsUnitAndWithAWindowItsValues() {
        Response catalog = server.get("alice", "/services/db1/metrics?account=blue");
        assertEquals(catalog.toString(), 200, catalog.status());
        assertEquals(3, catalog.json().size());
        JsonNode requests = catalog.json().get(1);
        assertEquals(FakeElasticity.REQUESTS, requests.path("metric").asText());
        assertEquals("req/s", requests.path("unit").asText());
        assertEquals("db1", requests.path("service").asText());
        assertEquals(0, requests.path("points").size());
        assertFalse("no series is read without a window", server.elasticity.calls.stream()
                .anyMatch(c -> c.contains("series")));

        Response values = server.get("alice", "/services/db1/metrics?account=blue&window=5m");
        assertEquals(values.toString(), 200, values.status());
        assertEquals(3, values.json().size());
        for (JsonNode m : values.json()) {
            assertEquals(m.toString(), 5, m.path("points").size()); // one a minute over the last five minutes
        }
        assertTrue(called("alice rest: series [blue, db1, http.requests.rate, PT5M]"));

        server.elasticity.vanished = FakeElasticity.CPU; // its source went away after the catalog was read
        Response partly = server.get("alice", "/services/db1/metrics?account=blue&window=5m");
        assertEquals(partly.toString(), 200, partly.status());
        assertEquals(3, partly.json().size());
        assertEquals(FakeElasticity.CPU, partly.json().get(2).path("metric").asText());
        assertEquals("%", partly.json().get(2).path("unit").asText());
        assertEquals(0, partly.json().get(2).path("points").size());
        assertEquals(5, partly.json().get(1).path("points").size());
    }

    @Test
    public void aSeriesIsReadByItsDottedNameWithTheWindowAskedOrTenMinutes() {
        Response r = server.get("alice", "/services/db1/metrics/http.requests.rate?account=blue&window=3m");
        assertEquals(r.toString(), 200, r.status());
        assertEquals("http.requests.rate", r.json().path("metric").asText());
        assertTrue(called("alice rest: series [blue, db1, http.requests.rate, PT3M]"));
        JsonNode points = r.json().path("points");
        assertEquals(3, points.size());
        assertEquals("2026-11-22T10:08:00Z", points.get(0).path("at").asText()); // oldest first
        assertEquals(70.5, points.get(0).path("value").asDouble(), 0);
        assertEquals(90.5, points.get(2).path("max").asDouble(), 0);

        Response all = server.get("alice", "/services/db1/metrics/http.latency.p95.ms?account=blue");
        assertEquals(all.toString(), 200, all.status());
        assertTrue(called("alice rest: series [blue, db1, http.latency.p95.ms, PT10M]"));
        assertEquals(10, all.json().path("points").size());
        JsonNode nan = all.json().path("points").get(0);
        assertTrue("a value that is not a number is null: " + nan, nan.path("value").isNull());
        assertTrue(nan.path("min").isNull());

        Response iso = server.get("alice", "/services/db1/metrics/process.cpu?account=blue&window=PT1M");
        assertEquals(1, iso.json().path("points").size());
    }

    @Test
    public void metricRefusalsChangeNothing() {
        Response unknown = refused(404, "NOT_FOUND", () -> server.get("alice",
                "/services/db1/metrics/http.nothing.rate?account=blue"));
        assertTrue(unknown.toString(), unknown.json().path("message").asText().contains("'http.nothing.rate'"));
        Response badWindow = refused(400, "INVALID_REQUEST", () -> server.get("alice",
                "/services/db1/metrics/process.cpu?account=blue&window=soon"));
        assertTrue(badWindow.toString(), badWindow.json().path("message").asText().contains("'window'"));
        refused(400, "INVALID_REQUEST", () -> server.get("alice", "/services/db1/metrics?account=blue&window=-1m"));
        refused(400, "INVALID_REQUEST", () -> server.get("alice", "/services/db1/metrics?account=blue&from=1h"));
        refused(422, "INVALID", () -> server.get("alice", "/services/db1/metrics/process.cpu?account=blue&window=0"));
        refused(404, "NOT_FOUND", () -> server.get("alice", "/services/nope/metrics?account=blue"));
        refused(404, "NOT_FOUND", () -> server.get("alice", "/services/db1/metrics/process.cpu/more?account=blue"));
    }

    // ------------------------------------------------------------------ alerts

    @Test
    public void anAlertIsCreatedListedReadAndDeleted() {
        Response created = server.post("alice", "/services/db1/alerts?account=blue", ALERT);
        assertEquals(created.toString(), 201, created.status());
        assertEquals("/api/v1/services/db1/alerts/busy?account=blue", created.header("Location"));
        JsonNode a = created.json();
        assertEquals("busy", a.path("name").asText());
        assertEquals("PT10S", a.path("every").asText());
        assertEquals("NO_DATA", a.path("state").asText());
        assertEquals(List.of("scale-up", "email:ops@example.com"), List.of(a.path("actions").get(0).asText(),
                a.path("actions").get(1).asText()));
        assertTrue(a.path("evaluatedAt").isNull());
        assertTrue(server.elasticity.calls.toString(), called("alice rest: createAlert [blue, AlertRequest["
                + "service=db1, name=busy, expression=avg('http.requests.rate', '1m') > 50 && instances < 4, "
                + "every=PT10S, actions=[scale-up, email:ops@example.com], description=many requests]]"));

        Response one = server.get("alice", created.header("Location").substring("/api/v1".length()));
        assertEquals(one.toString(), 200, one.status());
        assertEquals(a, one.json());
        Response list = server.get("alice", "/services/db1/alerts?account=blue");
        assertEquals(2, list.json().size()); // with the SDP's high-load
        Response account = server.get("alice", "/alerts");
        assertEquals(2, account.json().size());
        assertTrue(called("alice rest: listAlerts [null, null]"));

        Response plain = server.post("alice", "/services/db1/alerts?account=blue", "{\"name\": \"quiet\", "
                + "\"expression\": \"avg('http.requests.rate', '5m') < 1\"}");
        assertEquals(plain.toString(), 201, plain.status());
        assertEquals("PT30S", plain.json().path("every").asText());
        assertEquals(0, plain.json().path("actions").size());
        assertTrue(plain.json().path("description").isNull());
        Response iso = server.post("alice", "/services/db1/alerts?account=blue", "{\"name\": \"slow\", "
                + "\"expression\": \"p95('http.latency.p95.ms', '1m') > 500\", \"every\": \"PT1M\"}");
        assertEquals("PT1M", iso.json().path("every").asText());

        Response gone = server.delete("alice", "/services/db1/alerts/busy?account=blue");
        assertEquals(gone.toString(), 204, gone.status());
        assertEquals("", gone.body());
        assertTrue(called("alice rest: deleteAlert [blue, db1, busy]"));
        refused(404, "NOT_FOUND", () -> server.get("alice", "/services/db1/alerts/busy?account=blue"));
        refused(404, "NOT_FOUND", () -> server.delete("alice", "/services/db1/alerts/busy?account=blue"));
    }

    @Test
    public void anAlertsHistoryIsNewestFirstWithItsValuesAndActions() {
        server.elasticity.transition("blue", "db1", "high-load", "OK", Map.of("instances", 2.0));
        Response all = server.get("alice", "/services/db1/alerts/high-load/history?account=blue");
        assertEquals(all.toString(), 200, all.status());
        assertTrue(called("alice rest: alertHistory [blue, db1, high-load, 20]"));
        assertEquals(2, all.json().size());
        assertEquals("OK", all.json().get(0).path("to").asText());
        JsonNode alarm = all.json().get(1);
        assertEquals("ALARM", alarm.path("to").asText());
        assertEquals(130.2, alarm.path("values").path("avg('http.requests.rate','1m')").asDouble(), 0);
        assertTrue(alarm.path("values").path("p95('http.latency.p95.ms','1m')").isNull());
        assertEquals("log: logged", alarm.path("actions").get(0).asText());
        Response one = server.get("alice", "/services/db1/alerts/high-load/history?account=blue&limit=1");
        assertEquals(1, one.json().size());
        assertEquals("OK", one.json().get(0).path("to").asText());
        Response state = server.get("alice", "/services/db1/alerts/high-load?account=blue");
        assertEquals("OK", state.json().path("state").asText());
        refused(400, "INVALID_REQUEST", () -> server.get("alice",
                "/services/db1/alerts/high-load/history?account=blue&limit=many"));
        refused(404, "NOT_FOUND", () -> server.get("alice", "/services/db1/alerts/nope/history?account=blue"));
    }

    @Test
    public void alertRefusalsChangeNothingAndAnExpressionErrorKeepsItsPosition() {
        String path = "/services/db1/alerts?account=blue";
        refused(400, "MALFORMED_JSON", () -> server.post("alice", path, "{\"name\": \"busy\","));
        refused(400, "INVALID_REQUEST", () -> server.post("alice", path, "{\"name\": \"busy\"}"));
        refused(400, "INVALID_REQUEST", () -> server.post("alice", path, "{\"expression\": \"instances > 1\"}"));
        refused(400, "INVALID_REQUEST", () -> server.post("alice", path, "{\"name\": \"busy\", \"expression\": "
                + "\"instances > 1\", \"every\": 30}"));
        refused(400, "INVALID_REQUEST", () -> server.post("alice", path, "{\"name\": \"busy\", \"expression\": "
                + "\"instances > 1\", \"actions\": \"log\"}"));
        refused(400, "INVALID_REQUEST", () -> server.post("alice", path, "{\"name\": \"busy\", \"expression\": "
                + "\"instances > 1\", \"actions\": [null]}"));
        refused(400, "INVALID_REQUEST", () -> server.post("alice", path, "{\"name\": \"busy\", \"expression\": "
                + "\"instances > 1\", \"service\": \"db1\"}"));
        Response every = refused(400, "INVALID_REQUEST", () -> server.post("alice", path, "{\"name\": \"busy\", "
                + "\"expression\": \"instances > 1\", \"every\": \"now and then\"}"));
        assertTrue(every.toString(), every.json().path("message").asText().startsWith("field 'every' takes a "
                + "duration"));
        assertFalse("nothing reached the facade", server.elasticity.calls.stream()
                .anyMatch(c -> c.contains("createAlert")));

        String expression = "avg('http.requests.rate', '1m') > 50 && avg('http.nothing', '1m') > 1";
        Response bad = refused(422, "INVALID", () -> server.post("alice", path, "{\"name\": \"busy\", "
                + "\"expression\": \"" + expression + "\"}"));
        assertEquals("at 45: unknown metric 'http.nothing'\n  " + expression + "\n  " + " ".repeat(44) + "^",
                bad.json().path("message").asText());
        refused(422, "INVALID", () -> server.post("alice", path, "{\"name\": \"busy\", \"expression\": "
                + "\"instances > 1\", \"actions\": [\"page-me\"]}"));
        refused(422, "INVALID", () -> server.post("alice", path, "{\"name\": \"busy\", \"expression\": "
                + "\"instances > 1\", \"every\": \"0\"}"));
        refused(409, "ALREADY_EXISTS", () -> server.post("alice", path, "{\"name\": \"high-load\", "
                + "\"expression\": \"instances > 1\"}"));
        refused(403, "FORBIDDEN", () -> server.post("vera", path, ALERT));
        refused(403, "FORBIDDEN", () -> server.delete("vera", "/services/db1/alerts/high-load?account=blue"));
        refused(415, "UNSUPPORTED_MEDIA_TYPE", () -> server.raw("POST", "alice", path, "text/plain", ALERT));
    }

    @Test
    public void anotherAccountsAlertsAreNotFoundAsWhatDoesNotExist() {
        Response theirs = refused(404, "NOT_FOUND", () -> server.get("bob",
                "/services/db1/alerts/high-load?account=blue"));
        Response none = refused(404, "NOT_FOUND", () -> server.get("bob",
                "/services/db1/alerts/high-load?account=nope"));
        assertEquals(none.body().replace("nope", "blue"), theirs.body());
        refused(404, "NOT_FOUND", () -> server.get("bob", "/services/db1/alerts?account=blue"));
        refused(404, "NOT_FOUND", () -> server.get("bob", "/alerts?account=blue"));
        refused(404, "NOT_FOUND", () -> server.get("bob", "/services/db1/alerts/high-load/history?account=blue"));
        refused(404, "NOT_FOUND", () -> server.post("bob", "/services/db1/alerts?account=blue", ALERT));
        refused(404, "NOT_FOUND", () -> server.delete("bob", "/services/db1/alerts/high-load?account=blue"));
        refused(404, "NOT_FOUND", () -> server.get("bob", "/services/db1/metrics?account=blue"));
        refused(404, "NOT_FOUND", () -> server.get("bob", "/services/db1/metrics/process.cpu?account=blue"));
        refused(404, "NOT_FOUND", () -> server.get("bob", "/services/db1/policy?account=blue"));
        refused(404, "NOT_FOUND", () -> server.json("PUT", "bob", "/services/db1/policy?account=blue",
                "{\"enabled\": true}"));
        refused(404, "NOT_FOUND", () -> server.delete("bob", "/services/db1/policy?account=blue"));
        refused(404, "NOT_FOUND", () -> server.get("bob", "/services/db1/policy/decisions?account=blue"));
        assertEquals(0, server.get("bob", "/alerts").json().size()); // bob's own account, red, has none
    }

    // ------------------------------------------------------------------ policies

    @Test
    public void aPolicyPutKeepsTheFieldsItLeavesOutAndIsResetToTheSdpsDefault() {
        Response sdp = server.get("alice", "/services/db1/policy?account=blue");
        assertEquals(sdp.toString(), 200, sdp.status());
        assertEquals("sdp", sdp.json().path("source").asText());
        assertEquals("PT1M", sdp.json().path("window").asText());
        assertEquals("PT30S", sdp.json().path("scaleUpCooldown").asText());

        Response set = server.json("PUT", "alice", "/services/db1/policy?account=blue", "{\"enabled\": true, "
                + "\"max\": 6, \"scaleUpCooldown\": \"45s\", \"target\": 40}");
        assertEquals(set.toString(), 200, set.status());
        JsonNode p = set.json();
        assertEquals("account", p.path("source").asText());
        assertTrue(p.path("enabled").asBoolean());
        assertEquals(6, p.path("max").asInt());
        assertEquals(40.0, p.path("target").asDouble(), 0);
        assertEquals("PT45S", p.path("scaleUpCooldown").asText());
        assertEquals("kept from the SDP's default", "http.requests.rate", p.path("metric").asText());
        assertEquals("PT1M", p.path("window").asText());
        assertEquals(1, p.path("min").asInt());
        assertEquals(0.1, p.path("tolerance").asDouble(), 0);
        assertEquals("PT1M", p.path("scaleDownCooldown").asText());
        assertEquals(p, server.get("alice", "/services/db1/policy?account=blue").json());

        // what GET answers can be sent back as it is, a field changed
        String back = server.get("alice", "/services/db1/policy?account=blue").body()
                .replace("\"min\":1", "\"min\":2").replace("\"onMissing\":\"HOLD\"", "\"onMissing\":\"FIXED\"")
                .replace("\"fixedInstances\":0", "\"fixedInstances\":3");
        Response round = server.json("PUT", "alice", "/services/db1/policy?account=blue", back);
        assertEquals(round.toString(), 200, round.status());
        assertEquals(2, round.json().path("min").asInt());
        assertEquals("FIXED", round.json().path("onMissing").asText());
        assertEquals(3, round.json().path("fixedInstances").asInt());
        assertEquals("PT45S", round.json().path("scaleUpCooldown").asText());

        Response noMetric = server.json("PUT", "alice", "/services/db1/policy?account=blue", "{\"metric\": null, "
                + "\"scaleDownStabilization\": \"0\", \"window\": \"PT2M\"}");
        assertEquals(noMetric.toString(), 200, noMetric.status());
        assertTrue(noMetric.json().path("metric").isNull());
        assertEquals("PT0S", noMetric.json().path("scaleDownStabilization").asText());
        assertEquals("PT2M", noMetric.json().path("window").asText());
        assertEquals(6, noMetric.json().path("max").asInt());
        Response empty = server.json("PUT", "alice", "/services/db1/policy?account=blue", "{\"metric\": \"\"}");
        assertTrue(empty.json().path("metric").isNull());

        Response reset = server.delete("alice", "/services/db1/policy?account=blue");
        assertEquals(reset.toString(), 200, reset.status());
        assertEquals("sdp", reset.json().path("source").asText());
        assertEquals(sdp.json(), reset.json());
        assertTrue(called("alice rest: resetPolicy [blue, db1]"));
        refused(404, "NOT_FOUND", () -> server.delete("alice", "/services/db1/policy?account=blue"));
    }

    @Test
    public void policyRefusalsChangeNothing() {
        String path = "/services/db1/policy?account=blue";
        server.json("PUT", "alice", path, "{\"enabled\": true}");
        refused(400, "MALFORMED_JSON", () -> server.json("PUT", "alice", path, "{\"enabled\": tru}"));
        refused(400, "INVALID_REQUEST", () -> server.json("PUT", "alice", path, "{\"min\": \"2\"}"));
        refused(400, "INVALID_REQUEST", () -> server.json("PUT", "alice", path, "{\"min\": 1.5}"));
        refused(400, "INVALID_REQUEST", () -> server.json("PUT", "alice", path, "{\"enabled\": \"yes\"}"));
        refused(400, "INVALID_REQUEST", () -> server.json("PUT", "alice", path, "{\"window\": 60}"));
        refused(400, "INVALID_REQUEST", () -> server.json("PUT", "alice", path, "{\"metric\": 5}"));
        refused(400, "INVALID_REQUEST", () -> server.json("PUT", "alice", path, "{\"metric\": [\"process.cpu\"]}"));
        refused(400, "INVALID_REQUEST", () -> server.json("PUT", "alice", path, "{\"cooldown\": \"30s\"}"));
        refused(400, "INVALID_REQUEST", () -> server.json("PUT", "alice", path, null));
        Response duration = refused(400, "INVALID_REQUEST", () -> server.json("PUT", "alice", path,
                "{\"max\": 8, \"scaleDownCooldown\": \"a while\"}"));
        assertTrue(duration.toString(), duration.json().path("message").asText().contains("'scaleDownCooldown'"));
        Response other = refused(400, "INVALID_REQUEST", () -> server.json("PUT", "alice", path,
                "{\"service\": \"db2\", \"max\": 8}"));
        assertTrue(other.toString(), other.json().path("message").asText().contains("'db1'"));
        assertFalse("nothing reached the facade's setPolicy after the first", server.elasticity.calls.stream()
                .filter(c -> c.contains("setPolicy")).count() > 1);

        Response bounds = refused(422, "INVALID", () -> server.json("PUT", "alice", path, "{\"min\": 5, "
                + "\"max\": 3}"));
        assertTrue(bounds.toString(), bounds.json().path("message").asText().startsWith("max "));
        refused(422, "INVALID", () -> server.json("PUT", "alice", path, "{\"onMissing\": \"FIXED\"}"));
        refused(422, "INVALID", () -> server.json("PUT", "alice", path, "{\"onMissing\": \"guess\"}"));
        refused(422, "INVALID", () -> server.json("PUT", "alice", path, "{\"metric\": \"http.nothing\"}"));
        refused(403, "FORBIDDEN", () -> server.json("PUT", "vera", path, "{\"max\": 8}"));
        refused(403, "FORBIDDEN", () -> server.delete("vera", path));
        assertEquals(200, server.get("vera", path).status()); // viewers look
    }

    @Test
    public void decisionsAreNewestFirstAndLimited() {
        Response r = server.get("alice", "/services/db1/policy/decisions?account=blue");
        assertEquals(r.toString(), 200, r.status());
        assertTrue(called("alice rest: decisions [blue, db1, 10]"));
        assertEquals(2, r.json().size());
        assertEquals("HELD", r.json().get(0).path("outcome").asText());
        assertTrue(r.json().get(0).path("jobId").isNull());
        assertEquals("7", r.json().get(1).path("jobId").asText());
        Response one = server.get("alice", "/services/db1/policy/decisions?account=blue&limit=1");
        assertEquals(1, one.json().size());
        assertTrue(called("alice rest: decisions [blue, db1, 1]"));
    }

    // ------------------------------------------------------------------ without the bundle

    @Test
    public void withoutTheElasticityBundleItsRoutesAre503AndTheRestWorks() {
        server.elastic = false;
        for (String[] call : new String[][] {{"GET", "/services/db1/metrics?account=blue", null},
                {"GET", "/services/db1/metrics/process.cpu?account=blue", null},
                {"GET", "/alerts", null}, {"GET", "/services/db1/alerts?account=blue", null},
                {"POST", "/services/db1/alerts?account=blue", ALERT},
                {"GET", "/services/db1/alerts/high-load?account=blue", null},
                {"GET", "/services/db1/alerts/high-load/history?account=blue", null},
                {"DELETE", "/services/db1/alerts/high-load?account=blue", null},
                {"GET", "/services/db1/policy?account=blue", null},
                {"PUT", "/services/db1/policy?account=blue", "{\"max\": 8}"},
                {"DELETE", "/services/db1/policy?account=blue", null},
                {"GET", "/services/db1/policy/decisions?account=blue", null}}) {
            Response r = refused(503, "UNAVAILABLE", () -> server.json(call[0], "alice", call[1], call[2]));
            assertTrue(r.toString(), r.json().path("message").asText().contains("platform-elasticity"));
            assertEquals("10", r.header("Retry-After"));
        }
        assertTrue(server.elasticity.calls.isEmpty());
        assertEquals(200, server.get("alice", "/services").status());
        // a malformed request is still told so first
        refused(400, "INVALID_REQUEST", () -> server.post("alice", "/services/db1/alerts?account=blue", "{}"));
        server.elastic = true;
        assertEquals(200, server.get("alice", "/services/db1/policy?account=blue").status());
    }
}
