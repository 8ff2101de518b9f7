package io.stratum.platform.elasticity.internal.alert;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.AccountVersionDTO;
import io.stratum.platform.api.AccountVersionDTO.ChangeDTO;
import io.stratum.platform.api.AlertDTO;
import io.stratum.platform.api.AlertRequest;
import io.stratum.platform.api.AlertTransitionDTO;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.PlatformEvents;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.elasticity.internal.ElasticitySettings;
import io.stratum.platform.elasticity.internal.FakeServices;
import io.stratum.platform.elasticity.internal.RealStore;
import io.stratum.platform.elasticity.internal.TestClock;
import io.stratum.platform.elasticity.internal.series.TimeSeriesStore;
import io.stratum.platform.spi.AlertAction;
import io.stratum.platform.spi.AlertAction.Firing;
import io.stratum.platform.spi.ManagedService;
import io.stratum.sme.api.descriptor.ElasticitySpec;
import io.stratum.sme.api.descriptor.ElasticitySpec.AlertSpec;
import io.stratum.sme.api.metrics.MetricInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.service.event.Event;

/**
 * Alerts on the real store and time series with a clock the test moves: the state machine (OK, ALARM, NO_DATA) and
 * what each transition records, actions run on entering and leaving ALARM with their outcomes, refusals at creation,
 * the account's versions, default alerts, and the alerts of deleted services.
 */
public class AlertsTest {

    private static final Duration TEN_S = Duration.ofSeconds(10);
    private static final String RATE = "http.requests.rate";
    private static final String BUSY = "avg('http.requests.rate', '1m') > 50 && instances < 4";
    private static final String KEY = "avg('http.requests.rate','1m')";

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeServices services = new FakeServices();
    private final Set<String> metrics = ConcurrentHashMap.newKeySet();
    private final List<Firing> fired = Collections.synchronizedList(new ArrayList<>());
    private RealStore real;
    private TimeSeriesStore series;
    private AlertActions actions;
    private Alerts alerts;
    private String acme;
    private ManagedService app;

    @Before
    public void setUp() throws Exception {
        real = new RealStore(tmp.newFolder("home").toPath());
        acme = real.account("acme");
        app = services.add("app-id", acme, "acme", "app", "appserver", "1.0.0", 1, ServiceState.RUNNING);
        metrics.add(RATE);
        metrics.add("cpu");
        series = new TimeSeriesStore(tmp.newFolder("series").toPath(), ElasticitySettings.DEFAULTS, clock, services);
        actions = new AlertActions(Duration.ofSeconds(5));
        actions.addAction(new ReportingAction() {
            @Override
            public void validate(String argument) {
            }

            @Override
            public String report(Firing firing) {
                fired.add(firing);
                return "job 42";
            }
        }, Map.of(AlertAction.NAME, "scale-up"));
        actions.addAction(new AlertAction() {
            @Override
            public void validate(String argument) {
                if (!argument.contains("@")) {
                    throw new IllegalArgumentException("'" + argument + "' is not an email address");
                }
            }

            @Override
            public void run(Firing firing) throws Exception {
                fired.add(firing);
                throw new java.io.IOException("connection refused");
            }
        }, Map.of(AlertAction.NAME, "email"));
        actions.addAction(new AlertAction() {
            @Override
            public void validate(String argument) {
            }

            @Override
            public void run(Firing firing) {
                fired.add(firing);
            }
        }, Map.of(AlertAction.NAME, "log"));
        alerts = newAlerts();
    }

    private Alerts newAlerts() {
        return new Alerts(real.data, real.scopes, services, s -> Set.copyOf(metrics), series, actions,
                Duration.ofHours(24), clock, false);
    }

    @After
    public void tearDown() {
        alerts.deactivate();
        actions.deactivate();
        real.close();
    }

    private static final Caller ALICE = Caller.user("alice", Caller.VIA_REST);

    private AlertDTO create(String name, String expression, List<String> actionSpecs) {
        return alerts.create(ALICE, app, new AlertRequest("app", name, expression, null, actionSpecs, "busy"));
    }

    private void sample(double value) {
        clock.advance(TEN_S);
        series.record("app-id", RATE, value, TEN_S);
    }

    private AlertDTO alert(String name) {
        return alerts.list(app).stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private static Map<String, Double> values(Object... kv) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], ((Number) kv[i + 1]).doubleValue());
        }
        return m;
    }

    @Test
    public void okAlarmAndNoDataAreRecordedWithTheValuesAndActionsRunOnEnteringAndLeavingAlarm() throws Exception {
        AlertDTO created = create("busy", BUSY, List.of("scale-up", "email:ops@example.com"));
        assertEquals("NO_DATA", created.state());
        assertEquals(Duration.ofSeconds(30), created.every());
        assertEquals("user", created.origin());
        alerts.evaluateAll();
        assertTrue("no sample yet: still NO_DATA, nothing recorded", alerts.history(app, "busy", 0).isEmpty());

        sample(62.5);
        alerts.evaluateAll();
        AlertDTO alarm = alert("busy");
        assertEquals("ALARM", alarm.state());
        assertEquals(clock.instant(), alarm.since());
        assertEquals(values(KEY, 62.5, "instances", 1), alarm.values());
        await("the actions' outcomes", () -> !alerts.history(app, "busy", 1).get(0).actions().get(0)
                .endsWith("running"));
        AlertTransitionDTO toAlarm = alerts.history(app, "busy", 1).get(0);
        assertEquals("NO_DATA", toAlarm.from());
        assertEquals("ALARM", toAlarm.to());
        assertEquals(values(KEY, 62.5, "instances", 1), toAlarm.values());
        assertEquals("true with avg('http.requests.rate','1m') = 62.5, instances = 1", toAlarm.message());
        assertEquals(List.of("scale-up: job 42", "email: failed: connection refused"), toAlarm.actions());
        Firing scale = fired.get(0);
        assertEquals("NO_DATA", scale.from());
        assertEquals("ALARM", scale.to());
        assertEquals("busy", scale.alert());
        assertEquals("acme", scale.account());
        assertEquals("app", scale.service());
        assertEquals(values(KEY, 62.5, "instances", 1), scale.values());
        assertEquals(Set.of("", "ops@example.com"), Set.of(fired.get(0).argument(), fired.get(1).argument()));

        // still above: no transition, no action
        sample(70);
        alerts.evaluateAll();
        assertEquals(1, alerts.history(app, "busy", 0).size());
        assertEquals(2, fired.size());
        assertEquals(66.25, alert("busy").values().get(KEY), 1e-9);

        // the load goes: leaving ALARM runs the actions too
        clock.advance(Duration.ofMinutes(1));
        sample(10);
        alerts.evaluateAll();
        assertEquals("OK", alert("busy").state());
        await("the actions of leaving ALARM", () -> fired.size() == 4);
        assertEquals("ALARM", fired.get(3).from());
        assertEquals("OK", fired.get(3).to());
        AlertTransitionDTO toOk = alerts.history(app, "busy", 1).get(0);
        assertEquals(values(KEY, 10, "instances", 1), toOk.values());
        assertEquals("false with avg('http.requests.rate','1m') = 10, instances = 1", toOk.message());

        // the source goes: NO_DATA, which runs no action from OK
        clock.advance(Duration.ofMinutes(2));
        alerts.evaluateAll();
        AlertTransitionDTO toNoData = alerts.history(app, "busy", 1).get(0);
        assertEquals("OK", toNoData.from());
        assertEquals("NO_DATA", toNoData.to());
        assertEquals("no data: no sample of 'http.requests.rate' in the last 1m", toNoData.message());
        assertEquals(values("instances", 1), toNoData.values());
        assertEquals(List.of(), toNoData.actions());
        assertEquals(List.of("NO_DATA", "OK", "ALARM"), alerts.history(app, "busy", 0).stream()
                .map(AlertTransitionDTO::to).toList());
        assertEquals(4, fired.size());

        // instances count: at 4 instances the same load is no alarm
        services.add("app-id", acme, "acme", "app", "appserver", "1.0.0", 4, ServiceState.RUNNING);
        sample(80);
        alerts.evaluateAll();
        assertEquals("OK", alert("busy").state());
        assertEquals(values(KEY, 80, "instances", 4), alert("busy").values());
    }

    @Test
    public void aRestartedPlatformGoesOnFromTheStoredStateWithoutRunningActionsAgain() throws Exception {
        create("busy", BUSY, List.of("log"));
        sample(62.5);
        alerts.evaluateAll();
        await("the action", () -> fired.size() == 1);
        alerts.deactivate();

        alerts = newAlerts();
        AlertDTO after = alert("busy");
        assertEquals("ALARM", after.state());
        assertEquals(values(KEY, 62.5, "instances", 1), after.values());
        sample(65);
        alerts.evaluateAll();
        assertEquals(1, alerts.history(app, "busy", 0).size());
        assertEquals(1, fired.size());
    }

    @Test
    public void badAlertsAreRefusedWhenCreated() {
        PlatformException expression = assertThrows(PlatformException.class, () -> create("a",
                "avg('cpu', '1m') > 1 && max('nope', '5m') > 2", List.of()));
        assertEquals(Reason.INVALID, expression.reason());
        assertTrue(expression.getMessage(), expression.getMessage().startsWith("at 29: unknown metric 'nope'"));
        PlatformException unknownAction = assertThrows(PlatformException.class, () -> create("a", BUSY,
                List.of("page-someone")));
        assertEquals(Reason.INVALID, unknownAction.reason());
        assertEquals("unknown action 'page-someone'; the actions are email, log, scale-up",
                unknownAction.getMessage());
        PlatformException badArgument = assertThrows(PlatformException.class, () -> create("a", BUSY,
                List.of("email:nobody")));
        assertEquals("action 'email': 'nobody' is not an email address", badArgument.getMessage());
        PlatformException badName = assertThrows(PlatformException.class, () -> create("no spaces", BUSY,
                List.of()));
        assertEquals(Reason.INVALID, badName.reason());
        PlatformException badEvery = assertThrows(PlatformException.class, () -> alerts.create(ALICE, app,
                new AlertRequest("app", "a", BUSY, Duration.ofMillis(10), List.of(), null)));
        assertTrue(badEvery.getMessage(), badEvery.getMessage().contains("every must be between 1s and 1h"));
        assertTrue(alerts.list(app).isEmpty());

        create("a", BUSY, List.of());
        PlatformException twice = assertThrows(PlatformException.class, () -> create("a", BUSY, List.of()));
        assertEquals(Reason.ALREADY_EXISTS, twice.reason());
    }

    @Test
    public void creatingAndDeletingAreVersionsOfTheAccount() {
        long before = real.versions(acme).size();
        create("busy", BUSY, List.of("scale-up", "email:ops@example.com"));
        AccountVersionDTO created = real.versions(acme).get(0);
        assertEquals("alice", created.user());
        assertEquals("alert 'app/busy' created", created.summary());
        assertEquals(List.of(new ChangeDTO("alert", "app/busy", "*", null, "exists"),
                new ChangeDTO("alert", "app/busy", "expression", null, BUSY),
                new ChangeDTO("alert", "app/busy", "every", null, "30s"),
                new ChangeDTO("alert", "app/busy", "actions", null, "scale-up, email:ops@example.com")),
                created.changes());

        alerts.delete(ALICE, app, "busy");
        AccountVersionDTO deleted = real.versions(acme).get(0);
        assertEquals("alert 'app/busy' deleted", deleted.summary());
        assertEquals(new ChangeDTO("alert", "app/busy", "*", "exists", null), deleted.changes().get(0));
        assertEquals(before + 2, real.versions(acme).size());
        assertTrue(alerts.list(app).isEmpty());
        assertEquals(Reason.NOT_FOUND, assertThrows(PlatformException.class,
                () -> alerts.history(app, "busy", 0)).reason());
        assertEquals(Reason.NOT_FOUND, assertThrows(PlatformException.class,
                () -> alerts.delete(ALICE, app, "busy")).reason());
    }

    @Test
    public void secretsOfActionArgumentsStayOutOfTheAccountHistory() {
        assertEquals("webhook:https://hooks.example.com/x?…", Alerts.withoutSecrets(
                "webhook:https://user:pw@hooks.example.com/x?token=s3cret"));
        assertEquals("email:ops@example.com", Alerts.withoutSecrets("email:ops@example.com"));
    }

    @Test
    public void eachServiceGetsItsSdpsDefaultAlertsOnceAndABadOneIsSkipped() throws Exception {
        services.sdp("appserver", "1.0.0", new ElasticitySpec(List.of(new MetricInfo(RATE, "req/s", "")), List.of(
                new AlertSpec("busy", BUSY, "15s", List.of("log"), "many requests"),
                new AlertSpec("slow", "p95('http.latency.p95', '5m') > 500", null, List.of(), "slow"),
                new AlertSpec("broken", "avg('cpu', '1m') >", "30s", List.of(), "a bad default")), null));
        alerts.reconcile();
        AlertDTO busy = alert("busy");
        assertEquals("sdp", busy.origin());
        assertEquals(Duration.ofSeconds(15), busy.every());
        assertEquals(List.of("log"), busy.actions());
        assertEquals(List.of("busy"), alerts.list(app).stream().map(AlertDTO::name).toList());
        assertTrue(real.versions(acme).get(0).user().equals("system:elasticity"));

        // the latency metric comes with a gatherer: the waiting default is made then
        metrics.add("http.latency.p95");
        alerts.reconcile();
        assertEquals(List.of("busy", "slow"), alerts.list(app).stream().map(AlertDTO::name).toList());

        // a default the user deleted is not made again; the bad one never is
        alerts.delete(ALICE, app, "busy");
        alerts.handleEvent(new Event(PlatformEvents.SERVICE_TOPIC_PREFIX + "RUNNING",
                Map.of(PlatformEvents.SERVICE_ID, "app-id")));
        alerts.reconcile();
        alerts = restart();
        alerts.reconcile();
        assertEquals(List.of("slow"), alerts.list(app).stream().map(AlertDTO::name).toList());
    }

    private Alerts restart() {
        alerts.deactivate();
        return newAlerts();
    }

    @Test
    public void theAlertsOfADeletedServiceAreRemoved() throws Exception {
        create("busy", BUSY, List.of());
        ManagedService db = services.add("db-id", acme, "acme", "db", "database", "1.0.0", 1, ServiceState.RUNNING);
        alerts.create(ALICE, db, new AlertRequest("db", "hot", "avg('cpu','1m') > 0.9", null, List.of(), null));
        services.remove("app-id");
        alerts.handleEvent(new Event(PlatformEvents.SERVICE_TOPIC_PREFIX + "DELETED",
                Map.of(PlatformEvents.SERVICE_ID, "app-id")));
        await("the alerts of the deleted service removed", () -> alerts.listAccount(acme, "acme").size() == 1);
        assertEquals("hot", alerts.listAccount(acme, "acme").get(0).name());
        assertEquals("alerts of deleted service 'app' removed", real.versions(acme).get(0).summary());

        // one the events missed: the periodic check removes it
        services.remove("db-id");
        alerts.reconcile();
        assertTrue(alerts.listAccount(acme, "acme").isEmpty());
        assertFalse(real.versions(acme).isEmpty());
    }
}
