package io.stratum.platform.elasticity.internal.alert;

import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.elasticity.internal.Durations;
import io.stratum.platform.elasticity.internal.ElasticityConfig;
import io.stratum.platform.elasticity.internal.ElasticitySettings;
import io.stratum.platform.spi.AlertAction;
import io.stratum.platform.spi.AlertAction.Firing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link AlertAction} services (whiteboard, by {@value AlertAction#NAME}; of two with one name, the one with the
 * highest service ranking, then the oldest): checks the actions an alert names when it is created, and runs them when
 * it fires, on threads of their own (at most {@value #THREADS} at once), each for at most {@code actionTimeout}. The
 * outcome of each is {@code <name>: ok}, what a {@link ReportingAction} reported (e.g. {@code scale-up: job 42}) or
 * {@code <name>: failed: <why>}; the argument is not repeated (it may be an address or a URL with a token).
 * Thread-safe.
 */
@Component(service = AlertActions.class, configurationPid = ElasticityConfig.PID)
public final class AlertActions {

    /** Most actions running at once. */
    public static final int THREADS = 8;
    /** How an action is named in an alert: {@code name} or {@code name:argument}. */
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9._-]{0,63}");

    private static final Logger LOG = LoggerFactory.getLogger(AlertActions.class);

    private record Registered(String name, AlertAction action, int ranking, long id) {
    }

    private final List<Registered> actions = new CopyOnWriteArrayList<>();
    private final Duration timeout;
    private final ThreadPoolExecutor runners;
    private final ScheduledExecutorService timer;

    /**
     * @param config the configuration ({@code actionTimeout})
     */
    @Activate
    public AlertActions(ElasticityConfig config) {
        this(ElasticitySettings.of(config).actionTimeout());
    }

    /**
     * @param timeout how long one action may run
     */
    public AlertActions(Duration timeout) {
        this.timeout = timeout;
        this.runners = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> daemon(r, "stratum-alert-action"));
        this.runners.allowCoreThreadTimeOut(true);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "stratum-alert-action-timer"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Stops running actions (those running are interrupted). */
    @Deactivate
    public void deactivate() {
        runners.shutdownNow();
        timer.shutdownNow();
    }

    /**
     * @param action an action that came
     * @param properties its service properties
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addAction(AlertAction action, Map<String, Object> properties) {
        Object name = properties.get(AlertAction.NAME);
        if (!(name instanceof String n) || !NAME.matcher(n).matches()) {
            LOG.warn("Alert action {} has no valid {} property ({}); alerts cannot name it", action.getClass()
                    .getName(), AlertAction.NAME, name);
            return;
        }
        int ranking = properties.get(Constants.SERVICE_RANKING) instanceof Integer r ? r : 0;
        long id = properties.get(Constants.SERVICE_ID) instanceof Long l ? l : Long.MAX_VALUE;
        actions.add(new Registered(n, action, ranking, id));
    }

    /**
     * @param action an action that went
     */
    public void removeAction(AlertAction action) {
        actions.removeIf(r -> r.action == action);
    }

    /**
     * @param name an action's name
     * @return the action of that name, if one is registered
     */
    Optional<AlertAction> find(String name) {
        return actions.stream().filter(r -> r.name.equals(name))
                .min(Comparator.comparingInt((Registered r) -> -r.ranking).thenComparingLong(r -> r.id))
                .map(Registered::action);
    }

    /** @return the names of the registered actions, sorted */
    List<String> names() {
        return actions.stream().map(Registered::name).distinct().sorted().toList();
    }

    /**
     * @param spec an alert's action, {@code name} or {@code name:argument}
     * @return its name
     */
    static String nameOf(String spec) {
        int colon = spec.indexOf(':');
        return (colon < 0 ? spec : spec.substring(0, colon)).strip();
    }

    /**
     * @param spec an alert's action, {@code name} or {@code name:argument}
     * @return its argument ({@code ""} when none)
     */
    static String argumentOf(String spec) {
        int colon = spec.indexOf(':');
        return colon < 0 ? "" : spec.substring(colon + 1);
    }

    /**
     * Checks the actions an alert names.
     *
     * @param specs the actions, each {@code name} or {@code name:argument}
     * @throws PlatformException INVALID naming the first action that is unknown or whose argument its action refuses
     */
    public void validate(List<String> specs) {
        for (String spec : specs) {
            String name = spec == null ? "" : nameOf(spec);
            if (!NAME.matcher(name).matches()) {
                throw new PlatformException(Reason.INVALID, "'" + spec + "' is not an action: write name or "
                        + "name:argument, e.g. log or email:ops@example.com");
            }
            AlertAction action = find(name).orElseThrow(() -> new PlatformException(Reason.INVALID,
                    "unknown action '" + name + "'; the actions are " + (names().isEmpty() ? "(none installed)"
                            : String.join(", ", names()))));
            try {
                action.validate(argumentOf(spec));
            } catch (IllegalArgumentException e) {
                throw new PlatformException(Reason.INVALID, "action '" + name + "': " + e.getMessage());
            } catch (RuntimeException e) {
                throw new PlatformException(Reason.INVALID, "action '" + name + "' cannot check its argument: "
                        + e);
            }
        }
    }

    /**
     * Runs an alert's actions, each on a thread of its own.
     *
     * @param specs the alert's actions
     * @param firing the change of state (its argument is replaced by each action's)
     * @return each action's outcome, in the order of {@code specs}, once all have ended
     */
    public CompletableFuture<List<String>> run(List<String> specs, Firing firing) {
        List<CompletableFuture<String>> outcomes = new ArrayList<>();
        for (String spec : specs) {
            outcomes.add(runOne(spec, firing));
        }
        return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new))
                .thenApply(v -> outcomes.stream().map(CompletableFuture::join).toList());
    }

    private CompletableFuture<String> runOne(String spec, Firing template) {
        String name = nameOf(spec);
        CompletableFuture<String> outcome = new CompletableFuture<>();
        Optional<AlertAction> action = find(name);
        if (action.isEmpty()) {
            outcome.complete(name + ": failed: no action '" + name + "' is installed");
            return outcome;
        }
        Firing firing = new Firing(template.accountId(), template.account(), template.serviceId(),
                template.service(), template.alert(), template.expression(), template.from(), template.to(),
                template.values(), template.at(), argumentOf(spec));
        try {
            Future<?> task = runners.submit(() -> {
                try {
                    String said = null;
                    if (action.get() instanceof ReportingAction r) {
                        said = r.report(firing);
                    } else {
                        action.get().run(firing);
                    }
                    outcome.complete(name + ": " + (said == null || said.isBlank() ? "ok" : said.strip()));
                } catch (InterruptedException e) {
                    outcome.complete(name + ": failed: interrupted");
                    Thread.currentThread().interrupt();
                } catch (Exception | LinkageError e) {
                    String why = e.getMessage() == null ? e.toString() : e.getMessage();
                    LOG.warn("Alert action '{}' of {} failed: {}", name, firing.summary(), why);
                    outcome.complete(name + ": failed: " + why);
                }
            });
            timer.schedule(() -> {
                if (outcome.complete(name + ": failed: took longer than " + Durations.format(timeout))) {
                    task.cancel(true);
                    LOG.warn("Alert action '{}' of {} took longer than {}; abandoned", name, firing.summary(),
                            Durations.format(timeout));
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            outcome.complete(name + ": failed: the platform is stopping");
        }
        return outcome;
    }
}
