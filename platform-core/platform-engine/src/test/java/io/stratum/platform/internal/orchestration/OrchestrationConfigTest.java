package io.stratum.platform.internal.orchestration;

import static org.junit.Assert.assertEquals;

import io.stratum.platform.api.JobState;
import io.stratum.platform.internal.orchestration.OrchestrationEngine.Submission;
import io.stratum.platform.internal.store.Store;
import io.stratum.platform.internal.store.TestStores;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A bad setting in etc/io.stratum.orchestration.cfg is refused and never takes the engine down. */
public class OrchestrationConfigTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Store store;
    private OrchestrationEngine engine;

    @Before
    public void setUp() {
        store = TestStores.open(tmp.getRoot().toPath());
    }

    @After
    public void tearDown() {
        if (engine != null) {
            engine.deactivate();
        }
        store.close();
    }

    @Test
    public void badValuesAreRefusedTheValuesInEffectKeptAndJobsStillRun() throws Exception {
        engine = new OrchestrationEngine(store, Map.of("workers", "-3", "retryInitialMs", "abc", "retryMaxMs", "5000"));
        assertEquals("the default, as nothing valid was set yet", 4, engine.workers());
        assertEquals(Duration.ofMillis(1000), engine.retryInitial());
        assertEquals("a valid value beside bad ones is taken", Duration.ofMillis(5000), engine.retryMax());

        engine.modified(Map.of("workers", "2", "retryInitialMs", "100", "retryMaxMs", "400"));
        assertEquals(2, engine.workers());
        engine.modified(Map.of("workers", "abc", "retryInitialMs", "100", "retryMaxMs", "400"));
        assertEquals("unconvertible: kept", 2, engine.workers());
        engine.modified(Map.of("workers", "0", "retryInitialMs", "100", "retryMaxMs", "400"));
        assertEquals("out of range: kept", 2, engine.workers());
        engine.modified(Map.of("workers", "2", "retryInitialMs", "1000", "retryMaxMs", "10"));
        assertEquals("a longest wait below the first is refused with it", Duration.ofMillis(100),
                engine.retryInitial());
        assertEquals(Duration.ofMillis(400), engine.retryMax());
        engine.modified(Map.of());
        assertEquals("deleted configuration: defaults", 4, engine.workers());

        PlanFactory noop = job -> Plan.builder().phase("run", Task.of("noop", j -> { })).build();
        engine.bindFactory(noop, Map.of(PlanFactory.KIND, "noop"));
        long id = engine.submit(new Submission("noop", null, "target", null, Map.of(), null)).id();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (engine.jobs().find(id).orElseThrow().state() != JobState.SUCCEEDED && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals("the engine still runs jobs", JobState.SUCCEEDED, engine.jobs().find(id).orElseThrow().state());
    }
}
