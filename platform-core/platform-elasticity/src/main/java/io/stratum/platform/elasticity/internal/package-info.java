/**
 * The elasticity manager (not exported): gatherers sampled into time series, alerts, actions and scaling policies.
 */
package io.stratum.platform.elasticity.internal;
