package io.stratum.platform.elasticity.internal.policy;

import io.stratum.platform.elasticity.internal.series.MetricHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/** Metric means a test sets per (service id, metric); absent: the window holds no sample. */
final class FakeHistory implements MetricHistory {

    final Map<String, Double> means = new ConcurrentHashMap<>();
    /** The windows asked for, per (service id, metric). */
    final Map<String, Duration> windows = new ConcurrentHashMap<>();

    void set(String serviceId, String metric, Double mean) {
        if (mean == null) {
            means.remove(serviceId + "|" + metric);
        } else {
            means.put(serviceId + "|" + metric, mean);
        }
    }

    @Override
    public OptionalDouble aggregate(String serviceId, String metric, Duration window, Aggregation aggregation) {
        if (aggregation != Aggregation.AVG) {
            throw new AssertionError("a policy reads the mean, not " + aggregation);
        }
        windows.put(serviceId + "|" + metric, window);
        Double v = means.get(serviceId + "|" + metric);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    @Override
    public Optional<Instant> lastSampleAt(String serviceId, String metric) {
        return Optional.empty();
    }
}
