package io.stratum.platform.backup.internal.repo;

/**
 * One chunk of an artifact, as its manifest lists it.
 *
 * @param sha256 the SHA-256 of the chunk's uncompressed bytes, 64 lowercase hex digits; also the chunk's name in
 *               the repository
 * @param size   the chunk's uncompressed size in bytes (at most {@link FastCdc#MAX_SIZE} for chunks this code
 *               writes)
 */
public record ChunkRef(String sha256, int size) {

    /** Checks the hash's form and that the size is positive. */
    public ChunkRef {
        Names.checkSha256(sha256);
        if (size <= 0) {
            throw new IllegalArgumentException("chunk " + sha256 + " has size " + size + "; a chunk holds at least one byte");
        }
    }
}
