package io.stratum.platform.update.internal;

import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformEvents;
import io.stratum.platform.api.UpdateDTO;
import io.stratum.platform.spi.AlertAction;
import io.stratum.platform.spi.JobInfo;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records each change of an update's state in the store and tells of it: an OSGi event on
 * {@value PlatformEvents#UPDATE_TOPIC_PREFIX}{@code SCHEDULED|STARTED|SUCCEEDED|FAILED|CANCELLED} (properties
 * {@value PlatformEvents#UPDATE_ID}, {@value PlatformEvents#UPDATE_NOT_BEFORE}, {@value PlatformEvents#UPDATE_SUMMARY},
 * {@value PlatformEvents#ACCOUNT}, {@value PlatformEvents#SERVICE_NAME}, {@value PlatformEvents#SERVICE_TYPE}), and,
 * for a hard or rolling update scheduled for later in a window with a notification address, an email through the
 * elasticity bundle's {@code email} alert action (sent off the caller's thread; a failure is logged). Events are
 * posted only after the store recorded the change.
 */
@Component(service = UpdateLedger.class)
public final class UpdateLedger {

    private static final Logger LOG = LoggerFactory.getLogger(UpdateLedger.class);

    private final UpdateStore store;
    private final Clock clock;
    private volatile EventAdmin events;
    private volatile AlertAction email;
    private final ExecutorService mailer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "stratum-update-notify");
        t.setDaemon(true);
        return t;
    });

    /** @param store the store */
    @Activate
    public UpdateLedger(@Reference UpdateStore store) {
        this(store, Clock.systemUTC());
    }

    /**
     * @param store the store
     * @param clock the time
     */
    public UpdateLedger(UpdateStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Stops sending. */
    @Deactivate
    public void deactivate() {
        mailer.shutdownNow();
    }

    /** @param events EventAdmin, when there */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindEvents(EventAdmin events) {
        this.events = events;
    }

    /** @param events EventAdmin going away */
    public void unbindEvents(EventAdmin events) {
        if (this.events == events) {
            this.events = null;
        }
    }

    /** @param action the {@code email} alert action, when there */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(" + AlertAction.NAME + "=email)")
    public void bindEmail(AlertAction action) {
        this.email = action;
    }

    /** @param action the action going away */
    public void unbindEmail(AlertAction action) {
        if (this.email == action) {
            this.email = null;
        }
    }

    /**
     * Records new updates and tells of each.
     *
     * @param rows the updates
     * @param notify service id to the address told of its hard updates ({@code ""}: none)
     */
    public void scheduled(List<UpdateStore.Row> rows, Map<String, String> notify) {
        store.insert(rows);
        for (UpdateStore.Row r : rows) {
            post("SCHEDULED", r.dto());
            String to = notify.getOrDefault(r.serviceId(), "");
            if (!to.isBlank() && !r.dto().forced() && !UpdateJob.SOFT.equals(r.dto().mode())) {
                mail(r, to);
            }
        }
    }

    /**
     * Records that an update's job runs.
     *
     * @param r the update
     * @param job its job
     * @return whether it was still pending
     */
    public boolean started(UpdateStore.Row r, JobInfo job) {
        boolean moved = store.started(r.id(), job.id(), "job " + job.id() + " runs it");
        if (moved) {
            post("STARTED", store.find(r.id()).map(UpdateStore.Row::dto).orElse(r.dto()));
        }
        return moved;
    }

    /** What the orchestrator says of a job whose rollback could not finish. */
    static final String ROLLBACK_INCOMPLETE = "rollback incomplete";

    /**
     * Records the end of an update's job (its plan's end; may be called twice).
     *
     * @param job the ended job
     */
    public void jobEnded(JobInfo job) {
        String id = job.params().get(UpdateJob.UPDATE);
        if (id == null) {
            return;
        }
        UpdateDTO.State state = job.state() == JobState.SUCCEEDED ? UpdateDTO.State.SUCCEEDED
                : job.state() == JobState.CANCELLED ? UpdateDTO.State.CANCELLED : UpdateDTO.State.FAILED;
        // the orchestrator marks a rollback that could not finish so (its message, and its error)
        boolean incomplete = job.message().contains(ROLLBACK_INCOMPLETE) || job.error().contains(ROLLBACK_INCOMPLETE);
        String message = state == UpdateDTO.State.SUCCEEDED
                ? "job " + job.id() + ": " + job.message()
                : "job " + job.id() + " ended " + job.state() + ": " + (job.error().isBlank() ? job.message()
                        : job.error()) + (incomplete ? "; the update could not be fully undone, so the service may "
                                + "not be as it was: check it (stratum:service-info); a hard update's backup from "
                                + "before it is backup update-" + id + "-" + job.id() + " (stratum:backup-restore)"
                                : "; the service was put back as it was");
        if (store.ended(id, state, clock.instant(), message, job.id())) {
            store.find(id).ifPresent(r -> post(state.name(), r.dto()));
        }
    }

    /**
     * Ends an update that never ran.
     *
     * @param r the update
     * @param state CANCELLED, or FAILED when its job could not be submitted
     * @param message why
     * @return whether it was pending
     */
    public boolean endPending(UpdateStore.Row r, UpdateDTO.State state, String message) {
        if (store.ended(r.id(), state, clock.instant(), message, null)) {
            store.find(r.id()).ifPresent(x -> post(state.name(), x.dto()));
            return true;
        }
        return false;
    }

    /**
     * @param u an update
     * @return one line: {@code upgrade 1.0.0 -> 1.1.0 (HARD)} or {@code patch p-1 (SOFT)}
     */
    static String summary(UpdateDTO u) {
        return (u.type() == UpdateDTO.Type.UPGRADE ? "upgrade " + u.fromVersion() + " -> " + u.toVersion()
                : "patch " + u.patchId()) + " (" + u.mode() + ")";
    }

    private void post(String what, UpdateDTO u) {
        EventAdmin ea = events;
        if (ea == null) {
            return;
        }
        Map<String, Object> p = new HashMap<>();
        p.put(PlatformEvents.UPDATE_ID, u.id());
        p.put(PlatformEvents.UPDATE_NOT_BEFORE, u.notBefore().toString());
        p.put(PlatformEvents.UPDATE_SUMMARY, summary(u));
        p.put(PlatformEvents.ACCOUNT, u.account());
        p.put(PlatformEvents.SERVICE_NAME, u.service());
        p.put(PlatformEvents.SERVICE_TYPE, u.serviceType());
        try {
            ea.postEvent(new Event(PlatformEvents.UPDATE_TOPIC_PREFIX + what, p));
        } catch (RuntimeException e) {
            LOG.warn("Could not post the event {} of update {}: {}", what, u.id(), e.getMessage());
        }
    }

    private void mail(UpdateStore.Row r, String to) {
        AlertAction action = email;
        UpdateDTO u = r.dto();
        if (action == null) {
            LOG.warn("Update {} of '{}/{}' is scheduled for {}, but no email action is installed to tell {}", u.id(),
                    u.account(), u.service(), u.notBefore(), to);
            return;
        }
        AlertAction.Firing firing = new AlertAction.Firing(r.accountId(), u.account(), r.serviceId(), u.service(),
                "update " + u.id(), summary(u) + " scheduled for " + u.notBefore() + " (maintenance slot)", "PENDING",
                "SCHEDULED", Map.of(), clock.instant(), to);
        try {
            mailer.execute(() -> {
                try {
                    action.run(firing);
                    LOG.info("Update {}: told {} that it runs at {}", u.id(), to, u.notBefore());
                } catch (Exception e) {
                    LOG.warn("Update {}: could not tell {} that it runs at {}: {}", u.id(), to, u.notBefore(),
                            e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            LOG.warn("Update {}: not telling {} (the update manager is stopping)", u.id(), to);
        }
    }

    /** @return the time now */
    Instant now() {
        return clock.instant();
    }
}
