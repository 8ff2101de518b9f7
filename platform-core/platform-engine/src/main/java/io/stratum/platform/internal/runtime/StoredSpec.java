package io.stratum.platform.internal.runtime;

import io.stratum.sme.api.runtime.RuntimeSpec.RestartPolicy;
import io.stratum.sme.api.runtime.RuntimeSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A {@link RuntimeSpec} as stored (JSON), with durations in milliseconds. */
record StoredSpec(
        String name,
        List<String> command,
        Map<String, String> environment,
        List<String> ports,
        int maxRestarts,
        long restartWindowMs,
        long restartBackoffMs) {

    static StoredSpec of(RuntimeSpec spec) {
        RestartPolicy p = spec.restartPolicy();
        return new StoredSpec(spec.name(), spec.command(), spec.environment(), spec.ports(), p.maxRestarts(),
                p.window().toMillis(), p.initialBackoff().toMillis());
    }

    RuntimeSpec toSpec() {
        return new RuntimeSpec(name, command, environment, ports, new RestartPolicy(maxRestarts,
                Duration.ofMillis(restartWindowMs), Duration.ofMillis(restartBackoffMs)));
    }
}
