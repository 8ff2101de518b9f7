/**
 * The alert actions that tell people and other systems about an alert's change of state: {@code log}, {@code event}
 * (OSGi EventAdmin), {@code email} (SMTP) and {@code webhook} (HTTP POST). Each is an
 * {@link io.stratum.platform.spi.AlertAction} DS component, found by the alerts through the service registry.
 */
package io.stratum.platform.elasticity.internal.action;
