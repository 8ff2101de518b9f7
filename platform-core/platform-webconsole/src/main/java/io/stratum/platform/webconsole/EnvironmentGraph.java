package io.stratum.platform.webconsole;

import static io.stratum.platform.webconsole.Html.esc;

import io.stratum.platform.api.EnvironmentDTO;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Draws an environment's dependency graph as an SVG picture, on the server and without a library: a box per member
 * (its name, type, plan and state), an arrow from each member to each of its providers, labelled with the provider
 * type. Boxes are layered by the environment's creation order: the services created last (the ones nothing depends
 * on) at the top, their providers below them, so every arrow points down to what is created before. A provider
 * outside the environment is drawn as a dashed box in the bottom row.
 */
final class EnvironmentGraph {

    static final int BOX_WIDTH = 190;
    static final int BOX_HEIGHT = 58;
    private static final int GAP_X = 40;
    private static final int GAP_Y = 70;
    private static final int MARGIN = 20;

    private EnvironmentGraph() {
    }

    /**
     * @param env the environment
     * @param serviceUrl the URL of a service's page, by service name
     * @return the {@code <svg>} element (well-formed XML)
     */
    static String svg(EnvironmentDTO env, Function<String, String> serviceUrl) {
        Map<String, EnvironmentDTO.Member> members = new LinkedHashMap<>();
        for (EnvironmentDTO.Member m : env.members()) {
            members.put(m.name(), m);
        }
        List<List<String>> rows = rows(env, members);
        Map<String, int[]> at = new HashMap<>();
        int widest = rows.stream().mapToInt(List::size).max().orElse(0);
        int width = Math.max(1, widest) * (BOX_WIDTH + GAP_X) - GAP_X + 2 * MARGIN;
        int height = Math.max(1, rows.size()) * (BOX_HEIGHT + GAP_Y) - GAP_Y + 2 * MARGIN;
        for (int r = 0; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            int rowWidth = row.size() * (BOX_WIDTH + GAP_X) - GAP_X;
            int x0 = (width - rowWidth) / 2;
            for (int i = 0; i < row.size(); i++) {
                at.put(row.get(i), new int[] {x0 + i * (BOX_WIDTH + GAP_X), MARGIN + r * (BOX_HEIGHT + GAP_Y)});
            }
        }

        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"environment-graph\" data-test=\"environment-graph\"")
                .append(" class=\"stratum-graph\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"").append(esc("Dependency graph of environment " + env.name()))
                .append("\">");
        b.append("<defs><marker id=\"stratum-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\"")
                .append(" markerHeight=\"8\" orient=\"auto\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"/>")
                .append("</marker></defs>");
        for (EnvironmentDTO.Member m : members.values()) {
            for (Map.Entry<String, String> p : new TreeMap<>(m.providers()).entrySet()) {
                edge(b, m.name(), p.getValue(), p.getKey(), at);
            }
        }
        for (List<String> row : rows) {
            for (String name : row) {
                EnvironmentDTO.Member m = members.get(name);
                node(b, name, m, at.get(name), m == null ? null : serviceUrl.apply(name));
            }
        }
        return b.append("</svg>").toString();
    }

    /** @return the rows, top first: the last creation level at the top, outside providers at the bottom */
    private static List<List<String>> rows(EnvironmentDTO env, Map<String, EnvironmentDTO.Member> members) {
        List<List<String>> levels = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        for (List<String> level : env.levels()) {
            List<String> row = new ArrayList<>();
            for (String name : level) {
                if (members.containsKey(name) && placed.add(name)) {
                    row.add(name);
                }
            }
            if (!row.isEmpty()) {
                levels.add(row);
            }
        }
        if (placed.size() < members.size()) {
            // members the levels do not name (or no levels at all): layer them by their longest chain of providers
            Map<String, Integer> depth = new HashMap<>();
            TreeMap<Integer, List<String>> byDepth = new TreeMap<>();
            for (String name : members.keySet()) {
                if (!placed.contains(name)) {
                    byDepth.computeIfAbsent(depth(name, members, depth, new HashSet<>()), d -> new ArrayList<>())
                            .add(name);
                }
            }
            int offset = levels.size();
            for (Map.Entry<Integer, List<String>> e : byDepth.entrySet()) {
                while (levels.size() <= offset + e.getKey()) {
                    levels.add(new ArrayList<>());
                }
                levels.get(offset + e.getKey()).addAll(e.getValue());
            }
            levels.removeIf(List::isEmpty);
        }
        List<List<String>> rows = new ArrayList<>();
        Set<String> outside = new TreeSet<>();
        for (EnvironmentDTO.Member m : members.values()) {
            for (String provider : m.providers().values()) {
                if (!members.containsKey(provider)) {
                    outside.add(provider);
                }
            }
        }
        if (!outside.isEmpty()) {
            rows.add(new ArrayList<>(outside));
        }
        rows.addAll(levels);
        Collections.reverse(rows);
        return rows;
    }

    private static int depth(String name, Map<String, EnvironmentDTO.Member> members, Map<String, Integer> memo,
            Set<String> visiting) {
        Integer known = memo.get(name);
        if (known != null) {
            return known;
        }
        EnvironmentDTO.Member m = members.get(name);
        if (m == null || !visiting.add(name)) {
            return 0; // outside the environment, or a cycle (which the platform does not create)
        }
        int d = 0;
        for (String provider : m.providers().values()) {
            if (members.containsKey(provider)) {
                d = Math.max(d, depth(provider, members, memo, visiting) + 1);
            }
        }
        visiting.remove(name);
        memo.put(name, d);
        return d;
    }

    private static void edge(StringBuilder b, String from, String to, String type, Map<String, int[]> at) {
        int[] f = at.get(from);
        int[] t = at.get(to);
        if (f == null || t == null) {
            return;
        }
        int x1 = f[0] + BOX_WIDTH / 2;
        int y1 = f[1] + BOX_HEIGHT;
        int x2 = t[0] + BOX_WIDTH / 2;
        int y2 = t[1];
        if (t[1] <= f[1]) { // not below (cannot happen with the platform's levels): from the side instead
            y1 = f[1] + BOX_HEIGHT / 2;
            y2 = t[1] + BOX_HEIGHT / 2;
            x1 = f[0] + (t[0] >= f[0] ? BOX_WIDTH : 0);
            x2 = t[0] + (t[0] >= f[0] ? 0 : BOX_WIDTH);
        }
        b.append("<g class=\"stratum-edge\" data-test=\"graph-edge\" data-from=\"").append(esc(from))
                .append("\" data-to=\"").append(esc(to)).append("\" data-type=\"").append(esc(type)).append("\">")
                .append("<title>").append(esc(from + " uses " + to + " as its " + type)).append("</title>")
                .append("<line x1=\"").append(x1).append("\" y1=\"").append(y1).append("\" x2=\"").append(x2)
                .append("\" y2=\"").append(y2).append("\" stroke=\"#555\" stroke-width=\"1.5\"")
                .append(" marker-end=\"url(#stratum-arrow)\"/>")
                .append("<text x=\"").append((x1 + x2) / 2 + 4).append("\" y=\"").append((y1 + y2) / 2)
                .append("\" font-size=\"11\" fill=\"#333\">").append(esc(type)).append("</text></g>");
    }

    private static void node(StringBuilder b, String name, EnvironmentDTO.Member m, int[] at, String url) {
        String state = m == null ? "OUTSIDE" : m.state();
        b.append("<g class=\"stratum-node\" data-test=\"graph-node\" data-name=\"").append(esc(name))
                .append("\" data-state=\"").append(esc(state)).append("\">");
        if (url != null) {
            b.append("<a href=\"").append(esc(url)).append("\">");
        }
        b.append("<title>").append(esc(m == null ? name + " (a provider outside the environment)"
                : name + " - " + m.serviceType() + ", plan " + m.plan() + ", " + m.state())).append("</title>");
        b.append("<rect x=\"").append(at[0]).append("\" y=\"").append(at[1]).append("\" width=\"").append(BOX_WIDTH)
                .append("\" height=\"").append(BOX_HEIGHT).append("\" rx=\"6\" fill=\"").append(fill(state))
                .append("\" stroke=\"#444\"").append(m == null || "ABSENT".equals(state)
                        ? " stroke-dasharray=\"5,3\"" : "").append("/>");
        int x = at[0] + 10;
        b.append("<text x=\"").append(x).append("\" y=\"").append(at[1] + 19)
                .append("\" font-size=\"13\" font-weight=\"bold\" fill=\"#111\">").append(esc(cut(name, 24)))
                .append("</text>");
        String kind = m == null ? "outside the environment"
                : m.serviceType() + (m.plan() == null || m.plan().isEmpty() ? "" : " \u00b7 " + m.plan());
        b.append("<text x=\"").append(x).append("\" y=\"").append(at[1] + 35)
                .append("\" font-size=\"11\" fill=\"#333\">").append(esc(cut(kind, 30))).append("</text>");
        if (m != null) {
            b.append("<text x=\"").append(x).append("\" y=\"").append(at[1] + 50)
                    .append("\" font-size=\"11\" fill=\"#333\">").append(esc(state)).append("</text>");
        }
        if (url != null) {
            b.append("</a>");
        }
        b.append("</g>");
    }

    private static String fill(String state) {
        return switch (state == null ? "" : state) {
            case "RUNNING" -> "#d9f2d9";
            case "FAILED" -> "#f8d0d0";
            case "STOPPED" -> "#e6e6e6";
            case "ABSENT", "OUTSIDE" -> "#ffffff";
            default -> "#fff2cc";
        };
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
    }
}
