package io.stratum.platform.clone.internal;

import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.AccountVersionDTO;
import io.stratum.platform.api.AccountVersionDTO.ChangeDTO;
import io.stratum.platform.api.QuotaDTO;
import io.stratum.platform.spi.Secrets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An account's administrative state at one version, rebuilt by replaying its history (the change rows of versions 1
 * to that version, in order), as {@link io.stratum.platform.api.PlatformService#accountHistory} returns them.
 * <p>
 * Replaying rather than folding with {@code diffAccount(0, V)} keeps each thing's lifetimes apart: a change of a
 * thing's {@code *} field to {@code null} ends it (every field it had goes with it, including fields its removal
 * did not list, such as a removed service's providers), and a change of {@code *} to {@code exists} starts a new
 * one from no fields. Fields of things without a {@code *} row (quota, members) simply take their latest value.
 * <p>
 * What the history records, and so what a snapshot holds:
 * <ul>
 * <li>managed services (those with an {@code sdpVersion}): type, SDP version, plan, {@code config.<key>} (the
 * effective configuration; secrets as {@value #MASK}, passwords in URLs blanked), {@code provider.<type>} (the
 * provider's name);</li>
 * <li>external services: type and {@code binding.<key>} (masked the same way);</li>
 * <li>environments: the names of the members they were created with (a member is never added later); a snapshot
 * keeps those that exist at the version. The history does not say which job created a service, so a member deleted
 * and then created again on its own still counts as a member;</li>
 * <li>the quota ({@code -1}, no limit, until set) and the members' roles.</li>
 * </ul>
 * Secret values are never in a snapshot: see {@link MaskedValues} for getting them back.
 */
final class AccountSnapshot {

    /** What the history records instead of a secret. */
    static final String MASK = Secrets.MASK;

    /**
     * A service the platform runs, as it was.
     *
     * @param name its name
     * @param type its service type
     * @param sdpVersion the version of the SDP it was created with
     * @param plan its plan
     * @param config its effective configuration (masked values as recorded)
     * @param providers provider type to the provider's name
     * @param since when it was created (a service of the same name before that was another one)
     */
    record Service(String name, String type, String sdpVersion, String plan, Map<String, String> config,
            Map<String, String> providers, Instant since) {
        Service {
            config = Map.copyOf(config);
            providers = Map.copyOf(providers);
        }
    }

    /**
     * A registered (external) service, as it was.
     *
     * @param name its name
     * @param type the provider type it offers
     * @param binding its binding (masked values as recorded): {@code url}, {@code user}, {@code password}, others
     */
    record External(String name, String type, Map<String, String> binding) {
        External {
            binding = Map.copyOf(binding);
        }
    }

    /**
     * An environment, as it was.
     *
     * @param name its name
     * @param members its services at the version, by name
     */
    record Environment(String name, List<String> members) {
        Environment {
            members = List.copyOf(members);
        }
    }

    private final long version;
    private final Instant at;
    private final Instant nextAt;
    private final Map<String, Service> services;
    private final Map<String, External> externals;
    private final Map<String, Environment> environments;
    private final QuotaDTO quota;
    private final Map<String, AccountRole> members;

    private AccountSnapshot(long version, Instant at, Instant nextAt, Map<String, Service> services,
            Map<String, External> externals, Map<String, Environment> environments, QuotaDTO quota,
            Map<String, AccountRole> members) {
        this.version = version;
        this.at = at;
        this.nextAt = nextAt;
        this.services = services;
        this.externals = externals;
        this.environments = environments;
        this.quota = quota;
        this.members = members;
    }

    /** One thing of the history (a service, an environment, the quota, a member) during one lifetime. */
    private static final class Thing {
        final String entity;
        final String name;
        final Instant since;
        final Map<String, String> fields = new LinkedHashMap<>();

        Thing(String entity, String name, Instant since) {
            this.entity = entity;
            this.name = name;
            this.since = since;
        }
    }

    /**
     * @param history the account's versions, in any order (those after {@code version} are only used for the time
     *     the next version was made)
     * @param version the version to rebuild, at least 1
     * @return the state at that version
     * @throws IllegalArgumentException if the history has no such version
     */
    static AccountSnapshot at(List<AccountVersionDTO> history, long version) {
        List<AccountVersionDTO> ordered = new ArrayList<>(history);
        ordered.sort(Comparator.comparingLong(AccountVersionDTO::version));
        AccountVersionDTO target = ordered.stream().filter(v -> v.version() == version).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the history has no version " + version));
        Instant nextAt = ordered.stream().filter(v -> v.version() > version).findFirst()
                .map(AccountVersionDTO::at).orElse(null);
        Map<String, Thing> things = new LinkedHashMap<>();
        for (AccountVersionDTO v : ordered) {
            if (v.version() > version) {
                break;
            }
            for (ChangeDTO ch : v.changes()) {
                apply(things, v, ch);
            }
        }
        return build(version, target.at(), nextAt, things);
    }

    private static void apply(Map<String, Thing> things, AccountVersionDTO v, ChangeDTO ch) {
        String key = ch.entity() + "\0" + ch.name();
        Thing t = things.get(key);
        if ("*".equals(ch.field())) {
            if (ch.after() == null) {
                things.remove(key);
            } else if (t == null || ch.before() == null) {
                Thing fresh = new Thing(ch.entity(), ch.name(), v.at());
                fresh.fields.put("*", ch.after());
                things.put(key, fresh);
            }
            return;
        }
        if (t == null) {
            if (ch.after() == null) {
                return; // a field of something gone (the rows of a removal after its "*")
            }
            t = new Thing(ch.entity(), ch.name(), v.at());
            things.put(key, t);
        }
        if (ch.after() == null) {
            t.fields.remove(ch.field());
        } else {
            t.fields.put(ch.field(), ch.after());
        }
    }

    private static AccountSnapshot build(long version, Instant at, Instant nextAt, Map<String, Thing> things) {
        Map<String, Service> services = new TreeMap<>();
        Map<String, External> externals = new TreeMap<>();
        Map<String, Environment> environments = new TreeMap<>();
        Map<String, AccountRole> members = new TreeMap<>();
        long[] quota = {-1, -1, -1};
        for (Thing t : things.values()) {
            switch (t.entity) {
                case "service" -> {
                    if (!t.fields.containsKey("*")) {
                        break;
                    }
                    if (t.fields.containsKey("sdpVersion")) {
                        services.put(t.name, new Service(t.name, t.fields.get("type"), t.fields.get("sdpVersion"),
                                t.fields.get("plan"), prefixed(t.fields, "config."), prefixed(t.fields, "provider."),
                                t.since));
                    } else {
                        externals.put(t.name, new External(t.name, t.fields.get("type"),
                                prefixed(t.fields, "binding.")));
                    }
                }
                case "quota" -> {
                    quota[0] = number(t.fields.get("maxServices"));
                    quota[1] = number(t.fields.get("maxInstances"));
                    quota[2] = number(t.fields.get("maxMemoryMb"));
                }
                case "member" -> {
                    String role = t.fields.get("role");
                    if (role != null) {
                        members.put(t.name, AccountRole.valueOf(role));
                    }
                }
                default -> {
                }
            }
        }
        for (Thing t : things.values()) {
            if (t.entity.equals("environment") && t.fields.containsKey("*")) {
                List<String> kept = new ArrayList<>();
                String listed = t.fields.getOrDefault("members", "");
                for (String m : listed.split(",")) {
                    String name = m.strip();
                    if (services.containsKey(name)) {
                        kept.add(name);
                    }
                }
                environments.put(t.name, new Environment(t.name, kept));
            }
        }
        return new AccountSnapshot(version, at, nextAt, services, externals, environments,
                new QuotaDTO((int) quota[0], (int) quota[1], quota[2]), members);
    }

    private static Map<String, String> prefixed(Map<String, String> fields, String prefix) {
        Map<String, String> out = new TreeMap<>();
        fields.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    private static long number(String value) {
        return value == null ? -1 : Long.parseLong(value);
    }

    /** @return the version */
    long version() {
        return version;
    }

    /** @return when that version was made */
    Instant at() {
        return at;
    }

    /** @return when the next version was made; empty if this is the latest */
    Optional<Instant> nextAt() {
        return Optional.ofNullable(nextAt);
    }

    /** @return the services the platform ran, by name */
    Map<String, Service> services() {
        return services;
    }

    /** @return the registered services, by name */
    Map<String, External> externals() {
        return externals;
    }

    /** @return the environments, by name (members as described at {@link AccountSnapshot}) */
    Map<String, Environment> environments() {
        return environments;
    }

    /** @return the quota */
    QuotaDTO quota() {
        return quota;
    }

    /** @return user name to role */
    Map<String, AccountRole> members() {
        return members;
    }

    /** @return the SDP versions its services used, as {@code type version}, sorted */
    List<String> sdpVersions() {
        return services.values().stream().map(s -> s.type() + " " + s.sdpVersion()).distinct().sorted().toList();
    }
}
