package io.stratum.platform.backup.internal.repo;

/**
 * What a {@link BackupWriter} has written so far.
 *
 * @param logicalBytes   bytes given to the writer (the sum of its artifacts' sizes)
 * @param newChunks      chunks the repository did not hold and this writer stored
 * @param newStoredBytes compressed bytes of those new chunks: what this backup really added to the disk
 * @param reusedChunks   chunk references that needed no write, because the repository (or this writer, earlier)
 *                       already held the chunk
 */
public record WriteStats(long logicalBytes, long newChunks, long newStoredBytes, long reusedChunks) {
}
