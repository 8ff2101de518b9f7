package io.stratum.platform.internal.service;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.ServiceDTO;
import io.stratum.platform.internal.orchestration.JobRecord;
import io.stratum.platform.internal.orchestration.OrchestrationEngine;
import io.stratum.platform.internal.store.Sql;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Environment jobs rolled back and resumed: the rollback of a create keeps what services outside the environment
 * came to depend on; a job resumed after the environment is gone ends as it should.
 */
public class EnvironmentRollbackTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private PlatformFixture f;

    /** db and cache (databases) first, then app, which uses db. */
    private static final String SHOP = "{\"name\": \"shop\", \"services\": ["
            + "{\"name\": \"db\", \"type\": \"database\"},"
            + "{\"name\": \"cache\", \"type\": \"database\"},"
            + "{\"name\": \"app\", \"type\": \"appserver\", \"providers\": {\"database\": \"db\"}}]}";

    @Before
    public void setUp() {
        f = new PlatformFixture(tmp.getRoot().toPath());
    }

    @After
    public void tearDown() {
        f.close();
    }

    private long createShop() {
        return f.platform.createEnvironment(new EnvironmentRequest(null, SHOP, tmp.getRoot().toString())).id();
    }

    @Test
    public void aFailedEnvironmentCreateKeepsAMemberThatAServiceOutsideCameToUseAndLeavesItsSchema() throws Exception {
        f.failingProvision.add("app");
        long create = createShop();
        // db and cache are up; app is being provisioned: meanwhile a service outside the environment starts using db
        assertTrue(f.provisioningReached.await(10, TimeUnit.SECONDS));
        f.succeeded(f.platform.createService(new CreateServiceRequest(null, "appserver", "outside", null, null,
                Map.of(), Map.of("database", "db"), false)).id());
        String outside = f.platform.getService(null, "outside").id();
        Association before = f.services.associations().providersOf(outside).get(0);
        f.releaseProvisioning.countDown(); // app fails: the environment rolls back

        JobRecord failed = f.await(create);
        assertEquals(JobState.FAILED, failed.state());
        assertTrue(failed.error(), failed.error().contains("'app' cannot start"));
        assertTrue("the job says what it kept and why: " + failed.error(), failed.error().contains(
                "kept 'db' (database): 'outside' (appserver) outside the environment uses it; it is no longer part "
                        + "of environment 'shop'"));
        assertFalse(failed.error(), failed.rollbackIncomplete());

        ServiceDTO db = f.platform.getService(null, "db");
        assertEquals("db stays, running", "RUNNING", db.state().name());
        assertEquals("db left the environment", "", db.environment());
        assertEquals(List.of("outside"), db.dependants());
        assertEquals("outside keeps its binding, as it was", List.of(before),
                f.services.associations().providersOf(outside));
        assertFalse("its schema was not dropped: " + f.calls, f.calls.contains("drop schema of outside"));
        assertFalse(f.calls.toString(), f.calls.contains("unprovision db"));

        assertTrue("what nobody outside uses is deleted: " + f.calls, f.calls.contains("unprovision cache"));
        assertEquals(List.of("db", "outside"), f.platform.listServices(null).stream().map(ServiceDTO::name)
                .sorted().toList());
        assertTrue("the environment is forgotten", f.platform.listEnvironments(null).isEmpty());
    }

    /** Makes a job look as the platform left it when killed in its task {@code taskIndex} (its last step running). */
    private void asIfKilledIn(long job, String state, int taskIndex) {
        f.store.transact(c -> {
            Sql.update(c, "UPDATE jobs SET state = ?, task_index = ?, finished_at = NULL, "
                    + "error = REPLACE(error, '; rolled back', '') WHERE id = ?", state, taskIndex, job);
            Sql.update(c, "UPDATE job_steps SET state = 'RUNNING', finished_at = NULL WHERE job_id = ? AND seq = "
                    + "(SELECT MAX(seq) FROM job_steps WHERE job_id = ?)", job, job);
        });
    }

    /** A platform started again on the same store: it resumes unfinished jobs once it has their plan factories. */
    private JobRecord resume(long job) throws Exception {
        OrchestrationEngine restarted = new OrchestrationEngine(f.store, 2, Duration.ofMillis(10),
                Duration.ofMillis(50));
        try {
            f.bindFactories(restarted);
            return f.await(restarted, job);
        } finally {
            restarted.deactivate();
        }
    }

    @Test
    public void anEnvironmentDeleteResumedAfterItForgotTheEnvironmentSucceeds() throws Exception {
        f.succeeded(createShop());
        long delete = f.succeeded(f.platform.deleteEnvironment(null, "shop", false).id()).id();
        // killed in its last task (forget), after the environment's row was deleted and before the end was recorded:
        // the plan rebuilt now (from an environment that is gone) is shorter than the recorded task index
        int forget = f.engine.jobs().steps(delete).stream().filter(s -> s.task().equals("forget")).findFirst()
                .orElseThrow().taskIndex();
        assertEquals("two levels, then forget", 2, forget);
        asIfKilledIn(delete, "RUNNING", forget);

        JobRecord done = resume(delete);
        assertEquals(done.error(), JobState.SUCCEEDED, done.state());
        assertTrue(f.platform.listEnvironments(null).isEmpty());
        assertTrue(f.platform.listServices(null).isEmpty());
    }

    @Test
    public void anEnvironmentCreateRollbackResumedAfterItForgotTheEnvironmentEndsRolledBack() throws Exception {
        f.failingProvision.add("app");
        f.releaseProvisioning.countDown();
        JobRecord failed = f.await(createShop());
        assertEquals(JobState.FAILED, failed.state());
        // killed while compensating its last level, after the environment was forgotten
        asIfKilledIn(failed.id(), "ROLLING_BACK", 2);

        JobRecord done = resume(failed.id());
        assertEquals(JobState.FAILED, done.state());
        assertTrue(done.error(), done.error().contains("'app' cannot start") && done.error().endsWith("rolled back"));
        assertTrue(f.platform.listEnvironments(null).isEmpty());
    }
}
