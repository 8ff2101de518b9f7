package io.stratum.platform.elasticity.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.AlertDTO;
import io.stratum.platform.api.AlertRequest;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.ElasticityService;
import io.stratum.platform.api.MetricSeriesDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PolicyDTO;
import io.stratum.platform.api.ScalingDecisionDTO;
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.elasticity.internal.alert.AlertActions;
import io.stratum.platform.elasticity.internal.alert.Alerts;
import io.stratum.platform.elasticity.internal.policy.PolicyBook;
import io.stratum.platform.elasticity.internal.series.TimeSeriesStore;
import io.stratum.platform.spi.ManagedService;
import io.stratum.sme.api.metrics.MetricInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.function.ThrowingRunnable;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The facade's scoping on the real store's accounts and users: who sees and changes the metrics, alerts and policies
 * of which account's services; what a caller may not see is NOT_FOUND as what does not exist.
 */
public class ElasticityAccessTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeServices services = new FakeServices();
    /** What the policy book was asked, e.g. "policy acme/app". */
    private final List<String> policyCalls = Collections.synchronizedList(new ArrayList<>());
    private RealStore real;
    private TimeSeriesStore series;
    private AlertActions actions;
    private Alerts alerts;
    private ElasticityAccessImpl access;

    private final PolicyBook policies = new PolicyBook() {
        @Override
        public PolicyDTO policy(ManagedService service) {
            policyCalls.add("policy " + service.accountName() + "/" + service.name());
            return policy(service.name(), "sdp");
        }

        @Override
        public PolicyDTO set(Caller caller, ManagedService service, PolicyDTO policy) {
            policyCalls.add("set " + service.accountName() + "/" + service.name() + " by " + caller.user());
            return policy(service.name(), "account");
        }

        @Override
        public void reset(Caller caller, ManagedService service) {
            policyCalls.add("reset " + service.accountName() + "/" + service.name() + " by " + caller.user());
        }

        @Override
        public List<ScalingDecisionDTO> decisions(ManagedService service, int limit) {
            policyCalls.add("decisions " + service.accountName() + "/" + service.name() + " " + limit);
            return List.of();
        }

        private PolicyDTO policy(String service, String source) {
            return new PolicyDTO(service, true, "cpu", Duration.ofMinutes(1), 0.5, 1, 4, 1, Duration.ofSeconds(30),
                    Duration.ofMinutes(1), Duration.ofMinutes(5), 0.1, "HOLD", 1, source);
        }
    };

    @Before
    public void setUp() throws Exception {
        real = new RealStore(tmp.newFolder("home").toPath());
        String acme = real.account("acme");
        String globex = real.account("globex");
        real.user("alice", acme, AccountRole.MEMBER);
        real.user("bob", acme, AccountRole.VIEWER);
        real.user("carol", globex, AccountRole.MEMBER);
        services.add("acme-app", acme, "acme", "app", "appserver", "1.0.0", 1, ServiceState.RUNNING);
        services.add("globex-app", globex, "globex", "app", "appserver", "1.0.0", 1, ServiceState.RUNNING);
        series = new TimeSeriesStore(tmp.newFolder("series").toPath(), ElasticitySettings.DEFAULTS, clock, services);
        actions = new AlertActions(Duration.ofSeconds(5));
        Map<String, MetricInfo> catalog = new LinkedHashMap<>();
        catalog.put("cpu", new MetricInfo("cpu", "%", "process CPU"));
        catalog.put("http.requests.rate", new MetricInfo("http.requests.rate", "req/s", "requests"));
        alerts = new Alerts(real.data, real.scopes, services, s -> catalog.keySet(), series, actions,
                Duration.ofHours(24), clock, false);
        access = new ElasticityAccessImpl(real.scopes, services, s -> catalog, series, alerts, policies);
    }

    @After
    public void tearDown() {
        alerts.deactivate();
        actions.deactivate();
        real.close();
    }

    private ElasticityService as(String user) {
        return access.as(Caller.user(user, Caller.VIA_SHELL));
    }

    private static AlertRequest busy(String service) {
        return new AlertRequest(service, "busy", "avg('cpu', '1m') > 0.8", null, List.of(), "busy");
    }

    private static PlatformException refused(Reason reason, ThrowingRunnable call) {
        PlatformException e = assertThrows(PlatformException.class, call);
        assertEquals(e.getMessage(), reason, e.reason());
        return e;
    }

    @Test
    public void aMemberWorksWithTheAlertsAndMetricsOfHisAccount() {
        ElasticityService alice = as("alice");
        AlertDTO created = alice.createAlert("acme", busy("app"));
        assertEquals("acme", created.account());
        assertEquals("app", created.service());
        assertEquals(List.of("busy"), alice.listAlerts("acme", "app").stream().map(AlertDTO::name).toList());
        assertEquals(List.of("busy"), alice.listAlerts("acme", null).stream().map(AlertDTO::name).toList());
        assertTrue(alice.alertHistory("acme", "app", "busy", 0).isEmpty());
        assertEquals(List.of("cpu", "http.requests.rate"), alice.metrics("acme", "app").stream()
                .map(MetricSeriesDTO::metric).toList());
        clock.advance(Duration.ofSeconds(10));
        series.record("acme-app", "cpu", 0.25, Duration.ofSeconds(10));
        MetricSeriesDTO cpu = alice.series("acme", "app", "cpu", Duration.ofMinutes(5));
        assertEquals("%", cpu.unit());
        assertEquals(1, cpu.points().size());
        assertEquals(0.25, cpu.points().get(0).value(), 0);
        assertTrue(refused(Reason.NOT_FOUND, () -> alice.series("acme", "app", "nope", null)).getMessage()
                .contains("its metrics are cpu, http.requests.rate"));
        refused(Reason.INVALID, () -> alice.series("acme", "app", "cpu", Duration.ofDays(2)));
        alice.deleteAlert("acme", "app", "busy");
        assertTrue(alice.listAlerts("acme", "app").isEmpty());
    }

    @Test
    public void anotherAccountsServicesAreNotFoundAsIfTheyDidNotExist() {
        as("carol").createAlert("globex", busy("app"));
        ElasticityService alice = as("alice");
        PlatformException hidden = refused(Reason.NOT_FOUND, () -> alice.listAlerts("globex", "app"));
        PlatformException missing = refused(Reason.NOT_FOUND, () -> alice.listAlerts("nosuch", "app"));
        assertEquals(missing.getMessage().replace("nosuch", "globex"), hidden.getMessage());
        refused(Reason.NOT_FOUND, () -> alice.alertHistory("globex", "app", "busy", 0));
        refused(Reason.NOT_FOUND, () -> alice.deleteAlert("globex", "app", "busy"));
        refused(Reason.NOT_FOUND, () -> alice.createAlert("globex", busy("app")));
        refused(Reason.NOT_FOUND, () -> alice.metrics("globex", "app"));
        refused(Reason.NOT_FOUND, () -> alice.series("globex", "app", "cpu", null));
        refused(Reason.NOT_FOUND, () -> alice.listAlerts("globex", null));
        refused(Reason.NOT_FOUND, () -> alice.policy("globex", "app"));
        refused(Reason.NOT_FOUND, () -> alice.setPolicy("globex", "app", policies.policy(
                services.find("globex-app").orElseThrow())));
        refused(Reason.NOT_FOUND, () -> alice.resetPolicy("globex", "app"));
        refused(Reason.NOT_FOUND, () -> alice.decisions("globex", "app", 10));
        // her own account's service of the same name is hers
        assertTrue(alice.listAlerts("acme", "app").isEmpty());
        assertEquals(1, as("carol").listAlerts("globex", "app").size());
        PlatformException noService = refused(Reason.NOT_FOUND, () -> alice.listAlerts("acme", "db"));
        assertEquals("no service 'db' in account 'acme' (see stratum:service-list)", noService.getMessage());
        // the policy book was asked only for globex's service by the setup above
        assertEquals(List.of("policy globex/app"), policyCalls);
    }

    @Test
    public void aViewerSeesButDoesNotChange() {
        as("alice").createAlert("acme", busy("app"));
        ElasticityService bob = as("bob");
        assertEquals(1, bob.listAlerts("acme", "app").size());
        refused(Reason.FORBIDDEN, () -> bob.createAlert("acme", new AlertRequest("app", "other",
                "avg('cpu', '1m') > 0.9", null, List.of(), null)));
        refused(Reason.FORBIDDEN, () -> bob.deleteAlert("acme", "app", "busy"));
        refused(Reason.FORBIDDEN, () -> bob.resetPolicy("acme", "app"));
        assertEquals("sdp", bob.policy("acme", "app").source());
        assertEquals(1, bob.listAlerts("acme", "app").size());
    }

    @Test
    public void policiesGoToThePolicyBookWithTheResolvedService() {
        ElasticityService alice = as("alice");
        PolicyDTO p = alice.policy("acme", "app");
        assertEquals("sdp", p.source());
        assertEquals("account", alice.setPolicy("acme", "app", p).source());
        alice.resetPolicy("acme", "app");
        alice.decisions("acme", "app", 5);
        assertEquals(List.of("policy acme/app", "set acme/app by alice", "reset acme/app by alice",
                "decisions acme/app 5"), policyCalls);
    }
}
