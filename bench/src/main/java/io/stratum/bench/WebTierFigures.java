package io.stratum.bench;

import io.stratum.testkit.FreePorts;
import io.stratum.testkit.KarafInstance;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web tier's proxy under load beside nginx on the same backends: the example notes environment (two app server
 * instances behind the web tier), {@code GET /health} with {@code wrk} (8 connections, 2 threads) through Stratum's web
 * tier and through nginx (Debian's nginx-light: 1 worker, an upstream of the same two instances with keep-alive),
 * one after the other, several times. Needs {@code wrk} and {@code nginx} on the PATH; says so and measures nothing
 * when one is missing.
 */
final class WebTierFigures {

    private static final Pattern REQUESTS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern P99 = Pattern.compile("\\s99%\\s+([0-9.]+)(us|ms|s)");
    private static final Pattern ERRORS = Pattern.compile("(Socket errors:[^\\n]*|Non-2xx or 3xx responses: \\d+)");

    private WebTierFigures() {
    }

    static List<Row> run(Env env, KarafInstance stratum) throws Exception {
        String wrk = onPath("wrk");
        String nginx = onPath("nginx", "/usr/sbin/nginx");
        if (wrk == null || nginx == null) {
            System.out.println("  skipped: " + (wrk == null ? "wrk" : "nginx") + " is not installed (Debian packages "
                    + "wrk and nginx-light); the web tier is measured only beside nginx");
            return List.of();
        }
        String out = stratum.exec("stratum:env-create examples/notes-env.yaml --wait");
        if (!out.contains("SUCCEEDED")) {
            throw new IllegalStateException("the notes environment was not created: " + out);
        }
        try {
            String info = stratum.exec("stratum:service-info notes-app");
            List<String> instances = new ArrayList<>();
            Matcher m = Pattern.compile("instance i\\d+: http://(127\\.0\\.0\\.1:\\d+)/").matcher(info);
            while (m.find()) {
                instances.add(m.group(1));
            }
            Matcher lb = Pattern.compile("provider webtier: (http://127\\.0\\.0\\.1:\\d+)/").matcher(info);
            if (instances.size() != 2 || !lb.find()) {
                throw new IllegalStateException("expected 2 instances and a web tier: " + info);
            }
            int port = FreePorts.next();
            startNginx(env, nginx, instances, port);
            String ours = lb.group(1) + "/health";
            String theirs = "http://127.0.0.1:" + port + "/health";
            int seconds = env.quick ? 5 : 10;
            int runs = env.quick ? 2 : env.runs;
            // warm both up before anything is counted: the proxy's JIT (C2 takes several seconds of load on 2 cores to
            // compile its hot paths) and the backends' connections
            wrk(wrk, "Stratum web tier, warm-up", ours, 10);
            wrk(wrk, "nginx, warm-up", theirs, 10);
            List<Double> oursRps = new ArrayList<>();
            List<Double> theirsRps = new ArrayList<>();
            List<Double> oursP99 = new ArrayList<>();
            List<Double> theirsP99 = new ArrayList<>();
            int excluded = 0;
            for (int r = 0; r < runs + excluded && r < 2 * runs; r++) {
                double[] a = wrk(wrk, "Stratum web tier", ours, seconds);
                double[] b = wrk(wrk, "nginx", theirs, seconds);
                if (a == null || b == null) {
                    System.out.printf("  run %d not counted: %s answered errors (see above)%n", r + 1,
                            a == null && b == null ? "both" : a == null ? "Stratum's web tier" : "nginx");
                    excluded++;
                    continue;
                }
                oursRps.add(a[0]);
                oursP99.add(a[1]);
                theirsRps.add(b[0]);
                theirsP99.add(b[1]);
                System.out.printf("  run %d: Stratum web tier %.0f req/s (p99 %.2f ms), nginx %.0f req/s (p99 %.2f "
                        + "ms)%n", r + 1, a[0], a[1], b[0], b[1]);
            }
            if (oursRps.isEmpty()) {
                throw new IllegalStateException("every run answered errors (printed above)");
            }
            String what = "web tier: GET /health over 2 app server instances, wrk -t2 -c8";
            String baseline = "nginx " + nginxVersion(nginx) + " (1 worker, keep-alive upstream), same instances";
            return List.of(
                    Row.of(what + ", requests/s", "req/s", oursRps, baseline, theirsRps).asThroughput(),
                    Row.of(what + ", p99 latency", "ms", oursP99, baseline, theirsP99));
        } finally {
            env.cleanUpProcesses();
            stratum.exec("stratum:env-delete notes --wait");
        }
    }

    /** Runs wrk; returns requests per second and the p99 latency in ms, or null if any request failed. */
    private static double[] wrk(String wrk, String label, String url, int seconds) throws Exception {
        Process p = new ProcessBuilder(wrk, "-t2", "-c8", "-d" + seconds + "s", "--latency", url)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("wrk failed: " + out);
        }
        Matcher errors = ERRORS.matcher(out);
        boolean failed = false;
        while (errors.find()) {
            System.out.println("  " + label + " (" + url + "): " + errors.group(1));
            failed = true;
        }
        if (failed) {
            // errors answer fast: a run with any is not counted as throughput (it is printed above)
            return null;
        }
        Matcher rps = REQUESTS.matcher(out);
        Matcher p99 = P99.matcher(out);
        if (!rps.find() || !p99.find()) {
            throw new IllegalStateException("cannot read wrk's output: " + out);
        }
        double latency = Double.parseDouble(p99.group(1));
        latency = switch (p99.group(2)) {
            case "us" -> latency / 1000;
            case "s" -> latency * 1000;
            default -> latency;
        };
        return new double[] {Double.parseDouble(rps.group(1)), latency};
    }

    private static void startNginx(Env env, String nginx, List<String> backends, int port) throws Exception {
        Path dir = env.work.resolve("nginx");
        Files.createDirectories(dir.resolve("logs"));
        StringBuilder servers = new StringBuilder();
        for (String b : backends) {
            servers.append("    server ").append(b).append(";\n");
        }
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, "worker_processes 1;\ndaemon off;\npid " + dir.resolve("nginx.pid") + ";\n"
                + "error_log " + dir.resolve("logs/error.log") + " warn;\n"
                + "events { worker_connections 1024; }\n"
                + "http {\n  access_log off;\n"
                + "  client_body_temp_path " + dir.resolve("body") + "; proxy_temp_path " + dir.resolve("proxy")
                + "; fastcgi_temp_path " + dir.resolve("fcgi") + "; uwsgi_temp_path " + dir.resolve("uwsgi")
                + "; scgi_temp_path " + dir.resolve("scgi") + ";\n"
                + "  upstream app {\n" + servers + "    keepalive 32;\n  }\n"
                + "  server {\n    listen 127.0.0.1:" + port + ";\n    location / {\n      proxy_pass http://app;\n"
                + "      proxy_http_version 1.1;\n      proxy_set_header Connection \"\";\n    }\n  }\n}\n");
        env.start(List.of(nginx, "-p", dir.toString(), "-c", conf.toString()), dir.resolve("logs/nginx.out"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("nginx did not listen on " + port + ": "
                            + Files.readString(dir.resolve("logs/nginx.out")));
                }
                Thread.sleep(50);
            }
        }
    }

    private static String nginxVersion(String nginx) {
        try {
            Process p = new ProcessBuilder(nginx, "-v").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            Matcher m = Pattern.compile("nginx/([0-9.]+)").matcher(out);
            return m.find() ? m.group(1) : "";
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    /** @return the first of the names that is an executable file on the PATH (or an absolute path), or null */
    private static String onPath(String... names) {
        for (String name : names) {
            if (name.startsWith("/")) {
                if (Files.isExecutable(Path.of(name))) {
                    return name;
                }
                continue;
            }
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return null;
    }
}
