package io.stratum.platform.internal.sdp;

import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformException;
import io.stratum.sme.api.descriptor.ConfigProperty;
import io.stratum.sme.api.descriptor.Plan;
import io.stratum.sme.api.descriptor.SdpDescriptor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Checks configuration values against a descriptor's schema and computes a service's effective configuration. */
public final class ConfigValues {

    private ConfigValues() {
    }

    /**
     * Checks a value against its type, without looking at anything else (a {@code file} value is not looked up on
     * the host here; see {@code HostFiles}).
     *
     * @param key the key
     * @param property its schema entry
     * @param value a value
     * @return what is wrong with the value, or {@code null} if it is valid
     */
    public static String check(String key, ConfigProperty property, String value) {
        if (value == null) {
            return "'" + key + "' has no value";
        }
        switch (property.type()) {
            case INTEGER:
                long n;
                try {
                    n = Long.parseLong(value.strip());
                } catch (NumberFormatException e) {
                    return "'" + key + "' must be a whole number, not '" + value + "'";
                }
                if (property.minimum() != null && n < property.minimum()) {
                    return "'" + key + "' must be at least " + property.minimum() + ", not " + n;
                }
                if (property.maximum() != null && n > property.maximum()) {
                    return "'" + key + "' must be at most " + property.maximum() + ", not " + n;
                }
                return null;
            case BOOLEAN:
                return "true".equals(value) || "false".equals(value)
                        ? null : "'" + key + "' must be true or false, not '" + value + "'";
            case FILE:
                // whether the file exists, and whether the caller may name it, is for HostFiles to tell
                return value.isBlank() || value.indexOf('\0') >= 0
                        ? "'" + key + "' must be the path of a file on the Stratum host, not '" + value + "'" : null;
            case STRING:
            default:
                return property.allowedValues().isEmpty() || property.allowedValues().contains(value)
                        ? null : "'" + key + "' must be one of " + property.allowedValues() + ", not '" + value + "'";
        }
    }

    /**
     * Checks the values a user set against a descriptor's schema.
     *
     * @param descriptor the SDP's descriptor
     * @param user what the user set
     * @return key to what is wrong with it, in the order of {@code user}; empty if every value is valid
     */
    public static Map<String, String> problems(SdpDescriptor descriptor, Map<String, String> user) {
        Map<String, String> problems = new LinkedHashMap<>();
        user.forEach((key, value) -> {
            ConfigProperty p = descriptor.configSchema().get(key);
            if (p == null) {
                problems.put(key, "unknown configuration key '" + key + "' (" + descriptor.serviceType() + " knows "
                        + new TreeMap<>(descriptor.configSchema()).keySet() + ")");
            } else if (!p.userSettable()) {
                problems.put(key, "'" + key + "' is set by the plan and cannot be changed at create time; choose "
                        + "another plan");
            } else {
                String problem = check(key, p, value);
                if (problem != null) {
                    problems.put(key, problem);
                }
            }
        });
        return problems;
    }

    /**
     * The effective configuration of a new service: schema defaults, overridden by the plan's settings,
     * overridden by the user's values.
     *
     * @param descriptor the SDP's descriptor
     * @param plan the chosen plan
     * @param user what the user set
     * @return the effective configuration, sorted by key
     * @throws PlatformException INVALID listing every problem with the user's values
     */
    public static Map<String, String> effective(SdpDescriptor descriptor, Plan plan, Map<String, String> user) {
        Map<String, String> problems = problems(descriptor, user);
        if (!problems.isEmpty()) {
            throw new PlatformException(Reason.INVALID, String.join("; ", problems.values()));
        }
        Map<String, String> out = new TreeMap<>();
        descriptor.configSchema().forEach((key, p) -> {
            if (p.defaultValue() != null) {
                out.put(key, p.defaultValue());
            }
        });
        out.putAll(plan.settings());
        out.putAll(user);
        return out;
    }
}
