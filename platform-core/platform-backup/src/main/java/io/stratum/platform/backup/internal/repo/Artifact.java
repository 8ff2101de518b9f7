package io.stratum.platform.backup.internal.repo;

import java.util.List;
import java.util.Objects;

/**
 * One named byte stream of a member (a file, a dump, a configuration document), stored as an ordered list of chunks.
 *
 * @param name   the artifact's name within its member ({@link Names#checkName rules}: letters, digits, {@code . _ - /})
 * @param size   the artifact's size in bytes, the sum of its chunks' sizes
 * @param sha256 the SHA-256 of the whole artifact (lowercase hex), the same figure {@code sha256sum} prints
 * @param chunks the chunks that, concatenated in this order, are the artifact; empty for an empty artifact
 */
public record Artifact(String name, long size, String sha256, List<ChunkRef> chunks) {

    /** Checks names and that the chunk sizes add up to {@code size}; copies the chunk list. */
    public Artifact {
        Names.checkName("artifact", name);
        Names.checkSha256(sha256);
        chunks = List.copyOf(Objects.requireNonNull(chunks, "chunks"));
        long sum = 0;
        for (ChunkRef c : chunks) {
            sum += c.size();
        }
        if (sum != size) {
            throw new IllegalArgumentException("artifact '" + name + "' has size " + size + " but its chunks add up to "
                    + sum + " bytes");
        }
    }
}
