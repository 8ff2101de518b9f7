package io.stratum.platform.backup.internal.repo;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one complete backup holds: its members, their artifacts and the chunks of each. A repository writes a
 * manifest only after every chunk it names is durable, so a manifest that exists describes a whole backup.
 *
 * @param format     the manifest format, {@value #FORMAT} for manifests this code writes
 * @param id         the backup's id ({@link Names#checkBackupId rules}), unique within a repository
 * @param createdAt  when the backup was committed (a copy keeps the original's time)
 * @param properties free-form properties of the whole backup (who asked, the point in time, ...), in the order given
 * @param members    the members, sorted by key
 */
public record Manifest(int format, String id, Instant createdAt, Map<String, String> properties, List<Member> members) {

    /** The manifest format this code writes and reads. */
    public static final int FORMAT = 1;

    /** Checks the id and that member keys are unique; copies properties (keeping their order) and members. */
    public Manifest {
        Names.checkBackupId(id);
        Objects.requireNonNull(createdAt, "createdAt");
        properties = Member.copy(properties);
        members = List.copyOf(Objects.requireNonNull(members, "members"));
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (Member m : members) {
            if (seen.put(m.key(), Boolean.TRUE) != null) {
                throw new IllegalArgumentException("backup '" + id + "' lists member '" + m.key() + "' twice");
            }
        }
    }

    /** The sum of the sizes of all artifacts of all members (what a full restore writes). */
    public long logicalBytes() {
        return members.stream().mapToLong(Member::logicalBytes).sum();
    }

    /** The member with that key, if any. */
    public Optional<Member> member(String key) {
        return members.stream().filter(m -> m.key().equals(key)).findFirst();
    }

    /** The artifact {@code name} of member {@code member}, if any. */
    public Optional<Artifact> artifact(String member, String name) {
        return member(member).flatMap(m -> m.artifact(name));
    }

    /**
     * Every distinct chunk this backup references, with its uncompressed size, in order of first use.
     */
    public Map<String, Integer> distinctChunks() {
        Map<String, Integer> chunks = new LinkedHashMap<>();
        for (Member m : members) {
            for (Artifact a : m.artifacts()) {
                for (ChunkRef c : a.chunks()) {
                    chunks.putIfAbsent(c.sha256(), c.size());
                }
            }
        }
        return chunks;
    }
}
