/**
 * The update manager: SDP versions side by side, patches from the watched patch folder, maintenance windows, and
 * update jobs (soft, hard with lockout, backup and rollback, rolling across instances). Private to this bundle; it
 * serves {@link io.stratum.platform.api.UpdateAccess} ({@link io.stratum.platform.update.internal.UpdateAccessImpl},
 * which decides who may do what and how each update runs). The parts: {@link
 * io.stratum.platform.update.internal.UpdateStore} (tables), {@link io.stratum.platform.update.internal.UpdateLedger}
 * (state changes, events, emails), {@link io.stratum.platform.update.internal.UpdateScheduler} (runs due updates as
 * jobs), {@link io.stratum.platform.update.internal.UpdatePlanner} (the {@code update.service} job plans), {@link
 * io.stratum.platform.update.internal.Windows} and {@link io.stratum.platform.update.internal.Frame} (maintenance
 * windows), {@link io.stratum.platform.update.internal.PatchFolder} (patches), {@link
 * io.stratum.platform.update.internal.SdpCatalog} and {@link io.stratum.platform.update.internal.UpdateEngines} (what is
 * installed). Configuration: PID {@value io.stratum.platform.update.internal.UpdateConfig#PID}.
 */
package io.stratum.platform.update.internal;
