package io.stratum.sme.api.metrics;

import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.SmeException;
import java.time.Duration;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A source of metrics, registered as an OSGi service (whiteboard) by the platform or by an SDP. The elasticity manager
 * calls each gatherer on its own schedule with the running services it is meant for and keeps the samples as time
 * series. A gatherer registered with the service property {@value #SERVICE_TYPE} is asked only about services of that
 * type.
 */
@ConsumerType
public interface MetricGatherer {

    /** Service property: the service type whose services a gatherer is asked about (absent: all services). */
    String SERVICE_TYPE = "stratum.service.type";

    /** @return the metrics it reports (alerts may name only known metrics) */
    List<MetricInfo> metrics();

    /** @return how often it should be called */
    Duration interval();

    /**
     * Samples services. Must return within a second or two; a service that cannot be sampled now is left out.
     *
     * @param services the running services it is asked about
     * @return their samples (a gatherer may keep state between calls, e.g. counters to compute rates)
     * @throws SmeException if nothing could be sampled
     */
    List<Sample> gather(List<ServiceContext> services) throws SmeException;
}
