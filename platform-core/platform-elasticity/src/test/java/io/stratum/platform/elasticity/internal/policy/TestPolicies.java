package io.stratum.platform.elasticity.internal.policy;

import io.stratum.platform.api.PolicyDTO;
import java.time.Duration;

/** Policies for tests: the built-in defaults with a metric, changed one field at a time. */
final class TestPolicies {

    private TestPolicies() {
    }

    /** @return enabled, {@code http.requests.rate} at 50 per instance over 1m, 1..4, step 1, 30s/60s/60s, 0.1 */
    static PolicyDTO requestRate() {
        return new PolicyDTO("app", true, "http.requests.rate", Duration.ofMinutes(1), 50, 1, 4, 1,
                Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(60), 0.1, "HOLD", 0, "account");
    }

    static PolicyDTO bounds(PolicyDTO p, int min, int max, int step) {
        return new PolicyDTO(p.service(), p.enabled(), p.metric(), p.window(), p.target(), min, max, step,
                p.scaleUpCooldown(), p.scaleDownCooldown(), p.scaleDownStabilization(), p.tolerance(), p.onMissing(),
                p.fixedInstances(), p.source());
    }

    static PolicyDTO timing(PolicyDTO p, Duration up, Duration down, Duration stabilization) {
        return new PolicyDTO(p.service(), p.enabled(), p.metric(), p.window(), p.target(), p.min(), p.max(), p.step(),
                up, down, stabilization, p.tolerance(), p.onMissing(), p.fixedInstances(), p.source());
    }

    static PolicyDTO fixed(PolicyDTO p, int fixed) {
        return new PolicyDTO(p.service(), p.enabled(), p.metric(), p.window(), p.target(), p.min(), p.max(), p.step(),
                p.scaleUpCooldown(), p.scaleDownCooldown(), p.scaleDownStabilization(), p.tolerance(), "FIXED", fixed,
                p.source());
    }

    static PolicyDTO tolerance(PolicyDTO p, double tolerance) {
        return new PolicyDTO(p.service(), p.enabled(), p.metric(), p.window(), p.target(), p.min(), p.max(), p.step(),
                p.scaleUpCooldown(), p.scaleDownCooldown(), p.scaleDownStabilization(), tolerance, p.onMissing(),
                p.fixedInstances(), p.source());
    }
}
