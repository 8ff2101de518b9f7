package io.stratum.sme.webtier;

import io.stratum.sme.api.BackupEngine;
import io.stratum.sme.api.Binding;
import io.stratum.sme.api.ConnectionInfo;
import io.stratum.sme.api.Dependant;
import io.stratum.sme.api.HealthState;
import io.stratum.sme.api.MaintenanceEngine;
import io.stratum.sme.api.MetricsEngine;
import io.stratum.sme.api.ProviderEngine;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.ServiceHealth;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.SmeException;
import io.stratum.sme.api.TaskMonitor;
import io.stratum.sme.api.runtime.RuntimeInfo;
import io.stratum.sme.api.runtime.RuntimeLaunchException;
import io.stratum.sme.api.runtime.RuntimeSpec;
import io.stratum.sme.api.runtime.RuntimeState;
import io.stratum.sme.support.EngineSupport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringWriter;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The engine of service type {@code webtier}: each service is a reverse proxy process (Eclipse Jetty, see the
 * launcher module) on 127.0.0.1 with an admin port. As a provider, it gives each associated service a route:
 * virtual host {@code <name>.localhost} (or its {@code host}), backends and health path as the dependant tells
 * ({@code backends}, {@code healthPath}), each checked before the route is written. The first route is also the default for other hosts. Routes live in a
 * properties file in the service's data directory, which the proxy reloads when told (and when it changes).
 *
 * <h2>Backup and restore</h2>
 * A web tier's routes are derived from its associations: each one is written when the platform associates a
 * dependant (and again when the dependant's instances change), and removed when it dissociates it. Its settings are
 * configuration, which the platform keeps. The one thing of its own is which route is the default (the first
 * associated, until it goes). So:
 * <ul>
 * <li>{@link #lock} and {@link #unlock} change nothing: the routes only change through the platform's associations,
 * which it does not make while it backs the service up; requests keep being forwarded.</li>
 * <li>{@link #backup} writes the routes file ({@value #ARTIFACT_ROUTES}), the record of what it routed where.</li>
 * <li>{@link #restore} keeps the service's own routes, those of its own associations, and never takes a route from
 * the backup: the backup's routes lead to the backends of the services the source was associated with, and a clone
 * must reach the clone's app servers, never the source's. The clone's routes come from the platform associating the
 * clone's dependants with it (before or after the restore: both work). From the backup it takes the default route:
 * if the service has a route of that name, it becomes the default; if not yet, the name is kept
 * ({@value #PROP_RESTORED_DEFAULT}) and a dependant of that name associated later becomes the default.</li>
 * </ul>
 *
 * <h2>Maintenance</h2>
 * {@link #beginMaintenance} locks a dependant's route out: the routes file says {@code route.<name>.maintenance =
 * <Retry-After seconds>}, and the proxy answers the route's requests with a 503 maintenance page (with
 * {@code Retry-After} and {@code X-Stratum-Maintenance: <name>}) instead of forwarding them. Since the lockout is kept
 * in the routes file, it survives a restart of the proxy and a backup; {@link #associate} keeps it (it only writes the
 * route's hosts, backends and health path); {@link #endMaintenance} removes it, and {@link #dissociate} with the
 * route.
 */
@Component(service = ServiceManagementEngine.class, property = ServiceManagementEngine.SERVICE_TYPE + "=webtier")
public final class WebTierEngine implements ServiceManagementEngine, ProviderEngine, MetricsEngine, BackupEngine,
        MaintenanceEngine {

    static final String RUNTIME = "proxy";
    static final String PORT = "http";
    static final String ADMIN = ProxyAdmin.ADMIN_PORT;
    /** Backup artifact: the routes file. */
    static final String ARTIFACT_ROUTES = "routes.properties";
    /** Service property: the default route of a restored backup, for a dependant of that name yet to come. */
    static final String PROP_RESTORED_DEFAULT = "restored.default";
    static final String M_ROUTES = "webtier.routes";
    static final String M_REFUSED = "webtier.routes.refused";
    static final String M_BACKENDS = "webtier.backends";
    static final String M_HEALTHY = "webtier.backends.healthy";
    static final String M_INFLIGHT = "webtier.inflight";
    private static final String MAIN = "io.stratum.sme.webtier.launcher.WebTierMain";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** Configuration: longest an association waits for requests to backends it takes out of a route, in seconds. */
    static final String DRAIN_TIMEOUT = "drainTimeoutSeconds";
    private static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    /** Longest {@link #endMaintenance} waits for a healthy backend of the route it opens. */
    static final Duration HEALTHY_AFTER_MAINTENANCE = Duration.ofSeconds(5);
    /** Longest a reload request may take, connecting included. */
    private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(5);

    private final ProxyAdmin admin = new ProxyAdmin();
    private final Supplier<List<URL>> runtimeJars;

    /**
     * @param context this SDP bundle's context: the proxy's jars are in it
     */
    @Activate
    public WebTierEngine(BundleContext context) {
        this(() -> EngineSupport.bundledJars(context.getBundle(), "runtime"));
    }

    /**
     * @param runtimeJars the jars its processes run (for tests outside OSGi)
     */
    public WebTierEngine(Supplier<List<URL>> runtimeJars) {
        this.runtimeJars = runtimeJars;
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void provision(ServiceContext service, TaskMonitor monitor) throws SmeException {
        monitor.progress(5, "installing the proxy");
        installRuntime(service);
        Path routes = routesFile(service);
        if (!Files.exists(routes)) {
            writeRoutes(routes, new Properties());
        }
        launchAndWait(service, monitor);
    }

    @Override
    public void start(ServiceContext service, TaskMonitor monitor) throws SmeException {
        installRuntime(service);
        launchAndWait(service, monitor);
    }

    @Override
    public void stop(ServiceContext service, TaskMonitor monitor) {
        monitor.progress(10, "stopping the proxy");
        service.runtimes().stop(RUNTIME, STOP_TIMEOUT);
    }

    @Override
    public void unprovision(ServiceContext service, TaskMonitor monitor) throws SmeException {
        monitor.progress(10, "stopping the proxy");
        service.runtimes().remove(RUNTIME, STOP_TIMEOUT);
        try (Stream<Path> paths = Files.exists(service.dataDirectory()) ? Files.walk(service.dataDirectory())
                : Stream.empty()) {
            for (Path p : (Iterable<Path>) paths.sorted((a, b) -> b.getNameCount() - a.getNameCount())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw SmeException.transientFailure("cannot delete the files of '" + service.name() + "': "
                    + e.getMessage(), e);
        }
    }

    @Override
    public ServiceHealth health(ServiceContext service) {
        Optional<RuntimeInfo> r = service.runtimes().status(RUNTIME);
        if (r.isEmpty()) {
            return ServiceHealth.of(HealthState.STOPPED, "not provisioned");
        }
        switch (r.get().state()) {
            case STOPPED:
                return ServiceHealth.of(HealthState.STOPPED, "the proxy is stopped");
            case STARTING:
            case RESTARTING:
                return ServiceHealth.of(HealthState.STARTING, "the proxy is starting " + r.get().message());
            case FAILED:
                return ServiceHealth.of(HealthState.UNHEALTHY, "the proxy failed: " + r.get().message());
            default:
                break;
        }
        try {
            Properties m = admin.metrics(r.get());
            List<String> routes = new ArrayList<>();
            for (String name : routeNames(m)) {
                routes.add(name + " " + m.getProperty("route." + name + ".backends.healthy") + "/"
                        + m.getProperty("route." + name + ".backends") + " backends healthy"
                        + ("true".equals(m.getProperty("route." + name + ".maintenance")) ? " (under maintenance)"
                                : ""));
            }
            return ServiceHealth.healthy("proxying on 127.0.0.1:" + r.get().port(PORT)
                    + (routes.isEmpty() ? ", no routes yet" : "; " + String.join(", ", routes)));
        } catch (IOException e) {
            return ServiceHealth.of(HealthState.UNHEALTHY, "its admin port does not answer: " + e.getMessage());
        }
    }

    @Override
    public ConnectionInfo connectionInfo(ServiceContext service) throws SmeException {
        RuntimeInfo r = service.runtimes().status(RUNTIME).orElseThrow(() ->
                new SmeException("'" + service.name() + "' has no proxy yet"));
        Map<String, String> props = new LinkedHashMap<>();
        props.put("admin", "http://127.0.0.1:" + r.port(ADMIN) + "/metrics");
        Properties routes = readRoutes(routesFile(service));
        for (String name : routeNames(routes)) {
            props.put("route " + name, routes.getProperty("route." + name + ".hosts") + " -> "
                    + routes.getProperty("route." + name + ".backends", "")
                    + (routes.getProperty("route." + name + ".maintenance") != null ? " (under maintenance)" : ""));
        }
        if (!routes.getProperty("default", "").isEmpty()) {
            props.put("default route", routes.getProperty("default"));
        }
        return new ConnectionInfo("http://127.0.0.1:" + r.port(PORT) + "/", null, null, props);
    }

    // ------------------------------------------------------------------ provider

    /**
     * Gives the dependant a route. Its parameters are checked first ({@link RouteSettings}): a health path that is
     * not a plain path, a host that is not a host name, or a backend that is not {@code http://host:port} is refused
     * (a permanent failure naming the parameter and what is allowed), and nothing is written.
     * <p>
     * When the route had backends that it no longer has (the dependant scaled down), this returns once the proxy has
     * no request in flight to them any more, so that the platform stops them only then; it waits at most the
     * service's {@value #DRAIN_TIMEOUT} (then returns all the same, saying how many requests it left).
     */
    @Override
    public Binding associate(ServiceContext provider, Dependant dependant, TaskMonitor monitor) throws SmeException {
        String host;
        String backends;
        String healthPath;
        try {
            host = RouteSettings.host(dependant.parameters().getOrDefault("host", dependant.name() + ".localhost"));
            backends = RouteSettings.backends(dependant.parameters().get("backends"));
            healthPath = RouteSettings.healthPath(dependant.parameters().get("healthPath"));
        } catch (IllegalArgumentException e) {
            throw new SmeException("cannot route to '" + dependant.name() + "': " + e.getMessage());
        }
        Set<String> leaving;
        synchronized (this) {
            Path file = routesFile(provider);
            Properties routes = readRoutes(file);
            String key = "route." + dependant.name() + ".";
            leaving = new LinkedHashSet<>(List.of(routes.getProperty(key + "backends", "").split(",")));
            leaving.removeAll(List.of(backends.split(",")));
            leaving.remove("");
            routes.setProperty(key + "hosts", host);
            routes.setProperty(key + "backends", backends);
            routes.setProperty(key + "healthPath", healthPath);
            if (routes.getProperty("default", "").isEmpty()) {
                routes.setProperty("default", dependant.name());
            }
            if (provider.properties().get(PROP_RESTORED_DEFAULT).filter(dependant.name()::equals).isPresent()) {
                routes.setProperty("default", dependant.name());
                provider.properties().remove(PROP_RESTORED_DEFAULT);
            }
            writeRoutes(file, routes);
        }
        monitor.progress(60, "reloading the routes");
        RuntimeInfo r = reload(provider);
        if (!leaving.isEmpty()) {
            drain(provider, r, dependant.name(), leaving, monitor);
        }
        Map<String, String> binding = new LinkedHashMap<>();
        binding.put("url", "http://127.0.0.1:" + r.port(PORT) + "/");
        binding.put("host", host);
        binding.put("port", Integer.toString(r.port(PORT)));
        return new Binding(provider.serviceId(), "webtier", binding);
    }

    /**
     * Waits until the proxy has no request in flight to backends a reload took out of a route (its {@code /metrics}
     * list them as {@code draining.<i>} until then), at most the service's {@value #DRAIN_TIMEOUT}.
     *
     * @throws SmeException if the call is cancelled meanwhile
     */
    private void drain(ServiceContext service, RuntimeInfo r, String route, Set<String> leaving, TaskMonitor monitor)
            throws SmeException {
        String which = leaving.size() == 1 ? leaving.iterator().next() : String.join(", ", leaving);
        awaitNoneInFlight(service, r, which, m -> drainingInFlight(m, route, leaving), monitor);
    }

    /**
     * Waits until the proxy's {@code /metrics} count no request in flight, at most the service's
     * {@value #DRAIN_TIMEOUT} (then it returns all the same, saying how many requests it left).
     *
     * @param which what the requests go to, for progress messages
     * @param inFlight how many requests the metrics say are in flight
     * @throws SmeException if the call is cancelled meanwhile
     */
    private void awaitNoneInFlight(ServiceContext service, RuntimeInfo r, String which,
            ToLongFunction<Properties> inFlight, TaskMonitor monitor) throws SmeException {
        Duration cap = drainTimeout(service);
        long deadline = System.nanoTime() + cap.toNanos();
        String reported = null;
        long pause = 10;
        while (true) {
            String waitingFor;
            try {
                long n = inFlight.applyAsLong(admin.metrics(r));
                if (n == 0) {
                    monitor.progress(90, "no request in flight to " + which + " any more");
                    return;
                }
                waitingFor = n + " request(s) in flight to " + which;
            } catch (IOException e) {
                waitingFor = "the proxy to tell how many requests are in flight to " + which + " (" + e.getMessage()
                        + ")";
            }
            if (monitor.isCancelled()) {
                throw new SmeException("cancelled while waiting for " + waitingFor);
            }
            if (System.nanoTime() >= deadline) {
                monitor.progress(90, "stopped waiting after " + cap.toSeconds() + " s (" + DRAIN_TIMEOUT + ") for "
                        + waitingFor);
                return;
            }
            if (!waitingFor.equals(reported)) {
                monitor.progress(80, "waiting for " + waitingFor + " to end");
                reported = waitingFor;
            }
            EngineSupport.pause(pause);
            pause = Math.min(pause * 2, 200);
        }
    }

    /** @return requests in flight to those backends of the route, as a proxy's metrics list them draining */
    static long drainingInFlight(Properties metrics, String route, Set<String> backends) {
        long inFlight = 0;
        long listed = (long) number(metrics, "draining");
        for (long i = 0; i < listed; i++) {
            String prefix = "draining." + i + ".";
            if (route.equals(metrics.getProperty(prefix + "route"))
                    && backends.contains(metrics.getProperty(prefix + "url"))) {
                inFlight += (long) number(metrics, prefix + "inflight");
            }
        }
        return inFlight;
    }

    private static Duration drainTimeout(ServiceContext service) {
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(service.configuration()
                    .getOrDefault(DRAIN_TIMEOUT, Long.toString(DEFAULT_DRAIN_TIMEOUT.toSeconds())).strip())));
        } catch (NumberFormatException e) {
            return DEFAULT_DRAIN_TIMEOUT;
        }
    }

    @Override
    public void dissociate(ServiceContext provider, Dependant dependant, TaskMonitor monitor) throws SmeException {
        synchronized (this) {
            Path file = routesFile(provider);
            if (!Files.exists(file)) {
                return;
            }
            Properties routes = readRoutes(file);
            String prefix = "route." + dependant.name() + ".";
            routes.stringPropertyNames().stream().filter(k -> k.startsWith(prefix)).forEach(routes::remove);
            if (dependant.name().equals(routes.getProperty("default"))) {
                TreeSet<String> left = routeNames(routes);
                routes.setProperty("default", left.isEmpty() ? "" : left.first());
            }
            writeRoutes(file, routes);
        }
        Optional<RuntimeInfo> r = provider.runtimes().status(RUNTIME);
        if (r.isPresent() && r.get().state() == RuntimeState.RUNNING) {
            reload(provider);
        }
    }

    // ------------------------------------------------------------------ maintenance

    /**
     * Locks the dependant's route out (see the class comment) and returns once the proxy has no request in flight to
     * the route's backends, nor to backends a reload took out of it, waiting at most the service's
     * {@value #DRAIN_TIMEOUT}. A dependant without a route yet gets one that only answers the maintenance page (for
     * its {@code host}, else {@code <name>.localhost}), so that its host does not reach the default route meanwhile;
     * {@link #endMaintenance} removes it again unless the dependant was associated since. When the proxy is not
     * running, the lockout is written and applies when it starts: nothing is in flight.
     */
    @Override
    public void beginMaintenance(ServiceContext provider, Dependant dependant, int retryAfterSeconds,
            TaskMonitor monitor) throws SmeException {
        if (retryAfterSeconds < 0) {
            throw new SmeException("cannot lock '" + dependant.name() + "' out: Retry-After must be 0 or more seconds, "
                    + "not " + retryAfterSeconds);
        }
        String key = "route." + dependant.name() + ".";
        synchronized (this) {
            Path file = routesFile(provider);
            Properties routes = readRoutes(file);
            if (routes.getProperty(key + "hosts") == null) {
                try {
                    routes.setProperty(key + "hosts", RouteSettings.host(dependant.parameters()
                            .getOrDefault("host", dependant.name() + ".localhost")));
                } catch (IllegalArgumentException e) {
                    throw new SmeException("cannot lock '" + dependant.name() + "' out: " + e.getMessage());
                }
            }
            String value = Integer.toString(retryAfterSeconds);
            if (!value.equals(routes.getProperty(key + "maintenance"))) {
                routes.setProperty(key + "maintenance", value);
                writeRoutes(file, routes);
            }
        }
        Optional<RuntimeInfo> now = provider.runtimes().status(RUNTIME);
        if (now.isEmpty() || now.get().state() != RuntimeState.RUNNING) {
            monitor.progress(100, "'" + dependant.name() + "' is locked out from when the proxy runs again (it is "
                    + now.map(r -> r.state().name().toLowerCase(java.util.Locale.ROOT)).orElse("not provisioned")
                    + ")");
            return;
        }
        monitor.progress(40, "answering the routes of '" + dependant.name() + "' with the maintenance page");
        RuntimeInfo r = reload(provider);
        awaitNoneInFlight(provider, r, "'" + dependant.name() + "'", m -> routeInFlight(m, dependant.name()), monitor);
        monitor.progress(100, "'" + dependant.name() + "' is locked out: its routes answer the maintenance page");
    }

    /**
     * Lifts the lockout (see the class comment); nothing to do for a dependant that is not locked out. Once the proxy
     * forwards the route again, this waits a little ({@link #HEALTHY_AFTER_MAINTENANCE}) for its health checks to find
     * one of the route's backends healthy, so that the first requests do not get a 503 for want of one (which they
     * would after backends were restarted on the same ports); it returns all the same, saying so, when none is.
     */
    @Override
    public void endMaintenance(ServiceContext provider, Dependant dependant, TaskMonitor monitor)
            throws SmeException {
        String key = "route." + dependant.name() + ".";
        synchronized (this) {
            Path file = routesFile(provider);
            if (!Files.exists(file)) {
                monitor.progress(100, "'" + dependant.name() + "' has no route: nothing to open");
                return;
            }
            Properties routes = readRoutes(file);
            if (routes.remove(key + "maintenance") == null) {
                monitor.progress(100, "'" + dependant.name() + "' was not locked out");
                return;
            }
            if (routes.getProperty(key + "backends") == null) {
                // the route was made only for the lockout: the dependant was never associated
                routes.stringPropertyNames().stream().filter(k -> k.startsWith(key)).forEach(routes::remove);
            }
            writeRoutes(file, routes);
        }
        Optional<RuntimeInfo> now = provider.runtimes().status(RUNTIME);
        if (now.isEmpty() || now.get().state() != RuntimeState.RUNNING) {
            monitor.progress(100, "'" + dependant.name() + "' is open again from when the proxy runs again");
            return;
        }
        RuntimeInfo r = reload(provider);
        monitor.progress(60, "forwarding the routes of '" + dependant.name() + "' again");
        long deadline = System.nanoTime() + HEALTHY_AFTER_MAINTENANCE.toNanos();
        String last = "";
        while (true) {
            try {
                Properties m = admin.metrics(r);
                long backends = (long) number(m, key + "backends");
                long healthy = (long) number(m, key + "backends.healthy");
                if (backends == 0 || healthy > 0) {
                    monitor.progress(100, "'" + dependant.name() + "' is open again: " + healthy + "/" + backends
                            + " backends healthy");
                    return;
                }
                last = "none of its " + backends + " backends is healthy yet";
            } catch (IOException e) {
                last = "the proxy does not tell its backends' health (" + e.getMessage() + ")";
            }
            if (monitor.isCancelled() || System.nanoTime() >= deadline) {
                monitor.progress(100, "'" + dependant.name() + "' is open again; " + last);
                return;
            }
            EngineSupport.pause(50);
        }
    }

    /** @return requests in flight to a route's backends, and to backends reloads took out of it */
    static long routeInFlight(Properties metrics, String route) {
        long inFlight = (long) number(metrics, "route." + route + ".inflight");
        long listed = (long) number(metrics, "draining");
        for (long i = 0; i < listed; i++) {
            String prefix = "draining." + i + ".";
            if (route.equals(metrics.getProperty(prefix + "route"))) {
                inFlight += (long) number(metrics, prefix + "inflight");
            }
        }
        return inFlight;
    }

    // ------------------------------------------------------------------ backup and restore

    /** Checks that the service has routes to back up or restore into; see the class comment. */
    @Override
    public void lock(ServiceContext service, TaskMonitor monitor) throws SmeException {
        if (!Files.exists(routesFile(service))) {
            throw new SmeException("'" + service.name() + "' has no routes file at " + routesFile(service)
                    + "; it was never provisioned or its files were deleted");
        }
        monitor.progress(100, "nothing to pause: its routes only change through the platform");
    }

    @Override
    public void backup(ServiceContext service, ArtifactSink sink, TaskMonitor monitor) throws SmeException {
        try {
            synchronized (this) {
                sink.add(ARTIFACT_ROUTES, routesFile(service));
            }
        } catch (IOException e) {
            throw SmeException.transientFailure("cannot back up the routes of '" + service.name() + "': "
                    + e.getMessage(), e);
        }
        monitor.progress(100, "backed up " + routeNames(readRoutes(routesFile(service))).size() + " route(s)");
    }

    @Override
    public void unlock(ServiceContext service, TaskMonitor monitor) {
        monitor.progress(100, "nothing to resume");
    }

    @Override
    public void restore(ServiceContext service, ArtifactSource source, TaskMonitor monitor) throws SmeException {
        Origin origin = source.origin();
        String of = "the backup of '" + origin.name() + "' (" + origin.account() + ", taken " + origin.takenAt() + ")";
        if (!source.names().contains(ARTIFACT_ROUTES)) {
            throw new SmeException(of + " holds no routes (" + ARTIFACT_ROUTES + "): it was not written by this web "
                    + "tier engine");
        }
        Properties backup = new Properties();
        try (InputStream in = source.open(ARTIFACT_ROUTES)) {
            backup.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            throw new SmeException("cannot read the routes of " + of + ": " + e.getMessage());
        }
        String wanted = backup.getProperty("default", "");
        String outcome;
        synchronized (this) {
            Path file = routesFile(service);
            Properties routes = readRoutes(file);
            if (wanted.isEmpty()) {
                service.properties().remove(PROP_RESTORED_DEFAULT);
                outcome = "the backup had no default route";
            } else if (routeNames(routes).contains(wanted)) {
                service.properties().remove(PROP_RESTORED_DEFAULT);
                if (!wanted.equals(routes.getProperty("default"))) {
                    routes.setProperty("default", wanted);
                    writeRoutes(file, routes);
                }
                outcome = "the default route is '" + wanted + "' again";
            } else {
                service.properties().put(PROP_RESTORED_DEFAULT, wanted);
                outcome = "'" + wanted + "' becomes the default route if a service of that name is associated";
            }
        }
        monitor.progress(50, "kept the routes of its own associations; " + outcome);
        Optional<RuntimeInfo> r = service.runtimes().status(RUNTIME);
        if (r.isPresent() && r.get().state() == RuntimeState.RUNNING) {
            reload(service);
        } else {
            installRuntime(service);
            launchAndWait(service, monitor);
        }
        monitor.progress(100, "restored from " + of);
    }

    // ------------------------------------------------------------------ metrics

    /**
     * Samples the web tier itself (what it forwards for each service is reported for that service by
     * {@link RouteMetricsGatherer}): {@value #M_ROUTES} (routes served), {@value #M_REFUSED} (routes of the file left
     * out), {@value #M_BACKENDS} and {@value #M_HEALTHY} (backends over all routes, and the healthy ones),
     * {@value #M_INFLIGHT} (requests being forwarded).
     */
    @Override
    public Map<String, Double> sample(ServiceContext service) throws SmeException {
        RuntimeInfo r = service.runtimes().status(RUNTIME).orElseThrow(() ->
                new SmeException("'" + service.name() + "' has no proxy"));
        if (r.state() != RuntimeState.RUNNING) {
            throw SmeException.transientFailure("the proxy of '" + service.name() + "' is " + r.state(), null);
        }
        Properties m;
        try {
            m = admin.metrics(r);
        } catch (IOException e) {
            throw SmeException.transientFailure("cannot read the metrics of '" + service.name() + "': "
                    + e.getMessage(), e);
        }
        double backends = 0;
        double healthy = 0;
        double inflight = 0;
        TreeSet<String> routes = routeNames(m);
        for (String name : routes) {
            backends += number(m, "route." + name + ".backends");
            healthy += number(m, "route." + name + ".backends.healthy");
            inflight += number(m, "route." + name + ".inflight");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put(M_ROUTES, (double) routes.size());
        out.put(M_REFUSED, (double) m.stringPropertyNames().stream().filter(k -> k.startsWith("refused.")).count());
        out.put(M_BACKENDS, backends);
        out.put(M_HEALTHY, healthy);
        out.put(M_INFLIGHT, inflight);
        return out;
    }

    private static double number(Properties m, String key) {
        try {
            return Double.parseDouble(m.getProperty(key, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    // ------------------------------------------------------------------ helpers

    private void launchAndWait(ServiceContext service, TaskMonitor monitor) throws SmeException {
        RuntimeSpec spec = RuntimeSpec.builder(RUNTIME)
                .command(EngineSupport.javaExecutable(), "-Xmx" + service.configuration().getOrDefault("heapMb", "64") + "m",
                        // the full JIT (C1, then C2), not -XX:TieredStopAtLevel=1: that starts a short-lived JVM
                        // faster, but a proxy lives long and is all hot code, and C1 alone costs it a third of its
                        // throughput
                        "-XX:+UseSerialGC", "-cp", service.dataDirectory().resolve("lib") + "/*", MAIN,
                        "--port", "${port." + PORT + "}", "--admin-port", "${port." + ADMIN + "}",
                        "--routes", routesFile(service).toString(),
                        "--health-interval-ms", service.configuration().getOrDefault("healthIntervalMs", "1000"))
                .port(PORT)
                .port(ADMIN)
                .build();
        monitor.progress(20, "starting the proxy");
        RuntimeInfo r;
        try {
            r = service.runtimes().launch(spec);
        } catch (RuntimeLaunchException e) {
            throw SmeException.transientFailure(e.getMessage(), e);
        }
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        long pause = 50;
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (monitor.isCancelled()) {
                throw new SmeException("cancelled while waiting for the proxy of '" + service.name() + "'");
            }
            try {
                if (admin.get(r, "/health").statusCode() == 200) {
                    monitor.progress(100, "the proxy answers on 127.0.0.1:" + r.port(PORT));
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            Optional<RuntimeInfo> now = service.runtimes().status(RUNTIME);
            if (now.isPresent() && now.get().state() == RuntimeState.FAILED) {
                throw new SmeException("the proxy of '" + service.name() + "' failed: " + now.get().message());
            }
            monitor.progress(40, "waiting for the proxy to answer");
            EngineSupport.pause(pause);
            pause = Math.min(pause * 2, 500);
        }
        throw SmeException.transientFailure("the proxy of '" + service.name() + "' did not answer within "
                + READY_TIMEOUT.toSeconds() + " s" + (last == null ? "" : ": " + last.getMessage()) + " (log: "
                + r.logFile() + ")", last);
    }

    /** Tells a running proxy to read its routes now (it also notices changes by itself). */
    private RuntimeInfo reload(ServiceContext service) throws SmeException {
        RuntimeInfo r = service.runtimes().status(RUNTIME).orElseThrow(() ->
                new SmeException("'" + service.name() + "' has no proxy"));
        if (r.state() != RuntimeState.RUNNING) {
            throw SmeException.transientFailure("the proxy of '" + service.name() + "' is " + r.state(), null);
        }
        try {
            HttpResponse<String> response = admin.post(r, "/reload", RELOAD_TIMEOUT);
            if (response.statusCode() != 200) {
                throw SmeException.transientFailure("the proxy of '" + service.name() + "' refused to reload: "
                        + response.body(), null);
            }
        } catch (IOException e) {
            throw SmeException.transientFailure("cannot reach the proxy of '" + service.name() + "': "
                    + e.getMessage(), e);
        }
        return r;
    }

    /** @return the names of the routes in a routes file or a proxy's metrics */
    static TreeSet<String> routeNames(Properties p) {
        TreeSet<String> names = new TreeSet<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("route.") && key.endsWith(".hosts")) {
                names.add(key.substring(6, key.length() - 6));
            }
        }
        return names;
    }

    private static Path routesFile(ServiceContext service) {
        return service.dataDirectory().resolve("routes.properties");
    }

    private static Properties readRoutes(Path file) throws SmeException {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw SmeException.transientFailure("cannot read the routes " + file + ": " + e.getMessage(), e);
            }
        }
        return p;
    }

    /**
     * Writes the routes atomically (the proxy never reads half a file), as a file of the data directory's owner
     * (the proxy's own user when runtimes are isolated, so it can read the routes it is told to reload).
     */
    private static void writeRoutes(Path file, Properties routes) throws SmeException {
        try {
            StringWriter w = new StringWriter();
            routes.store(w, "Routes of this web tier, written by Stratum");
            EngineSupport.copyAtomically(new ByteArrayInputStream(w.toString().getBytes(StandardCharsets.UTF_8)), file);
        } catch (IOException e) {
            throw SmeException.transientFailure("cannot write the routes " + file + ": " + e.getMessage(), e);
        }
    }

    /** Copies the proxy's jars, embedded in this bundle, next to the service's data. */
    private void installRuntime(ServiceContext service) throws SmeException {
        EngineSupport.installJars(runtimeJars.get(), service.dataDirectory().resolve("lib"), "the proxy's jars");
    }
}
