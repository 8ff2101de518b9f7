package io.stratum.platform.internal.service;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.JobQuery;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformService;
import java.util.List;
import java.util.function.Function;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * An environment description with many mistakes is refused once, with every mistake listed (service, field, line),
 * through the facade as a user calls it, and as a dry run; nothing is created.
 */
public class EnvironmentProblemsTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private PlatformFixture f;

    @Before
    public void setUp() {
        f = new PlatformFixture(tmp.getRoot().toPath());
    }

    @After
    public void tearDown() {
        f.close();
    }

    private static final String SHOP = String.join("\n",
            "name: shop",                          // 1
            "acount: acme",                        // 2
            "services:",                           // 3
            "  - name: db",                        // 4
            "    type: database",                  // 5
            "    plan: huge",                      // 6
            "  - name: app",                       // 7
            "    typ: appserver",                  // 8
            "  - name: web",                       // 9
            "    type: webserver",                 // 10
            "  - name: app2",                      // 11
            "    type: appserver",                 // 12
            "    config:",                         // 13
            "      heapMb: 4096",                  // 14
            "      colour: blue",                  // 15
            "    providers:",                      // 16
            "      database: nowhere",             // 17
            "  - name: db",                        // 18
            "    type: database",                  // 19
            "  - name: x",                         // 20
            "    type: appserver",                 // 21
            "    providers: { database: y }",      // 22
            "  - name: y",                         // 23
            "    type: appserver",                 // 24
            "    providers: { database: x }",      // 25
            "");

    private static final List<String> PROBLEMS = List.of(
            "environment, acount (line 2): unknown field (did you mean 'account'?); an environment has name, account, "
                    + "services",
            "service 'db', plan (line 6): service type 'database' has no plan 'huge'; its plans are [small]",
            "service 'app', type (line 7): a service type is required (see stratum:sdp-list)",
            "service 'app', typ (line 8): unknown field (did you mean 'type'?); a service has name, type, plan, "
                    + "version, config, providers",
            "service 'web', type (line 10): no service type 'webserver' is installed; installed types: appserver, "
                    + "database",
            "service 'app2', config.heapMb (line 14): 'heapMb' is set by the plan and cannot be changed at create "
                    + "time; choose another plan",
            "service 'app2', config.colour (line 15): unknown configuration key 'colour' (appserver knows [heapMb])",
            "service 'app2', providers.database (line 17): 'nowhere' is neither a service of the environment nor of "
                    + "the account",
            "service 'db', name (line 18): 'db' names another service of the environment too; give each service a "
                    + "name of its own",
            "service 'x', providers.database (line 22): 'y' is of type appserver, which does not provide database",
            "service 'y', providers.database (line 25): 'x' is of type appserver, which does not provide database",
            "environment: dependency cycle: x -> y -> x");

    private static String refusal(Runnable call) {
        try {
            call.run();
            fail("the description has mistakes");
            return "";
        } catch (PlatformException e) {
            assertEquals(e.getMessage(), PlatformException.Reason.INVALID, e.reason());
            return e.getMessage();
        }
    }

    private void nothingCreated() {
        assertEquals(List.of(), f.platform.listServices(null));
        assertEquals(List.of(), f.platform.listEnvironments(null));
        assertEquals("no job recorded", List.of(), f.platform.listJobs(JobQuery.recent()));
    }

    @Test
    public void everyProblemOfADescriptionIsListedInOneRefusalOneALineAndNothingIsCreated() {
        String expected = "environment 'shop' is not valid; nothing was created. Its 12 problems:\n  - "
                + String.join("\n  - ", PROBLEMS);
        EnvironmentRequest request = new EnvironmentRequest(null, SHOP, tmp.getRoot().toString());
        assertEquals(expected, refusal(() -> f.platform.createEnvironment(request)));
        nothingCreated();
        Function<PlatformService, io.stratum.platform.api.JobDTO> create = p -> p.createEnvironment(request);
        assertEquals("a dry run finds the same", expected, refusal(() -> f.platform.preview(create)));
        nothingCreated();
    }

    @Test
    public void aJsonDescriptionsProblemsAreListedAsWell() {
        String json = "{\"name\": \"shop\",\n \"services\": [\n  {\"name\": \"db\", \"type\": \"database\", "
                + "\"size\": 3},\n  {\"name\": \"app\", \"type\": \"appserver\", \"plan\": \"tiny\"}\n]}";
        assertEquals("environment 'shop' is not valid; nothing was created. Its 3 problems:\n"
                + "  - service 'db', size (line 3): unknown field; a service has name, type, plan, version, config, "
                + "providers\n"
                + "  - service 'app', plan (line 4): service type 'appserver' has no plan 'tiny'; its plans are "
                + "[small]\n"
                + "  - service 'app', providers (line 4): appserver 'app' needs a database provider: add it under "
                + "providers, e.g. 'providers: { database: <service> }'",
                refusal(() -> f.platform.createEnvironment(new EnvironmentRequest(null, json, null))));
        nothingCreated();
    }

    @Test
    public void aYamlSyntaxErrorNamesItsLineAndColumn() {
        String broken = "name: shop\nservices:\n  - name: db\n    type: database\n   plan: small\n";
        assertEquals("the environment description is not valid YAML at line 5, column 4 (see "
                + "examples/notes-env.yaml for the form)",
                refusal(() -> f.platform.createEnvironment(new EnvironmentRequest(null, broken, null))));
        nothingCreated();
    }

    @Test
    public void anEnvironmentWhoseNameIsTakenIsToldWithTheOtherProblemsOrAloneAsAClash() throws Exception {
        String one = "name: shop\nservices:\n  - name: db\n    type: database\n";
        f.succeeded(f.platform.createEnvironment(new EnvironmentRequest(null, one, null)).id());
        try {
            f.platform.createEnvironment(new EnvironmentRequest(null, one.replace("db", "db2"), null));
            fail("the name is taken");
        } catch (PlatformException e) {
            assertEquals(PlatformException.Reason.ALREADY_EXISTS, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("environment, name (line 1): an environment named "
                    + "'shop' already exists in the account; choose another name, or delete it first "
                    + "(stratum:env-delete shop)"));
        }
        String message = refusal(() -> f.platform.createEnvironment(new EnvironmentRequest(null,
                one + "    plan: huge\n", null)));
        assertTrue(message, message.contains("Its 3 problems:"));
        assertTrue(message, message.contains("environment, name (line 1): an environment named 'shop' already "
                + "exists"));
        assertTrue(message, message.contains("service 'db', name (line 3): a service named 'db' already exists in "
                + "the account"));
        assertTrue(message, message.contains("service 'db', plan (line 5): service type 'database' has no plan"));
    }
}
