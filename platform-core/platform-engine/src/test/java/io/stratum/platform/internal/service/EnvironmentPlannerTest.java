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
        assertTrue(message, message.contains("\n  - service 'db': no service type 'databse' is installed"));
        assertTrue(message, message.contains("\n  - service 'app', providers: appserver 'app' needs a database "
                + "provider: add it under providers, e.g. 'providers: { database: <service> }'"));
        assertTrue(message, message.contains("\n  - service 'lb', name: 'lb' names another service of the "
                + "environment too"));
        assertTrue(message, message.contains("\n  - service 'other', providers.database: 'nowhere' is neither a "
                + "service of the environment nor of the account"));
        assertTrue(message, message.contains("\n  - service 'app', providers.webtier: 'lb' is of type database, "
                + "which does not provide webtier"));
        assertTrue(message, message.startsWith("environment 'env' is not valid; nothing was created. Its 5 "
                + "problems:\n"));
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
        EnvironmentSpec yaml = EnvironmentDocument.read("name: shop\nservices:\n  - name: app\n    type: appserver\n"
                + "    config:\n      war: ${envDir}/app.war\n      instances: 2\n"
                + "    providers: { database: db }\n", "/srv/envs").spec();
        assertEquals("shop", yaml.name());
        assertEquals(Map.of("war", "/srv/envs/app.war", "instances", "2"), yaml.member("app").config());
        assertEquals(Map.of("database", "db"), yaml.member("app").providers());
        EnvironmentSpec json = EnvironmentDocument.read("{\"name\": \"shop\", \"services\": [{\"name\": \"db\", "
                + "\"type\": \"database\", \"plan\": \"large\"}]}", null).spec();
        assertEquals("large", json.member("db").plan());
    }

    @Test
    public void unreadableDescriptionsAreClearErrors() {
        for (String[] c : new String[][] {
            {"name: x\nservices:\n  - name: a\n   type: database\n", "the environment description is not valid "
                + "YAML at line 4, column 4 (see examples/notes-env.yaml for the form)"},
            {"name: x\nservices:\n\t- name: a\n", "not valid YAML at line 3, column 1: a tab; YAML indents with "
                + "spaces only"},
            {"{ \"name\": ", "not valid JSON at line 1"},
            {"  ", "is empty"},
            {"# nothing but a comment\n", "is empty"},
            {"- name: a\n", "is not a mapping of name, account, services but a list"}}) {
            try {
                EnvironmentDocument.read(c[0], null);
                fail(c[0]);
            } catch (PlatformException e) {
                assertTrue(e.getMessage(), e.getMessage().contains(c[1]));
            }
        }
    }

    @Test
    public void aDocumentThatIsNotADescriptionIsNeverQuotedBack() {
        // e.g. a secret file named as the description: its content must not come back in the error
        for (String secret : List.of("s3cretKeyMaterial", "{s3cretKeyMaterial", "s3cretKeyMaterial: [",
                "- s3cretKeyMaterial\n", "\"s3cretKeyMaterial")) {
            try {
                EnvironmentDocument.read(secret, null);
                fail(secret);
            } catch (PlatformException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("the environment description is not"));
                assertTrue(e.getMessage(), !e.getMessage().contains("s3cret"));
            }
        }
        EnvironmentDocument read = EnvironmentDocument.read("name: x\nservices: s3cretKeyMaterial\n"
                + "account: [s3cretKeyMaterial]\n", null);
        assertEquals(2, read.problems().size());
        assertTrue(read.problems().toString(), !read.problems().toString().contains("s3cret"));
    }

    @Test
    public void everyProblemOfADocumentsFormIsCollectedWithItsServiceFieldAndLine() {
        EnvironmentDocument read = EnvironmentDocument.read(String.join("\n",
                "name: shop",                         // 1
                "acount: acme",                       // 2
                "services:",                          // 3
                "  - name: db",                       // 4
                "    typ: database",                  // 5
                "    config:",                        // 6
                "      heapMb: [1, 2]",               // 7
                "      war:",                         // 8
                "  - just-a-name",                    // 9
                "  - name: app",                      // 10
                "    type: appserver",                // 11
                "    name: app2",                     // 12
                "    providers: db",                  // 13
                "    config:",                        // 14
                "      war: ${envDir}/app.war",       // 15
                "      instances: 2",                 // 16
                ""), "/srv");
        List<String> problems = read.problems().stream().map(EnvironmentDocument.Problem::text).toList();
        assertEquals(List.of(
                "environment, acount (line 2): unknown field (did you mean 'account'?); an environment has name, "
                        + "account, services",
                "service 'db', typ (line 5): unknown field (did you mean 'type'?); a service has name, type, plan, "
                        + "version, config, providers",
                "service 'db', config.heapMb (line 7): must be a single value, not a list",
                "service 'db', config.war (line 8): has no value",
                "service #2 (line 9): must be a mapping of name, type, plan, version, config, providers, not a "
                        + "single value",
                "service #3, name (line 12): appears twice in one mapping (also on line 10); keep one",
                "service 'app2', providers (line 13): must be a mapping of provider types to service names, not a "
                        + "single value"),
                EnvironmentDocument.ordered(read.problems()).stream().map(EnvironmentDocument.Problem::text).toList());
        assertEquals(7, problems.size());
        assertEquals("what can be read is read", List.of("db", "app2"), read.spec().services().stream()
                .map(EnvironmentSpec.Member::name).toList());
        assertEquals(Map.of("war", "/srv/app.war", "instances", "2"), read.spec().member("app2").config());
        assertEquals(3, read.entries());
        assertEquals("a later problem of the second entry of services names it by its position and line",
                "service 'app2', plan (line 10): no such plan", read.problem(1, List.of("plan"), "no such plan")
                        .text());
        assertEquals("service 'app2', config.war (line 15): no file", read.problem(1, List.of("config", "war"),
                "no file").text());
    }
}
