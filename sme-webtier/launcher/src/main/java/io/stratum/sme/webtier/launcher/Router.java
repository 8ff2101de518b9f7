package io.stratum.sme.webtier.launcher;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The routes, read from a properties file that the web tier's engine writes:
 * <pre>
 * default = notes
 * route.notes.hosts = notes.localhost
 * route.notes.backends = http://127.0.0.1:41001,http://127.0.0.1:41002
 * route.notes.healthPath = /health
 * route.notes.maintenance = 120
 * </pre>
 * A route with {@code maintenance} (the seconds of its page's {@code Retry-After}) answers every request with the
 * maintenance page instead of forwarding it ({@link BalancingProxy}); a value that is not a whole number of seconds
 * from 0 up still locks the route out, with {@value #DEFAULT_RETRY_AFTER} s, since a lockout must never open by a
 * typing error.
 * A request goes to the route of its Host header, else to the default route. Reloading keeps the counters of
 * routes that stay, and the health and counters of backends that stay. A backend that a reload takes out of its route
 * gets no new request, and is listed as {@linkplain #draining() draining} while requests it was sent are in flight, so
 * that whoever stops it can wait for them. A route whose health path is not a plain
 * path ({@link UrlPaths}) or whose backend is not an {@code http://host:port} URL is refused: it is left out, with
 * the reason logged and in {@link #refused()}; the other routes are served.
 */
final class Router {

    /** The {@code Retry-After} of a route whose {@code maintenance} value is not a number of seconds. */
    static final int DEFAULT_RETRY_AFTER = 60;

    private final Path file;
    private volatile Map<String, Route> byName = Map.of();
    private volatile Map<String, Route> byHost = Map.of();
    private volatile Route defaultRoute;
    private volatile Map<String, String> refused = Map.of();
    private volatile long loadedModified = -1;
    /** Backends reloads took out of their routes, until their requests in flight have ended. */
    private final List<Draining> draining = new CopyOnWriteArrayList<>();

    /**
     * A backend taken out of its route by a reload.
     *
     * @param route the route it was taken out of
     * @param backend the backend, whose {@link Backend#inFlight} still counts the requests it was sent
     */
    record Draining(String route, Backend backend) {
    }

    Router(Path file) {
        this.file = file;
    }

    /** @return the route for a Host header, or null if there is none */
    Route route(String hostHeader) {
        if (hostHeader != null) {
            String host = hostHeader.toLowerCase(Locale.ROOT);
            int colon = host.lastIndexOf(':');
            if (colon > 0 && !host.endsWith("]")) {
                host = host.substring(0, colon);
            }
            Route r = byHost.get(host);
            if (r != null) {
                return r;
            }
        }
        return defaultRoute;
    }

    /** @return the route of that name now, or null if there is none */
    Route named(String name) {
        return byName.get(name);
    }

    /**
     * @return the backends taken out of their routes that still have requests in flight (those whose requests have
     *     ended are forgotten)
     */
    List<Draining> draining() {
        draining.removeIf(d -> d.backend().inFlight.get() <= 0);
        return List.copyOf(draining);
    }

    List<Route> routes() {
        return List.copyOf(byName.values());
    }

    Route defaultRoute() {
        return defaultRoute;
    }

    /** @return routes of the file left out, by name (sorted), with the reason */
    Map<String, String> refused() {
        return refused;
    }

    /** Reloads if the file changed since it was last read. */
    boolean reloadIfChanged() throws IOException {
        long modified = Files.exists(file) ? Files.getLastModifiedTime(file).toMillis() : 0;
        if (modified == loadedModified) {
            return false;
        }
        reload();
        return true;
    }

    /** Reads the routes file again. */
    synchronized int reload() throws IOException {
        Properties p = new Properties();
        long modified = 0;
        if (Files.exists(file)) {
            modified = Files.getLastModifiedTime(file).toMillis();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        Map<String, Route> old = byName;
        Map<String, Route> names = new LinkedHashMap<>();
        Map<String, Route> hosts = new HashMap<>();
        TreeSet<String> routeNames = new TreeSet<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("route.") && key.lastIndexOf('.') > 6) {
                routeNames.add(key.substring(6, key.lastIndexOf('.')));
            }
        }
        Map<String, String> left = new TreeMap<>();
        for (String name : routeNames) {
            String healthPath = p.getProperty("route." + name + ".healthPath", "/").strip();
            if (!UrlPaths.valid(healthPath)) {
                left.put(name, "healthPath '" + printable(healthPath) + "' is not " + UrlPaths.RULE);
                continue;
            }
            List<String> urls = split(p.getProperty("route." + name + ".backends", ""));
            String badUrl = urls.stream().filter(u -> !backendUrl(u)).findFirst().orElse(null);
            if (badUrl != null) {
                left.put(name, "backend '" + printable(badUrl.replaceFirst("//[^/@]*@", "//***@"))
                        + "' is not an http://host:port URL (no user, path or query)");
                continue;
            }
            List<Backend> backends = new ArrayList<>();
            for (String url : urls) {
                Backend kept = old.containsKey(name) ? old.get(name).backends.stream()
                        .filter(b -> b.uri.toString().equals(url)).findFirst().orElse(null) : null;
                backends.add(kept != null ? kept : new Backend(URI.create(url)));
            }
            List<String> routeHosts = split(p.getProperty("route." + name + ".hosts", name + ".localhost")).stream()
                    .map(h -> h.toLowerCase(Locale.ROOT)).toList();
            Route before = old.get(name);
            Route route = new Route(name, routeHosts, backends, healthPath,
                    before != null ? before.stats : new RouteStats(),
                    retryAfter(p.getProperty("route." + name + ".maintenance")));
            if (before != null && before.inMaintenance() && !route.inMaintenance()) {
                // the route opens again: whoever opens it (the platform, after its own health check of the
                // instances) found them answering, while the active checks made during the lockout, when they were
                // stopped, marked them down; they get requests at once (a backend that still fails is taken out by
                // its first failed request, and the check that follows the reload looks at each)
                backends.forEach(Backend::markHealthy);
            }
            names.put(name, route);
            routeHosts.forEach(h -> hosts.put(h, route));
        }
        String defaultName = p.getProperty("default", "");
        // forget the backends taken out before whose requests have ended; list the ones this reload takes out even
        // with nothing in flight yet: a request that picked one just before the reload counts itself a moment later
        draining.removeIf(d -> d.backend().inFlight.get() <= 0);
        Set<Backend> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        names.values().forEach(r -> kept.addAll(r.backends));
        for (Route r : old.values()) {
            r.backends.stream().filter(b -> !kept.contains(b)).forEach(b -> draining.add(new Draining(r.name, b)));
        }
        byName = names;
        byHost = hosts;
        defaultRoute = names.get(defaultName);
        loadedModified = modified;
        if (!left.equals(refused)) {
            left.forEach((name, why) -> System.out.println(java.time.Instant.now() + " stratum-webtier: route "
                    + name + " refused: " + why));
        }
        refused = Collections.unmodifiableMap(left);
        return names.size();
    }

    /**
     * @param value a route's {@code maintenance} value, or null
     * @return its seconds, {@value #DEFAULT_RETRY_AFTER} if it is not a number of seconds, -1 if there is none
     */
    static int retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        try {
            int seconds = Integer.parseInt(value.strip());
            return seconds >= 0 ? seconds : DEFAULT_RETRY_AFTER;
        } catch (NumberFormatException e) {
            return DEFAULT_RETRY_AFTER;
        }
    }

    /** @return whether a backend URL is {@code http://host:port} (optionally with a trailing slash) */
    static boolean backendUrl(String url) {
        try {
            URI u = new URI(url);
            return "http".equals(u.getScheme()) && u.getHost() != null && u.getPort() > 0 && u.getRawUserInfo() == null
                    && (u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/"))
                    && u.getRawQuery() == null && u.getRawFragment() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** @return the value with control characters shown as '?', shortened, for a log line */
    private static String printable(String value) {
        String shown = value.length() > 100 ? value.substring(0, 100) + "..." : value;
        return shown.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    private static List<String> split(String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return out;
    }
}
