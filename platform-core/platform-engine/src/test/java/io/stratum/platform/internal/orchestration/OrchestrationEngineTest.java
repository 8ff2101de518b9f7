package io.stratum.platform.internal.orchestration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.internal.orchestration.OrchestrationEngine.Submission;
import io.stratum.platform.internal.store.FailingWrites;
import io.stratum.platform.internal.store.Sql;
import io.stratum.platform.internal.store.Store;
import io.stratum.platform.internal.store.TestStores;
import io.stratum.sme.api.SmeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The engine on a real (file) store: retry, rollback, concurrency, cancellation and resume after a crash. */
public class OrchestrationEngineTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Store store;
    private final List<OrchestrationEngine> engines = new ArrayList<>();
    /** What tasks did, in order. */
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @Before
    public void setUp() {
        store = TestStores.open(tmp.getRoot().toPath());
    }

    @After
    public void tearDown() {
        engines.forEach(OrchestrationEngine::deactivate);
        store.close();
    }

    private OrchestrationEngine engine() {
        OrchestrationEngine e = new OrchestrationEngine(store, 2, Duration.ofMillis(20), Duration.ofMillis(100));
        engines.add(e);
        return e;
    }

    private static void register(OrchestrationEngine engine, String kind, Function<JobRecord, Plan> plan) {
        engine.bindFactory(plan::apply, Map.of(PlanFactory.KIND, kind));
    }

    private Task recorded(String name) {
        return Task.of(name, j -> log.add("do " + name)).compensatedBy(j -> log.add("undo " + name));
    }

    private static JobRecord submit(OrchestrationEngine engine, String kind, String serviceId) {
        return engine.submit(new Submission(kind, null, "target", serviceId, Map.of(), null));
    }

    private static JobRecord await(OrchestrationEngine engine, long id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            JobRecord j = engine.jobs().find(id).orElseThrow();
            if (j.state().isDone() && !engine.activeJobs().contains(id)) {
                return j;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("job " + id + " did not end: " + engine.jobs().find(id));
    }

    private static void awaitTrue(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    public void runsPhasesInOrderAndPersistsEveryStep() throws Exception {
        OrchestrationEngine engine = engine();
        register(engine, "t", j -> Plan.builder()
                .phase("one", recorded("a"), recorded("b"))
                .phase("two", recorded("c"))
                .build());
        JobRecord submitted = submit(engine, "t", null);
        assertTrue("submit returns at once with a job id", submitted.id() > 0);
        JobRecord done = await(engine, submitted.id());
        assertEquals(JobState.SUCCEEDED, done.state());
        assertEquals(100, done.progress());
        assertEquals(List.of("do a", "do b", "do c"), log);
        List<JobStep> steps = engine.jobs().steps(done.id());
        assertEquals(3, steps.size());
        assertEquals("two", steps.get(2).phase());
        assertTrue(steps.stream().allMatch(s -> JobStep.DONE.equals(s.state()) && s.finishedAt() != null));
        assertTrue(done.startedAt() != null && done.finishedAt() != null);
    }

    @Test
    public void postsEachStateChangeAsAnEvent() throws Exception {
        OrchestrationEngine engine = engine();
        List<org.osgi.service.event.Event> events = Collections.synchronizedList(new ArrayList<>());
        engine.eventAdmin(new org.osgi.service.event.EventAdmin() {
            @Override
            public void postEvent(org.osgi.service.event.Event event) {
                events.add(event);
            }

            @Override
            public void sendEvent(org.osgi.service.event.Event event) {
                events.add(event);
            }
        });
        register(engine, "ok", j -> Plan.builder().phase("p", recorded("a")).build());
        register(engine, "bad", j -> Plan.builder().phase("p", recorded("a"), Task.of("b", ctx -> {
            throw new SmeException("boom");
        })).build());
        JobRecord ok = await(engine, submit(engine, "ok", null).id());
        JobRecord bad = await(engine, submit(engine, "bad", null).id());
        awaitTrue("the events (posted from their own thread)", () -> events.size() == 7);
        List<String> okTopics = events.stream().filter(e -> e.getProperty("job.id").equals(ok.id()))
                .map(org.osgi.service.event.Event::getTopic).toList();
        assertEquals(List.of("io/stratum/job/QUEUED", "io/stratum/job/RUNNING", "io/stratum/job/SUCCEEDED"), okTopics);
        List<String> badTopics = events.stream().filter(e -> e.getProperty("job.id").equals(bad.id()))
                .map(org.osgi.service.event.Event::getTopic).toList();
        assertEquals(List.of("io/stratum/job/QUEUED", "io/stratum/job/RUNNING", "io/stratum/job/ROLLING_BACK",
                "io/stratum/job/FAILED"), badTopics);
        org.osgi.service.event.Event failed = events.get(events.size() - 1);
        assertTrue(String.valueOf(failed.getProperty("job.error")).contains("boom"));
        assertEquals("bad", failed.getProperty("job.kind"));
    }

    @Test
    public void retriesTransientFailuresWithBackoff() throws Exception {
        OrchestrationEngine engine = engine();
        AtomicInteger calls = new AtomicInteger();
        List<Long> at = Collections.synchronizedList(new ArrayList<>());
        register(engine, "t", j -> Plan.builder().phase("p", Task.of("flaky", ctx -> {
            at.add(System.nanoTime());
            if (calls.incrementAndGet() < 3) {
                throw SmeException.transientFailure("port still in use", null);
            }
        }).attempts(3)).build());
        JobRecord done = await(engine, submit(engine, "t", null).id());
        assertEquals(JobState.SUCCEEDED, done.state());
        assertEquals(3, calls.get());
        // the engine waits 20 ms after the first failure and 40 ms after the second (plus up to 20 % jitter)
        assertTrue("backoff after attempt 1: " + (at.get(1) - at.get(0)) / 1_000_000 + " ms",
                at.get(1) - at.get(0) >= TimeUnit.MILLISECONDS.toNanos(20));
        assertTrue("backoff after attempt 2: " + (at.get(2) - at.get(1)) / 1_000_000 + " ms",
                at.get(2) - at.get(1) >= TimeUnit.MILLISECONDS.toNanos(40));
        assertEquals(3, done.attempts());
        assertEquals(3, engine.jobs().steps(done.id()).get(0).attempts());
    }

    @Test
    public void permanentFailureRollsBackCompletedTasksInReverse() throws Exception {
        OrchestrationEngine engine = engine();
        AtomicInteger calls = new AtomicInteger();
        register(engine, "t", j -> Plan.builder()
                .phase("p", recorded("a"), recorded("b"))
                .phase("q", Task.of("c", ctx -> {
                    calls.incrementAndGet();
                    log.add("do c");
                    throw new SmeException("disk full");
                }).compensatedBy(ctx -> log.add("undo c")))
                .build());
        JobRecord done = await(engine, submit(engine, "t", null).id());
        assertEquals(JobState.FAILED, done.state());
        assertEquals("a permanent failure is not retried", 1, calls.get());
        assertEquals(List.of("do a", "do b", "do c", "undo c", "undo b", "undo a"), log);
        assertTrue(done.error(), done.error().contains("q/c failed: disk full"));
        assertTrue(done.error(), done.error().endsWith("rolled back"));
        assertTrue(!done.rollbackIncomplete());
        long undone = engine.jobs().steps(done.id()).stream().filter(JobStep::compensation).count();
        assertEquals(3, undone);
    }

    @Test
    public void transientFailureThatPersistsFailsAfterItsAttempts() throws Exception {
        OrchestrationEngine engine = engine();
        AtomicInteger calls = new AtomicInteger();
        register(engine, "t", j -> Plan.builder().phase("p", recorded("a"), Task.of("b", ctx -> {
            calls.incrementAndGet();
            throw SmeException.transientFailure("still starting", null);
        }).attempts(4)).build());
        JobRecord done = await(engine, submit(engine, "t", null).id());
        assertEquals(JobState.FAILED, done.state());
        assertEquals(4, calls.get());
        assertTrue(done.error(), done.error().contains("after 4 attempts"));
        assertEquals(List.of("do a", "undo a"), log);
    }

    @Test
    public void failedCompensationIsReportedAndTheRestStillRuns() throws Exception {
        OrchestrationEngine engine = engine();
        register(engine, "t", j -> Plan.builder().phase("p",
                recorded("a"),
                Task.of("b", ctx -> log.add("do b")).compensatedBy(ctx -> {
                    throw new SmeException("cannot undo b");
                }),
                Task.of("c", ctx -> {
                    throw new SmeException("boom");
                })).build());
        JobRecord done = await(engine, submit(engine, "t", null).id());
        assertEquals(JobState.FAILED, done.state());
        assertTrue(done.rollbackIncomplete());
        assertTrue(done.error(), done.error().contains("cannot undo b"));
        assertEquals(List.of("do a", "do b", "undo a"), log);
    }

    @Test
    public void oneMutatingJobPerServiceAtATime() throws Exception {
        OrchestrationEngine engine = engine();
        String service = TestStores.insertService(store, "db1");
        CountDownLatch release = new CountDownLatch(1);
        register(engine, "slow", j -> Plan.builder().phase("p", Task.of("wait", ctx -> release.await())).build());
        register(engine, "fast", j -> Plan.builder().phase("p", recorded("x")).build());
        JobRecord first = submit(engine, "slow", service);
        try {
            submit(engine, "fast", service);
            fail("a second job on a busy service must be refused");
        } catch (PlatformException e) {
            assertEquals(PlatformException.Reason.CONCURRENCY, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("busy with job " + first.id()));
        }
        long rejected = store.query(c -> Sql.one(c, "SELECT COUNT(*) FROM jobs", rs -> rs.getLong(1)).orElseThrow());
        assertEquals("a refused submission leaves no job behind", 1, rejected);
        JobRecord other = submit(engine, "fast", TestStores.insertService(store, "db2"));
        assertEquals(JobState.SUCCEEDED, await(engine, other.id()).state());
        release.countDown();
        assertEquals(JobState.SUCCEEDED, await(engine, first.id()).state());
        JobRecord third = submit(engine, "fast", service);
        assertEquals("the lock is released when the job ends", JobState.SUCCEEDED, await(engine, third.id()).state());
    }

    @Test
    public void prepareWorkFailingAbortsTheSubmission() {
        OrchestrationEngine engine = engine();
        register(engine, "t", j -> Plan.builder().phase("p", recorded("a")).build());
        try {
            engine.submit(new Submission("t", null, "x", null, Map.of(), c -> {
                throw new PlatformException(PlatformException.Reason.INVALID, "nope");
            }));
            fail();
        } catch (PlatformException e) {
            assertEquals("nope", e.getMessage());
        }
        assertEquals(0, engine.jobs().list(null, null, false, 10).size());
    }

    @Test
    public void cancellationRollsBack() throws Exception {
        OrchestrationEngine engine = engine();
        CountDownLatch started = new CountDownLatch(1);
        register(engine, "t", j -> Plan.builder().phase("p", recorded("a"), Task.of("b", ctx -> {
            started.countDown();
            while (true) {
                ctx.checkCancelled();
                Thread.sleep(5);
            }
        }).compensatedBy(ctx -> log.add("undo b"))).build());
        JobRecord job = submit(engine, "t", null);
        assertTrue(started.await(10, TimeUnit.SECONDS));
        assertTrue(engine.cancel(job.id()));
        JobRecord done = await(engine, job.id());
        assertEquals(JobState.CANCELLED, done.state());
        assertEquals(List.of("do a", "undo b", "undo a"), log);
    }

    @Test
    public void compensationsRunToTheEndAfterACancellation() throws Exception {
        OrchestrationEngine engine = engine();
        CountDownLatch started = new CountDownLatch(1);
        register(engine, "t", j -> Plan.builder().phase("p",
                Task.of("a", ctx -> log.add("do a")).compensatedBy(ctx -> {
                    ctx.checkCancelled(); // a cancellation stops forward work only
                    log.add("undo a, cancelled=" + ctx.isCancelled() + "/" + ctx.monitor().isCancelled());
                }),
                Task.of("b", ctx -> {
                    started.countDown();
                    while (true) {
                        ctx.checkCancelled();
                        Thread.sleep(5);
                    }
                })).build());
        JobRecord job = submit(engine, "t", null);
        assertTrue(started.await(10, TimeUnit.SECONDS));
        assertTrue(engine.cancel(job.id()));
        JobRecord done = await(engine, job.id());
        assertEquals(JobState.CANCELLED, done.state());
        assertFalse(done.error(), done.rollbackIncomplete());
        assertEquals(List.of("do a", "undo a, cancelled=false/false"), log);
    }

    @Test
    public void aJobStoppedByAnUnexpectedErrorRunsAgainFromItsLastRecordedStep() throws Exception {
        OrchestrationEngine engine = engine();
        AtomicInteger ends = new AtomicInteger();
        register(engine, "t", j -> Plan.builder().phase("p", recorded("a"), recorded("b"))
                .onEnd((c, ended) -> {
                    if (ends.incrementAndGet() <= 2) {
                        throw new IllegalStateException("store hiccup " + ends.get());
                    }
                }).build());
        JobRecord done = await(engine, submit(engine, "t", null).id());
        assertEquals(JobState.SUCCEEDED, done.state());
        assertEquals(3, ends.get());
        assertEquals("completed tasks are not repeated", List.of("do a", "do b"), log);
    }

    @Test
    public void aTaskInterruptedWhileThePlatformRunsIsRunAgainNotRolledBack() throws Exception {
        OrchestrationEngine engine = engine();
        AtomicInteger runs = new AtomicInteger();
        register(engine, "t", j -> Plan.builder().phase("p", recorded("a"), Task.of("b", ctx -> {
            log.add("do b");
            if (runs.incrementAndGet() == 1) {
                throw new InterruptedException("a component restarted under the task");
            }
        }).compensatedBy(ctx -> log.add("undo b"))).build());
        JobRecord done = await(engine, submit(engine, "t", null).id());
        assertEquals(done.error(), JobState.SUCCEEDED, done.state());
        assertEquals("the interrupted task runs again; nothing is undone", List.of("do a", "do b", "do b"), log);
    }

    @Test
    public void aJobCancelledWhileItWaitsToRunAgainUndoesTheTaskItWasIn() throws Exception {
        OrchestrationEngine engine = engine();
        register(engine, "t", j -> Plan.builder().phase("p", recorded("a"), Task.of("b", ctx -> {
            log.add("do b");
            engine.cancel(ctx.job().id());
            throw new InterruptedException("a component restarted under the task");
        }).compensatedBy(ctx -> log.add("undo b"))).build());
        JobRecord done = await(engine, submit(engine, "t", null).id());
        assertEquals(done.error(), JobState.CANCELLED, done.state());
        assertEquals("the half-done task is undone too", List.of("do a", "do b", "undo b", "undo a"), log);
    }

    @Test
    public void aJobThatKeepsStoppingUnexpectedlyIsRolledBackEndsFailedAndReleasesItsService() throws Exception {
        OrchestrationEngine engine = engine();
        String service = TestStores.insertService(store, "db1");
        register(engine, "t", j -> Plan.builder().phase("p", recorded("a"))
                .onEnd((c, ended) -> {
                    if (ended.state() == JobState.SUCCEEDED) {
                        throw new IllegalStateException("bug in the completion");
                    }
                }).build());
        JobRecord done = await(engine, submit(engine, "t", service).id());
        assertEquals(JobState.FAILED, done.state());
        assertTrue(done.error(), done.error().contains("unexpected error " + OrchestrationEngine.MAX_UNEXPECTED_FAILURES
                + " times") && done.error().contains("bug in the completion"));
        assertTrue(done.error(), done.error().endsWith("rolled back"));
        assertEquals("what it did is undone", List.of("do a", "undo a"), log);
        assertEquals(1L, (long) store.query(c -> Sql.one(c, "SELECT COUNT(*) FROM services WHERE id = ? "
                + "AND active_job_id IS NULL", rs -> rs.getLong(1), service).orElseThrow()));
    }

    @Test
    public void cancellingAJobThatWaitsForItsPlanFactoryEndsItAtOnce() throws Exception {
        OrchestrationEngine engine = engine();
        String service = TestStores.insertService(store, "db1");
        JobRecord job = submit(engine, "late", service);
        assertTrue(engine.cancel(job.id()));
        JobRecord done = engine.jobs().find(job.id()).orElseThrow();
        assertEquals(JobState.CANCELLED, done.state());
        assertTrue(done.error(), done.error().contains("waited for the SDP"));
        assertEquals("FAILED", store.query(c -> Sql.one(c, "SELECT state FROM services WHERE id = ? "
                + "AND active_job_id IS NULL", rs -> rs.getString(1), service).orElseThrow()));
        register(engine, "late", j -> Plan.builder().phase("p", recorded("a")).build());
        Thread.sleep(200);
        assertEquals("a cancelled job never runs", List.of(), log);
    }

    @Test
    public void interruptedIdempotentTaskIsRepeatedAfterRestart() throws Exception {
        OrchestrationEngine first = engine();
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        Function<JobRecord, Plan> plan = j -> Plan.builder()
                .phase("p", recorded("a"), Task.of("b", ctx -> {
                    if (runs.incrementAndGet() == 1) {
                        started.countDown();
                        new CountDownLatch(1).await(); // "crashes" here: only an interrupt gets it out
                    }
                    ctx.put("b.result", "done");
                    log.add("do b");
                }), Task.of("c", ctx -> log.add("do c, saw " + ctx.get("b.result").orElse("nothing"))))
                .build();
        register(first, "t", plan);
        JobRecord job = submit(first, "t", null);
        assertTrue(started.await(10, TimeUnit.SECONDS));
        first.deactivate(); // the platform goes away mid-task; nothing more is written for the job
        JobRecord stopped = first.jobs().find(job.id()).orElseThrow();
        assertEquals(JobState.RUNNING, stopped.state());
        assertEquals("b", stopped.task());

        OrchestrationEngine second = engine();
        register(second, "t", plan);
        JobRecord done = await(second, job.id());
        assertEquals(JobState.SUCCEEDED, done.state());
        assertEquals(2, runs.get());
        assertEquals("task a is not repeated; b is", List.of("do a", "do b", "do c, saw done"), log);
        List<JobStep> steps = second.jobs().steps(job.id());
        assertTrue(steps.get(1).error(), steps.get(1).error().startsWith("interrupted"));
    }

    @Test
    public void interruptedTaskThatIsNotIdempotentRollsBackAfterRestart() throws Exception {
        OrchestrationEngine first = engine();
        CountDownLatch started = new CountDownLatch(1);
        Function<JobRecord, Plan> plan = j -> Plan.builder().phase("p", recorded("a"), Task.of("b", ctx -> {
            started.countDown();
            new CountDownLatch(1).await();
        }).notIdempotent().compensatedBy(ctx -> log.add("undo b"))).build();
        register(first, "t", plan);
        JobRecord job = submit(first, "t", null);
        assertTrue(started.await(10, TimeUnit.SECONDS));
        first.deactivate();

        OrchestrationEngine second = engine();
        register(second, "t", plan);
        JobRecord done = await(second, job.id());
        assertEquals(JobState.FAILED, done.state());
        assertTrue(done.error(), done.error().contains("not safe to repeat"));
        assertEquals(List.of("do a", "undo b", "undo a"), log);
    }

    @Test
    public void interruptedRollbackIsFinishedAfterRestart() throws Exception {
        OrchestrationEngine first = engine();
        CountDownLatch undoing = new CountDownLatch(1);
        AtomicInteger undoRuns = new AtomicInteger();
        Function<JobRecord, Plan> plan = j -> Plan.builder().phase("p",
                recorded("a"),
                Task.of("b", ctx -> log.add("do b")).compensatedBy(ctx -> {
                    if (undoRuns.incrementAndGet() == 1) {
                        undoing.countDown();
                        new CountDownLatch(1).await();
                    }
                    log.add("undo b");
                }),
                Task.of("c", ctx -> {
                    throw new SmeException("boom");
                })).build();
        register(first, "t", plan);
        JobRecord job = submit(first, "t", null);
        assertTrue(undoing.await(10, TimeUnit.SECONDS));
        first.deactivate();
        assertEquals(JobState.ROLLING_BACK, first.jobs().find(job.id()).orElseThrow().state());

        OrchestrationEngine second = engine();
        register(second, "t", plan);
        JobRecord done = await(second, job.id());
        assertEquals(JobState.FAILED, done.state());
        assertTrue(done.error(), done.error().contains("boom"));
        assertEquals(List.of("do a", "do b", "undo b", "undo a"), log);
    }

    @Test
    public void releasesTheServiceLockOfAJobResumedAfterRestart() throws Exception {
        String service = TestStores.insertService(store, "db1");
        OrchestrationEngine first = engine();
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        Function<JobRecord, Plan> plan = j -> Plan.builder().phase("p", Task.of("b", ctx -> {
            if (runs.incrementAndGet() == 1) {
                started.countDown();
                new CountDownLatch(1).await();
            }
        })).build();
        register(first, "t", plan);
        JobRecord job = submit(first, "t", service);
        assertTrue(started.await(10, TimeUnit.SECONDS));
        first.deactivate();

        OrchestrationEngine second = engine();
        register(second, "t", plan);
        await(second, job.id());
        long unlocked = store.query(c -> Sql.one(c, "SELECT COUNT(*) FROM services WHERE id = ? "
                + "AND active_job_id IS NULL", rs -> rs.getLong(1), service).orElseThrow());
        assertEquals(1, unlocked);
    }

    @Test
    public void jobWaitsForItsPlanFactory() throws Exception {
        OrchestrationEngine engine = engine();
        JobRecord job = submit(engine, "late", null);
        Thread.sleep(100);
        assertEquals(JobState.QUEUED, engine.jobs().find(job.id()).orElseThrow().state());
        register(engine, "late", j -> Plan.builder().phase("p", recorded("a")).build());
        assertEquals(JobState.SUCCEEDED, await(engine, job.id()).state());
    }

    @Test
    public void aPlanThatCannotBeBuiltFailsTheJob() throws Exception {
        OrchestrationEngine engine = engine();
        register(engine, "t", j -> {
            throw new IllegalStateException("no such service");
        });
        String service = TestStores.insertService(store, "db1");
        JobRecord done = await(engine, submit(engine, "t", service).id());
        assertEquals(JobState.FAILED, done.state());
        assertTrue(done.error(), done.error().contains("no such service"));
        String state = store.query(c -> Sql.one(c, "SELECT state || ': ' || state_message FROM services WHERE id = ? "
                + "AND active_job_id IS NULL", rs -> rs.getString(1), service).orElseThrow());
        assertTrue("the service is left FAILED, unlocked, saying why: " + state,
                state.startsWith("FAILED: ") && state.contains("no such service"));
    }

    @Test
    public void reportsProgressOfTheCurrentTask() throws Exception {
        OrchestrationEngine engine = engine();
        CountDownLatch reported = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        register(engine, "t", j -> Plan.builder().phase("p", recorded("a"), Task.of("b", ctx -> {
            ctx.monitor().progress(50, "half way");
            reported.countDown();
            release.await();
        })).build());
        JobRecord job = submit(engine, "t", null);
        assertTrue(reported.await(10, TimeUnit.SECONDS));
        awaitTrue("progress to be persisted", () -> engine.jobs().find(job.id()).orElseThrow().progress() == 75);
        JobRecord running = engine.jobs().find(job.id()).orElseThrow();
        assertEquals("half way", running.message());
        assertEquals("b", running.task());
        release.countDown();
        assertEquals(100, await(engine, job.id()).progress());
    }

    // ------------------------------------------------------------------ a store that refuses writes for a while

    /** How long after the store takes writes again a delayed job must have ended (backoff is capped at 100 ms). */
    private static final long ENDS_WITHIN_MS = 3000;

    private static void assertEndedSoonAfter(JobRecord done, long writesBackNanos, long endedNanos) {
        long late = TimeUnit.NANOSECONDS.toMillis(endedNanos - writesBackNanos);
        assertTrue("the job ended " + late + " ms after the store took writes again", late < ENDS_WITHIN_MS);
    }

    @Test
    public void aTaskWhoseEndTheStoreCannotRecordIsNeitherRepeatedNorUndoneAndTheJobSucceedsOnceItCan()
            throws Exception {
        OrchestrationEngine engine = engine();
        FailingWrites writes = FailingWrites.install(store);
        AtomicLong writesBack = new AtomicLong();
        register(engine, "t", j -> Plan.builder().phase("p", recorded("a"), Task.of("b", ctx -> {
            log.add("do b");
            // the disk fills up as the task ends: its end, and what follows, cannot be written for 1.5 s
            writesBack.set(writes.refuseFor(Duration.ofMillis(1500)));
        }).notIdempotent().compensatedBy(ctx -> log.add("undo b")), recorded("c")).build());
        String service = TestStores.insertService(store, "db1");
        JobRecord job = submit(engine, "t", service);
        awaitTrue("the store to refuse writes", () -> writes.refused() > 0);
        JobRecord done = await(engine, job.id());
        long ended = System.nanoTime();
        assertEquals(done.error(), JobState.SUCCEEDED, done.state());
        assertEquals("b ran once and was not undone", List.of("do a", "do b", "do c"), log);
        assertEndedSoonAfter(done, writesBack.get(), ended);
        assertTrue("writes were refused for longer than the engine's budget of unexpected errors",
                writes.refused() > OrchestrationEngine.MAX_UNEXPECTED_FAILURES);
        assertTrue(engine.jobs().steps(job.id()).stream().allMatch(s -> JobStep.DONE.equals(s.state())));
        assertEquals("the service's lock is released", 1L, (long) store.query(c -> Sql.one(c,
                "SELECT COUNT(*) FROM services WHERE id = ? AND active_job_id IS NULL", rs -> rs.getLong(1), service)
                .orElseThrow()));
    }

    @Test
    public void aRollbackDuringWhichTheStoreRefusesWritesEndsOnceItTakesThemAgainWithoutRepeatingACompensation()
            throws Exception {
        OrchestrationEngine engine = engine();
        FailingWrites writes = FailingWrites.install(store);
        AtomicLong writesBack = new AtomicLong();
        AtomicInteger undoB = new AtomicInteger();
        register(engine, "t", j -> Plan.builder().phase("p",
                recorded("a"),
                Task.of("b", ctx -> log.add("do b")).compensatedBy(ctx -> {
                    log.add("undo b");
                    if (undoB.incrementAndGet() == 1) {
                        writesBack.set(writes.refuseFor(Duration.ofMillis(1500)));
                    }
                }),
                Task.of("c", ctx -> {
                    throw new SmeException("boom");
                })).build());
        JobRecord job = submit(engine, "t", null);
        awaitTrue("the store to refuse writes", () -> writes.refused() > 0);
        JobRecord done = await(engine, job.id());
        long ended = System.nanoTime();
        assertEquals(JobState.FAILED, done.state());
        assertTrue(done.error(), done.error().contains("boom") && done.error().endsWith("rolled back"));
        assertFalse(done.error(), done.rollbackIncomplete());
        assertEquals(List.of("do a", "do b", "undo b", "undo a"), log);
        assertEndedSoonAfter(done, writesBack.get(), ended);
    }

    @Test
    public void aStoreErrorInsideATaskIsNotItsFailureTheJobWaitsForTheStoreAndRepeatsAnIdempotentTask()
            throws Exception {
        OrchestrationEngine engine = engine();
        FailingWrites writes = FailingWrites.install(store);
        AtomicLong writesBack = new AtomicLong();
        AtomicInteger runs = new AtomicInteger();
        register(engine, "t", j -> Plan.builder().phase("p", recorded("a"), Task.of("b", ctx -> {
            log.add("do b");
            if (runs.incrementAndGet() == 1) {
                writesBack.set(writes.refuseFor(Duration.ofMillis(1500)));
            }
            // the task's own write: fails while the store refuses writes
            store.transact(c -> Sql.update(c, "UPDATE jobs SET message = 'b wrote' WHERE id = ?", ctx.job().id()));
        }).compensatedBy(ctx -> log.add("undo b")), recorded("c")).build());
        JobRecord done = await(engine, submit(engine, "t", null).id());
        long ended = System.nanoTime();
        assertEquals(done.error(), JobState.SUCCEEDED, done.state());
        assertEquals("b runs again once the store takes writes; nothing is undone",
                List.of("do a", "do b", "do b", "do c"), log);
        assertEndedSoonAfter(done, writesBack.get(), ended);
    }

    @Test
    public void aStoreErrorInsideATaskThatIsNotIdempotentRollsTheJobBackOnceTheStoreIsBack() throws Exception {
        OrchestrationEngine engine = engine();
        FailingWrites writes = FailingWrites.install(store);
        AtomicLong writesBack = new AtomicLong();
        register(engine, "t", j -> Plan.builder().phase("p", recorded("a"), Task.of("b", ctx -> {
            log.add("do b");
            writesBack.set(writes.refuseFor(Duration.ofMillis(1500)));
            store.transact(c -> Sql.update(c, "UPDATE jobs SET message = 'b wrote' WHERE id = ?", ctx.job().id()));
        }).notIdempotent().compensatedBy(ctx -> log.add("undo b"))).build());
        JobRecord done = await(engine, submit(engine, "t", null).id());
        long ended = System.nanoTime();
        assertEquals(JobState.FAILED, done.state());
        assertTrue(done.error(), done.error().contains("not safe to repeat") && done.error().endsWith("rolled back"));
        assertEquals("b ran once; what it may have done is undone", List.of("do a", "do b", "undo b", "undo a"), log);
        assertEndedSoonAfter(done, writesBack.get(), ended);
    }

    @Test
    public void aCancellationWhoseEndTheStoreCannotRecordLeavesTheJobToEndCancelledWhenItCanRun() throws Exception {
        OrchestrationEngine engine = engine();
        FailingWrites writes = FailingWrites.install(store);
        String service = TestStores.insertService(store, "db1");
        JobRecord job = submit(engine, "late", service);
        // the cancellation is recorded, but not the end of the job (it marks the service it never worked on)
        writes.refuseFor(Duration.ofSeconds(30), java.util.Set.of("services"));
        try {
            engine.cancel(job.id());
            fail("the end of the job could not be recorded");
        } catch (RuntimeException expected) {
            // the caller learns it
        }
        writes.refuseFor(Duration.ZERO);
        register(engine, "late", j -> Plan.builder().phase("p", recorded("a")).build());
        JobRecord done = await(engine, job.id());
        assertEquals("it ends as its cancellation asked", JobState.CANCELLED, done.state());
        assertEquals("a cancelled job does no work", List.of(), log);
        assertEquals(1L, (long) store.query(c -> Sql.one(c, "SELECT COUNT(*) FROM services WHERE id = ? "
                + "AND active_job_id IS NULL", rs -> rs.getLong(1), service).orElseThrow()));
    }

    // ------------------------------------------------------------------ a plan rebuilt shorter than its record

    @Test
    public void aJobResumedWithAPlanShorterThanTheOneItRecordedSucceedsWhenNothingIsLeftToDo() throws Exception {
        AtomicBoolean targetGone = new AtomicBoolean();
        CountDownLatch forgetting = new CountDownLatch(1);
        // like an environment delete: rebuilt from what is left, one no-op task once the target is gone
        Function<JobRecord, Plan> plan = j -> targetGone.get()
                ? Plan.builder().phase("forget", Task.of("forget", ctx -> log.add("nothing left"))).build()
                : Plan.builder().phase("delete", recorded("a"), recorded("b")).phase("forget", Task.of("forget", ctx -> {
                    targetGone.set(true);
                    forgetting.countDown();
                    new CountDownLatch(1).await(); // the platform is killed before the end of the task is recorded
                })).build();
        OrchestrationEngine first = engine();
        register(first, "t", plan);
        JobRecord job = submit(first, "t", null);
        assertTrue(forgetting.await(10, TimeUnit.SECONDS));
        first.deactivate();
        assertEquals(2, first.jobs().find(job.id()).orElseThrow().taskIndex());

        OrchestrationEngine second = engine();
        register(second, "t", plan);
        JobRecord done = await(second, job.id());
        assertEquals(done.error(), JobState.SUCCEEDED, done.state());
        assertEquals(List.of("do a", "do b"), log);
        assertTrue("no step is left running", second.jobs().steps(job.id()).stream()
                .noneMatch(s -> JobStep.RUNNING.equals(s.state())));
    }

    @Test
    public void aRollbackResumedWithAPlanShorterThanTheOneItRecordedFinishesWhatIsLeft() throws Exception {
        AtomicBoolean shorter = new AtomicBoolean();
        CountDownLatch undoing = new CountDownLatch(1);
        Function<JobRecord, Plan> plan = j -> shorter.get()
                ? Plan.builder().phase("p", recorded("a")).build()
                : Plan.builder().phase("p", recorded("a"), recorded("b"),
                        Task.of("c", ctx -> log.add("do c")).compensatedBy(ctx -> {
                            shorter.set(true);
                            undoing.countDown();
                            new CountDownLatch(1).await();
                        }),
                        Task.of("d", ctx -> {
                            throw new SmeException("boom");
                        })).build();
        OrchestrationEngine first = engine();
        register(first, "t", plan);
        JobRecord job = submit(first, "t", null);
        assertTrue(undoing.await(10, TimeUnit.SECONDS));
        first.deactivate();
        JobRecord stopped = first.jobs().find(job.id()).orElseThrow();
        assertEquals(JobState.ROLLING_BACK, stopped.state());
        assertEquals(2, stopped.taskIndex());

        OrchestrationEngine second = engine();
        register(second, "t", plan);
        JobRecord done = await(second, job.id());
        assertEquals(JobState.FAILED, done.state());
        assertTrue(done.error(), done.error().contains("boom") && done.error().endsWith("rolled back"));
        assertEquals(List.of("do a", "do b", "do c", "undo a"), log);
    }
}
