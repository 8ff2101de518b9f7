package io.stratum.platform.internal.service;

import static org.junit.Assert.assertEquals;

import io.stratum.platform.api.EnvironmentDTO;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.internal.orchestration.PlanFactory;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** An environment's state follows its services, the same in the listing and in the reading of one environment. */
public class EnvironmentStateTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private PlatformFixture f;

    @Before
    public void setUp() throws Exception {
        f = new PlatformFixture(tmp.getRoot().toPath());
        f.engine.bindFactory(new ServicePlans.Stop(f.services), Map.of(PlanFactory.KIND, JobKinds.STOP));
        f.engine.bindFactory(new ServicePlans.Start(f.services), Map.of(PlanFactory.KIND, JobKinds.START));
        f.succeeded(f.platform.createEnvironment(new EnvironmentRequest(null, "name: shop\nservices:\n"
                + "  - name: db\n    type: database\n  - name: app\n    type: appserver\n"
                + "    providers: { database: db }\n", null)).id());
        // a second environment, left alone: listing several environments shows each its own state
        f.succeeded(f.platform.createEnvironment(new EnvironmentRequest(null, "name: other\nservices:\n"
                + "  - name: other-db\n    type: database\n", null)).id());
    }

    @After
    public void tearDown() {
        f.close();
    }

    /** The environment as the listing shows it, checked to agree with the reading of it alone. */
    private EnvironmentDTO shop() {
        List<EnvironmentDTO> all = f.platform.listEnvironments(null);
        EnvironmentDTO listed = all.stream().filter(e -> e.name().equals("shop")).findFirst().orElseThrow();
        EnvironmentDTO read = f.platform.getEnvironment(null, "shop");
        assertEquals("env-list and env-info agree", read.state() + " " + read.stateMessage(),
                listed.state() + " " + listed.stateMessage());
        assertEquals("the other environment is untouched", "READY",
                all.stream().filter(e -> e.name().equals("other")).findFirst().orElseThrow().state());
        return listed;
    }

    private String memberState(EnvironmentDTO env, String name) {
        return env.members().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow().state();
    }

    @Test
    public void aStoppedServiceMakesItDegradedAndADeletedOneIncomplete() throws Exception {
        assertEquals("READY", shop().state());
        assertEquals("", shop().stateMessage());

        f.succeeded(f.platform.stopService(null, "app").id());
        EnvironmentDTO stopped = shop();
        assertEquals("DEGRADED", stopped.state());
        assertEquals("not running: app STOPPED", stopped.stateMessage());

        f.succeeded(f.platform.startService(null, "app").id());
        assertEquals("READY", shop().state());

        f.succeeded(f.platform.deleteService(null, "app", false).id());
        EnvironmentDTO incomplete = shop();
        assertEquals("ABSENT", memberState(incomplete, "app"));
        assertEquals("INCOMPLETE", incomplete.state());
        assertEquals("deleted: app", incomplete.stateMessage());

        f.succeeded(f.platform.stopService(null, "db").id());
        assertEquals("INCOMPLETE", shop().state());
        assertEquals("deleted: app; not running: db STOPPED",
                shop().stateMessage());
    }
}
