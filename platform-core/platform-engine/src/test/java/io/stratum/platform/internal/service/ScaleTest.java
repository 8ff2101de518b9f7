package io.stratum.platform.internal.service;

import static org.junit.Assert.assertEquals;

import io.stratum.platform.api.CreateServiceRequest;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** What a scale tells providers, and the configuration it leaves. */
public class ScaleTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private PlatformFixture f;

    @Before
    public void setUp() throws Exception {
        f = new PlatformFixture(tmp.getRoot().toPath());
        f.succeeded(f.platform.createService(new CreateServiceRequest(null, "database", "db", null, null, Map.of()))
                .id());
        f.succeeded(f.platform.createService(new CreateServiceRequest(null, "appserver", "app", null, null, Map.of(),
                Map.of("database", "db"), false)).id());
    }

    @After
    public void tearDown() {
        f.close();
    }

    private List<String> callsAbout(String what) {
        synchronized (f.calls) {
            return f.calls.stream().filter(c -> c.contains(what)).toList();
        }
    }

    @Test
    public void aScaleAsksAProviderAgainOnlyWhenWhatTheServiceHandsItChanged() throws Exception {
        assertEquals(List.of("create schema of app"), callsAbout("schema of app"));
        f.succeeded(f.platform.scaleService(null, "app", 3).id());
        assertEquals(List.of("scale app to 3"), callsAbout("scale app"));
        assertEquals("the database is handed nothing by the app, before and after: it is not asked again",
                List.of("create schema of app"), callsAbout("schema of app"));

        // a provider that is handed something that depends on the instances (as a web tier its backends) is told
        f.databaseParameters.set(n -> Map.of("instances", Integer.toString(n)));
        f.succeeded(f.platform.scaleService(null, "app", 2).id());
        assertEquals(List.of("create schema of app", "create schema of app"), callsAbout("schema of app"));
        f.succeeded(f.platform.scaleService(null, "app", 2).id());
        assertEquals("a scale to the count it runs changes nothing it is handed", 2,
                callsAbout("schema of app").size());
    }

    @Test
    public void aCreateAsksAProviderAgainAfterProvisioningOnlyWhenWhatTheServiceHandsItChanged() throws Exception {
        assertEquals("handed nothing before and after provisioning: asked once", List.of("create schema of app"),
                callsAbout("schema of app"));
        f.databaseParameters.set(n -> Map.of("instances", Integer.toString(n)));
        f.succeeded(f.platform.createService(new CreateServiceRequest(null, "appserver", "app2", null, null, Map.of(),
                Map.of("database", "db"), false)).id());
        assertEquals("handed 0 instances, then 1: asked again", List.of("create schema of app2",
                "create schema of app2"), callsAbout("schema of app2"));
    }

    @Test
    public void theConfigurationShowsTheInstancesAScaleLeft() throws Exception {
        f.succeeded(f.platform.scaleService(null, "app", 3).id());
        assertEquals("3", f.platform.getService(null, "app").configuration().get("instances"));
        assertEquals("3", f.platform.listServices(null).stream().filter(s -> s.name().equals("app")).findFirst()
                .orElseThrow().configuration().get("instances"));
        f.succeeded(f.platform.scaleService(null, "app", 2).id());
        assertEquals("2", f.platform.getService(null, "app").configuration().get("instances"));
        // the account's history says the same, from the value before to the value after
        List<String> changes = f.platform.accountHistory(null, 10).stream().flatMap(v -> v.changes().stream())
                .filter(c -> c.field().equals("config.instances"))
                .map(c -> c.name() + " " + c.before() + "->" + c.after()).toList();
        assertEquals(List.of("app 3->2", "app null->3"), changes);
    }
}
