package io.stratum.platform.elasticity.internal.policy;

import static io.stratum.platform.elasticity.internal.policy.TestPolicies.bounds;
import static io.stratum.platform.elasticity.internal.policy.TestPolicies.fixed;
import static io.stratum.platform.elasticity.internal.policy.TestPolicies.requestRate;
import static io.stratum.platform.elasticity.internal.policy.TestPolicies.timing;
import static io.stratum.platform.elasticity.internal.policy.TestPolicies.tolerance;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.PolicyDTO;
import io.stratum.platform.elasticity.internal.policy.PolicyArithmetic.Hold;
import io.stratum.platform.elasticity.internal.policy.PolicyArithmetic.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.Test;

/** The policy arithmetic of {@link PolicyDTO}'s Javadoc, value by value. */
public class PolicyArithmeticTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
    private final PolicyArithmetic arithmetic = new PolicyArithmetic(clock);

    private Stabilization fresh(int instances) {
        // observed long enough that the seed is out of any window used here
        Stabilization s = new Stabilization(clock.instant().minus(Duration.ofHours(1)), instances);
        return s;
    }

    private Verdict at(PolicyDTO p, int instances, double value) {
        return arithmetic.recommend(p, instances, OptionalDouble.of(value), fresh(instances));
    }

    @Test
    public void theReasonNamesTheValuesThatLedToTheDecision() {
        Verdict v = at(requestRate(), 1, 130.2);
        assertEquals("avg(http.requests.rate, 1m) = 130.2 for 1 instance(s), target 50 per instance: 3 recommended, "
                + "step 1 -> scale up to 2", v.reason());
        assertTrue(v.isChange());
        assertEquals(2, v.to());
    }

    @Test
    public void insideTheToleranceBandNothingChangesOutsideItTheRecommendationApplies() {
        PolicyDTO p = requestRate(); // tolerance 0.1, target 50
        assertFalse(at(p, 2, 105).isChange()); // ratio 1.05
        assertFalse(at(p, 2, 110).isChange()); // ratio 1.1: on the band's edge, still inside
        assertTrue(at(p, 2, 110).reason(), at(p, 2, 110).reason().contains("within the tolerance 0.1 (ratio 1.1)"));
        Verdict above = at(p, 2, 111); // ratio 1.11: ceil(111 / 50) = 3
        assertTrue(above.isChange());
        assertEquals(3, above.to());
        assertFalse(at(p, 2, 90).isChange()); // ratio 0.9
        Verdict below = at(p, 2, 49); // ratio 0.49: ceil(49 / 50) = 1 (stabilization seen long ago)
        assertEquals(1, below.to());
        assertTrue(below.isChange());
        // a wider band holds what a narrower one changes
        assertFalse(at(tolerance(p, 0.5), 2, 140).isChange());
        assertTrue(at(tolerance(p, 0.0), 2, 101).isChange());
        // exactly on target in floating point: 100 / 50 recommends 2, not 3
        assertFalse(at(tolerance(p, 0.0), 2, 100.00000000001).isChange());
    }

    @Test
    public void aDecisionMovesAtMostStepInstances() {
        PolicyDTO p = bounds(requestRate(), 1, 10, 2);
        Verdict v = at(p, 1, 400); // 8 recommended
        assertEquals(3, v.to());
        assertTrue(v.reason(), v.reason().contains("8 recommended, step 2 -> scale up to 3"));
        Verdict down = at(bounds(requestRate(), 1, 10, 3), 8, 50); // 1 recommended, 3 at most fewer
        assertEquals(5, down.to());
    }

    @Test
    public void theRecommendationIsClampedToMinAndMax() {
        Verdict high = at(bounds(requestRate(), 1, 4, 10), 2, 1000); // 20 recommended
        assertEquals(4, high.to());
        assertTrue(high.reason(), high.reason().contains("20 recommended, 4 at most (max)"));
        Verdict low = at(bounds(requestRate(), 2, 6, 10), 5, 0); // 0 recommended
        assertEquals(2, low.to());
        assertTrue(low.reason(), low.reason().contains("0 recommended, 2 at least (min)"));
        assertFalse(at(bounds(requestRate(), 1, 4, 1), 4, 1000).isChange()); // at max already: steady
    }

    @Test
    public void aServiceOutsideItsBoundsGoesStraightToTheNearestBound() {
        Verdict v = at(bounds(requestRate(), 1, 4, 1), 7, 350); // scaled by hand to 7; step 1 does not apply
        assertEquals(4, v.to());
        assertTrue(v.reason(), v.reason().contains("7 instance(s) is outside 1..4 -> scale down to 4"));
        assertEquals(2, at(bounds(requestRate(), 2, 4, 1), 1, 0).to());
    }

    @Test
    public void aScaleUpWaitsForTheScaleUpCooldownFromTheEndOfTheLastScale() {
        PolicyDTO p = requestRate(); // up 30s, down 60s
        Instant lastScale = clock.instant().minusSeconds(10);
        Verdict v = arithmetic.cooldown(p, at(p, 1, 130), lastScale);
        assertEquals(Hold.COOLDOWN_UP, v.hold());
        assertFalse(v.isChange());
        assertTrue(v.reason(), v.reason().endsWith("; held: the last scale ended 10s ago, scale-up cooldown 30s"));
        clock.advance(Duration.ofSeconds(20));
        Verdict after = arithmetic.cooldown(p, at(p, 1, 130), lastScale);
        assertTrue(after.reason(), after.isChange());
        assertEquals(2, after.to());
        assertTrue(arithmetic.cooldown(p, at(p, 1, 130), null).isChange()); // never scaled
    }

    @Test
    public void aScaleDownWaitsForTheScaleDownCooldownWhichIsSeparateFromTheScaleUpOne() {
        PolicyDTO p = timing(requestRate(), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ZERO);
        Instant lastScale = clock.instant().minusSeconds(45); // past the up cooldown, within the down one
        Verdict down = arithmetic.cooldown(p, at(p, 3, 20), lastScale);
        assertEquals(Hold.COOLDOWN_DOWN, down.hold());
        assertEquals(2, down.to()); // what was wanted
        assertTrue(down.reason(), down.reason().contains("scale-down cooldown 1m"));
        assertTrue(arithmetic.cooldown(p, at(p, 1, 130), lastScale).isChange()); // an up is allowed
        clock.advance(Duration.ofSeconds(15));
        assertTrue(arithmetic.cooldown(p, at(p, 3, 20), lastScale).isChange());
    }

    @Test
    public void aDipInsideTheStabilizationWindowDoesNotScaleDownAfterTheWindowItGoesToTheHighestRecommendation() {
        PolicyDTO p = bounds(timing(requestRate(), Duration.ZERO, Duration.ZERO, Duration.ofSeconds(60)), 1, 6, 3);
        Stabilization recent = new Stabilization(clock.instant(), 4);
        List<String> changes = new ArrayList<>();
        int instances = 4;
        // 4 instances at 200 req/s (4 recommended) for a minute; then a dip to 20 req/s (1) for 20 s; back to 200
        double[] values = new double[36];
        for (int i = 0; i < values.length; i++) {
            values[i] = i >= 12 && i < 16 ? 20 : 200;
        }
        for (double value : values) {
            Verdict v = arithmetic.recommend(p, instances, OptionalDouble.of(value), recent);
            if (v.isChange()) {
                changes.add(instances + "->" + v.to());
                instances = v.to();
            }
            clock.advance(Duration.ofSeconds(5));
        }
        assertEquals(List.of(), changes);
        // load falls to 100 req/s (2), then to 20 req/s (1) 30 s later: held for a minute after the last 4
        Verdict first = arithmetic.recommend(p, instances, OptionalDouble.of(100), recent);
        assertEquals(Hold.STABILIZATION, first.hold());
        assertTrue(first.reason(), first.reason().contains("highest recommendation in the last 1m: 4"));
        Instant lastFour = clock.instant().minusSeconds(5);
        for (int s = 5; s <= 55; s += 5) {
            clock.advance(Duration.ofSeconds(5));
            Verdict v = arithmetic.recommend(p, instances, OptionalDouble.of(s <= 30 ? 100 : 20), recent);
            assertEquals("at +" + s + "s: " + v.reason(), Hold.STABILIZATION, v.hold());
        }
        clock.advance(Duration.ofSeconds(5)); // the last 4 is now more than a minute old
        assertTrue(clock.instant().isAfter(lastFour.plusSeconds(60)));
        Verdict v = arithmetic.recommend(p, instances, OptionalDouble.of(20), recent);
        // the highest of the window is the 2 of the first 30 s, not the 1 of now, though step 3 would allow 1
        assertTrue(v.reason(), v.isChange());
        assertEquals(2, v.to());
    }

    @Test
    public void untilAWholeWindowIsSeenTheCountWhenObservationBeganCountsAsARecommendation() {
        PolicyDTO p = timing(requestRate(), Duration.ZERO, Duration.ZERO, Duration.ofSeconds(60));
        Stabilization recent = new Stabilization(clock.instant(), 3); // e.g. the platform just restarted
        assertEquals(Hold.STABILIZATION, arithmetic.recommend(p, 3, OptionalDouble.of(10), recent).hold());
        clock.advance(Duration.ofSeconds(61));
        assertEquals(2, arithmetic.recommend(p, 3, OptionalDouble.of(10), recent).to());
    }

    @Test
    public void missingDataHoldChangesNothing() {
        Verdict v = arithmetic.recommend(requestRate(), 3, OptionalDouble.empty(), fresh(3));
        assertFalse(v.isChange());
        assertFalse(v.isHeld());
        assertEquals("no sample of http.requests.rate in the last 1m: holding 3 instance(s) (onMissing HOLD)",
                v.reason());
    }

    @Test
    public void missingDataFixedGoesStraightToTheFixedCountWithinTheBoundsButAfterTheCooldown() {
        PolicyDTO p = fixed(bounds(requestRate(), 1, 6, 1), 2);
        Verdict v = arithmetic.recommend(p, 5, OptionalDouble.empty(), fresh(5));
        assertEquals(2, v.to()); // no step: 5 -> 2 at once, as KEDA's fallback
        assertTrue(v.isChange());
        assertEquals("no sample of http.requests.rate in the last 1m: 2 instance(s) (onMissing FIXED 2, within 1..6) "
                + "-> scale down to 2", v.reason());
        assertEquals(Hold.COOLDOWN_DOWN, arithmetic.cooldown(p, v, clock.instant().minusSeconds(5)).hold());
        assertFalse(arithmetic.recommend(p, 2, OptionalDouble.empty(), fresh(2)).isChange());
        // the bounds win over the fixed count
        assertEquals(6, arithmetic.recommend(fixed(bounds(requestRate(), 1, 6, 1), 9), 2, OptionalDouble.empty(),
                fresh(2)).to());
    }

    @Test
    public void aNoisyMetricAroundTheTargetScalesOnceAndThenStays() {
        PolicyDTO p = requestRate(); // the built-in defaults: tolerance 0.1, step 1, 30s / 60s, stabilization 60s
        assertEquals(List.of("2->3"), simulate(p, 100, 0.2));
        assertEquals(List.of(), simulate(p, 100, 0.08)); // inside the band: nothing at all
    }

    @Test
    public void withoutStabilizationAndCooldownsTheSameNoiseFlaps() {
        // the test above can fail: the same sequence flaps when the guards are off
        PolicyDTO p = tolerance(timing(requestRate(), Duration.ZERO, Duration.ZERO, Duration.ZERO), 0);
        assertTrue(simulate(p, 100, 0.2).size() > 10);
    }

    /**
     * Ten minutes of evaluations every 5 s from 2 instances, the metric uniformly noisy by {@code noise} around
     * {@code mean} (a fixed seed: the same sequence every run); a change takes effect at once and counts as a scale.
     */
    private List<String> simulate(PolicyDTO p, double mean, double noise) {
        Random random = new Random(42);
        Stabilization recent = new Stabilization(clock.instant(), 2);
        Instant lastScale = null;
        int instances = 2;
        List<String> changes = new ArrayList<>();
        for (int tick = 0; tick < 120; tick++) {
            double value = mean * (1 + noise * (2 * random.nextDouble() - 1));
            Verdict v = arithmetic.cooldown(p, arithmetic.recommend(p, instances, OptionalDouble.of(value), recent),
                    lastScale);
            if (v.isChange()) {
                changes.add(instances + "->" + v.to());
                instances = v.to();
                lastScale = clock.instant();
            }
            clock.advance(Duration.ofSeconds(5));
        }
        return changes;
    }

    @Test
    public void anAlertStepsByTheStepWithinTheBoundsAndIsHeldAtThem() {
        PolicyDTO p = bounds(requestRate(), 1, 4, 1);
        Verdict up = arithmetic.alertStep(p, 2, true, 1, "alert 'busy'");
        assertEquals(3, up.to());
        assertEquals("alert 'busy': scale up by 1 within 1..4 -> scale up to 3", up.reason());
        assertEquals(4, arithmetic.alertStep(p, 3, true, 2, "alert 'busy'").to());
        Verdict atMax = arithmetic.alertStep(p, 4, true, 1, "alert 'busy'");
        assertEquals(Hold.LIMIT, atMax.hold());
        assertTrue(atMax.reason(), atMax.reason().contains("at or beyond the policy's max 4"));
        assertEquals(1, arithmetic.alertStep(p, 3, false, 5, "alert 'idle'").to());
        assertEquals(Hold.LIMIT, arithmetic.alertStep(p, 1, false, 1, "alert 'idle'").hold());
        assertEquals(Hold.COOLDOWN_UP, arithmetic.cooldown(p, up, clock.instant().minusSeconds(1)).hold());
    }

    @Test
    public void numbersAreShortInReasons() {
        assertEquals("130.2", PolicyArithmetic.number(130.2));
        assertEquals("50", PolicyArithmetic.number(50));
        assertEquals("0.125", PolicyArithmetic.number(0.125));
        assertEquals("1.05", PolicyArithmetic.number(1.0500001));
    }
}
