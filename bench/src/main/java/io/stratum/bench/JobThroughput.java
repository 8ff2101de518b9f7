package io.stratum.bench;

import io.stratum.platform.internal.orchestration.OrchestrationEngine.Submission;
import io.stratum.platform.internal.orchestration.OrchestrationEngine;
import io.stratum.platform.internal.orchestration.Plan;
import io.stratum.platform.internal.orchestration.PlanFactory;
import io.stratum.platform.internal.orchestration.Task;
import io.stratum.platform.internal.store.Sql;
import io.stratum.platform.internal.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Orchestration throughput (JMH): no-op jobs submitted, persisted at every step and completed by the real engine
 * on the real H2 store, beside raw H2 inserts and updates of the same rows.
 */
@BenchmarkMode(Mode.Throughput)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class JobThroughput {

    /** Jobs per benchmark invocation. */
    static final int BATCH = 50;

    /** A platform's store and engine, with a one-task no-op plan. */
    @State(Scope.Benchmark)
    public static class Engine {
        Path home;
        Store store;
        OrchestrationEngine engine;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            home = Files.createTempDirectory("stratum-bench-jobs");
            store = new Store(home, 16);
            engine = new OrchestrationEngine(store, 4, Duration.ofMillis(100), Duration.ofSeconds(1));
            PlanFactory noop = job -> Plan.builder().phase("run", Task.of("noop", ctx -> { })).build();
            engine.bindFactory(noop, Map.of(PlanFactory.KIND, "noop"));
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            engine.deactivate();
            store.close();
            Env.deleteRecursively(home);
        }
    }

    /** Submits a batch of no-op jobs and waits until all are persisted as ended. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void noOpJobs(Engine e) throws InterruptedException {
        List<Long> ids = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            ids.add(e.engine.submit(new Submission("noop", null, "bench", null, Map.of(), null)).id());
        }
        long seen = e.engine.jobs().changes();
        for (long id : ids) {
            while (!e.engine.jobs().find(id).orElseThrow().state().isDone()) {
                seen = e.engine.jobs().awaitChange(seen, 100);
            }
        }
    }

    /** An H2 database with Stratum's schema, written to without the engine. */
    @State(Scope.Benchmark)
    public static class Raw {
        Path home;
        Store store;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            home = Files.createTempDirectory("stratum-bench-raw");
            store = new Store(home, 16);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            store.close();
            Env.deleteRecursively(home);
        }
    }

    /**
     * The same rows a no-op job writes, as raw statements in their own transactions: the job insert, the step
     * insert, the state, progress and step updates, and the final update.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void rawInsertsAndUpdates(Raw r) {
        for (int i = 0; i < BATCH; i++) {
            long now = System.currentTimeMillis();
            long id = r.store.inTransaction(c -> Sql.insertReturningId(c, "INSERT INTO jobs(kind, account_id, target, "
                    + "service_id, state, phase, task, task_index, progress, attempts, message, error, params, context, "
                    + "cancel_requested, created_at, updated_at) VALUES ('noop', NULL, 'bench', NULL, 'QUEUED', '', '', "
                    + "0, 0, 0, 'queued', '', '{}', '{}', FALSE, ?, ?)", now, now));
            r.store.transact(c -> Sql.update(c, "UPDATE jobs SET state = 'RUNNING', message = 'starting', "
                    + "started_at = ?, updated_at = ? WHERE id = ?", now, now, id));
            r.store.transact(c -> Sql.update(c, "INSERT INTO job_steps(job_id, seq, task_index, phase, task, "
                    + "compensation, state, attempts, error, started_at) VALUES (?, 1, 0, 'run', 'noop', FALSE, "
                    + "'RUNNING', 1, '', ?)", id, now));
            r.store.transact(c -> Sql.update(c, "UPDATE jobs SET phase = 'run', task = 'noop', attempts = 1, "
                    + "updated_at = ? WHERE id = ?", now, id));
            r.store.transact(c -> {
                Sql.update(c, "UPDATE job_steps SET state = 'DONE', finished_at = ? WHERE job_id = ? AND seq = 1",
                        now, id);
                Sql.update(c, "UPDATE jobs SET task_index = 1, updated_at = ? WHERE id = ?", now, id);
            });
            r.store.transact(c -> Sql.update(c, "UPDATE jobs SET state = 'SUCCEEDED', progress = 100, "
                    + "finished_at = ?, updated_at = ? WHERE id = ?", now, now, id));
        }
    }
}
