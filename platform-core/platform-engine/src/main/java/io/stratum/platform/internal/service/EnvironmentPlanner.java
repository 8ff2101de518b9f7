package io.stratum.platform.internal.service;

import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.internal.account.AccountManager;
import io.stratum.platform.internal.service.ServiceLifecycle.Checked;
import io.stratum.platform.internal.service.ServiceLifecycle.Examined;
import io.stratum.platform.internal.service.ServiceLifecycle.ProviderRef;
import io.stratum.sme.api.descriptor.SdpDescriptor;
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
import java.util.function.Predicate;

/**
 * Checks all of an environment's description (see {@link EnvironmentDocument}) before anything is created: names,
 * types, plans, configuration, providers (members or services of the account), and that the dependencies have no
 * cycle; every problem is listed in one refusal. It orders the members into levels: each member after the members
 * it depends on.
 */
public final class EnvironmentPlanner {

    private EnvironmentPlanner() {
    }

    /**
     * A description checked completely.
     *
     * @param spec the description with its levels
     * @param checked member name to the checked service it creates
     */
    public record Planned(EnvironmentSpec spec, Map<String, Checked> checked) {

        /** Copies. */
        public Planned {
            checked = Map.copyOf(checked);
        }
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
        return plan(EnvironmentDocument.of(spec), m -> {
            try {
                return Examined.ok(check.apply(m));
            } catch (PlatformException e) {
                return new Examined(null, null, List.of(new ServiceLifecycle.Problem(List.of(), e)));
            }
        }, existing, n -> false).spec();
    }

    /**
     * Checks a description completely and computes its creation order: every problem of the document's form, of
     * each member (name, type, version, plan, each configuration value, the engine's own check), of the providers,
     * names used twice or taken in the account, and a dependency cycle, all in one refusal.
     *
     * @param document the description, and where each of its parts is in its text
     * @param examine checks one member as a new service, collecting its problems
     * @param existing finds a service of the account by name (a provider outside the environment, or a clash)
     * @param environmentExists whether the account has an environment of a name
     * @return the description with its levels, and each member checked
     * @throws PlatformException INVALID listing every problem found, one a line, each naming the service, the field
     *     and its line (FORBIDDEN if a member asks for something the caller may not have; ALREADY_EXISTS if the only
     *     problem is that the account has an environment of that name)
     */
    public static Planned plan(EnvironmentDocument document, Function<EnvironmentSpec.Member, Examined> examine,
            Function<String, Optional<ProviderRef>> existing, Predicate<String> environmentExists) {
        EnvironmentSpec spec = document.spec();
        List<EnvironmentDocument.Problem> problems = new ArrayList<>(document.problems());
        boolean taken = false;
        if (spec.name() == null || spec.name().isBlank()) {
            problems.add(document.problem(-1, List.of("name"), "an environment name is required: 1 to 63 "
                    + "lower-case letters, digits and dashes, starting with a letter"));
        } else {
            try {
                AccountManager.checkName("environment", spec.name());
                if (environmentExists.test(spec.name())) {
                    taken = true;
                    problems.add(document.problem(-1, List.of("name"), "an environment named '" + spec.name()
                            + "' already exists in the account; choose another name, or delete it first "
                            + "(stratum:env-delete " + spec.name() + ")"));
                }
            } catch (PlatformException e) {
                problems.add(document.problem(-1, List.of("name"), e.getMessage()));
            }
        }
        if (document.entries() == 0) {
            problems.add(document.problem(-1, List.of("services"), "an environment needs at least one service"));
        }
        Map<String, Checked> checked = new LinkedHashMap<>();
        Map<String, SdpDescriptor> types = new HashMap<>(); // member to its SDP's descriptor, when its type is known
        boolean forbidden = false; // a member asks for what the caller may not have (e.g. a file of the host)
        Map<String, Integer> names = new HashMap<>();
        List<EnvironmentSpec.Member> members = spec.services();
        for (int i = 0; i < members.size(); i++) {
            EnvironmentSpec.Member m = members.get(i);
            if (m.name() != null) {
                Integer first = names.putIfAbsent(m.name(), i);
                if (first != null) {
                    problems.add(document.problem(i, List.of("name"), "'" + m.name() + "' names another service "
                            + "of the environment too; give each service a name of its own"));
                    continue;
                }
                if (existing.apply(m.name()).isPresent()) {
                    problems.add(document.problem(i, List.of("name"), "a service named '" + m.name()
                            + "' already exists in the account; choose another name"));
                }
            }
            Examined examined = examine.apply(m);
            for (ServiceLifecycle.Problem p : examined.problems()) {
                problems.add(document.problem(i, p.field(), p.error().getMessage()));
                forbidden |= p.error().reason() == Reason.FORBIDDEN;
            }
            if (examined.checked() != null) {
                checked.put(m.name(), examined.checked());
            }
            if (examined.descriptor() != null && m.name() != null) {
                types.put(m.name(), examined.descriptor());
            }
        }
        Map<String, Set<String>> dependsOn = new LinkedHashMap<>();
        for (int i = 0; i < members.size(); i++) {
            EnvironmentSpec.Member m = members.get(i);
            if (m.name() == null || names.get(m.name()) != i) {
                continue; // named nothing, or a second service of one name: reported above
            }
            Set<String> deps = new TreeSet<>();
            Map<String, ProviderRef> refs = new TreeMap<>();
            for (Map.Entry<String, String> p : new TreeMap<>(m.providers()).entrySet()) {
                String type = p.getKey();
                String providerName = p.getValue();
                SdpDescriptor member = types.get(providerName);
                if (names.containsKey(providerName)) {
                    deps.add(providerName);
                    if (member != null) {
                        refs.put(type, new ProviderRef(providerName, member.serviceType(), member.provides()));
                    }
                } else {
                    Optional<ProviderRef> outside = existing.apply(providerName);
                    if (outside.isPresent()) {
                        refs.put(type, outside.get());
                    } else {
                        problems.add(document.problem(i, List.of("providers", type), "'" + providerName
                                + "' is neither a service of the environment nor of the account"));
                    }
                }
            }
            dependsOn.put(m.name(), deps);
            SdpDescriptor self = types.get(m.name());
            // providers that could not be resolved are reported above; check the rest only when all resolved
            if (self != null && refs.size() == m.providers().size()) {
                for (ServiceLifecycle.Problem p : ServiceLifecycle.providerProblems(self, m.name(), refs,
                        "add it under providers, e.g. 'providers: { <type>: <service> }'")) {
                    problems.add(document.problem(i, p.field(), p.error().getMessage()));
                }
            }
        }
        List<List<String>> levels = new ArrayList<>();
        try {
            levels = levels(dependsOn);
        } catch (PlatformException e) {
            problems.add(document.problem(-1, List.of(), e.getMessage()));
        }
        if (!problems.isEmpty()) {
            List<EnvironmentDocument.Problem> ordered = EnvironmentDocument.ordered(problems);
            StringBuilder message = new StringBuilder(spec.name() == null || spec.name().isBlank()
                    ? "the environment description" : "environment '" + spec.name() + "'");
            message.append(" is not valid; nothing was created. ").append(ordered.size() == 1 ? "Its problem:"
                    : "Its " + ordered.size() + " problems:");
            ordered.forEach(p -> message.append("\n  - ").append(p.text()));
            throw new PlatformException(forbidden ? Reason.FORBIDDEN : taken && ordered.size() == 1
                    ? Reason.ALREADY_EXISTS : Reason.INVALID, message.toString());
        }
        return new Planned(spec.withLevels(levels), checked);
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
