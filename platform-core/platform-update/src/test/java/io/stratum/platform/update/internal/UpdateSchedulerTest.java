package io.stratum.platform.update.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.JobPlanDTO;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.UpdateDTO;
import io.stratum.platform.spi.JobInfo;
import io.stratum.platform.spi.JobRequest;
import io.stratum.platform.spi.Jobs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The scheduler's own thread, the store's conditional state changes, and a job that ends before its start. */
public class UpdateSchedulerTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private RealStore real;
    private UpdateStore store;
    private UpdateLedger ledger;
    private String shop;
    private final List<JobRequest> submitted = Collections.synchronizedList(new ArrayList<>());
    private volatile Reason refuse;

    private final Jobs jobs = new Jobs() {
        @Override
        public JobInfo submit(JobRequest request) {
            if (refuse != null) {
                throw new PlatformException(refuse, "refused by the test");
            }
            submitted.add(request);
            return Fakes.job(40 + submitted.size(), request.kind(), request.serviceId(), request.params(),
                    JobState.QUEUED, "", "");
        }

        @Override
        public JobPlanDTO preview(JobRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<JobInfo> find(long id) {
            return Optional.empty();
        }

        @Override
        public JobInfo await(long id, Duration timeout) {
            throw new UnsupportedOperationException();
        }
    };

    @Before
    public void setUp() throws Exception {
        real = new RealStore(tmp.newFolder("home").toPath());
        shop = real.account("shop");
        store = new UpdateStore(real.data);
        new UpdateStore(real.data); // migrating again is harmless
        ledger = new UpdateLedger(store, Clock.systemUTC());
    }

    @After
    public void tearDown() {
        ledger.deactivate();
        real.close();
    }

    private UpdateStore.Row pending(String id, Instant notBefore, String mode) {
        UpdateDTO dto = new UpdateDTO(id, "shop", "db", "database", UpdateDTO.Type.UPGRADE, "1.0.0", "1.1.0", null,
                mode, UpdateDTO.State.PENDING, notBefore, false, null, "alice", Instant.now(), null, "waits");
        UpdateStore.Row r = new UpdateStore.Row(dto, shop, "id-db", "shell", "{\"heapMb\":\"64\"}", "{}");
        ledger.scheduled(List.of(r), Map.of());
        return r;
    }

    @Test
    public void theSchedulerSubmitsDueUpdatesOnItsOwnAndLeavesFutureOnesPending() throws Exception {
        pending("u-due", Instant.now().minusSeconds(1), "HARD");
        pending("u-later", Instant.now().plusSeconds(3600), "SOFT");
        UpdateScheduler scheduler = new UpdateScheduler(jobs, store, ledger, Clock.systemUTC(), "", 1, r -> Instant.MIN);
        try {
            long until = System.currentTimeMillis() + 10_000;
            while (store.find("u-due").orElseThrow().dto().state() != UpdateDTO.State.RUNNING
                    && System.currentTimeMillis() < until) {
                Thread.sleep(50);
            }
            assertEquals(UpdateDTO.State.RUNNING, store.find("u-due").orElseThrow().dto().state());
            assertEquals(1, submitted.size());
            assertEquals("u-due", submitted.get(0).params().get(UpdateJob.UPDATE));
            assertEquals(UpdateDTO.State.PENDING, store.find("u-later").orElseThrow().dto().state());
        } finally {
            scheduler.deactivate();
        }
    }

    @Test
    public void aServiceThatIsGoneFailsTheUpdateAndFaultInjectionReachesTheJob() {
        pending("u-1", Instant.now().minusSeconds(1), "HARD");
        refuse = Reason.NOT_FOUND;
        UpdateScheduler scheduler = new UpdateScheduler(jobs, store, ledger, Clock.systemUTC(), "stop", 0, r -> Instant.MIN);
        try {
            scheduler.tick();
            UpdateDTO u = store.find("u-1").orElseThrow().dto();
            assertEquals(UpdateDTO.State.FAILED, u.state());
            assertTrue(u.message(), u.message().contains("could not run: refused by the test"));
            refuse = null;
            pending("u-2", Instant.now().minusSeconds(1), "HARD");
            scheduler.tick();
            assertEquals("stop", submitted.get(0).params().get(UpdateJob.FAIL_AT));
        } finally {
            scheduler.deactivate();
        }
    }

    @Test
    public void stateChangesHappenOnceAndAJobEndingFirstIsRecordedWithItsJob() {
        pending("u-1", Instant.now(), "SOFT");
        UpdateStore.Row r = store.find("u-1").orElseThrow();
        // the job ended before its start was recorded
        ledger.jobEnded(Fakes.job(77, UpdateJob.KIND, "id-db", Map.of(UpdateJob.UPDATE, "u-1"), JobState.SUCCEEDED,
                "done", ""));
        assertFalse(ledger.started(r, Fakes.job(77, UpdateJob.KIND, "id-db", Map.of(), JobState.RUNNING, "", "")));
        UpdateDTO u = store.find("u-1").orElseThrow().dto();
        assertEquals(UpdateDTO.State.SUCCEEDED, u.state());
        assertEquals(Long.valueOf(77), u.jobId());
        assertFalse(store.reschedule("u-1", Instant.now(), true, "x"));
        assertFalse(ledger.endPending(r, UpdateDTO.State.CANCELLED, "too late"));
    }

    @Test
    public void anUpdateWhoseWindowClosedWhileItsServiceWasBusyWaitsForTheNextOpening() {
        pending("u-1", Instant.now().minusSeconds(60), "HARD");
        Instant nextOpening = Instant.now().plus(Duration.ofDays(2));
        UpdateScheduler scheduler = new UpdateScheduler(jobs, store, ledger, Clock.systemUTC(), "", 0,
                r -> nextOpening);
        try {
            scheduler.tick();
            UpdateDTO u = store.find("u-1").orElseThrow().dto();
            assertEquals(UpdateDTO.State.PENDING, u.state());
            assertEquals(nextOpening.toEpochMilli(), u.notBefore().toEpochMilli());
            assertTrue(u.message(), u.message().contains("its window closed before it could run"));
            assertTrue(submitted.isEmpty());
        } finally {
            scheduler.deactivate();
        }
    }
}
