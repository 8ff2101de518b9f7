package io.stratum.platform.internal.orchestration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.internal.store.Sql;
import io.stratum.platform.internal.store.Store;
import io.stratum.platform.internal.store.TestStores;
import io.stratum.platform.spi.JobInfo;
import io.stratum.platform.spi.JobPlan;
import io.stratum.platform.spi.JobPlanner;
import io.stratum.platform.spi.JobRequest;
import io.stratum.platform.spi.JobTask;
import io.stratum.platform.spi.Resource;
import io.stratum.platform.spi.StepContributor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The job SPI on the real engine and store: planners of several kinds, resource sets, contributed steps. */
public class JobSpiTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Store store;
    private OrchestrationEngine engine;
    private JobsService jobs;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @Before
    public void setUp() {
        store = TestStores.open(tmp.getRoot().toPath());
        engine = new OrchestrationEngine(store, 2, Duration.ofMillis(20), Duration.ofMillis(100));
        jobs = new JobsService(engine);
    }

    @After
    public void tearDown() {
        engine.deactivate();
        store.close();
    }

    private JobPlanner recording(String... tasks) {
        return job -> {
            JobPlan.Builder b = JobPlan.builder();
            for (String t : tasks) {
                b.phase(t, JobTask.of(t, j -> log.add(j.job().kind() + " " + t)));
            }
            return b.onEnd(j -> log.add("end " + j.kind() + " " + j.state())).build();
        };
    }

    @Test
    public void onePlannerServesEveryKindItNamesAndItsEndRunsBeforeTheEndIsRecorded() throws Exception {
        engine.bindPlanner(recording("a"), Map.of(JobPlanner.KINDS, new String[] {"x.one", "x.two"}));
        JobInfo one = jobs.submit(JobRequest.of("x.one", "t", Caller.system("test")));
        JobInfo two = jobs.submit(JobRequest.of("x.two", "t", Caller.system("test")));
        assertEquals(JobState.SUCCEEDED, jobs.await(one.id(), Duration.ofSeconds(20)).state());
        assertEquals(JobState.SUCCEEDED, jobs.await(two.id(), Duration.ofSeconds(20)).state());
        assertTrue(log.toString(), log.containsAll(List.of("x.one a", "x.two a", "end x.one SUCCEEDED",
                "end x.two SUCCEEDED")));
    }

    @Test
    public void aJobLocksEveryResourceItNamesUntilItEndsAndASecondJobIsToldWhichHoldsThem() throws Exception {
        String db = TestStores.insertService(store, "db1");
        String app = TestStores.insertService(store, "app1");
        String account = store.query(c -> Sql.one(c, "SELECT id FROM accounts WHERE name = 'default'",
                rs -> rs.getString("id"))).orElseThrow();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        engine.bindPlanner(job -> JobPlan.builder().phase("hold", JobTask.of("hold", j -> release.await())).build(),
                Map.of(JobPlanner.KINDS, "x.hold"));
        JobInfo holder = jobs.submit(JobRequest.of("x.hold", "both", Caller.system("test"))
                .lock(Set.of(Resource.service(db), Resource.service(app), Resource.account(account))));
        assertEquals(Set.of(Resource.service(db), Resource.service(app), Resource.account(account)),
                jobs.find(holder.id()).orElseThrow().locks());
        try {
            engine.submit(new OrchestrationEngine.Submission("x.hold", null, "app1", app, Map.of(), null));
            fail("the app is locked");
        } catch (PlatformException e) {
            assertEquals(PlatformException.Reason.CONCURRENCY, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("job " + holder.id()));
        }
        try {
            jobs.submit(JobRequest.of("x.hold", "acct", Caller.system("test")).lock(Set.of(Resource.account(account))));
            fail("the account is locked");
        } catch (PlatformException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("account 'default' is busy with job " + holder.id()));
        }
        release.countDown();
        assertEquals(JobState.SUCCEEDED, jobs.await(holder.id(), Duration.ofSeconds(20)).state());
        JobInfo after = jobs.submit(JobRequest.of("x.hold", "again", Caller.system("test"))
                .lock(Set.of(Resource.service(app), Resource.account(account))));
        assertEquals(JobState.SUCCEEDED, jobs.await(after.id(), Duration.ofSeconds(20)).state());
        assertEquals("no lock is left", 0L, (long) store.query(c -> Sql.one(c, "SELECT COUNT(*) AS n FROM services "
                + "WHERE active_job_id IS NOT NULL", rs -> rs.getLong("n"))).orElseThrow());
    }

    @Test
    public void aJobThatNeedsAContributionWaitsForItAndGetsItsStepsAfterTheNamedPhase() throws Exception {
        engine.bindPlanner(recording("provision", "start"), Map.of(JobPlanner.KINDS, "x.create"));
        JobInfo plain = jobs.submit(JobRequest.of("x.create", "plain", Caller.system("test")));
        assertEquals(JobState.SUCCEEDED, jobs.await(plain.id(), Duration.ofSeconds(20)).state());
        JobInfo job = jobs.submit(JobRequest.of("x.create", "cloned", Caller.system("test"))
                .param(StepContributor.REQUIRED, "restore"));
        Thread.sleep(300);
        assertEquals("it waits for the contribution", JobState.QUEUED, jobs.find(job.id()).orElseThrow().state());
        engine.bindContributor(new StepContributor() {
            @Override
            public String after() {
                return "provision";
            }

            @Override
            public List<JobPlan.Step> contribute(JobInfo j) {
                return List.of(new JobPlan.Step("restore", JobTask.of("restore", c -> log.add("restore " + j.target()))));
            }
        }, Map.of(StepContributor.NAME, "restore", JobPlanner.KINDS, "x.create"));
        assertEquals(JobState.SUCCEEDED, jobs.await(job.id(), Duration.ofSeconds(20)).state());
        List<String> cloned = log.stream().filter(l -> !l.startsWith("end")).toList();
        assertEquals(List.of("x.create provision", "x.create start", "x.create provision", "restore cloned",
                "x.create start"), cloned);
    }
}
