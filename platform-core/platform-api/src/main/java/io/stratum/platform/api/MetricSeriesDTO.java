package io.stratum.platform.api;

import java.time.Instant;
import java.util.List;

/**
 * A metric of a service and its recent values.
 *
 * @param service the service's name
 * @param metric the metric's name
 * @param unit its unit
 * @param description what it measures
 * @param points its values, oldest first (empty when only the metric's description is asked for)
 */
public record MetricSeriesDTO(String service, String metric, String unit, String description, List<PointDTO> points) {

    /** Copies the points. */
    public MetricSeriesDTO {
        points = List.copyOf(points);
    }

    /**
     * One value, or the summary of the values of one downsampled interval.
     *
     * @param at when (the start of the interval for a downsampled point)
     * @param value the value (the mean for a downsampled point)
     * @param min the least value in the interval (the value for a raw point)
     * @param max the greatest value in the interval (the value for a raw point)
     */
    public record PointDTO(Instant at, double value, double min, double max) {
    }
}
