package io.stratum.platform.api;

import java.time.Duration;
import java.util.List;

/**
 * An alert to create.
 *
 * @param service the service it watches
 * @param name its name, unique among the service's alerts
 * @param expression an Expression Language boolean expression over windowed functions of the service's metrics and
 *     {@code instances}, e.g. {@code avg('http.requests.rate', '1m') > 50 && instances < 4}
 * @param every how often it is evaluated ({@code null}: 30 s)
 * @param actions what runs when it enters ALARM: {@code name} or {@code name:argument}
 * @param description what it means, for users ({@code null}: none)
 */
public record AlertRequest(String service, String name, String expression, Duration every, List<String> actions,
        String description) {

    /** Normalizes an absent list to an empty one. */
    public AlertRequest {
        actions = actions == null ? List.of() : List.copyOf(actions);
    }
}
