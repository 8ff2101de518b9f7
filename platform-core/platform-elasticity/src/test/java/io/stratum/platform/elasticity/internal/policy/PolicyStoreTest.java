package io.stratum.platform.elasticity.internal.policy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.AccountVersionDTO;
import io.stratum.platform.api.AccountVersionDTO.ChangeDTO;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PolicyDTO;
import io.stratum.platform.api.ScalingDecisionDTO;
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.spi.ManagedService;
import io.stratum.sme.api.descriptor.ElasticitySpec.ScalingSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Policies, their account versions and their decisions in the real engine's store ({@link EngineStore}).
 */
public class PolicyStoreTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private EngineStore engine;
    private final FakeServices services = new FakeServices();
    private PolicyStore policies;
    private ManagedService app;
    private final Caller alice = Caller.user("alice", Caller.VIA_SHELL);

    @Before
    public void setUp() throws Exception {
        engine = new EngineStore(tmp.newFolder("home").toPath());
        policies = new PolicyStore(engine.data(), engine.scopes, services);
        app = services.add("s1", "app", 2, ServiceState.RUNNING);
    }

    @After
    public void tearDown() {
        engine.close();
    }

    private static PolicyDTO asked(UnaryOperator<PolicyDTO> change) {
        return change.apply(new PolicyDTO("ignored", true, "http.requests.rate", Duration.ofSeconds(30), 50, 1, 4, 1,
                Duration.ofSeconds(20), Duration.ofSeconds(90), Duration.ofSeconds(120), 0.2, "HOLD", 0, "ignored"));
    }

    private List<AccountVersionDTO> versions() {
        return engine.versions();
    }

    @Test
    public void withoutAnyPolicyTheBuiltInOneIsDisabledWithItsDefaults() {
        PolicyDTO p = policies.policy(app);
        assertEquals(new PolicyDTO("app", false, null, Duration.ofMinutes(1), 0, 1, 4, 1, Duration.ofSeconds(30),
                Duration.ofSeconds(60), Duration.ofSeconds(60), 0.1, "HOLD", 0, "none"), p);
        services.engineInstalled = false;
        assertEquals("none", policies.policy(app).source());
    }

    @Test
    public void theSdpDefaultAppliesItsAbsentFieldsTakingTheBuiltInDefaults() {
        services.sdpDefault = new ScalingSpec(true, "http.requests.rate", "15s", 40.0, null, 6, null, null, "2m",
                null, null, "fixed:2");
        PolicyDTO p = policies.policy(app);
        assertEquals(new PolicyDTO("app", true, "http.requests.rate", Duration.ofSeconds(15), 40, 1, 6, 1,
                Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofSeconds(60), 0.1, "FIXED", 2, "sdp"), p);
    }

    @Test
    public void anSdpDefaultThatFailsTheChecksIsNotUsed() {
        services.sdpDefault = new ScalingSpec(true, "http.requests.rate", "1m", 40.0, 5, 2, null, null, null, null,
                null, null); // max below min
        assertEquals("none", policies.policy(app).source());
        assertFalse(policies.policy(app).enabled());
        services.sdpDefault = new ScalingSpec(true, "http.requests.rate", "soon", 40.0, null, null, null, null, null,
                null, null, null);
        assertEquals("none", policies.policy(app).source());
    }

    @Test
    public void settingAPolicyIsANewAccountVersionWithOneChangePerField() {
        PolicyDTO kept = policies.set(alice, app, asked(p -> p));
        assertEquals("account", kept.source());
        assertEquals("app", kept.service());
        assertEquals(kept, policies.policy(app));

        AccountVersionDTO first = versions().get(0);
        assertEquals("alice", first.user());
        assertEquals("scaling policy of 'app' set: enabled, http.requests.rate at 50 per instance over 30s, 1..4 "
                + "instances", first.summary());
        assertEquals(14, first.changes().size()); // * and the 13 fields
        assertTrue(first.changes().contains(new ChangeDTO("policy", "app", "*", null, "exists")));
        assertTrue(first.changes().contains(new ChangeDTO("policy", "app", "scaleDownCooldown", null, "90s")));
        assertTrue(first.changes().contains(new ChangeDTO("policy", "app", "tolerance", null, "0.2")));

        policies.set(alice, app, asked(p -> new PolicyDTO(p.service(), p.enabled(), p.metric(), p.window(), 40,
                p.min(), 6, p.step(), p.scaleUpCooldown(), p.scaleDownCooldown(), p.scaleDownStabilization(),
                p.tolerance(), p.onMissing(), p.fixedInstances(), p.source())));
        AccountVersionDTO second = versions().get(0);
        assertEquals(first.version() + 1, second.version());
        assertEquals(List.of(new ChangeDTO("policy", "app", "target", "50", "40"),
                new ChangeDTO("policy", "app", "max", "4", "6")), second.changes());
        assertEquals("scaling policy of 'app' changed: target 50 -> 40, max 4 -> 6", second.summary());

        int count = versions().size();
        policies.set(alice, app, policies.policy(app)); // the same again: nothing changed, no version
        assertEquals(count, versions().size());
    }

    @Test
    public void durationsAndOnMissingLeftOutKeepThoseOfThePolicyInForce() {
        services.sdpDefault = new ScalingSpec(true, "http.requests.rate", "15s", 40.0, null, null, null, "45s", null,
                "3m", null, "fixed:2");
        PolicyDTO kept = policies.set(alice, app, new PolicyDTO("app", true, "http.requests.rate", null, 60, 1, 4, 2,
                null, null, null, 0.1, null, 3, null));
        assertEquals(Duration.ofSeconds(15), kept.window());
        assertEquals(Duration.ofSeconds(45), kept.scaleUpCooldown());
        assertEquals(Duration.ofSeconds(60), kept.scaleDownCooldown());
        assertEquals(Duration.ofMinutes(3), kept.scaleDownStabilization());
        assertEquals("FIXED", kept.onMissing());
        assertEquals(3, kept.fixedInstances());
        assertEquals("hold is upper-cased, and its fixed count is 0", new PolicyDTO("app", true, "http.requests.rate",
                Duration.ofSeconds(15), 60, 1, 4, 2, Duration.ofSeconds(45), Duration.ofSeconds(60),
                Duration.ofMinutes(3), 0.1, "HOLD", 0, "account"), policies.set(alice, app, new PolicyDTO("app", true,
                        "http.requests.rate", null, 60, 1, 4, 2, null, null, null, 0.1, "hold", 3, null)));
    }

    @Test
    public void aBadPolicyIsRefusedNamingTheFieldAndNothingIsKept() {
        assertRefused(p -> with(p, "min", 0), "min must be at least 1, not 0");
        assertRefused(p -> with(p, "max", 0), "max must be at least min (1), not 0");
        assertRefused(p -> with(p, "max", 65), "max must be at most 64 (the most instances the platform runs of a "
                + "service), not 65");
        assertRefused(p -> with(p, "step", 0), "step must be at least 1, not 0");
        assertRefused(p -> with(p, "target", 0), "target must be more than 0 when a metric is set, not 0");
        assertRefused(p -> with(p, "target", -5), "target must be more than 0 when a metric is set, not -5");
        assertRefused(p -> with(p, "tolerance", 1.5), "tolerance must be between 0 and 1 (e.g. 0.1 for 10 %), not 1.5");
        assertRefused(p -> with(p, "tolerance", Double.NaN), "tolerance must be between 0 and 1 (e.g. 0.1 for 10 %), "
                + "not NaN");
        assertRefused(p -> new PolicyDTO(p.service(), true, p.metric(), Duration.ZERO, 50, 1, 4, 1, null, null, null,
                0.1, "HOLD", 0, null), "window must be longer than 0 (e.g. 1m), not 0s");
        assertRefused(p -> new PolicyDTO(p.service(), true, p.metric(), null, 50, 1, 4, 1, Duration.ofSeconds(-1),
                null, null, 0.1, "HOLD", 0, null), "scaleUpCooldown must not be negative, not PT-1S");
        assertRefused(p -> new PolicyDTO(p.service(), true, p.metric(), null, 50, 1, 4, 1, null, null,
                Duration.ofSeconds(-5), 0.1, "HOLD", 0, null), "scaleDownStabilization must not be negative, not "
                        + "PT-5S");
        assertRefused(p -> new PolicyDTO(p.service(), true, p.metric(), null, 50, 1, 4, 1, null, null, null, 0.1,
                "RETRY", 0, null), "onMissing must be HOLD or FIXED, not 'RETRY'");
        assertRefused(p -> new PolicyDTO(p.service(), true, p.metric(), null, 50, 1, 4, 1, null, null, null, 0.1,
                "FIXED", 5, null), "fixedInstances must be within min..max (1..4) when onMissing is FIXED, not 5");
        assertRefused(p -> new PolicyDTO(p.service(), true, "HTTP Requests", null, 50, 1, 4, 1, null, null, null, 0.1,
                "HOLD", 0, null), "metric: 'HTTP Requests' is not a metric name (lower-case words separated by dots, "
                        + "e.g. http.requests.rate)");
        assertTrue(versions().isEmpty());
        assertEquals("none", policies.policy(app).source());
        // no metric: no target needed (only alerts scale)
        assertEquals(0.0, policies.set(alice, app, new PolicyDTO("app", true, null, null, 0, 1, 4, 1, null, null,
                null, 0.1, "HOLD", 0, null)).target(), 0);
        // a field without a value is not a change from none
        assertTrue(versions().get(0).changes().stream().noneMatch(ch -> ch.field().equals("metric")));
        assertEquals(13, versions().get(0).changes().size());
    }

    private static PolicyDTO with(PolicyDTO p, String field, double v) {
        return new PolicyDTO(p.service(), p.enabled(), p.metric(), p.window(), field.equals("target") ? v : p.target(),
                field.equals("min") ? (int) v : p.min(), field.equals("max") ? (int) v : p.max(),
                field.equals("step") ? (int) v : p.step(), p.scaleUpCooldown(), p.scaleDownCooldown(),
                p.scaleDownStabilization(), field.equals("tolerance") ? v : p.tolerance(), p.onMissing(),
                p.fixedInstances(), p.source());
    }

    private void assertRefused(UnaryOperator<PolicyDTO> change, String message) {
        try {
            policies.set(alice, app, asked(change));
            fail("accepted: " + message);
        } catch (PlatformException e) {
            assertEquals(PlatformException.Reason.INVALID, e.reason());
            assertEquals(message, e.getMessage());
        }
    }

    @Test
    public void anExternalServiceHasNoPolicy() {
        ManagedService external = new ManagedService("x1", "acc", "shop", "pg", "database", "external", "0", "", 
                java.util.Map.of(), 1, ServiceState.RUNNING, null, java.util.Map.of(), true);
        try {
            policies.set(alice, external, asked(p -> p));
            fail();
        } catch (PlatformException e) {
            assertEquals(PlatformException.Reason.INVALID, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("external service"));
        }
    }

    @Test
    public void aResetRemovesTheAccountsPolicyAsANewVersionAndTheSdpDefaultAppliesAgain() {
        services.sdpDefault = new ScalingSpec(true, "http.requests.rate", null, 40.0, null, null, null, null, null,
                null, null, null);
        policies.set(alice, app, asked(p -> p));
        policies.reset(alice, app);
        assertEquals("sdp", policies.policy(app).source());
        AccountVersionDTO v = versions().get(0);
        assertEquals("scaling policy of 'app' reset: the SDP's default applies", v.summary());
        assertTrue(v.changes().contains(new ChangeDTO("policy", "app", "*", "exists", null)));
        assertTrue(v.changes().contains(new ChangeDTO("policy", "app", "target", "50", null)));
        try {
            policies.reset(alice, app);
            fail();
        } catch (PlatformException e) {
            assertEquals(PlatformException.Reason.NOT_FOUND, e.reason());
            assertEquals("the account set no scaling policy of 'app'; the SDP's default applies (see policy-show)",
                    e.getMessage());
        }
    }

    @Test
    public void aPolicyOutlivesARestartOfTheStore() {
        PolicyDTO kept = policies.set(alice, app, asked(p -> p));
        engine.close();
        engine.open();
        policies = new PolicyStore(engine.data(), engine.scopes, services);
        assertEquals(kept, policies.policy(app));
    }

    @Test
    public void decisionsAreListedNewestFirstAndTheNewestFiveHundredAreKept() {
        Instant t0 = Instant.parse("2026-12-03T10:00:00Z");
        for (int i = 0; i < PolicyStore.KEEP_DECISIONS + 5; i++) {
            policies.record(app, new ScalingDecisionDTO(t0.plusSeconds(i), "app", 1, 2, "reason " + i,
                    i % 2 == 0 ? Integer.toString(i) : null, i % 2 == 0 ? "SUBMITTED" : "HELD"));
        }
        List<ScalingDecisionDTO> all = policies.decisions(app, 0);
        assertEquals(PolicyStore.KEEP_DECISIONS, all.size());
        assertEquals("reason 504", all.get(0).reason());
        assertEquals(t0.plusSeconds(504), all.get(0).at());
        assertEquals("504", all.get(0).jobId());
        assertNull(all.get(1).jobId());
        assertEquals("reason 5", all.get(all.size() - 1).reason());
        assertEquals(List.of("reason 504", "reason 503"), policies.decisions(app, 2).stream()
                .map(ScalingDecisionDTO::reason).toList());
        ManagedService other = services.add("s2", "other", 1, ServiceState.RUNNING);
        assertTrue(policies.decisions(other, 0).isEmpty());
    }

    @Test
    public void thePolicyAndDecisionsOfADeletedServiceAreRemovedWithIt() {
        ManagedService other = services.add("s2", "other", 1, ServiceState.RUNNING);
        policies.set(alice, app, asked(p -> p));
        policies.set(alice, other, asked(p -> p));
        policies.record(app, new ScalingDecisionDTO(Instant.now(), "app", 1, 2, "r", "7", "SUBMITTED"));
        assertEquals(0, policies.forgetDeleted(Set.of("s1", "s2")));
        // 'app' deleted; 'other' is missing from the (older) list but still exists, and stays
        services.byId.remove("s1");
        assertEquals(1, policies.forgetDeleted(Set.of()));
        assertEquals("none", policies.policy(app).source());
        assertTrue(policies.decisions(app, 0).isEmpty());
        assertEquals("account", policies.policy(other).source());
        AccountVersionDTO v = versions().get(0);
        assertEquals("system:elasticity", v.user());
        assertEquals("scaling policy of 'app' removed with its service", v.summary());
    }
}
