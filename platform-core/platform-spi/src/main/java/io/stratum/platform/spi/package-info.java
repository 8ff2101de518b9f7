/**
 * What Stratum's core bundles extend, version 1.3: the seams of ARCHITECTURE. 1.1 adds
 * {@link io.stratum.platform.spi.AlertAction}, {@link io.stratum.platform.spi.Services#all()},
 * {@link io.stratum.platform.spi.AccountScopes#recordVersion} and {@link io.stratum.platform.spi.AccountContents}; 1.2
 * adds {@link io.stratum.platform.spi.ServiceSteps} and {@link io.stratum.platform.spi.JobRequest#service}; 1.3 adds
 * {@link io.stratum.platform.spi.Secrets}, the one rule of which values are shown masked.
 * <ul>
 * <li><b>Job kinds</b>: a bundle registers a {@link io.stratum.platform.spi.JobPlanner} for its kinds
 * ({@value io.stratum.platform.spi.JobPlanner#KINDS}, multi-valued); the orchestration engine runs, persists,
 * retries, compensates and resumes their jobs. A job locks a set of {@link io.stratum.platform.spi.Resource}s,
 * kept in the store. A {@link io.stratum.platform.spi.StepContributor} adds tasks to plans of other bundles (a
 * clone adds a restore to a service create). No JDBC type appears in the job SPI.</li>
 * <li><b>Services and accounts</b>: {@link io.stratum.platform.spi.Services} describes the platform's services and
 * hands out the {@link io.stratum.sme.api.ServiceContext} that capability calls need;
 * {@link io.stratum.platform.spi.AccountScopes} scopes a {@link io.stratum.platform.api.Caller} to an account in
 * the one place that does it for the facade too; an {@link io.stratum.platform.spi.AccountContents} tells what a
 * bundle keeps of an account, which keeps it from being deleted.</li>
 * <li><b>Store</b>: see {@link io.stratum.platform.spi.store}.</li>
 * <li><b>Alert actions</b>: an {@link io.stratum.platform.spi.AlertAction} registered with
 * {@value io.stratum.platform.spi.AlertAction#NAME} runs when an alert of the elasticity manager changes state.</li>
 * <li><b>Events</b>: topics in {@link io.stratum.platform.api.PlatformEvents}.</li>
 * </ul>
 * Capabilities of engines ({@link io.stratum.sme.api.BackupEngine}, ...) are OSGi services of their own, with
 * {@value io.stratum.sme.api.ServiceManagementEngine#SERVICE_TYPE} and
 * {@value io.stratum.sme.api.ServiceManagementEngine#SDP_VERSION}.
 */
@Export
@Version("1.3.0")
package io.stratum.platform.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
