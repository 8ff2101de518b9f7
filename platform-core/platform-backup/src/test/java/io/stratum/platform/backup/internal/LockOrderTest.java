package io.stratum.platform.backup.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.ServiceState;
import io.stratum.platform.spi.ManagedService;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class LockOrderTest {

    private static ManagedService service(String name, String type, Map<String, String> providers) {
        return new ManagedService(name, "acc", "default", name, type, type + "-sdp", "1.0.0", "small", Map.of(), 1,
                ServiceState.RUNNING, null, providers, false);
    }

    private static List<String> names(List<ManagedService> ordered) {
        return ordered.stream().map(ManagedService::name).toList();
    }

    @Test
    public void declaredOrderComesFirstWhateverTheInputOrder() {
        ManagedService db = service("db", "database", Map.of());
        ManagedService app = service("app", "appserver", Map.of("database", "db"));
        ManagedService lb = service("lb", "webtier", Map.of());
        Map<String, List<String>> declared = Map.of("appserver", List.of("database"), "webtier", List.of("appserver"));
        for (List<ManagedService> input : List.of(List.of(db, app, lb), List.of(lb, db, app), List.of(app, lb, db))) {
            assertEquals(List.of("lb", "app", "db"), names(LockOrder.of(input,
                    s -> declared.getOrDefault(s.serviceType(), List.of()))));
        }
    }

    @Test
    public void withoutDeclarationsADependantLocksBeforeItsProviderAndOthersGoByName() {
        ManagedService db = service("zdb", "database", Map.of());
        ManagedService app = service("app", "appserver", Map.of("database", "zdb"));
        ManagedService other = service("b-other", "cache", Map.of());
        assertEquals(List.of("app", "b-other", "zdb"), names(LockOrder.of(List.of(db, other, app), s -> List.of())));
    }

    @Test
    public void contradictoryDeclarationsAreRefusedNamingTheServices() {
        ManagedService a = service("a", "x", Map.of());
        ManagedService b = service("b", "y", Map.of());
        try {
            LockOrder.of(List.of(a, b), s -> s.serviceType().equals("x") ? List.of("y") : List.of("x"));
            fail("a cycle");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("[a, b]"));
        }
    }
}
