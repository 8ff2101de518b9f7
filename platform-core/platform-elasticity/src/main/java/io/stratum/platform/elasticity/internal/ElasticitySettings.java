package io.stratum.platform.elasticity.internal;

import java.time.Duration;

/**
 * The elasticity manager's configuration, checked.
 *
 * @param retention how long the 1-minute history is kept (and the longest window an alert may use)
 * @param rawWindow how long raw samples are kept
 * @param snapshotInterval how often the series are written to disk
 * @param engineInterval how often SDPs' metrics engines are sampled
 * @param gatherTimeout how long one gatherer call may take
 * @param actionTimeout how long one alert action may run
 */
public record ElasticitySettings(Duration retention, Duration rawWindow, Duration snapshotInterval,
        Duration engineInterval, Duration gatherTimeout, Duration actionTimeout) {

    /** The defaults of {@link ElasticityConfig}. */
    public static final ElasticitySettings DEFAULTS = new ElasticitySettings(Duration.ofHours(24),
            Duration.ofMinutes(15), Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofSeconds(5),
            Duration.ofSeconds(60));

    /** Checks. */
    public ElasticitySettings {
        if (retention.compareTo(Duration.ofMinutes(2)) < 0) {
            throw new IllegalArgumentException("retention must be at least 2m, not " + Durations.format(retention));
        }
        if (rawWindow.compareTo(retention) > 0) {
            throw new IllegalArgumentException("rawWindow (" + Durations.format(rawWindow) + ") must not be longer "
                    + "than retention (" + Durations.format(retention) + ")");
        }
    }

    /**
     * @param config the configuration as written
     * @return it checked
     * @throws IllegalArgumentException naming the property and the PID's file when a value is wrong
     */
    public static ElasticitySettings of(ElasticityConfig config) {
        try {
            return new ElasticitySettings(parse("retention", config.retention()),
                    parse("rawWindow", config.rawWindow()), parse("snapshotInterval", config.snapshotInterval()),
                    parse("engineInterval", config.engineInterval()), parse("gatherTimeout", config.gatherTimeout()),
                    parse("actionTimeout", config.actionTimeout()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (in etc/" + ElasticityConfig.PID + ".cfg)", e);
        }
    }

    private static Duration parse(String key, String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }
}
