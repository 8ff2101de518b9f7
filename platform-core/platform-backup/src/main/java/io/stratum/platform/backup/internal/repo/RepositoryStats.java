package io.stratum.platform.backup.internal.repo;

/**
 * Sizes of a whole repository, as {@link BackupRepository#stats()} found them.
 *
 * @param chunks       distinct chunks stored
 * @param storedBytes  the size of the packs holding them (compressed, with 40 bytes of header per chunk, and
 *                     whatever garbage collection has not reclaimed yet)
 * @param logicalBytes the sum of {@link Manifest#logicalBytes()} over all complete backups: what restoring all of
 *                     them would write; {@code logicalBytes / storedBytes} is the saving of deduplication and
 *                     compression together
 * @param backups      complete backups
 */
public record RepositoryStats(long chunks, long storedBytes, long logicalBytes, int backups) {
}
