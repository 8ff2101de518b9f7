package io.stratum.sme.appserver;

import io.stratum.sme.api.BackupEngine;
import io.stratum.sme.api.Binding;
import io.stratum.sme.api.ConfigurationChecker;
import io.stratum.sme.api.ConnectionInfo;
import io.stratum.sme.api.DependantEngine;
import io.stratum.sme.api.HealthState;
import io.stratum.sme.api.RollingEngine;
import io.stratum.sme.api.ScalableEngine;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.ServiceHealth;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.SmeException;
import io.stratum.sme.api.TaskMonitor;
import io.stratum.sme.api.UpdateEngine;
import io.stratum.sme.api.runtime.RuntimeInfo;
import io.stratum.sme.api.runtime.RuntimeLaunchException;
import io.stratum.sme.api.runtime.RuntimeSpec;
import io.stratum.sme.api.runtime.RuntimeState;
import io.stratum.sme.support.EngineSupport;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine of service type {@code appserver}: each service runs instances {@code i1..iN}, each an embedded
 * Apache Tomcat process serving the service's WAR on its own port on 127.0.0.1. Providers' bindings reach the
 * instances as environment variables ({@code DATABASE_URL}, {@code DATABASE_USER}, ...), and the instances'
 * URLs reach a web tier through {@link DependantEngine#parameters}. Health is an HTTP request to every instance.
 * <p>
 * The WAR and the runtime's jars are copied into the service's data directory at provisioning, so a service
 * neither depends on the original file nor on this bundle staying installed.
 *
 * <h2>Backup and restore</h2>
 * A service's state, beyond what its configuration says, is the application it serves (its copy of the WAR, which may
 * differ from the file the configuration names, since that file may have changed or gone since) and the number of
 * instances it runs (changed by scaling). Its contextPath and healthPath are configuration, which the platform
 * keeps; a clone is created with the source's. So:
 * <ul>
 * <li>{@link #lock} and {@link #unlock} change nothing: the deployed application and the instance count only change
 * through this engine's calls, which the platform does not make while it backs the service up, and requests keep
 * being served (writes to a locked database wait there).</li>
 * <li>{@link #backup} writes the deployed application ({@value #ARTIFACT_APPLICATION}) and the settings the service
 * runs with ({@value #ARTIFACT_SETTINGS}: {@code instances}, and for the record {@code contextPath} and
 * {@code healthPath}).</li>
 * <li>{@link #restore} checks that the backup's application is a web application, stops the instances, puts it in
 * place of the service's, forgets what the instances had unpacked, and starts the instances again (as many as the
 * service runs now, with its own bindings: a clone's instances reach the clone's database). It does not change the
 * instance count, which the platform owns (it checks it against the account's quota and tells the web tier): a
 * clone is created with the backup's count (the {@code instances} of the configuration the backup recorded, also
 * in {@value #ARTIFACT_SETTINGS}), and after a restore in place the platform scales the service to that count.</li>
 * </ul>
 *
 * <h2>Updates</h2>
 * Every configuration change restarts the instances ({@link #liveSettings} is empty), and no SDP version has data to
 * migrate ({@link #upgrade} returns at once). A service with several instances is updated one instance at a time
 * ({@link RollingEngine}): {@link #drain} takes an instance out of what {@link #parameters} reports to the web tier
 * (service property {@value #PROP_DRAINED}), {@link #replace} restarts it with the current configuration (same name;
 * its port may change) and, once it answers HTTP, reports it again. A start of the service reports every instance
 * again.
 */
@Component(service = ServiceManagementEngine.class, property = ServiceManagementEngine.SERVICE_TYPE + "=appserver")
public final class AppServerEngine implements ServiceManagementEngine, ScalableEngine, DependantEngine,
        ConfigurationChecker, BackupEngine, UpdateEngine, RollingEngine {

    static final String PORT = "http";
    /** Service property: the number of instances the service is meant to run. */
    static final String PROP_INSTANCES = "instances";
    /** Service property: instances that leave at the next retire (comma-separated runtime names). */
    static final String PROP_LEAVING = "leaving";
    /** Service property: instances drained for a rolling update, not reported to providers (comma-separated). */
    static final String PROP_DRAINED = "drained";
    /** Backup artifact: the deployed application. */
    static final String ARTIFACT_APPLICATION = "app.war";
    /** Backup artifact: the settings the service ran with (properties). */
    static final String ARTIFACT_SETTINGS = "settings.properties";

    private static final Logger LOG = LoggerFactory.getLogger(AppServerEngine.class);
    private static final String MAIN = "io.stratum.sme.appserver.launcher.AppServerMain";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    /** Longest an HTTP check of an instance may take, connecting included. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Supplier<List<URL>> runtimeJars;

    /**
     * @param context this SDP bundle's context: the instances' jars are in it
     */
    @Activate
    public AppServerEngine(BundleContext context) {
        this(() -> EngineSupport.bundledJars(context.getBundle(), "runtime"));
    }

    /**
     * @param runtimeJars the jars its processes run (for tests outside OSGi)
     */
    public AppServerEngine(Supplier<List<URL>> runtimeJars) {
        this.runtimeJars = runtimeJars;
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void provision(ServiceContext service, TaskMonitor monitor) throws SmeException {
        requireValidPaths(service);
        monitor.progress(5, "installing the application");
        installWar(service);
        installRuntime(service);
        int instances = target(service);
        service.properties().put(PROP_INSTANCES, Integer.toString(instances));
        service.properties().remove(PROP_DRAINED);
        ensureInstances(service, instances, monitor);
    }

    @Override
    public void start(ServiceContext service, TaskMonitor monitor) throws SmeException {
        if (!Files.exists(war(service))) {
            throw new SmeException("the application of '" + service.name() + "' is missing from "
                    + war(service) + "; delete and recreate the service");
        }
        installRuntime(service);
        ensureInstances(service, target(service), monitor);
        service.properties().remove(PROP_DRAINED);
    }

    @Override
    public void stop(ServiceContext service, TaskMonitor monitor) {
        List<RuntimeInfo> all = service.runtimes().list();
        for (int i = 0; i < all.size(); i++) {
            monitor.progress(100 * i / Math.max(1, all.size()), "stopping instance " + all.get(i).name());
            service.runtimes().stop(all.get(i).name(), STOP_TIMEOUT);
        }
    }

    @Override
    public void unprovision(ServiceContext service, TaskMonitor monitor) throws SmeException {
        for (RuntimeInfo r : service.runtimes().list()) {
            monitor.progress(20, "removing instance " + r.name());
            service.runtimes().remove(r.name(), STOP_TIMEOUT);
        }
        monitor.progress(80, "deleting the application");
        try {
            EngineSupport.deleteRecursively(service.dataDirectory());
        } catch (IOException e) {
            throw SmeException.transientFailure("cannot delete the files of '" + service.name() + "': "
                    + e.getMessage(), e);
        }
        service.properties().remove(PROP_INSTANCES);
        service.properties().remove(PROP_LEAVING);
        service.properties().remove(PROP_DRAINED);
    }

    /** Checks every running instance over HTTP at once, so the answer takes one probe's time at most. */
    @Override
    public ServiceHealth health(ServiceContext service) {
        int target = targetQuietly(service);
        List<Optional<RuntimeInfo>> status = new ArrayList<>();
        List<CompletableFuture<Optional<String>>> probes = new ArrayList<>();
        for (int i = 1; i <= target; i++) {
            Optional<RuntimeInfo> r = service.runtimes().status(instance(i));
            status.add(r);
            probes.add(r.isPresent() && r.get().state() == RuntimeState.RUNNING ? probe(service, r.get()) : null);
        }
        List<String> problems = new ArrayList<>();
        int healthy = 0;
        boolean starting = false;
        boolean stopped = true;
        for (int i = 1; i <= target; i++) {
            Optional<RuntimeInfo> r = status.get(i - 1);
            if (r.isEmpty()) {
                problems.add(instance(i) + " is missing");
                continue;
            }
            RuntimeState state = r.get().state();
            stopped &= state == RuntimeState.STOPPED;
            if (state == RuntimeState.STARTING || state == RuntimeState.RESTARTING) {
                starting = true;
                problems.add(instance(i) + " is " + state.name().toLowerCase(Locale.ROOT));
            } else if (state != RuntimeState.RUNNING) {
                problems.add(instance(i) + " is " + state.name().toLowerCase(Locale.ROOT)
                        + (r.get().message().isEmpty() ? "" : " (" + r.get().message() + ")"));
            } else {
                Optional<String> problem = probes.get(i - 1).join();
                if (problem.isEmpty()) {
                    healthy++;
                } else {
                    problems.add(instance(i) + ": " + problem.get());
                    starting |= r.get().startedAt() != null
                            && r.get().startedAt().isAfter(Instant.now().minusSeconds(30));
                }
            }
        }
        if (stopped && target > 0) {
            return ServiceHealth.of(HealthState.STOPPED, "its instances are stopped");
        }
        String summary = healthy + "/" + target + " instances answer HTTP";
        if (healthy == target) {
            return ServiceHealth.healthy(summary);
        }
        return ServiceHealth.of(starting ? HealthState.STARTING : HealthState.UNHEALTHY,
                summary + "; " + String.join("; ", problems));
    }

    @Override
    public ConnectionInfo connectionInfo(ServiceContext service) throws SmeException {
        Map<String, String> props = new LinkedHashMap<>();
        Set<String> drained = names(service, PROP_DRAINED);
        for (RuntimeInfo r : instanceRuntimes(service)) {
            props.put("instance " + r.name(), url(service, r) + (drained.contains(r.name()) ? " (drained)" : ""));
        }
        if (props.isEmpty()) {
            throw new SmeException("'" + service.name() + "' has no instances");
        }
        Optional<Binding> webtier = service.bindings().stream().filter(b -> b.providerType().equals("webtier"))
                .findFirst();
        String url = webtier.map(b -> b.credentials().get("url")).orElse(props.values().iterator().next());
        webtier.ifPresent(b -> props.put("route", b.credentials().getOrDefault("host", "")));
        service.bindings().forEach(b -> props.put("provider " + b.providerType(),
                b.credentials().getOrDefault("url", b.providerServiceId())));
        return new ConnectionInfo(url, null, null, props);
    }

    // ------------------------------------------------------------------ scaling

    @Override
    public int instances(ServiceContext service) {
        return targetQuietly(service);
    }

    @Override
    public void scale(ServiceContext service, int instances, TaskMonitor monitor) throws SmeException {
        if (instances < 1) {
            throw new SmeException("a service needs at least one instance");
        }
        installRuntime(service);
        service.properties().put(PROP_INSTANCES, Integer.toString(instances));
        ensureInstances(service, instances, monitor);
        Set<String> leaving = new LinkedHashSet<>(leaving(service));
        for (RuntimeInfo r : service.runtimes().list()) {
            if (index(r.name()) > instances) {
                leaving.add(r.name());
            }
        }
        leaving.removeIf(name -> index(name) <= instances);
        if (leaving.isEmpty()) {
            service.properties().remove(PROP_LEAVING);
        } else {
            service.properties().put(PROP_LEAVING, String.join(",", leaving));
            monitor.progress(100, "instance(s) " + String.join(", ", leaving) + " leaving: no new requests are "
                    + "sent to them, and they are removed once the ones they have are done");
        }
    }

    @Override
    public void retire(ServiceContext service, TaskMonitor monitor) {
        for (String name : leaving(service)) {
            monitor.progress(50, "removing instance " + name);
            service.runtimes().remove(name, STOP_TIMEOUT);
        }
        service.properties().remove(PROP_LEAVING);
    }

    // ------------------------------------------------------------------ backup and restore

    /** Checks that the service has an application to back up or restore into; see the class comment. */
    @Override
    public void lock(ServiceContext service, TaskMonitor monitor) throws SmeException {
        if (!Files.exists(war(service))) {
            throw new SmeException("'" + service.name() + "' has no deployed application at " + war(service)
                    + "; it was never provisioned or its files were deleted");
        }
        monitor.progress(100, "nothing to pause: the application only changes through the platform");
    }

    @Override
    public void backup(ServiceContext service, ArtifactSink sink, TaskMonitor monitor) throws SmeException {
        monitor.progress(10, "copying the deployed application");
        Properties settings = new Properties();
        settings.setProperty("instances", Integer.toString(target(service)));
        settings.setProperty("contextPath", contextPath(service));
        settings.setProperty("healthPath", healthPath(service));
        try {
            sink.add(ARTIFACT_APPLICATION, war(service));
            try (OutputStream out = sink.create(ARTIFACT_SETTINGS)) {
                settings.store(new OutputStreamWriter(out, StandardCharsets.UTF_8), "Settings of app server '"
                        + service.name() + "' when it was backed up");
            }
        } catch (IOException e) {
            throw SmeException.transientFailure("cannot back up the application of '" + service.name() + "': "
                    + e.getMessage(), e);
        }
        monitor.progress(100, "backed up the application and " + target(service) + " instance(s)");
    }

    @Override
    public void unlock(ServiceContext service, TaskMonitor monitor) {
        monitor.progress(100, "nothing to resume");
    }

    @Override
    public void restore(ServiceContext service, ArtifactSource source, TaskMonitor monitor) throws SmeException {
        Origin origin = source.origin();
        String of = "the backup of '" + origin.name() + "' (" + origin.account() + ", taken " + origin.takenAt() + ")";
        if (!source.names().contains(ARTIFACT_APPLICATION)) {
            throw new SmeException(of + " holds no application (" + ARTIFACT_APPLICATION + "): it was not written by "
                    + "this app server engine");
        }
        requireValidPaths(service);
        Path staged = service.dataDirectory().resolve(ARTIFACT_APPLICATION + ".restoring");
        try {
            monitor.progress(5, "copying the backup's application");
            try (InputStream in = source.open(ARTIFACT_APPLICATION)) {
                EngineSupport.copyAtomically(in, staged);
            }
            if (!isWebApplication(staged)) {
                throw new SmeException("the application in " + of + " is not a web application archive (a ZIP file "
                        + "with a WEB-INF/ folder)");
            }
            if (source.names().contains(ARTIFACT_SETTINGS)) {
                reportSettings(service, of, source, monitor);
            }
            List<RuntimeInfo> all = service.runtimes().list();
            for (int i = 0; i < all.size(); i++) {
                monitor.progress(20 + 20 * i / Math.max(1, all.size()), "stopping instance " + all.get(i).name());
                service.runtimes().stop(all.get(i).name(), STOP_TIMEOUT);
            }
            Files.move(staged, war(service), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            for (RuntimeInfo r : all) {
                // Tomcat unpacked the old application into the instance's base; it must unpack the restored one
                EngineSupport.deleteRecursively(r.workingDirectory().resolve("webapps"));
                EngineSupport.deleteRecursively(r.workingDirectory().resolve("work"));
            }
        } catch (IOException e) {
            throw SmeException.transientFailure("cannot put the application of " + of + " in place of that of '"
                    + service.name() + "': " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(staged);
            } catch (IOException e) {
                LOG.warn("Cannot delete {}: {}", staged, e.getMessage());
            }
        }
        installRuntime(service);
        ensureInstances(service, target(service), monitor);
        LOG.info("App server '{}' restored from {}: {} instance(s) serve its application", service.name(), of,
                target(service));
    }

    /** Says where the backup's settings differ from what the service runs with (the service keeps its own). */
    private static void reportSettings(ServiceContext service, String of, ArtifactSource source, TaskMonitor monitor)
            throws IOException, SmeException {
        Properties backup = new Properties();
        try (InputStream in = source.open(ARTIFACT_SETTINGS)) {
            backup.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        List<String> differences = new ArrayList<>();
        Map<String, String> now = Map.of("instances", Integer.toString(target(service)), "contextPath",
                contextPath(service), "healthPath", healthPath(service));
        now.forEach((key, value) -> {
            String then = backup.getProperty(key);
            if (then != null && !then.equals(value)) {
                differences.add(key + " " + then + " in the backup, " + value + " here");
            }
        });
        if (!differences.isEmpty()) {
            String text = "'" + service.name() + "' keeps its own settings, which differ from " + of + ": "
                    + String.join(", ", differences);
            LOG.info("App server {}", text);
            monitor.progress(15, text);
        }
    }

    // ------------------------------------------------------------------ providers

    /**
     * Before anything is created: the WAR the configuration names is a file, and {@code contextPath} and
     * {@code healthPath} are plain paths on the instance ({@link PathSettings}).
     */
    @Override
    public List<String> check(String serviceName, Map<String, String> configuration) {
        return Stream.of(warProblem(configuration.get("war")), pathProblem(configuration, "contextPath"),
                pathProblem(configuration, "healthPath")).flatMap(Optional::stream).toList();
    }

    private static Optional<String> pathProblem(Map<String, String> configuration, String key) {
        return PathSettings.problem(key, configuration.get(key));
    }

    /** Refuses a service whose paths are not plain paths, before anything is launched. */
    private static void requireValidPaths(ServiceContext service) throws SmeException {
        Map<String, String> configuration = service.configuration();
        List<String> problems = Stream.of(pathProblem(configuration, "contextPath"),
                pathProblem(configuration, "healthPath")).flatMap(Optional::stream).toList();
        if (!problems.isEmpty()) {
            throw new SmeException("'" + service.name() + "': " + String.join("; ", problems));
        }
    }

    @Override
    public Map<String, String> parameters(ServiceContext service, String providerType) {
        if (!providerType.equals("webtier")) {
            return Map.of();
        }
        Set<String> leaving = leaving(service);
        Set<String> drained = names(service, PROP_DRAINED);
        String backends = instanceRuntimes(service).stream()
                .filter(r -> !leaving.contains(r.name()) && !drained.contains(r.name())
                        && index(r.name()) <= targetQuietly(service))
                .map(r -> "http://127.0.0.1:" + r.port(PORT))
                .collect(Collectors.joining(","));
        Map<String, String> params = new LinkedHashMap<>();
        params.put("backends", backends);
        String context = contextPath(service);
        params.put("healthPath", (context.endsWith("/") ? context.substring(0, context.length() - 1) : context)
                + healthPath(service));
        return params;
    }

    // ------------------------------------------------------------------ updates

    /** @return none: a change of any setting restarts the instances (see the class comment) */
    @Override
    public Set<String> liveSettings(ServiceContext service) {
        return Set.of();
    }

    /** Nothing changes live (see {@link #liveSettings}); this is only called with no changed key. */
    @Override
    public void reconfigure(ServiceContext service, Map<String, String> before, TaskMonitor monitor) {
        monitor.progress(100, before.isEmpty() ? "nothing to apply" : "nothing applies without a restart: "
                + String.join(", ", before.keySet()) + " take effect when the instances restart");
    }

    /** Nothing to migrate: an app server keeps no data of its own beyond the application it serves. */
    @Override
    public void upgrade(ServiceContext service, String fromVersion, TaskMonitor monitor) {
        monitor.progress(100, "nothing to migrate from " + fromVersion);
    }

    /** @return the instances the service is meant to run ({@code i1..iN}, not those leaving), in that order */
    @Override
    public List<String> instanceNames(ServiceContext service) {
        int target = targetQuietly(service);
        Set<String> leaving = leaving(service);
        return instanceRuntimes(service).stream().map(RuntimeInfo::name)
                .filter(name -> index(name) <= target && !leaving.contains(name)).toList();
    }

    @Override
    public void drain(ServiceContext service, String instance) throws SmeException {
        requireInstance(service, instance);
        Set<String> drained = names(service, PROP_DRAINED);
        if (drained.add(instance)) {
            service.properties().put(PROP_DRAINED, String.join(",", drained));
            LOG.info("App server '{}': instance {} drained, no longer reported to its providers", service.name(),
                    instance);
        }
    }

    /**
     * Stops the instance, launches it again with the service's current configuration and bindings, waits until it
     * answers HTTP, and reports it to providers again. If it does not answer, it stays drained (the others keep
     * serving) and this fails saying why.
     */
    @Override
    public void replace(ServiceContext service, String instance, TaskMonitor monitor) throws SmeException {
        requireInstance(service, instance);
        requireValidPaths(service);
        installRuntime(service);
        monitor.progress(10, "stopping instance " + instance);
        service.runtimes().stop(instance, STOP_TIMEOUT);
        monitor.progress(30, "starting instance " + instance + " with the new configuration");
        RuntimeInfo r;
        try {
            r = service.runtimes().launch(spec(service, index(instance), environment(service)));
        } catch (RuntimeLaunchException e) {
            throw SmeException.transientFailure(e.getMessage(), e);
        }
        monitor.progress(50, "waiting for instance " + instance + " to answer HTTP");
        awaitHealthy(service, r, System.nanoTime() + READY_TIMEOUT.toNanos(), monitor);
        Set<String> drained = names(service, PROP_DRAINED);
        if (drained.remove(instance)) {
            if (drained.isEmpty()) {
                service.properties().remove(PROP_DRAINED);
            } else {
                service.properties().put(PROP_DRAINED, String.join(",", drained));
            }
        }
        monitor.progress(100, "instance " + instance + " answers HTTP on 127.0.0.1:" + r.port(PORT)
                + " with the new configuration");
    }

    private void requireInstance(ServiceContext service, String instance) throws SmeException {
        List<String> names = instanceNames(service);
        if (!names.contains(instance)) {
            throw new SmeException("'" + service.name() + "' has no instance '" + instance + "'"
                    + (names.isEmpty() ? "" : "; its instances are " + String.join(", ", names)));
        }
    }

    // ------------------------------------------------------------------ instances

    /**
     * Launches instances 1..n that are not running and waits until all of them answer HTTP. Progress names only the
     * instances it starts: those already running (or being restarted by the platform) are left as they are.
     */
    private void ensureInstances(ServiceContext service, int n, TaskMonitor monitor) throws SmeException {
        requireValidPaths(service);
        Map<String, String> env = environment(service);
        List<RuntimeInfo> launched = new ArrayList<>();
        Set<String> started = new LinkedHashSet<>();
        for (int i = 1; i <= n; i++) {
            if (monitor.isCancelled()) {
                throw new SmeException("cancelled before instance " + instance(i) + " was started");
            }
            RuntimeState before = service.runtimes().status(instance(i)).map(RuntimeInfo::state).orElse(null);
            if (before != RuntimeState.RUNNING && before != RuntimeState.STARTING
                    && before != RuntimeState.RESTARTING) {
                started.add(instance(i));
                monitor.progress(10 + 20 * i / n, "starting instance " + instance(i));
            }
            try {
                launched.add(service.runtimes().launch(spec(service, i, env)));
            } catch (RuntimeLaunchException e) {
                throw SmeException.transientFailure(e.getMessage(), e);
            }
        }
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        for (int k = 0; k < launched.size(); k++) {
            RuntimeInfo r = launched.get(k);
            if (started.contains(r.name())) {
                monitor.progress(30 + 70 * k / launched.size(), "waiting for instance " + r.name()
                        + " to answer HTTP");
            }
            awaitHealthy(service, r, deadline, monitor);
        }
        monitor.progress(100, n + " instance(s) answer HTTP" + (started.isEmpty() ? ""
                : " (started " + String.join(", ", started) + ")"));
    }

    /** @return how instance {@code i} runs: the service's current configuration, with that environment */
    private RuntimeSpec spec(ServiceContext service, int i, Map<String, String> env) {
        RuntimeSpec.Builder spec = RuntimeSpec.builder(instance(i))
                .command(EngineSupport.javaExecutable(), "-Xmx" + config(service, "heapMb", "128") + "m",
                        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                        service.dataDirectory().resolve("lib") + "/*", MAIN,
                        "--port", "${port." + PORT + "}", "--war", war(service).toString(),
                        "--base", "${workdir}", "--context", contextPath(service), "--instance", instance(i),
                        "--max-threads", config(service, "maxThreads", "200"))
                .port(PORT)
                .env("STRATUM_INSTANCE", instance(i));
        env.forEach(spec::env);
        return spec.build();
    }

    private void awaitHealthy(ServiceContext service, RuntimeInfo launched, long deadline, TaskMonitor monitor)
            throws SmeException {
        long pause = 50;
        Optional<String> problem = Optional.of("not checked yet");
        while (System.nanoTime() < deadline) {
            if (monitor.isCancelled()) {
                throw new SmeException("cancelled while waiting for instance " + launched.name());
            }
            Optional<RuntimeInfo> now = service.runtimes().status(launched.name());
            if (now.isPresent() && now.get().state() == RuntimeState.FAILED) {
                throw new SmeException("instance " + launched.name() + " of '" + service.name() + "' failed: "
                        + now.get().message() + " (log: " + now.get().logFile() + ")");
            }
            problem = check(service, now.orElse(launched));
            if (problem.isEmpty()) {
                return;
            }
            EngineSupport.pause(pause);
            pause = Math.min(pause * 2, 500);
        }
        throw SmeException.transientFailure("instance " + launched.name() + " of '" + service.name() + "' did not "
                + "answer HTTP within " + READY_TIMEOUT.toSeconds() + " s: " + problem.orElse("") + " (log: "
                + launched.logFile() + ")", null);
    }

    /** @return what is wrong with an instance, or empty if it answers HTTP below 500; see {@link #probe} */
    private Optional<String> check(ServiceContext service, RuntimeInfo r) {
        return probe(service, r).join();
    }

    /**
     * Asks an instance over HTTP, within {@link #PROBE_TIMEOUT} in all (connecting, headers and body: a stopped
     * process that accepts connections but never answers cannot hold the caller longer).
     *
     * @return completes (never exceptionally) with what is wrong with the instance, or empty if it answers HTTP
     *     below 500
     */
    private CompletableFuture<Optional<String>> probe(ServiceContext service, RuntimeInfo r) {
        String url = url(service, r) + healthPath(service).substring(1);
        CompletableFuture<HttpResponse<Void>> exchange;
        try {
            exchange = http.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(PROBE_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(Optional.of("cannot check " + url + ": " + e.getMessage()));
        }
        return exchange.thenApply(response -> response.statusCode() < 500 ? Optional.<String>empty()
                : Optional.of("HTTP " + response.statusCode() + " from " + url))
                .orTimeout(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(failure -> {
                    exchange.cancel(true);
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    return Optional.of(cause instanceof TimeoutException || cause instanceof HttpTimeoutException
                            ? "no answer from " + url + " within " + PROBE_TIMEOUT.toSeconds() + " s"
                            : "no answer from " + url + " (" + cause.getClass().getSimpleName() + ")");
                });
    }

    /** The environment of the instances: the bindings of the service's providers, as TYPE_KEY variables. */
    private static Map<String, String> environment(ServiceContext service) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("STRATUM_SERVICE", service.name());
        env.put("STRATUM_ACCOUNT", service.account());
        for (Binding b : service.bindings()) {
            b.credentials().forEach((key, value) -> env.put(variable(b.providerType()) + "_" + variable(key), value));
        }
        return env;
    }

    private static String variable(String name) {
        return name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static List<RuntimeInfo> instanceRuntimes(ServiceContext service) {
        return service.runtimes().list().stream().filter(r -> r.name().matches("i\\d+"))
                .sorted((a, b) -> Integer.compare(index(a.name()), index(b.name()))).toList();
    }

    private static String instance(int i) {
        return "i" + i;
    }

    private static int index(String runtimeName) {
        try {
            return Integer.parseInt(runtimeName.substring(1));
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static Set<String> leaving(ServiceContext service) {
        return names(service, PROP_LEAVING);
    }

    /** @return the runtime names a service property lists, comma-separated */
    private static Set<String> names(ServiceContext service, String property) {
        return service.properties().get(property)
                .map(v -> Stream.of(v.split(",")).filter(s -> !s.isBlank()).collect(Collectors.toCollection(
                        LinkedHashSet::new)))
                .orElseGet(LinkedHashSet::new);
    }

    private static int target(ServiceContext service) throws SmeException {
        String value = service.properties().get(PROP_INSTANCES).orElse(config(service, "instances", "1"));
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new SmeException("'" + service.name() + "' has an invalid instance count: " + value);
        }
    }

    private static int targetQuietly(ServiceContext service) {
        try {
            return target(service);
        } catch (SmeException e) {
            return 1;
        }
    }

    private static String url(ServiceContext service, RuntimeInfo r) {
        String context = contextPath(service);
        return "http://127.0.0.1:" + r.port(PORT) + (context.endsWith("/") ? context : context + "/");
    }

    private static String contextPath(ServiceContext service) {
        return PathSettings.normalized(service.configuration().get("contextPath"));
    }

    private static String healthPath(ServiceContext service) {
        return PathSettings.normalized(service.configuration().get("healthPath"));
    }

    private static String config(ServiceContext service, String key, String otherwise) {
        String v = service.configuration().get(key);
        return v == null || v.isBlank() ? otherwise : v;
    }

    private static Path war(ServiceContext service) {
        return service.dataDirectory().resolve("app.war");
    }

    /** Copies the WAR named in the configuration next to the service's data (once). */
    private static void installWar(ServiceContext service) throws SmeException {
        Path target = war(service);
        if (Files.exists(target)) {
            return;
        }
        String source = service.configuration().get("war");
        Optional<String> problem = warProblem(source);
        if (problem.isPresent()) {
            throw new SmeException(problem.get());
        }
        try (InputStream in = Files.newInputStream(warPath(source))) {
            EngineSupport.copyAtomically(in, target);
        } catch (IOException e) {
            throw SmeException.transientFailure("cannot copy the application " + source + ": " + e.getMessage(), e);
        }
    }

    /** @return what is wrong with the configuration's {@code war}, if anything */
    private static Optional<String> warProblem(String source) {
        if (source == null || source.isBlank()) {
            return Optional.of("configuration 'war' is required: the path of the application's WAR file "
                    + "(--config war=/path/to/app.war)");
        }
        Path path;
        try {
            path = warPath(source);
        } catch (IllegalArgumentException e) {
            return Optional.of("configuration 'war' is not a path or file: URL: '" + source + "'");
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            return Optional.of("the application '" + source + "' (configuration 'war') is not a file on the "
                    + "Stratum host, or cannot be read");
        }
        // the WAR is copied (by the platform's user) to where the service's own user reads it: only a web
        // application may go, never some other file of the host
        if (!isWebApplication(path)) {
            return Optional.of("the application '" + source + "' (configuration 'war') is not a web application "
                    + "archive: a WAR is a ZIP file with a WEB-INF/ folder");
        }
        return Optional.empty();
    }

    /** @return whether the file is a ZIP archive that holds a {@code WEB-INF/} entry */
    static boolean isWebApplication(Path path) {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(path.toFile())) {
            return zip.stream().anyMatch(e -> e.getName().startsWith("WEB-INF/"));
        } catch (IOException e) {
            return false;
        }
    }

    private static Path warPath(String source) {
        return source.startsWith("file:") ? Path.of(URI.create(source)) : Path.of(source);
    }

    /** Copies the launcher and Tomcat jars embedded in this bundle next to the service's data. */
    private void installRuntime(ServiceContext service) throws SmeException {
        EngineSupport.installJars(runtimeJars.get(), service.dataDirectory().resolve("lib"), "the runtime's jars");
    }
}
