package io.stratum.platform.internal.runtime;

import io.stratum.platform.internal.store.SecretBox;
import io.stratum.sme.api.runtime.RuntimeSpec.RestartPolicy;
import io.stratum.sme.api.runtime.RuntimeSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A {@link RuntimeSpec} as stored (JSON), with durations in milliseconds and the values of its environment sealed
 * ({@link SecretBox}).
 */
record StoredSpec(
        String name,
        List<String> command,
        Map<String, String> environment,
        List<String> ports,
        int maxRestarts,
        long restartWindowMs,
        long restartBackoffMs) {

    static StoredSpec of(RuntimeSpec spec, SecretBox secrets) {
        RestartPolicy p = spec.restartPolicy();
        return new StoredSpec(spec.name(), spec.command(), secrets.sealValues(spec.environment()), spec.ports(),
                p.maxRestarts(), p.window().toMillis(), p.initialBackoff().toMillis());
    }

    RuntimeSpec toSpec(SecretBox secrets) {
        return new RuntimeSpec(name, command, secrets.openValues(environment), ports, new RestartPolicy(maxRestarts,
                Duration.ofMillis(restartWindowMs), Duration.ofMillis(restartBackoffMs)));
    }
}
