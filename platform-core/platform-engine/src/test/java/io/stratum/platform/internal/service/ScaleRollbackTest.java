package io.stratum.platform.internal.service;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.internal.orchestration.JobRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The rollback of a scale restores the number of instances the service ran when the job held it. */
public class ScaleRollbackTest {

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

    private String appId() {
        return f.platform.getService(null, "app").id();
    }

    @Test
    public void aFailedScaleRestoresTheCountTheScaleBeforeItSetNotOneReadBeforeItHeldTheService() throws Exception {
        // the first scale (to 3) is under way when the second (to 5) is asked for, and ends before the second starts
        f.heldScale.add(3);
        long first = f.platform.scaleService(null, "app", 3).id();
        assertTrue(f.scaleReached.await(10, TimeUnit.SECONDS));
        Runnable firstEnds = () -> {
            f.releaseScale.countDown();
            try {
                f.succeeded(first);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        // whoever reads the count while the first scale still runs sees 1, then lets the first scale end
        f.onInstances.set(firstEnds);
        f.failingScale.add(5);
        long second = -1;
        for (int attempt = 1; attempt <= 2 && second < 0; attempt++) {
            try {
                second = f.platform.scaleService(null, "app", 5).id();
            } catch (PlatformException busy) {
                assertEquals(busy.getMessage(), PlatformException.Reason.CONCURRENCY, busy.reason());
                firstEnds.run(); // asked for while the first held the service: ask again once it ended
            }
        }
        assertTrue("the second scale was submitted", second > 0);
        assertEquals(JobState.SUCCEEDED, f.await(first).state());
        assertEquals(3, (int) f.instances.get(appId()));

        JobRecord failed = f.await(second);
        assertEquals(JobState.FAILED, failed.state());
        assertTrue(failed.error(), failed.error().contains("cannot run 5 instances") && failed.error()
                .endsWith("rolled back"));
        assertEquals("the rollback restores what the first scale set", 3, (int) f.instances.get(appId()));
        assertEquals("3", failed.context().get(ServiceTasks.PREVIOUS_INSTANCES));
        assertEquals(List.of("scale app to 3", "scale app to 5", "scale app to 3"), f.calls.stream()
                .filter(c -> c.startsWith("scale")).toList());
        assertEquals("RUNNING", f.platform.getService(null, "app").state().name());
    }

    @Test
    public void aScaleThatFailsBeforeTheEngineWasAskedToScaleUndoesNothing() throws Exception {
        f.onInstances.set(() -> {
            throw new IllegalStateException("the engine cannot count its instances");
        });
        JobRecord failed = f.await(f.platform.scaleService(null, "app", 4).id());
        assertEquals(JobState.FAILED, failed.state());
        assertTrue(failed.error(), failed.error().contains("cannot count its instances"));
        assertEquals("the engine was never asked to scale", List.of(), f.calls.stream()
                .filter(c -> c.startsWith("scale")).toList());
        assertEquals(1, (int) f.instances.get(appId()));
    }
}
