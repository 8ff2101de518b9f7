package io.stratum.platform.elasticity.internal.policy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PolicyDTO;
import io.stratum.platform.api.ScalingDecisionDTO;
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.spi.AlertAction.Firing;
import io.stratum.platform.spi.ManagedService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The scale-up and scale-down alert actions against a fake facade, with policies and decisions in the real store. */
public class ScaleActionTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
    private final FakeServices services = new FakeServices();
    private final FakePlatform platform = new FakePlatform(clock);
    private final Caller alice = Caller.user("alice", Caller.VIA_SHELL);
    private EngineStore engine;
    private PolicyStore policies;
    private ScaleUpAction scaleUp;
    private ScaleDownAction scaleDown;
    private ManagedService app;

    @Before
    public void setUp() throws Exception {
        engine = new EngineStore(tmp.newFolder("home").toPath());
        policies = new PolicyStore(engine.data(), engine.scopes, services);
        ScaleRequests scales = new ScaleRequests(platform, clock);
        scaleUp = new ScaleUpAction(services, policies, scales, clock);
        scaleDown = new ScaleDownAction(services, policies, scales, clock);
        app = services.add("s1", "app", 2, ServiceState.RUNNING);
        policies.set(alice, app, TestPolicies.requestRate()); // 1..4, step 1, 30s up, 60s down
    }

    @After
    public void tearDown() {
        engine.close();
    }

    private static Firing firing(String from, String to, String argument) {
        return new Firing("acc", "shop", "s1", "app", "busy", "avg('http.requests.rate','1m') > 50 && instances < 4",
                from, to, Map.of("avg('http.requests.rate','1m')", 62.5, "instances", 2.0),
                Instant.parse("2026-12-03T10:00:00Z"), argument);
    }

    private List<ScalingDecisionDTO> decisions() {
        return policies.decisions(app, 0);
    }

    @Test
    public void theArgumentIsNothingOrAPositiveStepAndAnythingElseIsRefusedClearly() {
        scaleUp.validate("");
        scaleUp.validate("2");
        scaleDown.validate("64");
        for (String bad : new String[] {"0", "-1", "two", "65", "2.5", "1,2", "+1"}) {
            try {
                scaleUp.validate(bad);
                fail(bad);
            } catch (IllegalArgumentException e) {
                assertEquals("scale-up takes nothing (the policy's step) or the number of instances to add, 1 to 64 "
                        + "(e.g. scale-up:2), not '" + bad + "'", e.getMessage());
            }
        }
    }

    @Test
    public void enteringAlarmScalesByTheStepWithTheAlertAsTheJobsCause() {
        String reported = scaleUp.report(firing("OK", "ALARM", ""));
        assertEquals(1, platform.scales.size());
        FakePlatform.Scale scale = platform.scales.get(0);
        assertEquals(3, scale.instances());
        assertEquals("system:elasticity", scale.caller().user());
        assertEquals(firing("OK", "ALARM", "").summary() + " -> scale-up to 3", scale.caller().cause());
        ScalingDecisionDTO d = decisions().get(0);
        assertEquals("SUBMITTED", d.outcome());
        assertEquals("alert 'busy' entered ALARM (avg('http.requests.rate','1m') = 62.5, instances = 2): scale up by 1 "
                + "within 1..4 -> scale up to 3", d.reason());
        assertEquals(Long.toString(platform.jobs.get(0).id()), d.jobId());
        assertEquals("the alert's history names the job", "job " + d.jobId() + " (2 -> 3 instances)", reported);
    }

    @Test
    public void onlyATransitionIntoAlarmActs() {
        scaleUp.report(firing("ALARM", "OK", ""));
        scaleUp.report(firing("OK", "NO_DATA", ""));
        scaleUp.report(firing("ALARM", "ALARM", ""));
        scaleDown.report(firing("ALARM", "NO_DATA", ""));
        assertTrue(platform.scales.isEmpty());
        assertTrue(decisions().isEmpty());
        assertEquals(0, platform.listJobsCalls.get());
        scaleUp.report(firing("NO_DATA", "ALARM", ""));
        assertEquals(1, platform.scales.size());
    }

    @Test
    public void theActionsOwnStepOverridesThePolicysWithinItsBounds() {
        scaleUp.report(firing("OK", "ALARM", "5"));
        assertEquals(4, platform.scales.get(0).instances()); // 2 + 5, but max 4
        assertTrue(decisions().get(0).reason(), decisions().get(0).reason().contains("scale up by 5 within 1..4"));
    }

    @Test
    public void atTheBoundTheDecisionIsHeld() {
        app = services.add("s1", "app", 1, ServiceState.RUNNING);
        scaleDown.report(firing("OK", "ALARM", ""));
        assertTrue(platform.scales.isEmpty());
        ScalingDecisionDTO d = decisions().get(0);
        assertEquals("HELD", d.outcome());
        assertEquals(1, d.to());
        assertTrue(d.reason(), d.reason().endsWith("; held: 1 instance(s) is at or beyond the policy's min 1"));
    }

    @Test
    public void scaleDownStepsDown() {
        scaleDown.report(firing("OK", "ALARM", ""));
        assertEquals(1, platform.scales.get(0).instances());
    }

    @Test
    public void theCooldownsCountFromAManualScaleToo() {
        long manual = platform.job(ScaleRequests.SCALE_KIND, "app", "s1", "alice", JobState.RUNNING, null).id();
        scaleUp.report(firing("OK", "ALARM", "")); // alice's scale runs: never fought
        assertTrue(decisions().get(0).reason(), decisions().get(0).reason().endsWith("; held: job " + manual
                + " (service.scale, asked for by alice) runs on the service"));
        platform.finish(manual, JobState.SUCCEEDED);
        clock.advance(Duration.ofSeconds(20));
        scaleUp.report(firing("OK", "ALARM", ""));
        assertTrue(platform.scales.isEmpty());
        assertTrue(decisions().get(0).reason(), decisions().get(0).reason().endsWith("; held: the last scale ended 20s "
                + "ago, scale-up cooldown 30s"));
        clock.advance(Duration.ofSeconds(10));
        scaleUp.report(firing("OK", "ALARM", ""));
        assertEquals(1, platform.scales.size());
        assertEquals(List.of("SUBMITTED", "HELD", "HELD"), decisions().stream().map(ScalingDecisionDTO::outcome)
                .toList());
    }

    @Test
    public void aRefusedScaleIsRecordedAndTheActionFailsWithThePlatformsMessage() {
        platform.refusal = new PlatformException(Reason.QUOTA_EXCEEDED, "over the quota of account 'shop'");
        try {
            scaleUp.report(firing("OK", "ALARM", ""));
            fail();
        } catch (IllegalStateException e) {
            assertEquals("scale-up of 'app' to 3 refused: over the quota of account 'shop'", e.getMessage());
        }
        assertEquals("REFUSED: over the quota of account 'shop'", decisions().get(0).outcome());
    }

    @Test
    public void aConcurrencyRefusalIsHeld() {
        platform.refusal = new PlatformException(Reason.CONCURRENCY, "'app' is busy with job 9");
        scaleUp.report(firing("OK", "ALARM", ""));
        assertEquals("HELD", decisions().get(0).outcome());
        assertTrue(decisions().get(0).reason().endsWith("; held: 'app' is busy with job 9"));
    }

    @Test
    public void aDisabledPolicyHoldsAndTheActionSaysSo() {
        PolicyDTO p = TestPolicies.requestRate();
        policies.set(alice, app, new PolicyDTO("app", false, p.metric(), p.window(), p.target(), p.min(), p.max(),
                p.step(), null, null, null, p.tolerance(), null, 0, null));
        try {
            scaleUp.report(firing("OK", "ALARM", ""));
            fail();
        } catch (IllegalStateException e) {
            assertEquals("scale-up: the scaling policy of 'app' is disabled; enable one (policy-set) for alerts to "
                    + "scale it", e.getMessage());
        }
        assertTrue(platform.scales.isEmpty());
        assertEquals("HELD", decisions().get(0).outcome());
    }
}
