package io.stratum.platform.backup.internal.repo;

/**
 * The outcome of {@link BackupRepository#collectGarbage()}.
 *
 * @param chunksDeleted chunks deleted because no complete backup and no live pending backup referenced them
 * @param bytesFreed    disk space freed: bytes of the packs deleted less bytes of the packs written to keep the
 *                      referenced chunks of partly unreferenced packs
 * @param chunksKept    distinct chunks left in the repository
 */
public record GcReport(long chunksDeleted, long bytesFreed, long chunksKept) {
}
