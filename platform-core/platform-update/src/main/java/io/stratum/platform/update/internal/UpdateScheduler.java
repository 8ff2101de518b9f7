package io.stratum.platform.update.internal;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.UpdateDTO;
import io.stratum.platform.spi.JobInfo;
import io.stratum.platform.spi.JobRequest;
import io.stratum.platform.spi.Jobs;
import io.stratum.platform.spi.StepContributor;
import io.stratum.platform.spi.Services;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Function;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs pending updates when their time has come: every {@link UpdateConfig#schedulerSeconds()} (and at once when
 * asked, for a forced update) it submits each pending update whose {@code notBefore} has passed as a job
 * {@value UpdateJob#KIND} of its service, and records the job and RUNNING. One that is not forced and whose window
 * closed meanwhile (its service was busy while it was open) waits for the window's next opening. A service busy with
 * another job
 * (CONCURRENCY) leaves the update pending, with a message saying why, and it is tried again at the next look; a
 * service that is gone fails the update. A hard update's job needs the backup bundle's
 * {@value UpdateJob#BACKUP_GUARD} contribution. The job runs as the user who asked for the update (recorded with the
 * cause {@code update <id>}).
 */
@Component(service = UpdateScheduler.class, immediate = true, configurationPid = UpdateConfig.PID)
@Designate(ocd = UpdateConfig.class)
public final class UpdateScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(UpdateScheduler.class);

    private final Jobs jobs;
    private final UpdateStore store;
    private final UpdateLedger ledger;
    private final Clock clock;
    private final String failAt;
    private final Function<UpdateStore.Row, Instant> window;
    private final ScheduledExecutorService thread;

    /**
     * @param jobs the engine
     * @param store the store
     * @param ledger records state changes
     * @param config the configuration
     */
    @Activate
    public UpdateScheduler(@Reference Jobs jobs, @Reference UpdateStore store, @Reference UpdateLedger ledger,
            @Reference Windows windows, @Reference Services services, UpdateConfig config) {
        this(jobs, store, ledger, Clock.systemUTC(), config.faultInjection() ? config.failAt() : "",
                Math.max(1, config.schedulerSeconds()), r -> services.find(r.serviceId())
                        .map(s -> windows.notBefore(s, r.dto().mode())).orElse(Instant.MIN));
    }

    /**
     * @param jobs the engine
     * @param store the store
     * @param ledger records state changes
     * @param clock the time
     * @param failAt the task every job fails at ({@code ""}: none)
     * @param everySeconds seconds between looks; 0: never on its own (tests call {@link #tick})
     * @param window when a pending update that is not forced may run: now (or earlier) if its window is open, else
     *     when the window next opens
     */
    public UpdateScheduler(Jobs jobs, UpdateStore store, UpdateLedger ledger, Clock clock, String failAt,
            int everySeconds, Function<UpdateStore.Row, Instant> window) {
        this.jobs = jobs;
        this.window = window;
        this.store = store;
        this.ledger = ledger;
        this.clock = clock;
        this.failAt = failAt == null ? "" : failAt.strip();
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stratum-update-scheduler");
            t.setDaemon(true);
            return t;
        });
        if (everySeconds > 0) {
            thread.scheduleWithFixedDelay(this::tickQuietly, everySeconds, everySeconds, TimeUnit.SECONDS);
        }
    }

    /** Stops looking. */
    @Deactivate
    public void deactivate() {
        thread.shutdownNow();
    }

    /** Looks for due updates soon, off the caller's thread. */
    public void wake() {
        try {
            thread.execute(this::tickQuietly);
        } catch (RejectedExecutionException stopping) {
            // the component is stopping; the next activation looks again
        }
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("Looking for due updates failed: {}; trying again at the next look", e.getMessage(), e);
        }
    }

    /** Submits every due update (tests call it directly). */
    public void tick() {
        Instant now = clock.instant();
        for (UpdateStore.Row r : store.due(now)) {
            if (!r.dto().forced()) {
                Instant next = window.apply(r);
                if (next.isAfter(now)) {
                    // its window closed before it could run (its service was busy): it waits for the next one
                    store.reschedule(r.id(), next, false, UpdateLedger.summary(r.dto()) + "; its window closed before "
                            + "it could run (its service was busy); waits for the next opening at " + next);
                    continue;
                }
            }
            submit(r);
        }
    }

    /**
     * Submits one pending update's job.
     *
     * @param r the update
     * @return its job, or {@code null} if it stays pending or failed
     */
    public synchronized JobInfo submit(UpdateStore.Row r) {
        UpdateStore.Row now = store.find(r.id()).orElse(r);
        if (now.dto().state() != UpdateDTO.State.PENDING) {
            return null;
        }
        try {
            JobInfo job = jobs.submit(request(now, failAt));
            ledger.started(now, job);
            LOG.info("Update {} of '{}/{}' ({}) runs as job {}", now.id(), now.dto().account(), now.dto().service(),
                    UpdateLedger.summary(now.dto()), job.id());
            return job;
        } catch (PlatformException e) {
            if (e.reason() == Reason.CONCURRENCY || e.reason() == Reason.UNAVAILABLE) {
                store.message(now.id(), "waits: " + e.getMessage() + " (tried again shortly)");
            } else {
                ledger.endPending(now, UpdateDTO.State.FAILED, "could not run: " + e.getMessage());
                LOG.warn("Update {} of '{}/{}' could not run: {}", now.id(), now.dto().account(),
                        now.dto().service(), e.getMessage());
            }
            return null;
        }
    }

    /**
     * @param r an update
     * @param failAt the task its job fails at, or {@code ""}
     * @return its job's request
     */
    static JobRequest request(UpdateStore.Row r, String failAt) {
        UpdateDTO u = r.dto();
        String by = u.requestedBy();
        Caller requester = (by.startsWith("system:") ? Caller.system(by.substring(7), r.requestedVia())
                : Caller.user(by, r.requestedVia())).because("update " + u.id());
        JobRequest q = JobRequest.of(UpdateJob.KIND, u.service(), requester).account(r.accountId())
                .service(r.serviceId())
                .param(UpdateJob.UPDATE, u.id())
                .param(UpdateJob.MODE, u.mode())
                .param(UpdateJob.FROM_VERSION, u.fromVersion())
                .param(UpdateJob.TO_VERSION, u.toVersion());
        if (u.patchId() != null) {
            q = q.param(UpdateJob.PATCH, u.patchId());
        }
        if (UpdateJob.HARD.equals(u.mode())) {
            q = q.param(StepContributor.REQUIRED, UpdateJob.BACKUP_GUARD);
        }
        if (!failAt.isEmpty()) {
            q = q.param(UpdateJob.FAIL_AT, failAt);
        }
        return q;
    }
}
