package io.stratum.sme.api.descriptor;

import java.util.Map;

/**
 * A plan of a service type: a named set of configuration settings (sizes, limits) users choose from.
 *
 * @param name the plan's name, e.g. {@code small}
 * @param description what the plan gives, for users
 * @param settings configuration keys (declared in the descriptor's schema) to values
 */
public record Plan(String name, String description, Map<String, String> settings) {

    /** Normalizes absent settings to an empty map. */
    public Plan {
        description = description == null ? "" : description;
        settings = settings == null ? Map.of() : Map.copyOf(settings);
    }
}
