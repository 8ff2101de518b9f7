package io.stratum.platform.elasticity.internal.action;

import io.stratum.platform.spi.AlertAction.Firing;
import java.time.Instant;
import java.util.Map;

/** Changes of state for the actions' tests. */
final class Firings {

    static final Instant AT = Instant.parse("2026-05-04T10:15:30Z");

    private Firings() {
    }

    /**
     * @param from the state before
     * @param to the state now
     * @param argument the action's argument
     * @return a change of alert 'busy' of acme/shop, with two values
     */
    static Firing firing(String from, String to, String argument) {
        return new Firing("a-1", "acme", "s-7", "shop", "busy", "avg('http.requests.rate','1m') > 50 && instances < 4",
                from, to, Map.of("avg('http.requests.rate','1m')", 62.5, "instances", 1.0), AT, argument);
    }
}
