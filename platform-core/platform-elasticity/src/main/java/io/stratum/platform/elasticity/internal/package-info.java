/**
 * The elasticity manager (not exported): {@code series} (bounded time series and their snapshot), {@code collect}
 * (gatherers and SDPs' metrics engines sampled on their intervals), {@code alert} (Expression Language alerts, their
 * states and actions), {@code policy} (scaling policies), {@code action} and {@code gather} (built-in actions and
 * gatherers); this package holds the facade ({@link io.stratum.platform.elasticity.internal.ElasticityAccessImpl}) and
 * the configuration shared by the parts (PID {@value io.stratum.platform.elasticity.internal.ElasticityConfig#PID}).
 */
package io.stratum.platform.elasticity.internal;
