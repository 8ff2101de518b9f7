/**
 * The service management engine (SME) SPI, version 2.2 (1.1 added {@link io.stratum.sme.api.ConfigurationChecker};
 * 2.0 revised {@link io.stratum.sme.api.BackupEngine} for restores into another service and staged locks; 2.2 revised
 * {@link io.stratum.sme.api.UpdateEngine}, which nothing called before, and added {@link io.stratum.sme.api.RollingEngine}
 * and {@link io.stratum.sme.api.MaintenanceEngine} for the update manager).
 * <p>
 * A service definition package (SDP) is an OSGi bundle that carries a descriptor (see
 * {@link io.stratum.sme.api.descriptor}) and registers one {@link io.stratum.sme.api.ServiceManagementEngine}
 * service. The Stratum platform calls the engine for everything that is specific to the service type;
 * the engine uses the {@link io.stratum.sme.api.runtime.RuntimePlatform} it is given to run processes.
 * <p>
 * Optional capabilities ({@link io.stratum.sme.api.ProviderEngine}, {@link io.stratum.sme.api.DependantEngine},
 * {@link io.stratum.sme.api.ScalableEngine}, {@link io.stratum.sme.api.ConfigurationChecker},
 * {@link io.stratum.sme.api.MetricsEngine}, {@link io.stratum.sme.api.BackupEngine},
 * {@link io.stratum.sme.api.UpdateEngine}, {@link io.stratum.sme.api.RollingEngine},
 * {@link io.stratum.sme.api.MaintenanceEngine}) are implemented by the registered engine object. The platform registers
 * each capability an engine has as an OSGi service of its own, with the properties
 * {@value io.stratum.sme.api.ServiceManagementEngine#SERVICE_TYPE} and
 * {@value io.stratum.sme.api.ServiceManagementEngine#SDP_VERSION}, so that core bundles track them in the service
 * registry; an SDP may also register them itself with those properties.
 */
@Export
@Version("2.2.0")
package io.stratum.sme.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
