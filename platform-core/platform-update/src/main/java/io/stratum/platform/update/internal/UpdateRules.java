package io.stratum.platform.update.internal;

import io.stratum.platform.spi.ManagedService;
import io.stratum.platform.spi.Secrets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** How an update runs and what configuration it leads to: pure functions of what the facade found. */
final class UpdateRules {

    private UpdateRules() {
    }

    /**
     * A configuration moved to another SDP version.
     *
     * @param configuration the new effective configuration
     * @param added keys the new version adds, with their defaults, as {@code key=value}
     * @param dropped keys the new version no longer has
     */
    record Upgraded(Map<String, String> configuration, List<String> added, List<String> dropped) {
        /** @return what changed, for the update's message, e.g. {@code adds lockTimeoutMs=10000; drops x} */
        String describe() {
            List<String> parts = new ArrayList<>();
            if (!added.isEmpty()) {
                parts.add("adds " + String.join(", ", added) + " (defaults of the new version)");
            }
            if (!dropped.isEmpty()) {
                parts.add("drops " + String.join(", ", dropped) + " (not in the new version)");
            }
            return parts.isEmpty() ? "configuration unchanged" : String.join("; ", parts);
        }
    }

    /**
     * How an update's message, events and emails show a setting it makes: {@code key=value}, with the value masked
     * where the key names a secret ({@link Secrets}), and a password inside a URL masked (a patch or a new version's
     * default may set one; messages are read by every member of the account and sent by email).
     *
     * @param key a configuration key
     * @param value its value
     * @return {@code key=value} or {@code key=********}
     */
    static String shown(String key, String value) {
        return key + "=" + (Secrets.isSecretName(key) ? Secrets.MASK : Secrets.maskUrls(value));
    }

    /**
     * @param current a service's configuration
     * @param schema the new version's keys with their defaults ({@code null} where none)
     * @return the configuration without the keys the new version drops, with its defaults for the keys it adds
     */
    static Upgraded upgrade(Map<String, String> current, Map<String, String> schema) {
        Map<String, String> next = new TreeMap<>();
        List<String> dropped = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(current).entrySet()) {
            if (schema.containsKey(e.getKey())) {
                next.put(e.getKey(), e.getValue());
            } else {
                dropped.add(e.getKey());
            }
        }
        List<String> added = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(schema).entrySet()) {
            if (!next.containsKey(e.getKey()) && e.getValue() != null) {
                next.put(e.getKey(), e.getValue());
                added.add(shown(e.getKey(), e.getValue()));
            }
        }
        return new Upgraded(next, added, dropped);
    }

    /**
     * @param s the service
     * @param toVersion the version it ends on
     * @param after its new configuration
     * @param live the keys its engine changes live (empty when it has no update capability)
     * @param rolling whether its engine replaces instances one by one
     * @return SOFT when the version stays and only live keys change; ROLLING when the version stays, the service has
     *     several instances and its engine rolls; else HARD
     */
    static String mode(ManagedService s, String toVersion, Map<String, String> after, Set<String> live,
            boolean rolling) {
        if (!s.sdpVersion().equals(toVersion)) {
            return UpdateJob.HARD;
        }
        Set<String> changed = UpdatePlanner.changed(s.configuration(), after).keySet();
        if (live.containsAll(changed)) {
            return UpdateJob.SOFT;
        }
        if (s.instances() > 1 && rolling) {
            return UpdateJob.ROLLING;
        }
        return UpdateJob.HARD;
    }
}
