package io.stratum.platform.internal.service;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.SdpDTO;
import io.stratum.platform.internal.sdp.SdpEntry;
import io.stratum.platform.internal.service.ServiceLifecycle.Checked;
import io.stratum.platform.internal.service.ServiceLifecycle.ProviderRef;
import io.stratum.sme.api.descriptor.Plan;
import io.stratum.sme.api.descriptor.ProviderRequirement;
import io.stratum.sme.api.descriptor.SdpDescriptor;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.Test;

/** Environments are checked completely, and ordered by their dependencies, before anything is created. */
public class EnvironmentPlannerTest {

    private static SdpDescriptor type(String type, List<ProviderRequirement> requires) {
        return new SdpDescriptor(type + "-sdp", type, "1.0.0", "", "", List.of("native-process"), null, "small",
                List.of(new Plan("small", "", Map.of())), Map.of(), requires, List.of(type), null);
    }

    private static final Map<String, SdpDescriptor> TYPES = Map.of(
            "database", type("database", List.of()),
            "webtier", type("webtier", List.of()),
            "appserver", type("appserver", List.of(new ProviderRequirement("database", false),
                    new ProviderRequirement("webtier", true))));

    /** Checks a member as the platform would, against the installed types above. */
    private static final Function<EnvironmentSpec.Member, Checked> CHECK = m -> {
        SdpDescriptor d = TYPES.get(m.type());
        if (d == null) {
            throw new PlatformException(PlatformException.Reason.NOT_FOUND, "no service type '" + m.type()
                    + "' is installed");
        }
        return new Checked(m.name(), new SdpEntry(1, "b", d, SdpDTO.State.AVAILABLE, "", null, Instant.now()),
                d.plans().get(0), m.config());
    };

    private static final Function<String, Optional<ProviderRef>> NOTHING_ELSE = n -> Optional.empty();

    private static EnvironmentSpec.Member member(String name, String type, Map<String, String> providers) {
        return new EnvironmentSpec.Member(name, type, null, null, Map.of(), providers);
    }

    private static EnvironmentSpec spec(EnvironmentSpec.Member... members) {
        return new EnvironmentSpec("env", null, List.of(members), null);
    }

    private static String problems(EnvironmentSpec spec, Function<String, Optional<ProviderRef>> existing) {
        try {
            EnvironmentPlanner.plan(spec, CHECK, existing);
            fail("expected the environment to be refused");
            return "";
        } catch (PlatformException e) {
            assertEquals(PlatformException.Reason.INVALID, e.reason());
            return e.getMessage();
        }
    }

    @Test
    public void providersComeFirstAndIndependentServicesShareALevel() {
        EnvironmentSpec planned = EnvironmentPlanner.plan(spec(
                member("app", "appserver", Map.of("database", "db", "webtier", "lb")),
                member("lb", "webtier", Map.of()),
                member("db", "database", Map.of())), CHECK, NOTHING_ELSE);
        assertEquals(List.of(List.of("db", "lb"), List.of("app")), planned.levels());
    }

    @Test
    public void levelsFollowLongerChains() {
        Map<String, Set<String>> deps = new LinkedHashMap<>();
        deps.put("d", Set.of("c"));
        deps.put("c", Set.of("b", "a"));
        deps.put("b", Set.of("a"));
        deps.put("a", Set.of());
        deps.put("x", Set.of("outside"));
        assertEquals(List.of(List.of("a", "x"), List.of("b"), List.of("c"), List.of("d")),
                EnvironmentPlanner.levels(deps));
    }

    @Test
    public void aCycleIsRefusedAndNamed() {
        Map<String, Set<String>> deps = new LinkedHashMap<>();
        deps.put("a", Set.of("b"));
        deps.put("b", Set.of("c"));
        deps.put("c", Set.of("a"));
        deps.put("d", Set.of());
        try {
            EnvironmentPlanner.levels(deps);
            fail();
        } catch (PlatformException e) {
            assertEquals("dependency cycle: a -> b -> c -> a", e.getMessage());
        }
        String message = problems(spec(member("app1", "appserver", Map.of("database", "app2")),
                member("app2", "appserver", Map.of("database", "app1"))), NOTHING_ELSE);
        assertTrue(message, message.contains("dependency cycle: app1 -> app2 -> app1"));
    }

    @Test
    public void everyProblemIsReportedAtOnce() {
        String message = problems(spec(
                member("db", "databse", Map.of()),
                member("app", "appserver", Map.of("webtier", "lb")),
                member("lb", "database", Map.of()),
                member("lb", "webtier", Map.of()),
                member("other", "appserver", Map.of("database", "nowhere", "cache", "lb"))), NOTHING_ELSE);
        assertTrue(message, message.contains("db: no service type 'databse' is installed"));
        assertTrue(message, message.contains("'app' needs a database provider"));
        assertTrue(message, message.contains("service 'lb' appears twice"));
        assertTrue(message, message.contains("its database provider 'nowhere' is neither"));
        assertTrue(message, message.contains("app: 'lb' is of type database, which does not provide webtier"));
    }

    @Test
    public void providersMayBeServicesOfTheAccount() {
        Function<String, Optional<ProviderRef>> account = n -> n.equals("shared-db")
                ? Optional.of(new ProviderRef("shared-db", "database", List.of("database"))) : Optional.empty();
        EnvironmentSpec planned = EnvironmentPlanner.plan(spec(member("app", "appserver",
                Map.of("database", "shared-db"))), CHECK, account);
        assertEquals(List.of(List.of("app")), planned.levels());
        String clash = problems(spec(member("shared-db", "database", Map.of())), account);
        assertTrue(clash, clash.contains("a service named 'shared-db' already exists"));
    }

    @Test
    public void unknownProviderTypesAreRefused() {
        String message = problems(spec(member("db", "database", Map.of()),
                member("app", "appserver", Map.of("database", "db", "cache", "db"))), NOTHING_ELSE);
        assertTrue(message, message.contains("appserver has no use for a 'cache' provider"));
    }

    @Test
    public void parsesYamlAndJsonAndReplacesTheEnvironmentDirectory() {
        EnvironmentSpec yaml = EnvironmentPlanner.parse("name: shop\nservices:\n  - name: app\n    type: appserver\n"
                + "    config:\n      war: ${envDir}/app.war\n      instances: 2\n"
                + "    providers: { database: db }\n", "/srv/envs");
        assertEquals("shop", yaml.name());
        assertEquals(Map.of("war", "/srv/envs/app.war", "instances", "2"), yaml.member("app").config());
        assertEquals(Map.of("database", "db"), yaml.member("app").providers());
        EnvironmentSpec json = EnvironmentPlanner.parse("{\"name\": \"shop\", \"services\": [{\"name\": \"db\", "
                + "\"type\": \"database\", \"plan\": \"large\"}]}", null);
        assertEquals("large", json.member("db").plan());
    }

    @Test
    public void unreadableDescriptionsAreClearErrors() {
        for (String[] c : new String[][] {
            {"name: x\nservices:\n  - name: a\n    typ: database\n", "unknown field 'typ' at line 4"},
            {"{ \"name\": ", "not valid JSON or YAML"},
            {"  ", "is empty"}}) {
            try {
                EnvironmentPlanner.parse(c[0], null);
                fail(c[0]);
            } catch (PlatformException e) {
                assertTrue(e.getMessage(), e.getMessage().contains(c[1]));
            }
        }
    }

    @Test
    public void aDocumentThatIsNotADescriptionIsNeverQuotedBack() {
        // e.g. a secret file named as the description: its content must not come back in the error
        try {
            EnvironmentPlanner.parse("s3cretKeyMaterial", null);
            fail();
        } catch (PlatformException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("not valid JSON or YAML"));
            assertTrue(e.getMessage(), !e.getMessage().contains("s3cretKeyMaterial"));
        }
    }
}
