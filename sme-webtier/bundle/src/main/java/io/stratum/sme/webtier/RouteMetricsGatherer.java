package io.stratum.sme.webtier;

import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.metrics.MetricGatherer;
import io.stratum.sme.api.metrics.MetricInfo;
import io.stratum.sme.api.metrics.Sample;
import io.stratum.sme.api.runtime.RuntimeInfo;
import io.stratum.sme.api.runtime.RuntimeState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP traffic of every service behind a web tier, as its proxy counts it: asked about the running web tiers every
 * {@value #INTERVAL_SECONDS} s, it reads each proxy's {@code /metrics} and reports, for each route, samples of the
 * service the route leads to. A route is named after the dependant it was written for ({@link WebTierEngine#associate}),
 * and the platform associates a service only with providers of its own account, so the samples name that service in
 * the web tier's account. (A route written for a consumer bound through a service broker names that consumer, which
 * is no service: its samples name no service of the account.)
 * <ul>
 * <li>{@value #REQUESTS} (req/s): requests the route received between this call and the previous one, per second.</li>
 * <li>{@value #ERRORS} (errors/s): of them, those answered 500 or above, that failed, or that found no healthy backend
 * (503), per second.</li>
 * <li>{@value #ERROR_RATIO} (ratio, 0 to 1): errors over requests in that time; 0 when there was no request.</li>
 * <li>{@value #P50}, {@value #P95}, {@value #P99} (ms): latency percentiles of exactly the requests that reached a
 * backend and finished between the two calls, from the difference of the proxy's latency histogram (8 buckets per
 * power of two: within 1/8 of the true value, interpolated within a bucket). Not reported when no request finished in
 * that time: an idle service has no latency, rather than a latency of 0.</li>
 * <li>{@value #INFLIGHT} (requests): being forwarded when the proxy was read.</li>
 * <li>{@value #HEALTHY} (backends): its healthy backends.</li>
 * </ul>
 * Rates and percentiles are differences between two readings of the same counters, so they are reported from the
 * second call that reads a route. Counters that restarted (the proxy restarted, or the route was removed and written
 * again: its {@code since} changed, or a counter went down) never give a negative rate: that route's rates start
 * again from the next call. A service behind several web tiers gets one sample of each metric per call: rates and
 * in-flight requests added up over its routes, percentiles over all their requests, its healthy backends the most any
 * route has; its rates wait until every one of its routes has a previous reading. A proxy that does not answer
 * within {@value #FETCH_LIMIT_MS} ms is left out of the call (a service behind it and another web tier then shows what
 * the other forwarded). What it keeps between calls is one reading per route: a
 * route gone from its proxy is forgotten, and so are the routes of a web tier it has not been asked about for
 * {@value #FORGET_AFTER_SECONDS} s.
 */
@Component(service = MetricGatherer.class, property = MetricGatherer.SERVICE_TYPE + "=webtier")
public final class RouteMetricsGatherer implements MetricGatherer {

    static final String REQUESTS = "http.requests.rate";
    static final String ERRORS = "http.errors.rate";
    static final String ERROR_RATIO = "http.error.ratio";
    static final String P50 = "http.latency.p50.ms";
    static final String P95 = "http.latency.p95.ms";
    static final String P99 = "http.latency.p99.ms";
    static final String INFLIGHT = "http.inflight";
    static final String HEALTHY = "http.backends.healthy";
    static final long INTERVAL_SECONDS = 5;
    static final long FETCH_LIMIT_MS = 1500;
    static final long FORGET_AFTER_SECONDS = 120;

    private static final Logger LOG = LoggerFactory.getLogger(RouteMetricsGatherer.class);
    private static final List<MetricInfo> METRICS = List.of(
            new MetricInfo(REQUESTS, "req/s", "HTTP requests to the service through its web tier, per second"),
            new MetricInfo(ERRORS, "errors/s", "requests answered 500 or above, failed, or without a healthy backend, "
                    + "per second"),
            new MetricInfo(ERROR_RATIO, "ratio", "errors over requests (0 to 1; 0 without requests)"),
            new MetricInfo(P50, "ms", "median latency of the requests since the previous sample"),
            new MetricInfo(P95, "ms", "95th percentile latency of the requests since the previous sample"),
            new MetricInfo(P99, "ms", "99th percentile latency of the requests since the previous sample"),
            new MetricInfo(INFLIGHT, "requests", "requests being forwarded to the service"),
            new MetricInfo(HEALTHY, "backends", "instances of the service its web tier finds healthy"));

    private final Function<RuntimeInfo, CompletableFuture<Properties>> fetch;
    private final LongSupplier nanoTime;
    /** The last reading of each route; guarded by {@code this}. */
    private final Map<RouteKey, Reading> previous = new HashMap<>();

    /** Reads the proxies' admin ports, timed by {@link System#nanoTime()}. */
    @Activate
    public RouteMetricsGatherer() {
        this(new ProxyAdmin()::metricsAsync, System::nanoTime);
    }

    /**
     * @param fetch reads a proxy's {@code /metrics}
     * @param nanoTime a monotonic clock in nanoseconds (the time between two readings divides the counts)
     */
    RouteMetricsGatherer(Function<RuntimeInfo, CompletableFuture<Properties>> fetch, LongSupplier nanoTime) {
        this.fetch = fetch;
        this.nanoTime = nanoTime;
    }

    @Override
    public List<MetricInfo> metrics() {
        return METRICS;
    }

    @Override
    public Duration interval() {
        return Duration.ofSeconds(INTERVAL_SECONDS);
    }

    @Override
    public List<Sample> gather(List<ServiceContext> services) {
        Map<ServiceContext, CompletableFuture<Properties>> pending = new LinkedHashMap<>();
        for (ServiceContext service : services) {
            try {
                Optional<RuntimeInfo> r = service.runtimes().status(WebTierEngine.RUNTIME);
                if (r.isPresent() && r.get().state() == RuntimeState.RUNNING) {
                    pending.put(service, fetch.apply(r.get()));
                }
            } catch (RuntimeException e) {
                LOG.debug("Cannot read the proxy of '{}': {}", service.name(), e.toString());
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FETCH_LIMIT_MS);
        Map<ServiceContext, Properties> read = new LinkedHashMap<>();
        for (Map.Entry<ServiceContext, CompletableFuture<Properties>> e : pending.entrySet()) {
            try {
                read.put(e.getKey(), e.getValue().get(Math.max(0, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS));
            } catch (TimeoutException | ExecutionException failed) {
                e.getValue().cancel(true);
                LOG.debug("The proxy of '{}' did not give its metrics: {}", e.getKey().name(), failed.toString());
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                pending.values().forEach(f -> f.cancel(true));
                return List.of();
            }
        }
        Set<String> asked = new HashSet<>();
        services.forEach(s -> asked.add(s.serviceId()));
        return samples(read, asked, nanoTime.getAsLong());
    }

    /**
     * Turns the proxies' readings into samples of the services they route to, and keeps them for the next call.
     *
     * @param read the web tiers that answered, with their {@code /metrics}
     * @param asked the ids of the web tiers asked about
     * @param now when they were read, in {@link #nanoTime} nanoseconds
     */
    synchronized List<Sample> samples(Map<ServiceContext, Properties> read, Set<String> asked, long now) {
        Map<Target, Traffic> traffic = new LinkedHashMap<>();
        Set<RouteKey> seen = new HashSet<>();
        for (Map.Entry<ServiceContext, Properties> tier : read.entrySet()) {
            ServiceContext webtier = tier.getKey();
            Properties m = tier.getValue();
            for (String route : WebTierEngine.routeNames(m)) {
                RouteKey key = new RouteKey(webtier.serviceId(), route);
                seen.add(key);
                Reading current = Reading.of(m, "route." + route + ".", now);
                Reading before = previous.put(key, current);
                Traffic t = traffic.computeIfAbsent(new Target(webtier.account(), route), k -> new Traffic());
                t.inflight += current.inflight;
                t.healthy = Math.max(t.healthy, current.healthy);
                if (before == null || !current.continues(before)) {
                    t.complete = false;
                    continue;
                }
                double seconds = (now - before.atNanos) / 1e9;
                t.requests += (current.requests - before.requests) / seconds;
                t.errors += (current.errors - before.errors) / seconds;
                current.histogram.forEach((lower, count) -> {
                    long delta = count - before.histogram.getOrDefault(lower, 0L);
                    if (delta > 0) {
                        t.latencies.merge(lower, delta, Long::sum);
                    }
                });
            }
        }
        long forgetNanos = TimeUnit.SECONDS.toNanos(FORGET_AFTER_SECONDS);
        Set<String> answered = new HashSet<>();
        read.keySet().forEach(s -> answered.add(s.serviceId()));
        previous.entrySet().removeIf(e -> !seen.contains(e.getKey()) && (answered.contains(e.getKey().webtierId)
                || !asked.contains(e.getKey().webtierId) && now - e.getValue().atNanos > forgetNanos));

        List<Sample> out = new ArrayList<>();
        traffic.forEach((target, t) -> {
            out.add(new Sample(target.account, target.service, INFLIGHT, t.inflight));
            out.add(new Sample(target.account, target.service, HEALTHY, t.healthy));
            if (!t.complete) {
                return;
            }
            out.add(new Sample(target.account, target.service, REQUESTS, t.requests));
            out.add(new Sample(target.account, target.service, ERRORS, t.errors));
            out.add(new Sample(target.account, target.service, ERROR_RATIO,
                    t.requests <= 0 ? 0 : Math.min(1, t.errors / t.requests)));
            if (!t.latencies.isEmpty()) {
                out.add(new Sample(target.account, target.service, P50, percentileMs(t.latencies, 0.50)));
                out.add(new Sample(target.account, target.service, P95, percentileMs(t.latencies, 0.95)));
                out.add(new Sample(target.account, target.service, P99, percentileMs(t.latencies, 0.99)));
            }
        });
        return out;
    }

    /** @return how many routes it holds a reading of */
    synchronized int tracked() {
        return previous.size();
    }

    /**
     * @param histogram counts by bucket lower bound in microseconds (the proxy's buckets), not empty
     * @param quantile e.g. 0.95
     * @return the latency in ms under which that share of the counts fall: the bucket of the nearest rank,
     *     interpolated linearly within it
     */
    static double percentileMs(TreeMap<Long, Long> histogram, double quantile) {
        long total = histogram.values().stream().mapToLong(Long::longValue).sum();
        long rank = Math.max(1, (long) Math.ceil(quantile * total));
        long below = 0;
        for (Map.Entry<Long, Long> bucket : histogram.entrySet()) {
            long count = bucket.getValue();
            if (below + count >= rank) {
                long lower = bucket.getKey();
                double micros = lower + bucketWidth(lower) * (double) (rank - below) / count;
                return micros / 1000.0;
            }
            below += count;
        }
        throw new IllegalArgumentException("empty histogram");
    }

    /** @return the width of the proxy's bucket that starts at {@code lower} µs (see the launcher's RouteStats) */
    static long bucketWidth(long lower) {
        return lower < 8 ? 1 : Long.highestOneBit(lower) >> 3;
    }

    /** One route of one web tier. */
    private record RouteKey(String webtierId, String route) {
    }

    /** The service a route leads to. */
    private record Target(String account, String service) {
    }

    /** What one call finds for one service, over its routes. */
    private static final class Traffic {
        boolean complete = true;
        double requests;
        double errors;
        long inflight;
        long healthy;
        final TreeMap<Long, Long> latencies = new TreeMap<>();
    }

    /** One reading of a route's counters. */
    private record Reading(long since, long requests, long errors, TreeMap<Long, Long> histogram, long inflight,
            long healthy, long atNanos) {

        static Reading of(Properties m, String prefix, long atNanos) {
            TreeMap<Long, Long> histogram = new TreeMap<>();
            for (String bucket : m.getProperty(prefix + "latency.histogram", "").split(",")) {
                int colon = bucket.indexOf(':');
                if (colon > 0) {
                    try {
                        histogram.put(Long.parseLong(bucket.substring(0, colon).strip()),
                                Long.parseLong(bucket.substring(colon + 1).strip()));
                    } catch (NumberFormatException ignored) {
                        // not a bucket: left out
                    }
                }
            }
            return new Reading(number(m, prefix + "since"), number(m, prefix + "requests"), number(m, prefix + "errors"),
                    histogram, number(m, prefix + "inflight"), number(m, prefix + "backends.healthy"), atNanos);
        }

        /** @return whether these counters are the earlier reading's, grown (not restarted since) */
        boolean continues(Reading earlier) {
            if (since != earlier.since || requests < earlier.requests || errors < earlier.errors
                    || atNanos <= earlier.atNanos) {
                return false;
            }
            for (Map.Entry<Long, Long> bucket : earlier.histogram.entrySet()) {
                if (histogram.getOrDefault(bucket.getKey(), 0L) < bucket.getValue()) {
                    return false;
                }
            }
            return true;
        }

        private static long number(Properties m, String key) {
            try {
                return Long.parseLong(m.getProperty(key, "0").strip());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }
}
