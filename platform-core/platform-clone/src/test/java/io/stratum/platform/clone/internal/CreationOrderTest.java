package io.stratum.platform.clone.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.clone.internal.CreationOrder.Unit;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** The order an account clone creates services in: providers first, environments as one unit. */
public class CreationOrderTest {

    private static List<List<Unit>> levels(Histories h) {
        List<io.stratum.platform.api.AccountVersionDTO> rows = h.list();
        return CreationOrder.levels(AccountSnapshot.at(rows, rows.size()));
    }

    @Test
    public void providersComeFirstAndAnEnvironmentIsOneUnitAfterWhatItsMembersUse() {
        Histories h = new Histories().account("a")
                .external("legacy", "database", Map.of("url", "jdbc:x"))
                .service("shared-db", "database", "1.0.0", "small", Map.of())
                .service("lb", "webtier", "1.0.0", "small", Map.of())
                .environment("shop", "shop-app,shop-db")
                .service("shop-db", "database", "1.0.0", "small", Map.of())
                // a member using a member and a provider outside the environment
                .service("shop-app", "appserver", "1.0.0", "small", Map.of(), "database", "shop-db", "webtier", "lb")
                // a service outside the environment using one of its members, and one using an external service
                .service("report", "appserver", "1.0.0", "small", Map.of(), "database", "shop-db")
                .service("old", "appserver", "1.0.0", "small", Map.of(), "database", "legacy");

        List<List<Unit>> levels = levels(h);

        assertEquals(List.of(
                List.of(new Unit(null, List.of("lb")), new Unit(null, List.of("old")),
                        new Unit(null, List.of("shared-db"))),
                List.of(new Unit("shop", List.of("shop-app", "shop-db"))),
                List.of(new Unit(null, List.of("report")))), levels);
        assertEquals("environment shop", levels.get(1).get(0).label());
        assertEquals("report", levels.get(2).get(0).label());
    }

    @Test
    public void eachServiceComesAfterEveryServiceItUses() {
        Histories h = new Histories().account("a")
                .service("db", "database", "1.0.0", "small", Map.of())
                .service("app", "appserver", "1.0.0", "small", Map.of(), "database", "db")
                .service("lb", "webtier", "1.0.0", "small", Map.of(), "appserver", "app")
                .service("solo", "database", "1.0.0", "small", Map.of());

        assertEquals(List.of(List.of(new Unit(null, List.of("db")), new Unit(null, List.of("solo"))),
                List.of(new Unit(null, List.of("app"))), List.of(new Unit(null, List.of("lb")))), levels(h));
    }

    @Test
    public void aProviderThatNoLongerExistedIsAProblem() {
        Histories h = new Histories().account("a")
                .service("db", "database", "1.0.0", "small", Map.of())
                .service("app", "appserver", "1.0.0", "small", Map.of(), "database", "db")
                .removeService("db", "database", "1.0.0", "small", Map.of());
        try {
            levels(h);
            fail("app's provider was gone at version 4");
        } catch (IllegalArgumentException e) {
            assertEquals("'app' used 'db' as its database provider, but no service of that name existed at version 4 "
                    + "(it was deleted with --force while in use)", e.getMessage());
        }
    }

    @Test
    public void unitsThatUseEachOtherAreAProblem() {
        // env e's member used 'solo' (an earlier service of that name), and the later 'solo' uses e's other member
        Histories h = new Histories().account("a")
                .service("solo", "database", "1.0.0", "small", Map.of())
                .environment("e", "e-app,e-db")
                .service("e-db", "database", "1.0.0", "small", Map.of())
                .service("e-app", "appserver", "1.0.0", "small", Map.of(), "database", "solo")
                .removeService("solo", "database", "1.0.0", "small", Map.of())
                .service("solo", "appserver", "1.0.0", "small", Map.of(), "database", "e-db");
        try {
            levels(h);
            fail("e and solo use each other");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("these use each other"));
            assertTrue(e.getMessage(), e.getMessage().contains("environment e (uses [solo])"));
            assertTrue(e.getMessage(), e.getMessage().contains("solo (uses [environment e])"));
        }
    }

    @Test
    public void anAccountWithoutServicesHasNoLevels() {
        assertEquals(List.of(), levels(new Histories().account("a").external("x", "database", Map.of("url", "u"))));
    }
}
