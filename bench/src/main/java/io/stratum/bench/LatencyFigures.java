package io.stratum.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stratum.testkit.FreePorts;
import io.stratum.testkit.KarafInstance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The control plane with many live services: a mix of the three types (a database, a web tier and an app server
 * using both, again and again; 100 services in a full run, 12 in a quick one).
 * <ul>
 * <li>{@code service-list} and {@code service-info} over SSH, beside Karaf's own round trip ({@code shell:echo});</li>
 * <li>the same reads and a scale through {@code PlatformService} inside Karaf (the {@code bench:platform} command of
 * the probe bundle the benchmark drops into {@code deploy/}), beside the same calls in an account with one service,
 * so that what the number of services costs shows;</li>
 * <li>memory: each idle service's processes beside the same software started by hand, and Karaf's own growth per
 * service.</li>
 * </ul>
 */
final class LatencyFigures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LatencyFigures() {
    }

    static List<Row> run(Env env, KarafInstance stratum) throws Exception {
        int total = env.quick ? 12 : 100;
        int sshSamples = env.quick ? 5 : 30;
        int probeSamples = env.quick ? 20 : 100;
        Path probe = installProbe(env, stratum);
        List<Row> rows = new ArrayList<>();
        try {
            long karafBefore = stratum.residentBytes();
            List<String> names = createMix(stratum, total);
            String sample = names.stream().filter(n -> n.startsWith("app")).findFirst().orElseThrow();
            sshReads(stratum, names, sshSamples, rows);
            JsonNode many = probe(stratum, "--samples " + probeSamples + " --scale " + sample
                    + " --scale-samples " + (env.quick ? 1 : 3));
            // the baseline of the in-process reads: the same calls on an account with one service, on the same
            // warm platform with the same services running
            stratum.exec("stratum:account-create solo");
            Stratum.awaitAll(stratum, Stratum.submitAll(stratum,
                    List.of("stratum:service-create database solo-db --account solo")));
            JsonNode solo = probe(stratum, "--account solo --samples " + probeSamples);
            System.out.printf("  through PlatformService: list p95 %.1f ms (1 service: %.1f ms), info p95 %.1f ms "
                    + "(%.1f ms), scale submitted p95 %.1f ms, done median %.0f ms%n",
                    Stats.percentile(samples(many, "list"), 95), Stats.percentile(samples(solo, "list"), 95),
                    Stats.percentile(samples(many, "info"), 95), Stats.percentile(samples(solo, "info"), 95),
                    Stats.percentile(samples(many, "scaleSubmit"), 95),
                    Stats.summary(samples(many, "scaleDone"), "median"));
            String oneService = "the same call, an account with 1 service (same run, same services running)";
            rows.add(new Row("control plane, " + total + " live services: listServices through PlatformService, p95",
                    "ms", false, samples(many, "list"), "p95", oneService, samples(solo, "list")));
            rows.add(new Row("control plane, " + total + " live services: getService through PlatformService, p95",
                    "ms", false, samples(many, "info"), "p95", oneService, samples(solo, "info")));
            List<Double> scales = samples(many, "scaleSubmit");
            rows.add(new Row("control plane, " + total + " live services: scaleService (job accepted) through "
                    + "PlatformService, " + (scales.size() < 20 ? "the slowest of " + scales.size() : "p95"), "ms",
                    false, scales, scales.size() < 20 ? "max" : "p95", null, null));
            memory(env, stratum, many, karafBefore, total, rows);
            // dependants first: a provider in use is not deleted
            Stratum.deleteAll(stratum, names.stream().filter(n -> n.startsWith("app")).toList());
            Stratum.deleteAll(stratum, names.stream().filter(n -> !n.startsWith("app")).toList());
            stratum.exec("stratum:service-delete solo-db --account solo --wait");
            stratum.exec("stratum:account-delete solo");
        } finally {
            Files.deleteIfExists(probe);
        }
        return rows;
    }

    /** Drops the probe bundle into deploy/ and waits for its command. */
    private static Path installProbe(Env env, KarafInstance stratum) throws Exception {
        Path target = stratum.home().resolve("deploy/bench-probe.jar");
        Files.copy(env.root.resolve("bench/target/probe/bench-probe.jar"), target,
                StandardCopyOption.REPLACE_EXISTING);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (stratum.exec("bench:platform --help").contains("Times PlatformService")) {
                    return target;
                }
            } catch (KarafInstance.CommandFailed notYet) {
                // not installed yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the probe bundle's bench:platform command did not appear");
            }
            Thread.sleep(200);
        }
    }

    private static JsonNode probe(KarafInstance stratum, String options) throws Exception {
        String out = stratum.exec("bench:platform " + options);
        return JSON.readTree(out.substring(out.indexOf('{')));
    }

    private static List<Double> samples(JsonNode result, String field) {
        List<Double> out = new ArrayList<>();
        result.get(field).forEach(n -> out.add(n.asDouble()));
        return out;
    }

    /** Creates databases and web tiers, then app servers using one of each, until there are {@code total}. */
    private static List<String> createMix(KarafInstance stratum, int total) throws Exception {
        List<String> names = new ArrayList<>();
        List<String> providers = new ArrayList<>();
        List<String> apps = new ArrayList<>();
        String war = stratum.home().resolve("examples/notes.war").toString();
        for (int i = 0; names.size() < total; i++) {
            names.add("db" + i);
            providers.add("stratum:service-create database db" + i);
            if (names.size() < total) {
                names.add("lb" + i);
                providers.add("stratum:service-create webtier lb" + i);
            }
            if (names.size() < total) {
                names.add("app" + i);
                apps.add("stratum:service-create appserver app" + i + " --provider database=db" + i
                        + " --provider webtier=lb" + i + " --config war=" + war);
            }
        }
        long t0 = System.nanoTime();
        Stratum.awaitAll(stratum, Stratum.submitAll(stratum, providers));
        Stratum.awaitAll(stratum, Stratum.submitAll(stratum, apps));
        System.out.printf("  %d services created in %.1f s%n", names.size(), ProvisionFigures.ms(t0) / 1000);
        return names;
    }

    private static void sshReads(KarafInstance stratum, List<String> names, int samples, List<Row> rows)
            throws Exception {
        List<Double> list = new ArrayList<>();
        List<Double> info = new ArrayList<>();
        List<Double> echo = new ArrayList<>();
        String last = names.get(names.size() - 1);
        for (int i = 0; i < samples; i++) {
            long e0 = System.nanoTime();
            stratum.exec("shell:echo ok");
            echo.add(ProvisionFigures.ms(e0));
            long t0 = System.nanoTime();
            String out = stratum.exec("stratum:service-list");
            list.add(ProvisionFigures.ms(t0));
            if (!out.contains(last)) {
                throw new IllegalStateException(out);
            }
            long t1 = System.nanoTime();
            String details = stratum.exec("stratum:service-info " + names.get(i % names.size()));
            info.add(ProvisionFigures.ms(t1));
            if (!details.contains("RUNNING")) {
                throw new IllegalStateException(details);
            }
        }
        System.out.printf("  with %d live services: service-list p95 %.0f ms, service-info p95 %.0f ms, "
                + "shell:echo p95 %.0f ms%n", names.size(), Stats.percentile(list, 95), Stats.percentile(info, 95),
                Stats.percentile(echo, 95));
        String reference = "shell:echo over the same SSH session (Karaf's own round trip)";
        rows.add(new Row("control plane, " + names.size() + " live services: service-list over SSH, p95", "ms",
                false, list, "p95", reference, echo));
        rows.add(new Row("control plane, " + names.size() + " live services: service-info over SSH, p95", "ms",
                false, info, "p95", reference, echo));
    }

    /**
     * Memory of idle services: each service's processes (resident) beside the same software started by hand and
     * idle as long; and how much Karaf itself grew per service.
     */
    private static void memory(Env env, KarafInstance stratum, JsonNode probed, long karafBefore, int total,
            List<Row> rows) throws Exception {
        Map<String, List<Double>> byType = new LinkedHashMap<>();
        for (JsonNode s : probed.get("runtimes")) {
            double mb = 0;
            for (JsonNode pid : s.get("pids")) {
                mb += KarafInstance.residentBytes(pid.asLong()) / 1e6;
            }
            if (mb > 0) {
                byType.computeIfAbsent(s.get("type").asText(), k -> new ArrayList<>()).add(mb);
            }
        }
        Map<String, List<Double>> bare = bareMemory(env, stratum);
        for (Map.Entry<String, List<Double>> e : byType.entrySet()) {
            String type = e.getKey();
            rows.add(Row.of("memory of an idle " + type + " service (its processes, resident; " + e.getValue().size()
                    + " of them)", "MB", e.getValue(), BARE.get(type), bare.get(type)));
        }
        long karafAfter = stratum.residentBytes();
        double perService = (karafAfter - karafBefore) / 1e6 / total;
        System.out.printf("  Karaf resident %.0f MB before the services, %.0f MB with %d (%.2f MB per service)%n",
                karafBefore / 1e6, karafAfter / 1e6, total, perService);
        rows.add(new Row("Karaf's own resident memory per live service (growth from 0 to " + total + " services)",
                "MB", false, List.of(perService), "median", null, null));
    }

    private static final Map<String, String> BARE = Map.of(
            "database", "a bare org.h2.tools.Server process with the SDP's JVM flags, idle",
            "appserver", "the app server launcher with the same war, started by hand, idle",
            "webtier", "the web tier launcher with one route, started by hand, idle");

    /** Starts each runtime by hand, waits until it answers, lets it idle a few seconds and reads its memory. */
    private static Map<String, List<Double>> bareMemory(Env env, KarafInstance stratum) throws Exception {
        Path dir = env.work.resolve("bare-memory");
        Files.createDirectories(dir);
        // the JVM options the database SDP gives a small plan's server (its class data archive aside)
        String db = H2Servers.start(env, dir.resolve("db"), List.of("-Xmx64m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xss512k"));
        if (!Jdbc.awaitQuery(db, "sa", "", 60_000)) {
            throw new IllegalStateException("a bare H2 server did not answer at " + db);
        }
        int appPort = FreePorts.next();
        Process app = EnvironmentFigure.startAppServer(env, stratum.home().resolve("examples/notes.war"), db, dir,
                "i1", appPort);
        UpdateFigures.awaitHealthy("http://127.0.0.1:" + appPort + "/health", Duration.ofSeconds(120));
        int lbPort = FreePorts.next();
        Process lb = EnvironmentFigure.startWebTier(env, List.of("http://127.0.0.1:" + appPort), dir, lbPort);
        UpdateFigures.awaitHealthy("http://127.0.0.1:" + lbPort + "/health", Duration.ofSeconds(120));
        Thread.sleep(3000);
        long h2 = ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(a -> List.of(a)
                .contains("org.h2.tools.Server")).orElse(false) && p.info().arguments().map(a -> String.join(" ", a)
                .contains(dir.toString())).orElse(false)).findFirst().map(ProcessHandle::pid).orElse(-1L);
        Map<String, List<Double>> out = Map.of(
                "database", List.of(KarafInstance.residentBytes(h2) / 1e6),
                "appserver", List.of(KarafInstance.residentBytes(app.pid()) / 1e6),
                "webtier", List.of(KarafInstance.residentBytes(lb.pid()) / 1e6));
        System.out.printf("  by hand, idle: H2 %.0f MB, app server %.0f MB, web tier %.0f MB%n",
                out.get("database").get(0), out.get("appserver").get(0), out.get("webtier").get(0));
        env.cleanUpProcesses();
        return out;
    }
}
