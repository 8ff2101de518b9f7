package io.stratum.platform.backup.internal;

import io.stratum.platform.spi.ManagedService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The order in which the services of one backup are locked (and, reversed, unlocked): each service before the services
 * whose types its SDP names in {@code backup.lockBefore}; otherwise a service before its providers (an application
 * before its database, so that it stops writing first), and by name.
 */
final class LockOrder {

    private LockOrder() {
    }

    /**
     * @param services the services of one backup
     * @param lockBefore a service to the service types its SDP says to lock it before
     * @return the services in lock order
     * @throws IllegalArgumentException if the declarations contradict each other (a cycle), naming the services
     */
    static List<ManagedService> of(List<ManagedService> services, Function<ManagedService, List<String>> lockBefore) {
        Map<String, ManagedService> byId = new LinkedHashMap<>();
        services.stream().sorted(Comparator.comparing(ManagedService::name)).forEach(s -> byId.put(s.id(), s));
        // edges: a -> b means a is locked before b
        Map<String, Set<String>> after = new HashMap<>();
        Map<String, Integer> incoming = new HashMap<>();
        byId.keySet().forEach(id -> {
            after.put(id, new HashSet<>());
            incoming.put(id, 0);
        });
        for (ManagedService a : byId.values()) {
            List<String> types = lockBefore.apply(a);
            for (ManagedService b : byId.values()) {
                boolean declared = types.contains(b.serviceType()) && !a.id().equals(b.id());
                boolean dependant = a.providers().containsValue(b.id())
                        && !lockBefore.apply(b).contains(a.serviceType());
                if ((declared || dependant) && after.get(a.id()).add(b.id())) {
                    incoming.merge(b.id(), 1, Integer::sum);
                }
            }
        }
        List<ManagedService> ordered = new ArrayList<>();
        List<String> ready = new ArrayList<>();
        byId.keySet().stream().filter(id -> incoming.get(id) == 0).forEach(ready::add);
        while (!ready.isEmpty()) {
            String id = ready.remove(0);
            ordered.add(byId.get(id));
            for (String next : byId.keySet()) { // by name, so the order is the same every time
                if (after.get(id).contains(next) && incoming.merge(next, -1, Integer::sum) == 0) {
                    ready.add(next);
                }
            }
        }
        if (ordered.size() < byId.size()) {
            List<String> stuck = byId.values().stream().filter(s -> !ordered.contains(s)).map(ManagedService::name)
                    .toList();
            throw new IllegalArgumentException("the SDPs of " + stuck + " declare lock orders that contradict each "
                    + "other (backup.lockBefore); fix their descriptors or back them up separately");
        }
        return ordered;
    }
}
