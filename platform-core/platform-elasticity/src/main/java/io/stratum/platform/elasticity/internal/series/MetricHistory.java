package io.stratum.platform.elasticity.internal.series;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The time series the elasticity manager keeps, as alerts and policies read them: per (service id, metric), raw
 * samples for a while and downsampled history for longer. Registered as an OSGi service inside this bundle.
 */
public interface MetricHistory {

    /** How the values of a window are reduced to one. */
    enum Aggregation {
        AVG, MIN, MAX, SUM, COUNT, LAST, P50, P95, P99, RATE
    }

    /**
     * @param serviceId a service's id
     * @param metric a metric's name
     * @param window how far back from now
     * @param aggregation how to reduce the window's values ({@code RATE}: change per second of a counter)
     * @return the reduced value, empty when the window holds no sample
     */
    OptionalDouble aggregate(String serviceId, String metric, Duration window, Aggregation aggregation);

    /**
     * @param serviceId a service's id
     * @param metric a metric's name
     * @return when its last sample was taken, empty if none is held
     */
    Optional<Instant> lastSampleAt(String serviceId, String metric);
}
