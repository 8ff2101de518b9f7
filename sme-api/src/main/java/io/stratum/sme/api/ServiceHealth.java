package io.stratum.sme.api;

import java.util.Objects;

/**
 * The result of a health check.
 *
 * @param state the health state
 * @param message a short explanation for users, e.g. "accepting JDBC connections on 127.0.0.1:40123"
 */
public record ServiceHealth(HealthState state, String message) {

    /**
     * @param state the health state, not {@code null}
     * @param message a short explanation, {@code null} becomes empty
     */
    public ServiceHealth {
        Objects.requireNonNull(state, "state");
        message = message == null ? "" : message;
    }

    /**
     * @param message a short explanation
     * @return a healthy result
     */
    public static ServiceHealth healthy(String message) {
        return new ServiceHealth(HealthState.HEALTHY, message);
    }

    /**
     * @param state the health state
     * @param message a short explanation
     * @return a result
     */
    public static ServiceHealth of(HealthState state, String message) {
        return new ServiceHealth(state, message);
    }
}
