package io.stratum.platform.internal.util;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Reads a component's configuration from its raw properties, as Configuration Admin hands them over (strings from
 * {@code etc/<pid>.cfg}, or typed values), and refuses bad values one key at a time. A key that is absent takes its
 * default. A value that is not of the key's type, or out of its range, is refused: one warning names the PID, the
 * key, the bad value, what is allowed and the value kept, and the value the component had so far is kept (at
 * activation, the default). Nothing here throws, so a typo in a configuration file never takes a component down.
 * <p>
 * Why not the component property type alone: with Felix SCR an unconvertible value ({@code workers = abc}) makes the
 * annotation's method throw a {@code ComponentException}, which fails the activation, and a {@code @Modified} method
 * that throws makes SCR reactivate the component with the same bad value, which fails again. The component property
 * type stays the documentation (metatype) of the keys.
 */
public final class ConfigReader {

    private final String pid;
    private final Map<String, ?> properties;
    private final Logger log;
    private final List<String> refused = new ArrayList<>();

    /**
     * @param pid the configuration's PID, for messages
     * @param properties the component's properties ({@code null}: none, every key takes its default)
     * @param log where refusals are logged (as warnings)
     */
    public ConfigReader(String pid, Map<String, ?> properties, Logger log) {
        this.pid = pid;
        this.properties = properties == null ? Map.of() : properties;
        this.log = log;
    }

    /**
     * @param key the key
     * @param defaultValue the value when the key is absent
     * @param kept the value in effect, kept when the configured one is refused
     * @param min the smallest value allowed
     * @param max the largest value allowed
     * @return the configured value, the default, or the kept value
     */
    public int intValue(String key, int defaultValue, int kept, int min, int max) {
        return (int) longValue(key, defaultValue, kept, min, max);
    }

    /**
     * @param key the key
     * @param defaultValue the value when the key is absent
     * @param kept the value in effect, kept when the configured one is refused
     * @param min the smallest value allowed
     * @param max the largest value allowed
     * @return the configured value, the default, or the kept value
     */
    public long longValue(String key, long defaultValue, long kept, long min, long max) {
        Object raw = properties.get(key);
        if (raw == null) {
            return defaultValue;
        }
        long value;
        if (raw instanceof Long || raw instanceof Integer || raw instanceof Short || raw instanceof Byte) {
            value = ((Number) raw).longValue();
        } else if (raw instanceof String s) {
            try {
                value = Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                refuse(key, raw, "a whole number from " + min + " to " + max, kept);
                return kept;
            }
        } else {
            refuse(key, raw, "a whole number from " + min + " to " + max, kept);
            return kept;
        }
        if (value < min || value > max) {
            refuse(key, raw, "a whole number from " + min + " to " + max, kept);
            return kept;
        }
        return value;
    }

    /**
     * @param key the key
     * @param defaultValue the value when the key is absent
     * @param kept the value in effect, kept when the configured one is refused
     * @return the configured value ({@code true} or {@code false}, any case), the default, or the kept value
     */
    public boolean booleanValue(String key, boolean defaultValue, boolean kept) {
        Object raw = properties.get(key);
        if (raw == null) {
            return defaultValue;
        }
        if (raw instanceof Boolean b) {
            return b;
        }
        String s = raw.toString().strip().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        refuse(key, raw, "true or false", kept);
        return kept;
    }

    /**
     * Refuses a value for a reason the typed readers cannot see (e.g. two keys that contradict each other), and logs
     * it like the others.
     *
     * @param key the key (or keys, e.g. "portRangeStart/portRangeEnd")
     * @param value the refused value
     * @param allowed what is allowed
     * @param kept the value kept instead
     */
    public void refuse(String key, Object value, String allowed, Object kept) {
        String message = "configuration " + pid + ": " + key + " = '" + value + "' refused (allowed: " + allowed
                + "); keeping " + kept;
        refused.add(message);
        log.warn("{}; fix etc/{}.cfg", message, pid);
    }

    /** @return the refusals so far, one message each, as logged */
    public List<String> refused() {
        return List.copyOf(refused);
    }
}
