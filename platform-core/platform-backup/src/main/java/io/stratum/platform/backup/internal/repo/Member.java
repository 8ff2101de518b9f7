package io.stratum.platform.backup.internal.repo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One part of a backup, usually one service: its properties (SDP version, configuration, ... as the orchestrator
 * records them) and its artifacts.
 *
 * @param key        the member's key, unique within the backup ({@link Names#checkName rules}), e.g. {@code service/orders}
 * @param properties free-form properties, in the order given
 * @param artifacts  the member's artifacts, sorted by name
 */
public record Member(String key, Map<String, String> properties, List<Artifact> artifacts) {

    /** Checks the key and copies properties (keeping their order) and artifacts. */
    public Member {
        Names.checkName("member", key);
        properties = copy(properties);
        artifacts = List.copyOf(Objects.requireNonNull(artifacts, "artifacts"));
    }

    /** The artifact of that name, if this member has one. */
    public Optional<Artifact> artifact(String name) {
        return artifacts.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /** The sum of this member's artifact sizes. */
    public long logicalBytes() {
        return artifacts.stream().mapToLong(Artifact::size).sum();
    }

    static Map<String, String> copy(Map<String, String> properties) {
        Map<String, String> copy = new LinkedHashMap<>();
        if (properties != null) {
            properties.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "property name"),
                    Objects.requireNonNull(v, () -> "value of property '" + k + "'")));
        }
        return Collections.unmodifiableMap(copy);
    }
}
