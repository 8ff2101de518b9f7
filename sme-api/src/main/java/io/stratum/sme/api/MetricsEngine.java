package io.stratum.sme.api;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Capability of an engine that can sample metrics of its services (request rate, latency, connections,
 * ...). The platform samples on its own schedule and keeps the time series.
 */
@ConsumerType
public interface MetricsEngine {

    /**
     * Samples the service's current metric values. Must return within a second or two.
     *
     * @param service the service
     * @return metric names (lower-case, dot-separated, e.g. {@code http.requests}) to values
     * @throws SmeException if the service cannot be sampled now
     */
    Map<String, Double> sample(ServiceContext service) throws SmeException;
}
