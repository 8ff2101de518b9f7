package io.stratum.bench;

import io.stratum.testkit.FreePorts;
import io.stratum.testkit.KarafInstance;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The example environment (database, load balancer, two app server instances): request -> first note stored
 * through the load balancer, beside the same software started by hand (an H2 server, two Tomcat instances with
 * the WAR, the Jetty proxy with a routes file).
 */
final class EnvironmentFigure {

    private EnvironmentFigure() {
    }

    static Row run(Env env, KarafInstance stratum) throws Exception {
        int runs = env.quick ? 1 : env.runs;
        Path example = stratum.home().resolve("examples/notes-env.yaml");
        Path war = stratum.home().resolve("examples/notes.war");
        List<Double> ours = new ArrayList<>();
        List<Double> bare = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            String out = stratum.exec("stratum:env-create " + example + " --wait");
            if (!out.contains("SUCCEEDED")) {
                throw new IllegalStateException(out);
            }
            String lb = Stratum.info(stratum, "notes-lb").get("URL");
            awaitStored(lb + "api/notes");
            ours.add(ProvisionFigures.ms(t0));
            String deleted = stratum.exec("stratum:env-delete notes --wait");
            if (!deleted.contains("SUCCEEDED")) {
                throw new IllegalStateException(deleted);
            }

            long b0 = System.nanoTime();
            String proxy = startByHand(env, war, "env-" + r);
            awaitStored(proxy + "api/notes");
            bare.add(ProvisionFigures.ms(b0));
            env.cleanUpProcesses();
            System.out.printf("  environment run %d: Stratum %.0f ms, by hand %.0f ms%n", r + 1, ours.get(r),
                    bare.get(r));
        }
        return Row.of("environment (database, load balancer, 2 app instances): request -> first note stored "
                + "through the load balancer", "ms", ours, "the same processes started by hand at once", bare);
    }

    /** Starts an H2 server, two app instances and the proxy at once, as a script would; returns the proxy URL. */
    private static String startByHand(Env env, Path war, String name) throws Exception {
        Path dir = env.work.resolve(name);
        Files.createDirectories(dir);
        String db = H2Servers.start(env, dir.resolve("db"));
        List<String> backends = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            int port = FreePorts.next();
            backends.add("http://127.0.0.1:" + port);
            startAppServer(env, war, db, dir, "i" + i, port);
        }
        int port = FreePorts.next();
        startWebTier(env, backends, dir, port);
        return "http://127.0.0.1:" + port + "/";
    }

    /** The benchmark's class path, which holds the runtimes' launchers. */
    static String classpath(Env env) throws IOException {
        try (Stream<Path> jars = Files.list(env.root.resolve("bench/target/lib"))) {
            return String.join(":", jars.map(Path::toString).toList());
        }
    }

    /**
     * Starts an app server instance by hand with the JVM flags the app server SDP gives its instances.
     *
     * @return its process
     */
    static Process startAppServer(Env env, Path war, String databaseUrl, Path dir, String instance, int port)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(env.java(), "-Xmx128m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", classpath(env), "io.stratum.sme.appserver.launcher.AppServerMain",
                "--port", Integer.toString(port), "--war", war.toString(), "--base",
                dir.resolve(instance).toString(), "--instance", instance);
        pb.environment().put("DATABASE_URL", databaseUrl);
        pb.environment().put("DATABASE_USER", "sa");
        pb.environment().put("DATABASE_PASSWORD", "");
        pb.environment().put("DATABASE_DRIVER", "org.h2.Driver");
        return env.start(pb, dir.resolve(instance + ".log"));
    }

    /**
     * Starts the web tier's proxy by hand with one route to the backends, with the JVM flags the web tier SDP gives it.
     *
     * @return its process
     */
    static Process startWebTier(Env env, List<String> backends, Path dir, int port) throws IOException {
        Path routes = dir.resolve("routes.properties");
        Files.writeString(routes, "default = notes\nroute.notes.backends = " + String.join(",", backends)
                + "\nroute.notes.healthPath = /health\n");
        return env.start(new ProcessBuilder(env.java(), "-Xmx64m", "-XX:+UseSerialGC",
                "-cp", classpath(env), "io.stratum.sme.webtier.launcher.WebTierMain", "--port", Integer.toString(port),
                "--admin-port", Integer.toString(FreePorts.next()), "--routes", routes.toString()),
                dir.resolve("proxy.log"));
    }

    /** Posts a note until one is stored (201). */
    private static void awaitStored(String url) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
                c.setRequestMethod("POST");
                c.setDoOutput(true);
                c.setConnectTimeout(1000);
                try (OutputStream out = c.getOutputStream()) {
                    out.write("bench".getBytes(StandardCharsets.UTF_8));
                }
                if (c.getResponseCode() == 201) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("no note was stored through " + url);
    }
}
