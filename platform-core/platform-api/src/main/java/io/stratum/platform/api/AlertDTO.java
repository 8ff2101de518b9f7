package io.stratum.platform.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An alert and its state.
 *
 * @param account the account's name
 * @param service the service it watches
 * @param name its name
 * @param expression its expression
 * @param every how often it is evaluated
 * @param actions its actions
 * @param description what it means
 * @param origin {@code sdp} for a default of the service's SDP, else {@code user}
 * @param state {@code OK}, {@code ALARM} or {@code NO_DATA}
 * @param since when it entered that state
 * @param evaluatedAt when it was last evaluated ({@code null}: not yet)
 * @param values the values its expression saw at the last evaluation
 */
public record AlertDTO(String account, String service, String name, String expression, Duration every,
        List<String> actions, String description, String origin, String state, Instant since, Instant evaluatedAt,
        Map<String, Double> values) {

    /** Copies the collections. */
    public AlertDTO {
        actions = List.copyOf(actions);
        values = Map.copyOf(values);
    }
}
