package io.stratum.platform.backup.internal.repo;

import java.io.IOException;

/**
 * A backup's stored data does not match its manifest: a chunk is missing, cannot be decompressed or does not hash
 * to its name, or a whole artifact does not have the size or SHA-256 its manifest records. Thrown before anything
 * is written to a restore target.
 */
public final class CorruptBackupException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String backupId;
    private final String member;
    private final String artifact;
    private final String chunk;

    /**
     * @param backupId the damaged backup, or {@code null} when a chunk was checked outside any backup
     * @param member   the member whose artifact is damaged, or {@code null}
     * @param artifact the damaged artifact, or {@code null}
     * @param chunk    the damaged chunk's SHA-256, or {@code null} when the whole artifact failed its check
     * @param message  the whole message: what is damaged, where, and what to do
     */
    public CorruptBackupException(String backupId, String member, String artifact, String chunk, String message) {
        super(message);
        this.backupId = backupId;
        this.member = member;
        this.artifact = artifact;
        this.chunk = chunk;
    }

    /** The damaged backup's id, or {@code null} when the chunk was checked outside any backup. */
    public String backupId() {
        return backupId;
    }

    /** The key of the member whose artifact is damaged, or {@code null}. */
    public String member() {
        return member;
    }

    /** The damaged artifact's name, or {@code null}. */
    public String artifact() {
        return artifact;
    }

    /** The damaged chunk's SHA-256, or {@code null} when the whole artifact failed its size or SHA-256 check. */
    public String chunk() {
        return chunk;
    }
}
