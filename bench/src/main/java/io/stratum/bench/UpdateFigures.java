package io.stratum.bench;

import io.stratum.testkit.FreePorts;
import io.stratum.testkit.KarafInstance;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Updates of the example environment with three app server instances, under steady HTTP load through its web tier:
 * the time a rolling update (the shipped maxThreads patch) takes, beside the same three restarts done by hand one
 * after the other; and the longest time the web tier answered with the maintenance page during a hard update of one
 * instance, beside one restart by hand. Failed requests are printed (the tests assert there are none).
 */
final class UpdateFigures {

    private UpdateFigures() {
    }

    static List<Row> run(Env env, KarafInstance stratum) throws Exception {
        int runs = env.quick ? 1 : Math.min(3, env.runs);
        Path examples = stratum.home().resolve("examples");
        Path patches = stratum.home().resolve("patches");
        Files.createDirectories(patches);
        Path document = examples.resolve("notes-env-3.yaml"); // beside notes.war, which it names relatively
        Files.writeString(document, Files.readString(examples.resolve("notes-env.yaml")).replace("instances: 2",
                "instances: 3"));
        List<Double> rolling = new ArrayList<>();
        List<Double> byHand = new ArrayList<>();
        List<Double> page = new ArrayList<>();
        List<Double> restart = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            check(stratum.exec("stratum:env-create " + document + " --wait"), "SUCCEEDED");
            String lb = Stratum.info(stratum, "notes-lb").get("URL");
            // a patch of its own each run (the service keeps what the last one set)
            String threads = Integer.toString(100 + r);
            String id = "bench-threads-" + r;
            writePatch(patches, id, threads);
            awaitValid(stratum, id);
            Load load = new Load(lb + "health", 2);
            long t0 = System.nanoTime();
            String update = submit(stratum, id);
            awaitUpdate(stratum, update);
            rolling.add(ProvisionFigures.ms(t0));
            load.stop();
            System.out.printf("  rolling update run %d: %.0f ms, %d requests, %d failed%n", r + 1, rolling.get(r),
                    load.ok.get() + load.failed.get(), load.failed.get());

            check(stratum.exec("stratum:service-scale notes-app 1 --wait"), "SUCCEEDED");
            String hardId = "bench-hard-" + r;
            writePatch(patches, hardId, Integer.toString(150 + r));
            awaitValid(stratum, hardId);
            Load hard = new Load(lb + "health", 2);
            String hardUpdate = submit(stratum, hardId);
            awaitUpdate(stratum, hardUpdate);
            Thread.sleep(300);
            hard.stop();
            page.add((double) hard.longestPageMs());
            System.out.printf("  hard update run %d: maintenance page for %d ms at the longest, %d pages, %d failed%n",
                    r + 1, hard.longestPageMs(), hard.pages.get(), hard.failed.get());
            check(stratum.exec("stratum:env-delete notes --wait"), "SUCCEEDED");
            for (String p : List.of(id, hardId)) {
                Files.deleteIfExists(patches.resolve(p + ".json"));
                Files.deleteIfExists(patches.resolve(p + ".json.sha256"));
            }

            List<Double> starts = restartsByHand(env, examples.resolve("notes.war"), "update-" + r, 3);
            byHand.add(starts.stream().mapToDouble(Double::doubleValue).sum());
            restart.add(starts.get(0));
            env.cleanUpProcesses();
        }
        return List.of(
                Row.of("rolling update of 3 app server instances under HTTP load (drain, restart, health check each)",
                        "ms", rolling, "the 3 instances restarted one after the other by hand", byHand),
                Row.of("hard update of 1 app server instance: longest time its route answered the maintenance page",
                        "ms", page, "one restart of the instance by hand (start to healthy)", restart));
    }

    private static void check(String output, String expected) {
        if (!output.contains(expected)) {
            throw new IllegalStateException(output);
        }
    }

    private static void writePatch(Path dir, String id, String maxThreads) throws Exception {
        Path file = dir.resolve(id + ".json");
        Files.writeString(file, "{\"id\": \"" + id + "\", \"title\": \"maxThreads " + maxThreads + "\", "
                + "\"description\": \"benchmark patch\", \"serviceType\": \"appserver\", \"sdpVersions\": "
                + "\"[1.0.0,2.0.0)\", \"configuration\": {\"maxThreads\": \"" + maxThreads + "\"}}\n");
        String sum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        Files.writeString(dir.resolve(id + ".json.sha256"), sum + "  " + id + ".json\n");
    }

    private static void awaitValid(KarafInstance k, String id) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (String line : k.exec("stratum:patch-list").split("\n")) {
                if (line.startsWith(id + " ") && line.contains("VALID")) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("patch " + id + " was not read: " + k.exec("stratum:patch-list"));
    }

    /** Applies a patch to notes-app at once; returns the update's id. */
    private static String submit(KarafInstance k, String patch) throws IOException {
        String out = k.exec("stratum:patch-apply " + patch + " notes-app --force --no-format");
        for (String line : out.split("\n")) {
            String[] f = line.split("\t");
            if (f.length > 2 && f[2].strip().equals("notes-app")) {
                return f[0].strip();
            }
        }
        throw new IllegalStateException("no update of notes-app in: " + out);
    }

    private static void awaitUpdate(KarafInstance k, String id) throws Exception {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            String out = k.exec("stratum:update-info " + id);
            if (out.contains("SUCCEEDED")) {
                return;
            }
            if (out.contains("FAILED") || out.contains("CANCELLED")) {
                throw new IllegalStateException(out);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("update " + id + " did not end");
    }

    /** Starts n app server instances one after the other, each until healthy; returns each start's time. */
    private static List<Double> restartsByHand(Env env, Path war, String name, int n) throws Exception {
        Path dir = env.work.resolve(name);
        Files.createDirectories(dir);
        String db = H2Servers.start(env, dir.resolve("db"));
        List<Double> times = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            int port = FreePorts.next();
            long t0 = System.nanoTime();
            EnvironmentFigure.startAppServer(env, war, db, dir, "i" + i, port);
            awaitHealthy("http://127.0.0.1:" + port + "/health", Duration.ofSeconds(60));
            times.add(ProvisionFigures.ms(t0));
        }
        return times;
    }

    /** Waits until a URL answers 200. */
    static void awaitHealthy(String url, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (status(url) == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException(url + " did not answer 200 in " + timeout.toSeconds() + " s");
    }

    private static int status(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(1000);
        c.setReadTimeout(10_000);
        try {
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }

    /** Clients sending GETs until stopped: answers, failures, and the longest stretch of maintenance pages. */
    private static final class Load {
        final AtomicLong ok = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong pages = new AtomicLong();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();
        private long stretchStart = -1;
        private long longest;

        Load(String url, int n) {
            for (int i = 0; i < n; i++) {
                Thread t = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
                            c.setConnectTimeout(1000);
                            c.setReadTimeout(10_000);
                            int code = c.getResponseCode();
                            boolean page = code == 503 && c.getHeaderField("X-Stratum-Maintenance") != null;
                            (code == 200 ? c.getInputStream() : c.getErrorStream()).readAllBytes();
                            if (code == 200) {
                                ok.incrementAndGet();
                                seen(false);
                            } else if (page) {
                                pages.incrementAndGet();
                                seen(true);
                            } else {
                                failed.incrementAndGet();
                            }
                        } catch (IOException e) {
                            failed.incrementAndGet();
                        }
                    }
                }, "bench-load-" + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
        }

        private synchronized void seen(boolean page) {
            long now = System.nanoTime();
            if (page && stretchStart < 0) {
                stretchStart = now;
            } else if (!page && stretchStart >= 0) {
                longest = Math.max(longest, (now - stretchStart) / 1_000_000);
                stretchStart = -1;
            }
        }

        synchronized long longestPageMs() {
            return longest;
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(15_000);
            }
            seen(false);
        }
    }
}
