package io.stratum.platform.rest;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the route of a request: the templates whose segments match the path (a literal segment matches itself, a
 * {@code {variable}} any one segment), then the one of the request's method. A path no template matches is a 404; a
 * path that matches, with another method, a 405 naming the methods it has ({@code Allow}). Two routes with the same
 * method and the same shape of template are refused when the table is built.
 */
final class Router {

    /**
     * A route found, with the values of its path variables.
     *
     * @param route the route
     * @param pathValues variable name to its segment
     */
    record Match(Route route, Map<String, String> pathValues) {
    }

    private final List<Route> routes;

    /**
     * @param routes the table
     * @throws IllegalArgumentException if two routes would answer the same requests
     */
    Router(List<Route> routes) {
        Set<String> shapes = new HashSet<>();
        for (Route r : routes) {
            String shape = r.method + " " + String.join("/", r.segments.stream()
                    .map(s -> Route.isVariable(s) ? "{}" : s).toList());
            if (!shapes.add(shape)) {
                throw new IllegalArgumentException("two routes for " + shape);
            }
        }
        this.routes = List.copyOf(routes);
    }

    /** @return the table, in the order it was given */
    List<Route> routes() {
        return routes;
    }

    /**
     * @param method the request's method ({@code HEAD} finds the {@code GET} route)
     * @param segments the request's path below {@code /api/v1}, split at {@code /}, decoded
     * @return the route and its path values
     * @throws ApiException 404 if no template matches, 405 if none of them has that method
     */
    Match match(String method, List<String> segments) {
        String wanted = "HEAD".equals(method) ? "GET" : method;
        boolean any = false;
        Match best = null;
        int bestLiterals = -1;
        for (Route r : routes) {
            Map<String, String> values = values(r, segments);
            if (values == null) {
                continue;
            }
            any = true;
            if (r.method.equals(wanted)) {
                int literals = (int) r.segments.stream().filter(s -> !Route.isVariable(s)).count();
                if (literals > bestLiterals) { // /x/literal wins over /x/{variable}
                    best = new Match(r, values);
                    bestLiterals = literals;
                }
            }
        }
        if (best != null) {
            return best;
        }
        if (!any) {
            throw ApiException.notFound("no resource at this path; the API is described at /api/v1/openapi.json");
        }
        String allow = String.join(", ", methods(segments));
        throw new ApiException(405, ApiException.METHOD_NOT_ALLOWED, method + " is not allowed here; allowed: "
                + allow, Map.of("Allow", allow));
    }

    /** @return the methods a path has, with HEAD where it has GET, and OPTIONS; empty if it has none */
    Set<String> methods(List<String> segments) {
        Set<String> out = new TreeSet<>();
        for (Route r : routes) {
            if (values(r, segments) != null) {
                out.add(r.method);
            }
        }
        if (out.contains("GET")) {
            out.add("HEAD");
        }
        if (!out.isEmpty()) {
            out.add("OPTIONS");
        }
        return out;
    }

    private static Map<String, String> values(Route r, List<String> segments) {
        if (r.segments.size() != segments.size()) {
            return null;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            String t = r.segments.get(i);
            if (Route.isVariable(t)) {
                values.put(t.substring(1, t.length() - 1), segments.get(i));
            } else if (!t.equals(segments.get(i))) {
                return null;
            }
        }
        return values;
    }
}
