package io.stratum.platform.elasticity.internal.policy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PolicyDTO;
import io.stratum.platform.api.ScalingDecisionDTO;
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.spi.ManagedService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The evaluator against a fake platform facade and fake metrics, with policies and decisions in the real engine
 * store: what it submits, holds and records, tick by tick.
 */
public class PolicyEvaluatorTest {

    private static final String RATE = "http.requests.rate";

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
    private final FakeServices services = new FakeServices();
    private final FakeHistory history = new FakeHistory();
    private final FakePlatform platform = new FakePlatform(clock);
    private final Caller alice = Caller.user("alice", Caller.VIA_SHELL);
    private EngineStore engine;
    private PolicyStore policies;
    private PolicyEvaluator evaluator;
    private ManagedService app;

    @Before
    public void setUp() throws Exception {
        engine = new EngineStore(tmp.newFolder("home").toPath());
        policies = new PolicyStore(engine.data(), engine.scopes, services);
        evaluator = new PolicyEvaluator(services, policies, history, new ScaleRequests(platform, clock), clock, false);
        app = services.add("s1", "app", 1, ServiceState.RUNNING);
        policies.set(alice, app, TestPolicies.requestRate()); // 50 per instance, 1..4, step 1, 30s / 60s / 60s
    }

    @After
    public void tearDown() {
        engine.close();
    }

    private List<ScalingDecisionDTO> decisions() {
        return policies.decisions(app, 0);
    }

    /** The service now has {@code n} instances (as the platform's record says after a scale). */
    private void instances(int n) {
        app = services.add("s1", "app", n, ServiceState.RUNNING);
    }

    private void tick(Duration after) {
        clock.advance(after);
        evaluator.tick();
    }

    @Test
    public void aHighRateSubmitsAScaleAsTheElasticityManagerWithTheReasonAsItsCause() {
        history.set("s1", RATE, 130.2);
        evaluator.tick();
        assertEquals(1, platform.scales.size());
        FakePlatform.Scale scale = platform.scales.get(0);
        assertEquals("shop", scale.account());
        assertEquals("app", scale.service());
        assertEquals(2, scale.instances());
        assertEquals("system:elasticity", scale.caller().user());
        String reason = "avg(http.requests.rate, 1m) = 130.2 for 1 instance(s), target 50 per instance: 3 recommended, "
                + "step 1 -> scale up to 2";
        assertEquals("scaling policy of 'app': " + reason, scale.caller().cause());
        assertEquals(Duration.ofMinutes(1), history.windows.get("s1|" + RATE));

        ScalingDecisionDTO d = decisions().get(0);
        assertEquals("SUBMITTED", d.outcome());
        assertEquals(reason, d.reason());
        assertEquals(1, d.from());
        assertEquals(2, d.to());
        assertEquals(Long.toString(platform.jobs.get(0).id()), d.jobId());
        assertEquals(clock.instant(), d.at());

        // while its own scale runs: nothing asked, nothing recorded
        tick(Duration.ofSeconds(5));
        tick(Duration.ofSeconds(5));
        assertEquals(1, platform.scales.size());
        assertEquals(1, decisions().size());

        // the scale ends; 3 are still recommended: held by the scale-up cooldown once, then scaled after it
        platform.finish(platform.jobs.get(0).id(), JobState.SUCCEEDED);
        instances(2);
        tick(Duration.ofSeconds(5));
        tick(Duration.ofSeconds(5));
        assertEquals(1, platform.scales.size());
        List<ScalingDecisionDTO> all = decisions();
        assertEquals(2, all.size());
        assertEquals("HELD", all.get(0).outcome());
        assertEquals(2, all.get(0).to()); // to = from when held
        assertTrue(all.get(0).reason(), all.get(0).reason().endsWith("-> scale up to 3; held: the last scale ended 5s "
                + "ago, scale-up cooldown 30s"));
        tick(Duration.ofSeconds(25));
        assertEquals(2, platform.scales.size());
        assertEquals(3, platform.scales.get(1).instances());
        assertEquals("SUBMITTED", decisions().get(0).outcome());
    }

    @Test
    public void quietTicksRecordNothingAndAskNothing() {
        history.set("s1", RATE, 52.0); // within the tolerance at 1 instance
        for (int i = 0; i < 20; i++) {
            tick(Duration.ofSeconds(5));
        }
        history.set("s1", RATE, null); // no data, HOLD
        for (int i = 0; i < 20; i++) {
            tick(Duration.ofSeconds(5));
        }
        assertTrue(decisions().isEmpty());
        assertTrue(platform.scales.isEmpty());
        assertEquals(0, platform.listJobsCalls.get());
    }

    @Test
    public void aConcurrencyRefusalIsHeldNotAnErrorAndIsRecordedOnce() {
        history.set("s1", RATE, 130.0);
        platform.refusal = new PlatformException(Reason.CONCURRENCY, "service 'app' is busy with job 41 "
                + "(environment.backup); try again when it has ended");
        for (int i = 0; i < 6; i++) {
            tick(Duration.ofSeconds(5));
        }
        List<ScalingDecisionDTO> all = decisions();
        assertEquals(1, all.size());
        ScalingDecisionDTO d = all.get(0);
        assertEquals("HELD", d.outcome());
        assertEquals(1, d.from());
        assertEquals(1, d.to());
        assertNull(d.jobId());
        assertTrue(d.reason(), d.reason().endsWith("; held: service 'app' is busy with job 41 (environment.backup); "
                + "try again when it has ended"));
        platform.refusal = null;
        tick(Duration.ofSeconds(5));
        assertEquals("SUBMITTED", decisions().get(0).outcome());
    }

    @Test
    public void aManualScaleInProgressIsNeverFoughtAndItsEndStartsTheCooldown() {
        history.set("s1", RATE, 10.0); // 1 recommended
        instances(3);
        long manual = platform.job(ScaleRequests.SCALE_KIND, "app", "s1", "alice", JobState.RUNNING, null).id();
        evaluator.tick(); // first sight: the 3 of now counts as a recommendation for a whole window
        assertTrue(decisions().get(0).reason(), decisions().get(0).reason().endsWith("highest recommendation in the "
                + "last 1m: 3; held: scale-down stabilization"));
        tick(Duration.ofSeconds(70)); // past the window: a scale down is due, but alice's scale runs
        tick(Duration.ofSeconds(5));
        assertTrue(platform.scales.isEmpty());
        List<ScalingDecisionDTO> held = decisions();
        assertEquals(2, held.size());
        assertTrue(held.get(0).reason(), held.get(0).reason().endsWith("-> scale down to 2; held: job " + manual
                + " (service.scale, asked for by alice) runs on the service"));

        platform.finish(manual, JobState.SUCCEEDED); // alice scaled to 3 by hand just now
        tick(Duration.ofSeconds(10));
        assertTrue(platform.scales.isEmpty());
        assertTrue(decisions().get(0).reason(), decisions().get(0).reason().endsWith("; held: the last scale ended "
                + "10s ago, scale-down cooldown 1m"));
        tick(Duration.ofSeconds(50));
        assertEquals(1, platform.scales.size());
        assertEquals(2, platform.scales.get(0).instances());
    }

    @Test
    public void aQuotaRefusalIsRecordedAsRefusedWithThePlatformsMessageOncePerEpisode() {
        history.set("s1", RATE, 130.0);
        platform.refusal = new PlatformException(Reason.QUOTA_EXCEEDED, "scaling 'app' to 2 would exceed the quota "
                + "of account 'shop' (2 instances); ask a platform admin");
        tick(Duration.ofSeconds(5));
        tick(Duration.ofSeconds(5));
        List<ScalingDecisionDTO> all = decisions();
        assertEquals(1, all.size());
        assertEquals("REFUSED: scaling 'app' to 2 would exceed the quota of account 'shop' (2 instances); ask a "
                + "platform admin", all.get(0).outcome());
        assertEquals(2, all.get(0).to());
        assertNull(all.get(0).jobId());
        // long after, still refused: recorded again
        tick(Duration.ofMinutes(5));
        assertEquals(2, decisions().size());
    }

    @Test
    public void aNoisyRateAroundTheTargetGivesOneScaleAndAShortDecisionList() {
        instances(2);
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 240; i++) { // 20 minutes at 5 s
            history.set("s1", RATE, 100 * (1 + 0.2 * (2 * random.nextDouble() - 1)));
            tick(Duration.ofSeconds(5));
            if (!platform.scales.isEmpty() && app.instances() == 2) {
                platform.finish(platform.jobs.get(platform.jobs.size() - 1).id(), JobState.SUCCEEDED);
                instances(platform.scales.get(platform.scales.size() - 1).instances());
            }
        }
        assertEquals(List.of(3), platform.scales.stream().map(FakePlatform.Scale::instances).toList());
        List<String> outcomes = decisions().stream().map(d -> d.outcome() + " " + d.from()).toList();
        // the scale, and the scale-downs held by stabilization at 3, recorded once
        assertEquals(List.of("HELD 3", "SUBMITTED 2"), outcomes);
    }

    @Test
    public void missingDataWithFixedGoesToTheFixedCount() {
        policies.set(alice, app, TestPolicies.fixed(TestPolicies.requestRate(), 2));
        evaluator.tick(); // no sample at all
        assertEquals(1, platform.scales.size());
        assertEquals(2, platform.scales.get(0).instances());
        assertTrue(decisions().get(0).reason(), decisions().get(0).reason().startsWith("no sample of "
                + "http.requests.rate in the last 1m: 2 instance(s) (onMissing FIXED 2"));
    }

    @Test
    public void disabledPoliciesPoliciesWithoutAMetricAndStoppedServicesAreLeftAlone() {
        history.set("s1", RATE, 500.0);
        PolicyDTO p = TestPolicies.requestRate();
        policies.set(alice, app, new PolicyDTO("app", false, p.metric(), p.window(), p.target(), p.min(), p.max(),
                p.step(), p.scaleUpCooldown(), p.scaleDownCooldown(), p.scaleDownStabilization(), p.tolerance(),
                p.onMissing(), p.fixedInstances(), null));
        tick(Duration.ofSeconds(5));
        policies.set(alice, app, new PolicyDTO("app", true, null, p.window(), 0, p.min(), p.max(), p.step(),
                p.scaleUpCooldown(), p.scaleDownCooldown(), p.scaleDownStabilization(), p.tolerance(), p.onMissing(),
                p.fixedInstances(), null));
        tick(Duration.ofSeconds(5));
        policies.set(alice, app, p);
        app = services.add("s1", "app", 1, ServiceState.STOPPED);
        tick(Duration.ofSeconds(5));
        assertTrue(platform.scales.isEmpty());
        assertTrue(decisions().isEmpty());
    }

    @Test
    public void aTickRemovesThePolicyOfADeletedService() {
        services.byId.remove("s1");
        evaluator.tick();
        assertEquals("scaling policy of 'app' removed with its service", engine.versions().get(0).summary());
    }

    @Test
    public void aBadIntervalFallsBackToFiveSeconds() {
        assertEquals(Duration.ofMillis(500), PolicyEvaluator.interval("500ms"));
        assertEquals(Duration.ofSeconds(5), PolicyEvaluator.interval("often"));
        assertEquals(Duration.ofSeconds(5), PolicyEvaluator.interval("10ms"));
    }
}
