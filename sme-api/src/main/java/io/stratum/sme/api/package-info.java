/**
 * The service management engine (SME) SPI, version 1.1 (1.1 adds {@link io.stratum.sme.api.ConfigurationChecker}).
 * <p>
 * A service definition package (SDP) is an OSGi bundle that carries a descriptor (see
 * {@link io.stratum.sme.api.descriptor}) and registers one {@link io.stratum.sme.api.ServiceManagementEngine}
 * service. The Stratum platform calls the engine for everything that is specific to the service type;
 * the engine uses the {@link io.stratum.sme.api.runtime.RuntimePlatform} it is given to run processes.
 * <p>
 * Optional capabilities ({@link io.stratum.sme.api.ProviderEngine}, {@link io.stratum.sme.api.DependantEngine},
 * {@link io.stratum.sme.api.ScalableEngine}, {@link io.stratum.sme.api.ConfigurationChecker},
 * {@link io.stratum.sme.api.MetricsEngine}, {@link io.stratum.sme.api.BackupEngine},
 * {@link io.stratum.sme.api.UpdateEngine}) are discovered by the platform with {@code instanceof} on the
 * registered engine object.
 */
@Export
@Version("1.1.0")
package io.stratum.sme.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
