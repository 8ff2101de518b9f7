package io.stratum.platform.backup.internal.repo;

/**
 * The outcome of {@link BackupRepository#copyTo}.
 *
 * @param chunksSent         chunks the target lacked and received
 * @param bytesSent          stored (compressed) bytes sent
 * @param chunksAlreadyThere distinct chunks of the backup the target already held (not sent)
 */
public record CopyReport(long chunksSent, long bytesSent, long chunksAlreadyThere) {
}
