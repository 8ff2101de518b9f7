package io.stratum.platform.elasticity.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The elasticity manager's configuration (PID {@value #PID}, file {@code etc/io.stratum.elasticity.cfg}), read by
 * each of its components. Durations as {@link Durations} reads them ({@code 30s}, {@code 15m}, {@code 24h}).
 */
@ObjectClassDefinition(name = "Stratum elasticity", description = "Metric time series, gatherers and alerts")
public @interface ElasticityConfig {

    /** The configuration's PID. */
    String PID = "io.stratum.elasticity";

    /** @return how long the downsampled (1-minute) history of each metric is kept */
    @AttributeDefinition(description = "How long the 1-minute history of each metric is kept (e.g. 24h); also the "
            + "longest window an alert may look at")
    String retention() default "24h";

    /** @return how long raw samples are kept (windows up to this long are computed from raw samples) */
    @AttributeDefinition(description = "How long raw samples are kept (e.g. 15m); shorter windows are computed from "
            + "raw samples, longer ones from the 1-minute history")
    String rawWindow() default "15m";

    /** @return how often the series are written to disk */
    @AttributeDefinition(description = "How often the series are written to <stratum home>/elasticity/ so that "
            + "alerts do not start blind after a restart (e.g. 1m)")
    String snapshotInterval() default "1m";

    /** @return how often the metrics engine of each SDP is sampled */
    @AttributeDefinition(description = "How often the metrics engine of each SDP is asked for its services' metrics "
            + "(e.g. 10s)")
    String engineInterval() default "10s";

    /** @return how long one call of a gatherer may take */
    @AttributeDefinition(description = "How long one call of a metric gatherer may take before it is abandoned and "
            + "logged (e.g. 5s)")
    String gatherTimeout() default "5s";

    /** @return how long an alert's action may run */
    @AttributeDefinition(description = "How long one alert action (scale, email, webhook, ...) may run before it is "
            + "recorded as failed (e.g. 60s)")
    String actionTimeout() default "60s";
}
