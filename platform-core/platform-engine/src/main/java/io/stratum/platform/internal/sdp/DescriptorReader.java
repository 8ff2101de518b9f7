package io.stratum.platform.internal.sdp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.stratum.platform.internal.store.Json;
import io.stratum.sme.api.descriptor.ConfigProperty;
import io.stratum.sme.api.descriptor.ConfigType;
import io.stratum.sme.api.descriptor.Plan;
import io.stratum.sme.api.descriptor.ProviderRequirement;
import io.stratum.sme.api.descriptor.SdpDescriptor;
import io.stratum.sme.api.runtime.RuntimePlatform;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads an SDP descriptor and checks it; every problem found is reported, not only the first. Required: {@code name},
 * {@code serviceType}, {@code version}, {@code virtualization} (at least one platform this platform offers) and
 * {@code plans} (at least one, each with a {@code name}); each entry of {@code requires} needs a
 * {@code serviceType}. A missing required field is reported as "{@code <field> is required}" with what it takes.
 */
public final class DescriptorReader {

    /** Names of SDPs, service types and plans. */
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern VERSION = Pattern.compile("\\d{1,9}\\.\\d{1,9}\\.\\d{1,9}");
    private static final Pattern CONFIG_KEY = Pattern.compile("[a-zA-Z][a-zA-Z0-9.]{0,99}");

    /** Runtime platforms this platform offers. */
    private final Set<String> platforms;

    /**
     * @param platforms names of the runtime platforms available
     */
    public DescriptorReader(Set<String> platforms) {
        this.platforms = Set.copyOf(platforms);
    }

    /** @return a reader for a platform offering only native processes */
    public static DescriptorReader nativeOnly() {
        return new DescriptorReader(Set.of(RuntimePlatform.NATIVE_PROCESS));
    }

    /** The outcome of reading a descriptor. */
    public static final class Result {
        private final SdpDescriptor descriptor;
        private final List<String> problems;

        Result(SdpDescriptor descriptor, List<String> problems) {
            this.descriptor = descriptor;
            this.problems = List.copyOf(problems);
        }

        /** @return the descriptor as parsed (possibly invalid), or {@code null} if it could not be parsed */
        public SdpDescriptor descriptor() {
            return descriptor;
        }

        /** @return what is wrong; empty if the descriptor is valid */
        public List<String> problems() {
            return problems;
        }

        /** @return whether the descriptor is valid */
        public boolean isValid() {
            return problems.isEmpty();
        }
    }

    /**
     * @param in the descriptor's JSON
     * @return the descriptor and its problems
     */
    public Result read(InputStream in) {
        SdpDescriptor d;
        try {
            d = Json.MAPPER.readValue(in, SdpDescriptor.class);
        } catch (UnrecognizedPropertyException e) {
            return new Result(null, List.of("unknown field '" + e.getPropertyName() + "' at line "
                    + e.getLocation().getLineNr() + " (known fields: " + e.getKnownPropertyIds() + ")"));
        } catch (JsonProcessingException e) {
            return new Result(null, List.of("not a valid descriptor: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr())));
        } catch (IOException e) {
            return new Result(null, List.of("cannot read the descriptor: " + e.getMessage()));
        }
        if (d == null) {
            return new Result(null, List.of("the descriptor is empty"));
        }
        return new Result(d, validate(d));
    }

    /**
     * @param d a descriptor
     * @return what is wrong with it; empty if it is valid
     */
    public List<String> validate(SdpDescriptor d) {
        List<String> problems = new ArrayList<>();
        requireName(problems, "name", d.name());
        requireName(problems, "serviceType", d.serviceType());
        if (d.version() == null || d.version().isBlank()) {
            problems.add("version is required: major.minor.micro, e.g. 1.0.0");
        } else if (!VERSION.matcher(d.version()).matches()) {
            problems.add("version '" + d.version() + "' must be major.minor.micro, e.g. 1.0.0");
        }
        if (d.virtualization().isEmpty()) {
            problems.add("virtualization is required: name at least one runtime platform (e.g. \"native-process\")");
        } else if (d.virtualization().stream().noneMatch(platforms::contains)) {
            problems.add("virtualization " + d.virtualization() + " names no runtime platform this platform offers "
                    + platforms);
        }
        validateSchema(problems, d.configSchema());
        validatePlans(problems, d);
        Set<String> required = new HashSet<>();
        for (ProviderRequirement r : d.requires()) {
            if (r == null || r.serviceType() == null || r.serviceType().isBlank()) {
                problems.add("requires: serviceType is required in each entry (the provider type needed, e.g. "
                        + "\"database\")");
            } else if (!NAME.matcher(r.serviceType()).matches()) {
                problems.add("requires: invalid provider type " + (r == null ? null : r.serviceType()));
            } else if (!required.add(r.serviceType())) {
                problems.add("requires: provider type '" + r.serviceType() + "' appears twice");
            } else if (r.serviceType().equals(d.serviceType())) {
                problems.add("requires: a service type cannot require itself");
            }
        }
        for (String p : d.provides()) {
            if (p == null || !NAME.matcher(p).matches()) {
                problems.add("provides: invalid provider type " + p);
            }
        }
        return problems;
    }

    private static void requireName(List<String> problems, String field, String value) {
        if (value == null || value.isBlank()) {
            problems.add(field + " is required");
        } else if (!NAME.matcher(value).matches()) {
            problems.add(field + " '" + value + "' must be lower-case letters, digits and dashes, starting with a letter");
        }
    }

    private static void validateSchema(List<String> problems, Map<String, ConfigProperty> schema) {
        schema.forEach((key, p) -> {
            if (!CONFIG_KEY.matcher(key).matches()) {
                problems.add("configSchema: invalid key '" + key + "'");
            }
            if (p == null) {
                problems.add("configSchema: key '" + key + "' has no definition");
                return;
            }
            if (p.minimum() != null && p.maximum() != null && p.minimum() > p.maximum()) {
                problems.add("configSchema: '" + key + "' has minimum " + p.minimum() + " > maximum " + p.maximum());
            }
            if (p.type() != ConfigType.INTEGER && (p.minimum() != null || p.maximum() != null)) {
                problems.add("configSchema: '" + key + "' has minimum/maximum but is not an integer");
            }
            if (p.type() != ConfigType.STRING && !p.allowedValues().isEmpty()) {
                problems.add("configSchema: '" + key + "' has allowedValues but is not a string");
            }
            if (p.defaultValue() != null) {
                String problem = ConfigValues.check(key, p, p.defaultValue());
                if (problem != null) {
                    problems.add("configSchema: default of " + problem);
                }
            }
        });
    }

    private static void validatePlans(List<String> problems, SdpDescriptor d) {
        if (d.plans().isEmpty()) {
            problems.add("plans is required: at least one plan, e.g. [{\"name\": \"small\"}]");
            return;
        }
        Set<String> names = new HashSet<>();
        for (Plan plan : d.plans()) {
            if (plan == null || plan.name() == null || plan.name().isBlank()) {
                problems.add("plans: name is required in each plan");
                continue;
            }
            if (!NAME.matcher(plan.name()).matches()) {
                problems.add("plans: invalid plan name '" + plan.name() + "' (lower-case letters, digits and dashes, "
                        + "starting with a letter)");
                continue;
            }
            if (!names.add(plan.name())) {
                problems.add("plans: plan '" + plan.name() + "' appears twice");
            }
            plan.settings().forEach((key, value) -> {
                ConfigProperty p = d.configSchema().get(key);
                if (p == null) {
                    problems.add("plan '" + plan.name() + "' sets '" + key + "', which configSchema does not declare");
                } else {
                    String problem = ConfigValues.check(key, p, value);
                    if (problem != null) {
                        problems.add("plan '" + plan.name() + "': " + problem);
                    }
                }
            });
        }
        if (d.defaultPlan() != null && !names.contains(d.defaultPlan())) {
            problems.add("defaultPlan '" + d.defaultPlan() + "' is not one of the plans " + names);
        }
    }
}
