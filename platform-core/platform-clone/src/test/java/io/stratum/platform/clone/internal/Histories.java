package io.stratum.platform.clone.internal;

import io.stratum.platform.api.AccountVersionDTO;
import io.stratum.platform.api.AccountVersionDTO.ChangeDTO;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds account histories with the rows the platform writes (see the engine's {@code AccountHistory.whole} and
 * {@code History}): a thing's creation is its {@code *} going to {@code exists} followed by its fields; its
 * removal is {@code *} going to {@code null} followed by the fields the removal lists. Version n is made at
 * {@code T0 + n minutes}.
 */
final class Histories {

    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private final List<AccountVersionDTO> versions = new ArrayList<>();

    static Instant at(long version) {
        return T0.plusSeconds(60 * version);
    }

    List<AccountVersionDTO> list() {
        return List.copyOf(versions);
    }

    Histories version(String summary, List<ChangeDTO> changes) {
        long v = versions.size() + 1;
        versions.add(new AccountVersionDTO(v, at(v), "admin", "shell", summary, changes));
        return this;
    }

    Histories account(String name) {
        return version("account '" + name + "' created", whole("account", name, Map.of(), false));
    }

    /** A service created as the engine records it; providers as type, name pairs. */
    Histories service(String name, String type, String version, String plan, Map<String, String> config,
            String... providers) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("type", type);
        f.put("sdpVersion", version);
        f.put("plan", plan);
        new TreeMap<>(config).forEach((k, v) -> f.put("config." + k, v));
        for (int i = 0; i < providers.length; i += 2) {
            f.put("provider." + providers[i], providers[i + 1]);
        }
        return version("service '" + name + "' created", whole("service", name, f, false));
    }

    /** A service's removal as the engine records it: config and the rest, but not its providers. */
    Histories removeService(String name, String type, String version, String plan, Map<String, String> config) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("type", type);
        f.put("sdpVersion", version);
        f.put("plan", plan);
        new TreeMap<>(config).forEach((k, v) -> f.put("config." + k, v));
        return version("service '" + name + "' deleted", whole("service", name, f, true));
    }

    Histories external(String name, String type, Map<String, String> binding) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("type", type);
        new TreeMap<>(binding).forEach((k, v) -> f.put("binding." + k, v));
        return version("external service '" + name + "' registered", whole("service", name, f, false));
    }

    Histories environment(String name, String members) {
        return version("environment '" + name + "' created", whole("environment", name, Map.of("members", members),
                false));
    }

    Histories change(String entity, String name, String field, String before, String after) {
        return version(entity + " " + name + " " + field, List.of(new ChangeDTO(entity, name, field, before, after)));
    }

    private static List<ChangeDTO> whole(String entity, String name, Map<String, String> fields, boolean removed) {
        List<ChangeDTO> out = new ArrayList<>();
        out.add(new ChangeDTO(entity, name, "*", removed ? "exists" : null, removed ? null : "exists"));
        fields.forEach((k, v) -> out.add(new ChangeDTO(entity, name, k, removed ? v : null, removed ? null : v)));
        return out;
    }
}
