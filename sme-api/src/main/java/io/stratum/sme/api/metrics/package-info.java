/**
 * Metric gatherers, version 1.0: whiteboard services that the elasticity manager samples into time series. The
 * platform ships gatherers of process CPU and memory; an SDP may register its own (the web tier reports the request
 * rate, errors and latency of each service it routes to).
 */
@Export
@Version("1.0.0")
package io.stratum.sme.api.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
