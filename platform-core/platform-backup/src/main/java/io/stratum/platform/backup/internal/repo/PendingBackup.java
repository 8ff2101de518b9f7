package io.stratum.platform.backup.internal.repo;

import java.time.Instant;

/**
 * A backup being written (or whose writer died before committing): its pending marker exists, its manifest does not.
 *
 * @param backupId   the id the writer was begun with
 * @param lastActive when the writer last added a chunk (the marker's modification time)
 * @param live       whether garbage collection still protects its chunks: its writer is open in this repository
 *                   object, or it was active within the grace period
 */
public record PendingBackup(String backupId, Instant lastActive, boolean live) {
}
