package io.stratum.platform.internal.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.internal.account.AccountManager;
import io.stratum.platform.internal.service.ServiceLifecycle.Checked;
import io.stratum.platform.internal.service.ServiceLifecycle.ProviderRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads an environment's description and checks all of it before anything is created: names, types, plans,
 * configuration, providers (members or services of the account), and that the dependencies have no cycle. It
 * orders the members into levels: each member after the members it depends on.
 */
public final class EnvironmentPlanner {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private EnvironmentPlanner() {
    }

    /**
     * Parses a JSON or YAML document and replaces {@code ${envDir}} in configuration values.
     *
     * @param document the text
     * @param baseDirectory what {@code ${envDir}} stands for, or {@code null}
     * @return the description (levels not computed yet)
     * @throws PlatformException INVALID if it cannot be read
     */
    public static EnvironmentSpec parse(String document, String baseDirectory) {
        if (document == null || document.isBlank()) {
            throw new PlatformException(Reason.INVALID, "the environment description is empty");
        }
        String text = document.strip();
        EnvironmentSpec spec;
        try {
            spec = (text.startsWith("{") ? JSON : YAML).readValue(text, EnvironmentSpec.class);
        } catch (UnrecognizedPropertyException e) {
            throw new PlatformException(Reason.INVALID, "unknown field '" + e.getPropertyName() + "' at line "
                    + e.getLocation().getLineNr() + " of the environment description (known fields: "
                    + e.getKnownPropertyIds() + ")");
        } catch (JsonProcessingException e) {
            // the parser's own message may quote the document, which need not be the caller's to read: only where
            throw new PlatformException(Reason.INVALID, "the environment description is not valid JSON or YAML "
                    + "describing an environment" + (e.getLocation() == null ? "" : " (at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")")
                    + "; see examples/notes-env.yaml");
        }
        if (spec == null) {
            throw new PlatformException(Reason.INVALID, "the environment description is empty");
        }
        List<EnvironmentSpec.Member> members = new ArrayList<>();
        for (EnvironmentSpec.Member m : spec.services()) {
            if (m == null) {
                throw new PlatformException(Reason.INVALID, "the environment description has an empty service entry");
            }
            Map<String, String> config = new LinkedHashMap<>();
            m.config().forEach((k, v) -> config.put(k, baseDirectory == null || v == null ? v
                    : v.replace("${envDir}", baseDirectory)));
            members.add(new EnvironmentSpec.Member(m.name(), m.type(), m.plan(), m.version(), config, m.providers()));
        }
        return new EnvironmentSpec(spec.name(), spec.account(), members, null);
    }

    /**
     * Checks a description completely and computes its creation order.
     *
     * @param spec the description
     * @param check checks one member as a new service (throws {@link PlatformException} when it is wrong)
     * @param existing finds a service of the account by name (a provider outside the environment, or a clash)
     * @return the description with its levels
     * @throws PlatformException INVALID listing every problem found (FORBIDDEN if a member asks for something the
     *     caller may not have)
     */
    public static EnvironmentSpec plan(EnvironmentSpec spec, Function<EnvironmentSpec.Member, Checked> check,
            Function<String, Optional<ProviderRef>> existing) {
        List<String> problems = new ArrayList<>();
        try {
            AccountManager.checkName("environment", spec.name());
        } catch (PlatformException e) {
            problems.add(e.getMessage());
        }
        if (spec.services().isEmpty()) {
            problems.add("an environment needs at least one service");
        }
        Map<String, Checked> checked = new LinkedHashMap<>();
        boolean forbidden = false; // a member asks for what the caller may not have (e.g. a file of the host)
        Set<String> names = new HashSet<>();
        for (EnvironmentSpec.Member m : spec.services()) {
            if (!names.add(m.name())) {
                problems.add("service '" + m.name() + "' appears twice");
                continue;
            }
            if (existing.apply(m.name()).isPresent()) {
                problems.add("a service named '" + m.name() + "' already exists in the account");
            }
            try {
                checked.put(m.name(), check.apply(m));
            } catch (PlatformException e) {
                problems.add(m.name() + ": " + e.getMessage());
                forbidden |= e.reason() == Reason.FORBIDDEN;
            }
        }
        Map<String, Set<String>> dependsOn = new LinkedHashMap<>();
        for (EnvironmentSpec.Member m : spec.services()) {
            Set<String> deps = new TreeSet<>();
            Map<String, ProviderRef> refs = new TreeMap<>();
            for (Map.Entry<String, String> p : m.providers().entrySet()) {
                String type = p.getKey();
                String providerName = p.getValue();
                Checked member = checked.get(providerName);
                if (names.contains(providerName)) {
                    deps.add(providerName);
                    if (member != null) {
                        refs.put(type, new ProviderRef(providerName, member.descriptor().serviceType(),
                                member.descriptor().provides()));
                    }
                } else {
                    Optional<ProviderRef> outside = existing.apply(providerName);
                    if (outside.isPresent()) {
                        refs.put(type, outside.get());
                    } else {
                        problems.add(m.name() + ": its " + type + " provider '" + providerName + "' is neither a "
                                + "service of the environment nor of the account");
                    }
                }
            }
            dependsOn.put(m.name(), deps);
            Checked self = checked.get(m.name());
            // providers that could not be resolved are reported above; check the rest only when all resolved
            if (self != null && refs.size() == m.providers().size()) {
                try {
                    ServiceLifecycle.checkProviders(self, refs);
                } catch (PlatformException e) {
                    problems.add(m.name() + ": " + e.getMessage());
                }
            }
        }
        List<List<String>> levels = new ArrayList<>();
        try {
            levels = levels(dependsOn);
        } catch (PlatformException e) {
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new PlatformException(forbidden ? Reason.FORBIDDEN : Reason.INVALID, "environment '" + spec.name()
                    + "' is not valid: " + String.join("; ", problems));
        }
        return spec.withLevels(levels);
    }

    /**
     * Orders nodes so that each comes after those it depends on; nodes of one level do not depend on each
     * other. Dependencies on nodes outside the map are ignored.
     *
     * @param dependsOn node to the nodes it depends on
     * @return the levels, each sorted by name
     * @throws PlatformException INVALID naming a cycle if there is one
     */
    public static List<List<String>> levels(Map<String, Set<String>> dependsOn) {
        Map<String, Set<String>> remaining = new HashMap<>();
        dependsOn.forEach((node, deps) -> {
            Set<String> inside = new HashSet<>(deps);
            inside.retainAll(dependsOn.keySet());
            remaining.put(node, inside);
        });
        List<List<String>> levels = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        while (placed.size() < dependsOn.size()) {
            List<String> level = new ArrayList<>(new TreeSet<>(remaining.keySet().stream()
                    .filter(n -> !placed.contains(n) && placed.containsAll(remaining.get(n))).toList()));
            if (level.isEmpty()) {
                throw new PlatformException(Reason.INVALID, "dependency cycle: " + cycle(remaining, placed));
            }
            levels.add(level);
            placed.addAll(level);
        }
        return levels;
    }

    /** Walks dependencies among unplaced nodes until one repeats: that is a cycle. */
    private static String cycle(Map<String, Set<String>> deps, Set<String> placed) {
        String start = new TreeSet<>(deps.keySet().stream().filter(n -> !placed.contains(n)).toList()).first();
        LinkedHashSet<String> path = new LinkedHashSet<>();
        String node = start;
        while (path.add(node)) {
            node = new TreeSet<>(deps.get(node).stream().filter(n -> !placed.contains(n)).toList()).first();
        }
        List<String> loop = new ArrayList<>();
        boolean in = false;
        for (String n : path) {
            in |= n.equals(node);
            if (in) {
                loop.add(n);
            }
        }
        loop.add(node);
        return String.join(" -> ", loop);
    }
}
