package io.stratum.platform.backup.internal.repo;

/**
 * The outcome of {@link BackupRepository#collectGarbage()}.
 *
 * @param chunksDeleted chunks deleted because no complete backup and no live pending backup referenced them
 * @param bytesFreed    stored (compressed) bytes of the deleted chunks
 * @param chunksKept    chunks left in the repository
 */
public record GcReport(long chunksDeleted, long bytesFreed, long chunksKept) {
}
