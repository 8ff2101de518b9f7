package io.stratum.platform.backup.internal.repo;

import java.io.IOException;

/**
 * A chunk that is missing or does not check out, before the caller adds which backup and artifact it belongs to
 * (then it becomes a {@link CorruptBackupException} or a line of a {@link VerifyReport}).
 */
final class DamagedChunkException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String sha256;
    private final String reason;

    /**
     * @param reason what is wrong, as the end of a sentence that starts with "chunk X ", e.g. "is missing (path)"
     */
    DamagedChunkException(String sha256, String reason) {
        super("chunk " + sha256 + " " + reason);
        this.sha256 = sha256;
        this.reason = reason;
    }

    String sha256() {
        return sha256;
    }

    String reason() {
        return reason;
    }
}
