package io.stratum.platform.elasticity.internal.collect;

import io.stratum.platform.api.ServiceState;
import io.stratum.platform.elasticity.internal.ElasticityConfig;
import io.stratum.platform.elasticity.internal.ElasticitySettings;
import io.stratum.platform.elasticity.internal.series.TimeSeriesStore;
import io.stratum.platform.spi.ManagedService;
import io.stratum.platform.spi.Services;
import io.stratum.sme.api.MetricsEngine;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.metrics.MetricGatherer;
import io.stratum.sme.api.metrics.MetricInfo;
import io.stratum.sme.api.metrics.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples metrics into the {@link TimeSeriesStore}. Its sources are the {@link MetricGatherer} services (whiteboard;
 * one with {@value MetricGatherer#SERVICE_TYPE} is asked only about services of that type) and the
 * {@link MetricsEngine} capabilities the SDP manager registers for SDPs' engines (with
 * {@value ServiceManagementEngine#SERVICE_TYPE} and {@value ServiceManagementEngine#SDP_VERSION}; each is sampled every
 * {@code engineInterval} for the services whose engine it is: the SDP version they were created with, else the newest
 * of the same major version, and reports the metrics its descriptor declares in {@code elasticity.metrics}).
 * <p>
 * Each source runs on its own interval. It is asked about the RUNNING services (external ones left out) it is meant
 * for, with their contexts; the samples it returns are mapped from (account, service name) to the service's id, any
 * service of the platform (a web tier reports for the services it routes to). A metric a source does not declare is
 * ignored. A call that throws or takes longer than {@code gatherTimeout} is abandoned and skipped, and logged once per
 * problem (again only when the problem changes, and once when the source works again); the source is not called again
 * while a call of it has not returned. An engine is called once per service, each call time-limited.
 * <p>
 * It also knows which metrics each service has ({@link #catalog}), for checking alerts. Thread-safe.
 */
@Component(service = Collector.class, immediate = true, configurationPid = ElasticityConfig.PID)
public final class Collector {

    private static final Logger LOG = LoggerFactory.getLogger(Collector.class);

    private final TimeSeriesStore store;
    private final Services services;
    private final ElasticitySettings settings;
    private final Consumer<String> warnings;
    private final ScheduledExecutorService ticker;
    private final ExecutorService workers;
    private final Map<Object, Source> sources = new ConcurrentHashMap<>();
    /** Key of a call (source, or source and service) to the problem last logged for it. */
    private final Map<String, String> problems = new ConcurrentHashMap<>();
    /** Keys of calls that have not returned. */
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final AtomicInteger ids = new AtomicInteger();

    /**
     * @param store where samples go
     * @param services the platform's services
     * @param config the configuration ({@code engineInterval}, {@code gatherTimeout})
     */
    @Activate
    public Collector(@Reference TimeSeriesStore store, @Reference Services services, ElasticityConfig config) {
        this(store, services, ElasticitySettings.of(config), LOG::warn, true);
    }

    /**
     * @param store where samples go
     * @param services the platform's services
     * @param settings the intervals and time limits
     * @param warnings where problems are logged (once each)
     * @param schedule whether each source runs on its interval ({@code false}: only when {@link #gatherNow} is
     *     called; for tests)
     */
    Collector(TimeSeriesStore store, Services services, ElasticitySettings settings, Consumer<String> warnings,
            boolean schedule) {
        this.store = store;
        this.services = services;
        this.settings = settings;
        this.warnings = warnings;
        this.ticker = schedule ? Executors.newSingleThreadScheduledExecutor(r -> thread(r, "stratum-metrics-ticker"))
                : null;
        this.workers = Executors.newCachedThreadPool(r -> thread(r, "stratum-metrics-gather"));
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Stops sampling; calls in progress are interrupted. */
    @Deactivate
    public void deactivate() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        workers.shutdownNow();
    }

    /**
     * @param gatherer a gatherer that came
     * @param properties its service properties
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addGatherer(MetricGatherer gatherer, Map<String, Object> properties) {
        String type = text(properties.get(MetricGatherer.SERVICE_TYPE));
        Duration interval;
        try {
            interval = gatherer.interval();
        } catch (RuntimeException e) {
            interval = null;
        }
        if (interval == null || interval.compareTo(Duration.ofSeconds(1)) < 0) {
            warnings.accept("Metric gatherer " + gatherer.getClass().getName() + " asks to be called every "
                    + interval + "; it is called every 1s (the shortest interval)");
            interval = Duration.ofSeconds(1);
        }
        String label = "gatherer " + gatherer.getClass().getName() + (type == null ? "" : " (" + type + ")") + " #"
                + ids.incrementAndGet();
        add(gatherer, new GathererSource(label, type, interval, gatherer));
    }

    /**
     * @param gatherer a gatherer that went
     */
    public void removeGatherer(MetricGatherer gatherer) {
        remove(gatherer);
    }

    /**
     * @param engine an SDP's metrics engine that came
     * @param properties its service properties (service type and SDP version)
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addEngine(MetricsEngine engine, Map<String, Object> properties) {
        String type = text(properties.get(ServiceManagementEngine.SERVICE_TYPE));
        String version = text(properties.get(ServiceManagementEngine.SDP_VERSION));
        if (type == null || version == null) {
            warnings.accept("A metrics engine (" + engine.getClass().getName() + ") has no "
                    + ServiceManagementEngine.SERVICE_TYPE + " or " + ServiceManagementEngine.SDP_VERSION
                    + " property; it is not sampled");
            return;
        }
        add(engine, new EngineSource("metrics engine of " + type + " " + version, type, version,
                settings.engineInterval(), engine));
    }

    /**
     * @param engine an SDP's metrics engine that went
     */
    public void removeEngine(MetricsEngine engine) {
        remove(engine);
    }

    private void add(Object service, Source source) {
        Source old = sources.put(service, source);
        if (old != null) {
            old.cancel();
        }
        if (ticker != null) {
            try {
                source.schedule = ticker.scheduleAtFixedRate(() -> submitTick(source), 0,
                        source.interval.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                // the component is stopping
            }
        }
        LOG.debug("Metric source added: {} every {}", source.label, source.interval);
    }

    private void remove(Object service) {
        Source s = sources.remove(service);
        if (s != null) {
            s.cancel();
            problems.keySet().removeIf(k -> k.startsWith(s.label));
            LOG.debug("Metric source removed: {}", s.label);
        }
    }

    private void submitTick(Source source) {
        if (!source.ticking.compareAndSet(false, true)) {
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    tick(source);
                } finally {
                    source.ticking.set(false);
                }
            });
        } catch (RejectedExecutionException stopping) {
            source.ticking.set(false);
        }
    }

    /** Runs every source once, now, and returns when they are done (each call time-limited). For tests. */
    void gatherNow() {
        for (Source s : List.copyOf(sources.values())) {
            tick(s);
        }
    }

    private void tick(Source source) {
        if (source.cancelled) {
            return;
        }
        List<ManagedService> all;
        try {
            all = services.all();
        } catch (RuntimeException e) {
            problem("platform", "the platform's services", "cannot be listed: " + e.getMessage());
            return;
        }
        Map<String, ManagedService> byName = new HashMap<>();
        for (ManagedService s : all) {
            byName.put(s.accountName() + "/" + s.name(), s);
        }
        List<ManagedService> asked = all.stream()
                .filter(s -> s.state() == ServiceState.RUNNING && !s.external())
                .filter(s -> source.isFor(s, this))
                .sorted(Comparator.comparing(ManagedService::id))
                .toList();
        for (Call call : source.calls(asked, this)) {
            if (source.cancelled) {
                return;
            }
            Optional<List<Sample>> samples = run(call);
            samples.ifPresent(list -> record(source, call, list, byName));
        }
    }

    private Optional<List<Sample>> run(Call call) {
        if (!running.add(call.key)) {
            problem(call.key, call.label, "has not returned from its last call (longer than "
                    + settings.gatherTimeout().toMillis() + " ms); skipped until it does");
            return Optional.empty();
        }
        CompletableFuture<List<Sample>> f = new CompletableFuture<>();
        AtomicReference<Thread> worker = new AtomicReference<>();
        try {
            workers.execute(() -> {
                synchronized (worker) {
                    worker.set(Thread.currentThread());
                }
                List<Sample> result = null;
                Throwable error = null;
                try {
                    result = call.work.call();
                } catch (Throwable t) {
                    error = t;
                } finally {
                    synchronized (worker) {
                        worker.set(null);
                        Thread.interrupted(); // an interrupt meant for this call stays with it
                    }
                    running.remove(call.key); // before the caller learns the result, so it may call again
                }
                if (error != null) {
                    f.completeExceptionally(error);
                } else {
                    f.complete(result);
                }
            });
        } catch (RejectedExecutionException stopping) {
            running.remove(call.key);
            return Optional.empty();
        }
        try {
            List<Sample> samples = f.get(settings.gatherTimeout().toMillis(), TimeUnit.MILLISECONDS);
            ok(call.key, call.label);
            return Optional.of(samples == null ? List.of() : samples);
        } catch (TimeoutException e) {
            synchronized (worker) {
                Thread t = worker.get();
                if (t != null) {
                    t.interrupt();
                }
            }
            problem(call.key, call.label, "took longer than " + settings.gatherTimeout().toMillis()
                    + " ms; abandoned");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            problem(call.key, call.label, "failed: " + (cause.getMessage() == null ? cause.toString()
                    : cause.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    private void record(Source source, Call call, List<Sample> samples, Map<String, ManagedService> byName) {
        for (Sample s : samples) {
            if (s == null || s.metric() == null) {
                continue;
            }
            if (!call.declared.contains(s.metric())) {
                problem(call.key + "|" + s.metric(), call.label, "reports metric '" + s.metric() + "', which it "
                        + "does not declare; ignored (declare it among its metrics)");
                continue;
            }
            ManagedService target = byName.get(s.account() + "/" + s.service());
            if (target == null) {
                LOG.debug("{} reports for '{}/{}', which the platform does not know", call.label, s.account(),
                        s.service());
                continue;
            }
            store.record(target.id(), s.metric(), s.value(), source.interval);
        }
    }

    private void problem(String key, String label, String problem) {
        String before = problems.put(key, problem);
        if (!problem.equals(before)) {
            warnings.accept("Metrics: " + label + " " + problem + " (logged once until it changes)");
        }
    }

    private void ok(String key, String label) {
        if (problems.remove(key) != null) {
            LOG.info("Metrics: {} works again", label);
        }
    }

    /**
     * The metrics a service has: those of the gatherers for its type (and of those for every type), those of the
     * gatherers for the types of its providers (a web tier reports the request rate of the services it routes to), those its SDP
     * declares for its metrics engine, and any other that has been recorded for it (a gatherer may report for
     * services of another type); each with the unit and description of the first source that declares it.
     *
     * @param service a service
     * @return metric name to its description, in that order
     */
    public Map<String, MetricInfo> catalog(ManagedService service) {
        Map<String, MetricInfo> known = new LinkedHashMap<>();
        Map<String, MetricInfo> anywhere = new HashMap<>();
        List<Source> all = new ArrayList<>(sources.values());
        all.sort(Comparator.comparing(s -> s.label));
        for (Source s : all) {
            if (s instanceof GathererSource g) {
                for (MetricInfo m : g.declared) {
                    anywhere.putIfAbsent(m.name(), m);
                    if (g.type == null || g.type.equals(service.serviceType())
                            || service.providers().containsKey(g.type)) {
                        known.putIfAbsent(m.name(), m);
                    }
                }
            }
        }
        try {
            for (MetricInfo m : services.context(service.id()).descriptor().elasticity().metrics()) {
                known.putIfAbsent(m.name(), m);
            }
        } catch (RuntimeException gone) {
            // the service is being deleted: its gatherers' metrics are what it has
        }
        for (String name : store.metrics(service.id())) {
            known.putIfAbsent(name, anywhere.getOrDefault(name, new MetricInfo(name, "", "")));
        }
        return known;
    }

    private static String text(Object value) {
        if (value instanceof String s && !s.isBlank()) {
            return s;
        }
        if (value instanceof String[] a && a.length > 0 && !a[0].isBlank()) {
            return a[0];
        }
        return null;
    }

    /**
     * @param version a version such as {@code 1.2.0} or {@code 1.2.0-SNAPSHOT}
     * @return its numbers (major, minor, micro), missing or unreadable ones 0
     */
    static int[] numbers(String version) {
        int[] n = new int[3];
        String[] parts = version.split("\\.", 4);
        for (int i = 0; i < Math.min(3, parts.length); i++) {
            String digits = parts[i].replaceFirst("^(\\d+).*$", "$1");
            try {
                n[i] = Integer.parseInt(digits);
            } catch (NumberFormatException e) {
                n[i] = 0;
            }
        }
        return n;
    }

    private static int compare(String a, String b) {
        int[] x = numbers(a);
        int[] y = numbers(b);
        for (int i = 0; i < 3; i++) {
            if (x[i] != y[i]) {
                return Integer.compare(x[i], y[i]);
            }
        }
        return a.compareTo(b);
    }

    /** One call of a source: what it declares, its key for problems, its work. */
    private record Call(String key, String label, Set<String> declared, Callable<List<Sample>> work) {
    }

    /** A source of samples. */
    private abstract static class Source {
        final String label;
        final String type;
        final Duration interval;
        final AtomicBoolean ticking = new AtomicBoolean();
        volatile boolean cancelled;
        volatile ScheduledFuture<?> schedule;

        Source(String label, String type, Duration interval) {
            this.label = label;
            this.type = type;
            this.interval = interval;
        }

        void cancel() {
            cancelled = true;
            ScheduledFuture<?> f = schedule;
            if (f != null) {
                f.cancel(false);
            }
        }

        abstract boolean isFor(ManagedService service, Collector collector);

        abstract List<Call> calls(List<ManagedService> asked, Collector collector);
    }

    /** A {@link MetricGatherer}: one call for all its services. */
    private static final class GathererSource extends Source {
        private final MetricGatherer gatherer;
        /** What it declared at its last call. */
        volatile List<MetricInfo> declared = List.of();

        GathererSource(String label, String type, Duration interval, MetricGatherer gatherer) {
            super(label, type, interval);
            this.gatherer = gatherer;
            try {
                List<MetricInfo> infos = gatherer.metrics();
                declared = infos == null ? List.of() : List.copyOf(infos); // known before its first call
            } catch (RuntimeException e) {
                declared = List.of(); // its first call says what is wrong
            }
        }

        @Override
        boolean isFor(ManagedService service, Collector collector) {
            return type == null || type.equals(service.serviceType());
        }

        @Override
        List<Call> calls(List<ManagedService> asked, Collector collector) {
            Set<String> names = ConcurrentHashMap.newKeySet();
            return List.of(new Call(label, label, names, () -> {
                List<MetricInfo> infos = gatherer.metrics();
                declared = infos == null ? List.of() : List.copyOf(infos);
                declared.forEach(m -> names.add(m.name()));
                List<ServiceContext> contexts = new ArrayList<>();
                for (ManagedService s : asked) {
                    collector.context(s).ifPresent(contexts::add);
                }
                return gatherer.gather(List.copyOf(contexts));
            }));
        }
    }

    /** An SDP's {@link MetricsEngine}: one call per service, the metrics its descriptor declares. */
    private static final class EngineSource extends Source {
        private final String version;
        private final MetricsEngine engine;

        EngineSource(String label, String type, String version, Duration interval, MetricsEngine engine) {
            super(label, type, interval);
            this.version = version;
            this.engine = engine;
        }

        @Override
        boolean isFor(ManagedService service, Collector collector) {
            if (!type.equals(service.serviceType())) {
                return false;
            }
            // this engine's version, else the newest of the same major version among the engines present
            List<EngineSource> same = collector.sources.values().stream()
                    .filter(s -> s instanceof EngineSource e && e.type.equals(type) && !e.cancelled)
                    .map(s -> (EngineSource) s).toList();
            if (same.stream().anyMatch(e -> e.version.equals(service.sdpVersion()))) {
                return version.equals(service.sdpVersion());
            }
            int major = numbers(service.sdpVersion())[0];
            return same.stream().filter(e -> numbers(e.version)[0] == major)
                    .max((a, b) -> compare(a.version, b.version))
                    .map(e -> e == this).orElse(false);
        }

        @Override
        List<Call> calls(List<ManagedService> asked, Collector collector) {
            List<Call> calls = new ArrayList<>();
            for (ManagedService s : asked) {
                Optional<ServiceContext> context = collector.context(s);
                if (context.isEmpty()) {
                    continue;
                }
                ServiceContext c = context.get();
                Set<String> declared = new java.util.HashSet<>();
                c.descriptor().elasticity().metrics().forEach(m -> declared.add(m.name()));
                String label = this.label + " for " + s.accountName() + "/" + s.name();
                calls.add(new Call(this.label + "|" + s.id(), label, declared, () -> {
                    Map<String, Double> values = engine.sample(c);
                    List<Sample> samples = new ArrayList<>();
                    if (values != null) {
                        values.forEach((metric, value) -> {
                            if (metric != null && value != null) {
                                samples.add(new Sample(c.account(), c.name(), metric, value));
                            }
                        });
                    }
                    return samples;
                }));
            }
            return calls;
        }
    }

    private Optional<ServiceContext> context(ManagedService s) {
        try {
            return Optional.of(services.context(s.id()));
        } catch (RuntimeException gone) {
            return Optional.empty();
        }
    }
}
