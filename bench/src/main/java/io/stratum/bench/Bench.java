package io.stratum.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.stratum.testkit.KarafInstance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Stratum's benchmark: starts the real distribution, drives it as a user does (SSH shell, JDBC, deploy/), and
 * measures each figure's baseline in the same run on the same machine. Prints a Markdown table and writes it,
 * with every sample, to bench/results/.
 */
public final class Bench {

    private static final List<String> FIGURES = List.of("throughput", "boot", "provision", "burst", "sdp", "latency",
            "environment", "webtier", "backup", "update");

    private Bench() {
    }

    /**
     * @param args {@code --quick}, {@code --runs N}, {@code --only a,b}
     * @throws Exception if the benchmark cannot run at all
     */
    public static void main(String[] args) throws Exception {
        boolean quick = false;
        int runs = 5;
        Set<String> only = Set.copyOf(FIGURES);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick":
                    quick = true;
                    break;
                case "--runs":
                    runs = Math.max(1, Integer.parseInt(args[++i]));
                    break;
                case "--only":
                    only = Set.of(args[++i].split(","));
                    if (!FIGURES.containsAll(only)) {
                        usage("unknown figure in --only: " + only + "; figures are " + FIGURES);
                    }
                    break;
                default:
                    usage("unknown argument " + args[i]);
            }
        }
        Path root = Path.of(System.getProperty("user.dir"));
        Env env = new Env(quick, runs, root);
        Runtime.getRuntime().addShutdownHook(new Thread(env::cleanUp, "bench-cleanup"));
        System.out.printf("Stratum benchmark (%s): %d CPUs, Java %s, %s%n", quick ? "quick" : "full",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                LocalDateTime.now().withNano(0));
        List<Row> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        try {
            measure("throughput", only, failures, () -> rows.add(ThroughputFigure.run(env)));
            measure("boot", only, failures, () -> rows.addAll(BootFigures.run(env)));
            if (only.stream().anyMatch(Set.of("provision", "burst", "sdp", "latency", "environment", "webtier",
                    "backup", "update")::contains)) {
                KarafInstance stratum = env.stratum("stratum");
                try {
                    stratum.start("stratum:sdp-list", "AVAILABLE", Duration.ofSeconds(180));
                    // the three shipped SDPs, which arrive from deploy/ one after the other
                    SdpFigures.await(stratum, "stratum:sdp-list", out -> List.of("h2-database", "jetty-webtier",
                            "tomcat-appserver").stream().allMatch(sdp -> out.lines()
                                    .anyMatch(l -> l.contains(sdp) && l.contains("AVAILABLE"))));
                } catch (Exception e) {
                    // the figures measured so far are still written; the ones that need this instance are not
                    System.err.println("Stratum did not start for the remaining figures: " + e);
                    e.printStackTrace();
                    failures.add("start of the shared Stratum instance");
                    only = Set.of();
                }
                measure("provision", only, failures, () -> rows.addAll(ProvisionFigures.latency(env, stratum)));
                measure("burst", only, failures, () -> rows.add(ProvisionFigures.burst(env, stratum)));
                measure("sdp", only, failures, () -> rows.addAll(SdpFigures.run(env, stratum)));
                measure("latency", only, failures, () -> rows.addAll(LatencyFigures.run(env, stratum)));
                measure("environment", only, failures, () -> rows.add(EnvironmentFigure.run(env, stratum)));
                measure("webtier", only, failures, () -> rows.addAll(WebTierFigures.run(env, stratum)));
                measure("backup", only, failures, () -> rows.addAll(BackupFigures.run(env, stratum)));
                measure("update", only, failures, () -> rows.addAll(UpdateFigures.run(env, stratum)));
            }
        } finally {
            env.cleanUp();
        }
        String table = markdown(rows, quick);
        System.out.println();
        System.out.println(table);
        write(root, rows, table, quick);
        if (!failures.isEmpty()) {
            System.err.println("Figures that failed: " + failures);
            System.exit(1);
        }
    }

    private interface Measurement {
        void run() throws Exception;
    }

    private static void measure(String figure, Set<String> only, List<String> failures, Measurement m) {
        if (!only.contains(figure)) {
            return;
        }
        System.out.println("== " + figure);
        try {
            m.run();
        } catch (Exception e) {
            System.err.println("figure '" + figure + "' failed: " + e);
            e.printStackTrace();
            failures.add(figure);
        }
    }

    static String markdown(List<Row> rows, boolean quick) {
        StringBuilder out = new StringBuilder();
        out.append("| figure | Stratum | baseline | baseline value | ratio | runs | Stratum min / median / max "
                + "| baseline min / median / max |\n");
        out.append("|---|---:|---|---:|---:|---:|---|---|\n");
        for (Row r : rows) {
            boolean hasBaseline = !r.baselineSamples().isEmpty();
            out.append("| ").append(r.figure()).append(" | ")
                    .append(fmt(r.value())).append(' ').append(r.unit())
                    .append(r.statistic().equals("median") ? "" : " (" + r.statistic() + ")")
                    .append(" | ").append(hasBaseline ? r.baseline() : "—")
                    .append(" | ").append(hasBaseline ? fmt(r.baselineValue()) + " " + r.unit() : "—")
                    .append(" | ").append(hasBaseline ? String.format(Locale.ROOT, "%.2f×", r.ratio()) : "—")
                    .append(" | ").append(r.samples().size())
                    .append(" | ").append(spread(r.samples()))
                    .append(" | ").append(hasBaseline ? spread(r.baselineSamples()) : "—")
                    .append(" |\n");
        }
        out.append("\nratio = Stratum ÷ baseline, each measured in the same run on the same machine (").append(
                quick ? "quick run: few samples, small sizes" : "full run").append("). For times and memory lower "
                + "is better; for throughput higher is better.\n");
        return out.toString();
    }

    private static String spread(List<Double> s) {
        return fmt(Stats.min(s)) + " / " + fmt(Stats.median(s)) + " / " + fmt(Stats.max(s));
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "—" : v >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.1f", v);
    }

    private static void write(Path root, List<Row> rows, String table, boolean quick) throws Exception {
        Path dir = root.resolve("bench/results");
        Files.createDirectories(dir);
        String mode = quick ? "quick" : "full";
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("date", LocalDateTime.now().withNano(0).toString());
        doc.put("mode", mode);
        doc.put("cpus", Runtime.getRuntime().availableProcessors());
        doc.put("java", System.getProperty("java.version"));
        doc.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        List<Map<String, Object>> figures = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("figure", r.figure());
            f.put("unit", r.unit());
            f.put("statistic", r.statistic());
            f.put("higherIsBetter", r.higherIsBetter());
            f.put("value", r.value());
            f.put("samples", r.samples());
            f.put("baseline", r.baseline());
            f.put("baselineValue", r.baselineSamples().isEmpty() ? null : r.baselineValue());
            f.put("baselineSamples", r.baselineSamples());
            f.put("ratio", r.baselineSamples().isEmpty() ? null : r.ratio());
            figures.add(f);
        }
        doc.put("figures", figures);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        for (String name : List.of(stamp + "-" + mode, "latest-" + mode)) {
            json.writeValue(dir.resolve(name + ".json").toFile(), doc);
            Files.writeString(dir.resolve(name + ".md"), table);
        }
        System.out.println("Written: bench/results/" + stamp + "-" + mode + ".{md,json} and latest-" + mode
                + ".{md,json}");
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: ./bench/run [--quick] [--runs N] [--only " + String.join(",", FIGURES) + "]");
        System.exit(2);
    }
}
