package io.stratum.platform.clone.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The order in which an account clone creates the services of a snapshot, so that every provider is ready before
 * the services that use it.
 * <ul>
 * <li>External services are registered before anything else (they need nothing), so they are not in the order.</li>
 * <li>The services of one environment make one <em>unit</em>: they are created by one environment job, which orders
 * them itself (each member after the members it uses). Every other service is a unit of its own.</li>
 * <li>A unit's <em>level</em> is one more than the highest level of the units whose services its services use (0 if
 * it uses none, or only external services or services of its own environment). All units of a level are
 * submitted together; the next level starts when all of them have succeeded. So a provider outside an environment
 * exists before the environment's job checks it, and a service using a member of an environment comes after the
 * whole environment.</li>
 * </ul>
 * Within a level, environments come before single services, each by name.
 */
final class CreationOrder {

    private CreationOrder() {
    }

    /**
     * What one job creates.
     *
     * @param environment the environment's name, or {@code null} for a single service
     * @param services the names of the services it creates, sorted
     */
    record Unit(String environment, List<String> services) {
        Unit {
            services = List.copyOf(services);
        }

        /** @return a name for users and for the job's records, e.g. {@code environment shop} or {@code db} */
        String label() {
            return environment == null ? services.get(0) : "environment " + environment;
        }

        /** @return a key unique in the clone job */
        String key() {
            return environment == null ? "service:" + services.get(0) : "environment:" + environment;
        }
    }

    /**
     * @param s the snapshot
     * @return the units in levels, in creation order
     * @throws IllegalArgumentException listing every problem: a provider that did not exist at the version (removed
     *     with {@code --force} while in use), or units that use each other (a cycle)
     */
    static List<List<Unit>> levels(AccountSnapshot s) {
        Map<String, Unit> unitOf = new LinkedHashMap<>();
        Map<String, Unit> units = new TreeMap<>();
        for (AccountSnapshot.Environment e : s.environments().values()) {
            if (!e.members().isEmpty()) {
                Unit u = new Unit(e.name(), new TreeSet<>(e.members()).stream().toList());
                units.put(u.key(), u);
                e.members().forEach(m -> unitOf.put(m, u));
            }
        }
        for (String name : s.services().keySet()) {
            if (!unitOf.containsKey(name)) {
                Unit u = new Unit(null, List.of(name));
                units.put(u.key(), u);
                unitOf.put(name, u);
            }
        }
        List<String> problems = new ArrayList<>();
        Map<String, Set<String>> needs = new TreeMap<>();
        units.keySet().forEach(k -> needs.put(k, new TreeSet<>()));
        for (AccountSnapshot.Service svc : s.services().values()) {
            Unit own = unitOf.get(svc.name());
            svc.providers().forEach((type, provider) -> {
                Unit p = unitOf.get(provider);
                if (p == null) {
                    if (!s.externals().containsKey(provider)) {
                        problems.add("'" + svc.name() + "' used '" + provider + "' as its " + type + " provider, "
                                + "but no service of that name existed at version " + s.version()
                                + " (it was deleted with --force while in use)");
                    }
                } else if (p != own) {
                    needs.get(own.key()).add(p.key());
                }
            });
        }
        List<List<Unit>> levels = new ArrayList<>();
        Set<String> placed = new TreeSet<>();
        while (placed.size() < units.size() && problems.isEmpty()) {
            List<Unit> level = new ArrayList<>();
            for (Map.Entry<String, Unit> u : units.entrySet()) {
                if (!placed.contains(u.getKey()) && placed.containsAll(needs.get(u.getKey()))) {
                    level.add(u.getValue());
                }
            }
            if (level.isEmpty()) {
                List<String> stuck = new ArrayList<>();
                for (Map.Entry<String, Unit> u : units.entrySet()) {
                    if (!placed.contains(u.getKey())) {
                        stuck.add(u.getValue().label() + " (uses " + needs.get(u.getKey()).stream()
                                .filter(k -> !placed.contains(k)).map(k -> units.get(k).label()).toList() + ")");
                    }
                }
                problems.add("these use each other, so no order creates each after what it uses: "
                        + String.join(", ", stuck));
                break;
            }
            level.forEach(u -> placed.add(u.key()));
            levels.add(level); // keys sort "environment:" before "service:", each by name
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return levels;
    }
}
