package io.stratum.platform.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An alert's change of state.
 *
 * @param at when
 * @param from the state before
 * @param to the state after
 * @param values the values the expression saw (function calls as written, e.g. {@code avg('http.requests.rate','1m')},
 *     and {@code instances})
 * @param message why, for users (e.g. which metric had no data)
 * @param actions what each action did, e.g. {@code scale-up: job 42} or {@code email: failed: connection refused}
 */
public record AlertTransitionDTO(Instant at, String from, String to, Map<String, Double> values, String message,
        List<String> actions) {

    /** Copies the collections. */
    public AlertTransitionDTO {
        values = Map.copyOf(values);
        actions = List.copyOf(actions);
    }
}
