package io.stratum.platform.elasticity.internal.alert;

import io.stratum.platform.api.AccountVersionDTO.ChangeDTO;
import io.stratum.platform.api.AlertDTO;
import io.stratum.platform.api.AlertRequest;
import io.stratum.platform.api.AlertTransitionDTO;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.PlatformEvents;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.elasticity.internal.Durations;
import io.stratum.platform.elasticity.internal.ElasticityConfig;
import io.stratum.platform.elasticity.internal.ElasticitySettings;
import io.stratum.platform.elasticity.internal.collect.Collector;
import io.stratum.platform.elasticity.internal.series.MetricHistory;
import io.stratum.platform.spi.AccountScopes;
import io.stratum.platform.spi.AlertAction.Firing;
import io.stratum.platform.spi.ManagedService;
import io.stratum.platform.spi.Services;
import io.stratum.platform.spi.store.DataStore;
import io.stratum.sme.api.descriptor.ElasticitySpec.AlertSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerts: created (checked by the {@link AlertCompiler} against the service's metric catalog, the retention and the
 * installed {@link AlertActions}), kept in the store ({@value #OWNER}'s tables), each evaluated on its own
 * {@code every} (independent of the windows it looks at) on a small scheduled pool, and removed with their service.
 * <p>
 * Each evaluation leads to OK, ALARM or NO_DATA ({@link Evaluation}); a change of state is recorded (the alert's row
 * and a transition with the values the expression saw and a message; the newest {@value #KEEP_TRANSITIONS} kept per
 * alert) before it is acted on. Entering or leaving ALARM runs the alert's actions off the evaluation thread; each
 * action's outcome is added to the transition when it ends. A restarted platform goes on from the stored states
 * (an alert still in ALARM does not run its actions again).
 * <p>
 * Creating and deleting an alert are versions of the account ({@link AccountScopes#recordVersion}, entity
 * {@code alert}, name {@code <service>/<alert>}, fields {@code expression}, {@code every}, {@code actions}), in the
 * transaction that changes the row.
 * <p>
 * Default alerts: each service gets the alerts its SDP declares ({@code elasticity.alerts}, origin {@code sdp}, made by
 * {@code system:elasticity}) when a service event arrives for it or when the periodic check ({@value #RECONCILE_S} s)
 * finds it without them. A default whose metric or action is not known yet is tried again at the next check; one that
 * is wrong otherwise is logged once and skipped; neither blocks the service. A default the user deleted is not made
 * again. Thread-safe.
 */
@Component(service = {Alerts.class, EventHandler.class}, immediate = true, configurationPid = ElasticityConfig.PID,
        property = EventConstants.EVENT_TOPIC + "=" + PlatformEvents.SERVICE_TOPIC_ALL)
public final class Alerts implements EventHandler {

    /** The store part of the alert tables. */
    public static final String OWNER = "platform-elasticity.alert";
    /** How often an alert is evaluated unless it says. */
    public static final Duration DEFAULT_EVERY = Duration.ofSeconds(30);
    /** Shortest {@code every}. */
    public static final Duration MIN_EVERY = Duration.ofSeconds(1);
    /** Longest {@code every}. */
    public static final Duration MAX_EVERY = Duration.ofHours(1);
    /** Transitions kept per alert. */
    public static final int KEEP_TRANSITIONS = 500;
    /** Seconds between checks for default alerts and alerts of services that are gone. */
    public static final int RECONCILE_S = 30;
    /** Who makes default alerts and removes the alerts of deleted services. */
    static final Caller SYSTEM = Caller.system("elasticity");
    /** Origin of an alert a user made. */
    public static final String USER = "user";
    /** Origin of a default alert of the service's SDP. */
    public static final String SDP = "sdp";

    private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final DataStore store;
    private final AccountScopes scopes;
    private final Services services;
    private final Function<ManagedService, Collection<String>> catalog;
    private final MetricHistory history;
    private final AlertActions actions;
    private final Duration retention;
    private final Clock clock;
    private final AlertCompiler compiler = new AlertCompiler();
    private final Map<String, Watch> watches = new ConcurrentHashMap<>();
    /** Services whose every default alert has been applied. */
    private final Set<String> settled = ConcurrentHashMap.newKeySet();
    /** Problems with default alerts already logged (service, alert, problem). */
    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    private final ScheduledThreadPoolExecutor scheduler;
    private final boolean schedule;

    /** An alert being evaluated: its definition, its compiled expression and its current state. */
    private static final class Watch {
        final AlertRepository.Row row;
        final CompiledExpression compiled;
        final String compileError;
        AlertState state;
        Instant since;
        Instant evaluatedAt;
        Map<String, Double> values;
        volatile ScheduledFuture<?> future;

        Watch(AlertRepository.Row row, CompiledExpression compiled, String compileError) {
            this.row = row;
            this.compiled = compiled;
            this.compileError = compileError;
            this.state = row.state();
            this.since = row.since();
            this.evaluatedAt = row.evaluatedAt();
            this.values = row.values();
        }
    }

    /**
     * @param store the store (the alert tables are migrated here)
     * @param scopes records alert changes as versions of the account
     * @param services the platform's services
     * @param collector the metric catalog of each service
     * @param history the time series
     * @param actions the alert actions
     * @param config the configuration ({@code retention})
     */
    @Activate
    public Alerts(@Reference DataStore store, @Reference AccountScopes scopes, @Reference Services services,
            @Reference Collector collector, @Reference MetricHistory history, @Reference AlertActions actions,
            ElasticityConfig config) {
        this(store, scopes, services, s -> collector.catalog(s).keySet(), history, actions,
                ElasticitySettings.of(config).retention(), Clock.systemUTC(), true);
    }

    /**
     * @param store the store (the alert tables are migrated here)
     * @param scopes records alert changes as versions of the account
     * @param services the platform's services
     * @param catalog the metrics of a service
     * @param history the time series
     * @param actions the alert actions
     * @param retention the longest window
     * @param clock the time
     * @param schedule whether alerts are evaluated on their own (and defaults checked) on a schedule; {@code false}
     *     for tests, which call {@link #evaluateAll} and {@link #reconcile}
     */
    public Alerts(DataStore store, AccountScopes scopes, Services services,
            Function<ManagedService, Collection<String>> catalog, MetricHistory history, AlertActions actions,
            Duration retention, Clock clock, boolean schedule) {
        this.store = store;
        this.scopes = scopes;
        this.services = services;
        this.catalog = catalog;
        this.history = history;
        this.actions = actions;
        this.retention = retention;
        this.clock = clock;
        this.schedule = schedule;
        this.scheduler = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "stratum-alerts");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        store.migrate(OWNER, AlertRepository.MIGRATIONS);
        for (AlertRepository.Row row : store.inTransaction(AlertRepository::all)) {
            watch(row, row.every().toMillis());
        }
        if (schedule) {
            scheduler.scheduleWithFixedDelay(this::reconcileQuietly, 5, RECONCILE_S, TimeUnit.SECONDS);
        }
    }

    /** Stops evaluating. */
    @Deactivate
    public void deactivate() {
        scheduler.shutdownNow();
    }

    private Watch watch(AlertRepository.Row row, long firstDelayMs) {
        CompiledExpression compiled = null;
        String error = null;
        try {
            // metrics were checked at creation; a gatherer may not be back yet
            compiled = compiler.compile(row.expression(), null, retention);
        } catch (ExpressionError e) {
            error = "the expression no longer compiles: " + e.getMessage();
            LOG.warn("Alert '{}/{}': {}", row.serviceName(), row.name(), error);
        }
        Watch w = new Watch(row, compiled, error);
        Watch old = watches.put(row.id(), w);
        if (old != null && old.future != null) {
            old.future.cancel(false);
        }
        if (schedule) {
            try {
                w.future = scheduler.scheduleAtFixedRate(() -> evaluateQuietly(row.id()), firstDelayMs,
                        row.every().toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                // the component is stopping
            }
        }
        return w;
    }

    private void unwatch(String alertId) {
        Watch w = watches.remove(alertId);
        if (w != null && w.future != null) {
            w.future.cancel(false);
        }
    }

    // ---- create, list, history, delete

    /**
     * Creates an alert (checked now: name, expression against the service's metrics, window lengths, every, actions).
     *
     * @param caller who creates it (recorded in the account's history)
     * @param service the service it watches
     * @param request the alert
     * @return the alert, NO_DATA until first evaluated
     * @throws PlatformException INVALID (the expression's errors with their position), ALREADY_EXISTS
     */
    public AlertDTO create(Caller caller, ManagedService service, AlertRequest request) {
        try {
            return create(caller, service, request, USER, false);
        } catch (Pending p) {
            throw p.error;
        }
    }

    /** A refusal that may go away (a metric or an action not known yet). */
    private static final class Pending extends Exception {
        private static final long serialVersionUID = 1L;
        final transient PlatformException error;

        Pending(PlatformException error) {
            super(error.getMessage(), null, false, false);
            this.error = error;
        }
    }

    private AlertDTO create(Caller caller, ManagedService service, AlertRequest request, String origin,
            boolean isDefault) throws Pending {
        String name = request.name() == null ? "" : request.name().strip();
        if (!NAME.matcher(name).matches()) {
            throw new PlatformException(Reason.INVALID, "alert name '" + request.name() + "': use 1 to 64 letters, "
                    + "digits, - and _");
        }
        Duration every = request.every() == null ? DEFAULT_EVERY : request.every();
        if (every.compareTo(MIN_EVERY) < 0 || every.compareTo(MAX_EVERY) > 0) {
            throw new PlatformException(Reason.INVALID, "alert '" + name + "': every must be between "
                    + Durations.format(MIN_EVERY) + " and " + Durations.format(MAX_EVERY) + ", not "
                    + Durations.format(every));
        }
        String description = request.description() == null ? "" : request.description().strip();
        if (description.length() > 2000) {
            throw new PlatformException(Reason.INVALID, "alert '" + name + "': the description is longer than 2000 "
                    + "characters");
        }
        CompiledExpression compiled;
        try {
            compiled = compiler.compile(request.expression(), catalog.apply(service), retention);
        } catch (ExpressionError e) {
            PlatformException p = e.toPlatformException();
            if (isDefault && e.unknownMetric()) {
                throw new Pending(p);
            }
            throw p;
        }
        List<String> actionSpecs = request.actions().stream().map(String::strip).toList();
        try {
            actions.validate(actionSpecs);
        } catch (PlatformException e) {
            if (isDefault && e.getMessage().startsWith("unknown action")) {
                throw new Pending(e);
            }
            throw e;
        }
        Instant now = clock.instant();
        AlertRepository.Row row = new AlertRepository.Row(UUID.randomUUID().toString(), service.accountId(),
                service.id(), service.name(), name, compiled.text(), every, actionSpecs, description, origin,
                AlertState.NO_DATA, now, null, Map.of());
        String qualified = service.name() + "/" + name;
        store.inTransaction(c -> {
            if (AlertRepository.find(c, service.id(), name).isPresent()) {
                throw new PlatformException(Reason.ALREADY_EXISTS, "service '" + service.name() + "' has an alert '"
                        + name + "' already; delete it first or choose another name");
            }
            AlertRepository.insert(c, row, caller.user(), now);
            if (isDefault) {
                AlertRepository.defaultApplied(c, service.id(), name, "created", now);
            }
            scopes.recordVersion(c, service.accountId(), caller, "alert '" + qualified + "' created"
                    + (isDefault ? " (default of SDP " + service.sdpName() + " " + service.sdpVersion() + ")" : ""),
                    changes(row, false));
            return null;
        });
        watch(row, 0);
        LOG.info("Alert '{}/{}' created by {}: {}", service.accountName(), qualified, caller.user(), compiled.text());
        return dto(service.accountName(), watches.getOrDefault(row.id(), new Watch(row, compiled, null)));
    }

    /** The fields of an alert as the account's history shows them (arguments of actions without secrets). */
    private static List<ChangeDTO> changes(AlertRepository.Row row, boolean removed) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("expression", row.expression());
        fields.put("every", Durations.format(row.every()));
        fields.put("actions", String.join(", ", row.actions().stream().map(Alerts::withoutSecrets).toList()));
        String name = row.serviceName() + "/" + row.name();
        List<ChangeDTO> out = new ArrayList<>();
        out.add(new ChangeDTO("alert", name, "*", removed ? "exists" : null, removed ? null : "exists"));
        fields.forEach((k, v) -> out.add(new ChangeDTO("alert", name, k, removed ? v : null, removed ? null : v)));
        return out;
    }

    /** @return an action with any user information and query of a URL in its argument left out */
    static String withoutSecrets(String spec) {
        return spec.replaceAll("//[^/@?#\\s]*@", "//").replaceAll("\\?[^#\\s]*", "?…");
    }

    /**
     * @param service a service
     * @return its alerts, by name, with their current states
     */
    public List<AlertDTO> list(ManagedService service) {
        return store.inTransaction(c -> AlertRepository.ofService(c, service.id())).stream()
                .map(r -> dto(service.accountName(), current(r))).toList();
    }

    /**
     * @param accountId an account's id
     * @param accountName its name
     * @return the alerts of its services, by service and name
     */
    public List<AlertDTO> listAccount(String accountId, String accountName) {
        return store.inTransaction(c -> AlertRepository.ofAccount(c, accountId)).stream()
                .map(r -> dto(accountName, current(r))).toList();
    }

    private Watch current(AlertRepository.Row row) {
        Watch w = watches.get(row.id());
        return w != null ? w : new Watch(row, null, null);
    }

    /**
     * @param service a service
     * @param name one of its alerts
     * @param limit at most this many, newest first (0 or less: all kept)
     * @return the alert's changes of state
     * @throws PlatformException NOT_FOUND if the service has no such alert
     */
    public List<AlertTransitionDTO> history(ManagedService service, String name, int limit) {
        return store.inTransaction(c -> {
            AlertRepository.Row row = AlertRepository.find(c, service.id(), name).orElseThrow(() -> notFound(
                    service, name));
            return AlertRepository.transitions(c, row.id(), limit);
        });
    }

    /**
     * @param caller who deletes it (recorded in the account's history)
     * @param service a service
     * @param name one of its alerts
     * @throws PlatformException NOT_FOUND if the service has no such alert
     */
    public void delete(Caller caller, ManagedService service, String name) {
        AlertRepository.Row row = store.inTransaction(c -> {
            AlertRepository.Row r = AlertRepository.find(c, service.id(), name).orElseThrow(() -> notFound(service,
                    name));
            AlertRepository.delete(c, r.id());
            scopes.recordVersion(c, service.accountId(), caller, "alert '" + service.name() + "/" + name
                    + "' deleted", changes(r, true));
            return r;
        });
        unwatch(row.id());
        LOG.info("Alert '{}/{}/{}' deleted by {}", service.accountName(), service.name(), name, caller.user());
    }

    private static PlatformException notFound(ManagedService service, String name) {
        return new PlatformException(Reason.NOT_FOUND, "service '" + service.name() + "' has no alert '" + name
                + "'");
    }

    private static AlertDTO dto(String account, Watch w) {
        AlertRepository.Row r = w.row;
        synchronized (w) {
            return new AlertDTO(account, r.serviceName(), r.name(), r.expression(), r.every(), r.actions(),
                    r.description(), r.origin(), w.state.name(), w.since, w.evaluatedAt, w.values);
        }
    }

    // ---- evaluation

    private void evaluateQuietly(String alertId) {
        try {
            evaluate(alertId);
        } catch (RuntimeException e) {
            LOG.warn("Alert {} could not be evaluated: {} (tried again at its next evaluation)", alertId,
                    e.toString());
        }
    }

    /** Evaluates every alert once, now, in the caller's thread. For tests. */
    public void evaluateAll() {
        for (String id : List.copyOf(watches.keySet())) {
            evaluate(id);
        }
    }

    private void evaluate(String alertId) {
        Watch w = watches.get(alertId);
        if (w == null) {
            return;
        }
        Optional<ManagedService> found = services.find(w.row.serviceId());
        if (found.isEmpty()) {
            return; // its service is gone: the next check removes it
        }
        ManagedService service = found.get();
        Evaluation e = w.compiled == null ? new Evaluation(AlertState.NO_DATA, Map.of("instances",
                (double) service.instances()), w.compileError)
                : Evaluation.of(w.compiled, history, service.id(), service.instances());
        Instant now = clock.instant();
        AlertState from;
        long transitionId;
        boolean act;
        synchronized (w) {
            if (watches.get(alertId) != w) {
                return;
            }
            from = w.state;
            if (e.state() == from) {
                w.evaluatedAt = now;
                w.values = e.values();
                return;
            }
            act = !w.row.actions().isEmpty() && (from == AlertState.ALARM || e.state() == AlertState.ALARM);
            List<String> pending = act ? w.row.actions().stream().map(a -> AlertActions.nameOf(a) + ": running")
                    .toList() : List.of();
            transitionId = store.inTransaction(c -> AlertRepository.transition(c, alertId, from, e.state(), now,
                    e.values(), e.message(), pending, KEEP_TRANSITIONS));
            w.state = e.state();
            w.since = now;
            w.evaluatedAt = now;
            w.values = e.values();
        }
        LOG.info("Alert '{}/{}/{}' {} -> {}: {}", service.accountName(), service.name(), w.row.name(), from,
                e.state(), e.message());
        if (act) {
            Firing firing = new Firing(service.accountId(), service.accountName(), service.id(), service.name(),
                    w.row.name(), w.row.expression(), from.name(), e.state().name(), e.values(), now, "");
            actions.run(w.row.actions(), firing).thenAccept(outcomes -> {
                try {
                    store.inTransaction(c -> {
                        AlertRepository.outcomes(c, transitionId, outcomes);
                        return null;
                    });
                } catch (RuntimeException ex) {
                    LOG.warn("Alert '{}/{}': cannot record what its actions did ({}): {}", service.name(),
                            w.row.name(), outcomes, ex.getMessage());
                }
            });
        }
    }

    // ---- services coming and going

    @Override
    public void handleEvent(Event event) {
        if (!(event.getProperty(PlatformEvents.SERVICE_ID) instanceof String serviceId)) {
            return;
        }
        boolean deleted = event.getTopic().equals(PlatformEvents.SERVICE_TOPIC_PREFIX + "DELETED");
        try {
            scheduler.execute(() -> {
                try {
                    if (deleted) {
                        removeAlertsOf(serviceId);
                    } else {
                        services.find(serviceId).ifPresent(this::ensureDefaults);
                    }
                } catch (RuntimeException e) {
                    LOG.warn("Alerts of service {} could not be updated: {} (retried within {} s)", serviceId,
                            e.toString(), RECONCILE_S);
                }
            });
        } catch (RejectedExecutionException stopping) {
            // the component is stopping; the next start checks every service
        }
    }

    private void reconcileQuietly() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            LOG.warn("Checking alerts against the services failed: {} (retried in {} s)", e.toString(), RECONCILE_S);
        }
    }

    /** Removes the alerts of services that are gone and gives every service its default alerts. */
    public void reconcile() {
        List<ManagedService> all = services.all();
        Set<String> ids = new HashSet<>();
        all.forEach(s -> ids.add(s.id()));
        Set<String> orphans = new HashSet<>();
        for (Watch w : watches.values()) {
            if (!ids.contains(w.row.serviceId())) {
                orphans.add(w.row.serviceId());
            }
        }
        orphans.forEach(this::removeAlertsOf);
        settled.retainAll(ids);
        for (ManagedService s : all) {
            ensureDefaults(s);
        }
    }

    /**
     * Gives a service the default alerts of its SDP it has not had yet.
     *
     * @param service the service
     */
    void ensureDefaults(ManagedService service) {
        if (settled.contains(service.id()) || service.external() || service.state() == ServiceState.DELETING) {
            return;
        }
        List<AlertSpec> specs;
        try {
            specs = services.context(service.id()).descriptor().elasticity().alerts();
        } catch (PlatformException gone) {
            return;
        }
        Set<String> applied = new HashSet<>(store.inTransaction(c -> AlertRepository.defaultsApplied(c,
                service.id())));
        boolean allApplied = true;
        for (AlertSpec spec : specs) {
            String name = spec.name() == null ? "" : spec.name().strip();
            if (applied.contains(name)) {
                continue;
            }
            String where = "default alert '" + name + "' of SDP " + service.sdpName() + " " + service.sdpVersion()
                    + " for service '" + service.accountName() + "/" + service.name() + "'";
            try {
                Duration every = spec.every() == null || spec.every().isBlank() ? null : Durations.parse(spec.every());
                create(SYSTEM.because("default alerts of SDP " + service.sdpName() + " " + service.sdpVersion()),
                        service, new AlertRequest(service.name(), name, spec.expression(), every, spec.actions(),
                                spec.description()), SDP, true);
            } catch (Pending p) {
                allApplied = false;
                logOnce(service, name, where + " waits: " + p.error.getMessage() + " (tried again every "
                        + RECONCILE_S + " s)");
            } catch (PlatformException e) {
                String outcome = e.reason() == Reason.ALREADY_EXISTS ? "the service has an alert of that name"
                        : "skipped: " + e.getMessage();
                try {
                    store.inTransaction(c -> {
                        AlertRepository.defaultApplied(c, service.id(), name, outcome, clock.instant());
                        return null;
                    });
                } catch (RuntimeException ex) {
                    allApplied = false;
                }
                if (e.reason() != Reason.ALREADY_EXISTS) {
                    logOnce(service, name, where + " is skipped: " + e.getMessage());
                }
            } catch (IllegalArgumentException e) {
                store.inTransaction(c -> {
                    AlertRepository.defaultApplied(c, service.id(), name, "skipped: every: " + e.getMessage(),
                            clock.instant());
                    return null;
                });
                logOnce(service, name, where + " is skipped: every: " + e.getMessage());
            }
        }
        if (allApplied) {
            settled.add(service.id());
        }
    }

    private void logOnce(ManagedService service, String alert, String message) {
        if (logged.add(service.id() + "|" + alert + "|" + message)) {
            LOG.warn("{}", message);
        }
    }

    /**
     * Removes every alert of a service that is gone, as a version of its account.
     *
     * @param serviceId the service's id
     */
    void removeAlertsOf(String serviceId) {
        List<AlertRepository.Row> rows = store.inTransaction(c -> AlertRepository.ofService(c, serviceId));
        rows.forEach(r -> unwatch(r.id()));
        settled.remove(serviceId);
        logged.removeIf(k -> k.startsWith(serviceId + "|"));
        if (rows.isEmpty()) {
            store.inTransaction(c -> {
                AlertRepository.forgetService(c, serviceId);
                return null;
            });
            return;
        }
        AlertRepository.Row first = rows.get(0);
        try {
            removeRows(serviceId, rows, true);
        } catch (PlatformException accountGone) {
            // the account went with the service: nothing to record a version of
            removeRows(serviceId, rows, false);
        }
        LOG.info("Alerts of deleted service '{}' removed: {}", first.serviceName(),
                rows.stream().map(AlertRepository.Row::name).toList());
    }

    private void removeRows(String serviceId, List<AlertRepository.Row> rows, boolean record) {
        store.inTransaction(c -> {
            List<ChangeDTO> changes = new ArrayList<>();
            for (AlertRepository.Row r : rows) {
                AlertRepository.delete(c, r.id());
                changes.addAll(changes(r, true));
            }
            AlertRepository.forgetService(c, serviceId);
            if (record) {
                recordRemoval(c, rows, changes);
            }
            return null;
        });
    }

    private void recordRemoval(Connection c, List<AlertRepository.Row> rows, List<ChangeDTO> changes)
            throws SQLException {
        AlertRepository.Row first = rows.get(0);
        scopes.recordVersion(c, first.accountId(), SYSTEM.because("service '" + first.serviceName() + "' deleted"),
                "alerts of deleted service '" + first.serviceName() + "' removed", changes);
    }
}
