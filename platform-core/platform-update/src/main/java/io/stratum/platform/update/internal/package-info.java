/**
 * The update manager: SDP versions side by side, patches from the watched patch folder, maintenance windows, and
 * update jobs (soft, hard with lockout, backup and rollback, rolling across instances). Private to this bundle; it
 * serves {@link io.stratum.platform.api.UpdateAccess}.
 */
package io.stratum.platform.update.internal;
