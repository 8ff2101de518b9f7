/**
 * The platform's own metric gatherers (not exported): CPU and memory of every service's processes, from Linux's
 * {@code /proc}.
 */
package io.stratum.platform.elasticity.internal.gather;
