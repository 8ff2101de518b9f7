package io.stratum.bench;

import io.stratum.testkit.KarafInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** How long it takes until a new database answers a JDBC query. */
final class ProvisionFigures {

    private ProvisionFigures() {
    }

    /** Request -> first successful JDBC query, one at a time; p50 and p95. */
    static List<Row> latency(Env env, KarafInstance stratum) throws Exception {
        int n = env.quick ? 3 : 10;
        List<Double> ours = new ArrayList<>();
        List<Double> bare = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = "lat" + i;
            long t0 = System.nanoTime();
            // one command line, as a script would send it: create and wait, then describe
            Map<String, String> info = Stratum.createAndDescribe(stratum, "database", name);
            Jdbc.query(info.get("URL"), info.get("User"), info.get("Password"));
            ours.add(ms(t0));
            Stratum.deleteAll(stratum, List.of(name));

            long b0 = System.nanoTime();
            String url = H2Servers.start(env, env.work.resolve("h2-latency-" + i));
            if (!Jdbc.awaitQuery(url, "sa", "", 60_000)) {
                throw new IllegalStateException("a bare H2 server did not answer at " + url);
            }
            bare.add(ms(b0));
            env.cleanUpProcesses();
            System.out.printf("  provision %d: Stratum %.0f ms, bare H2 %.0f ms%n", i + 1, ours.get(i), bare.get(i));
        }
        String baseline = "bare org.h2.tools.Server process -> first JDBC query";
        Row row = Row.of("database provision: request -> first JDBC query, p50", "ms", ours, baseline, bare);
        return List.of(row, new Row("database provision: request -> first JDBC query, p95", "ms", false, ours, "p95",
                baseline, bare));
    }

    /** N provisions submitted at once: wall time until every one answers JDBC. */
    static Row burst(Env env, KarafInstance stratum) throws Exception {
        int count = env.quick ? 5 : 20;
        int runs = env.quick ? 1 : env.runs;
        List<Double> ours = new ArrayList<>();
        List<Double> bare = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            for (int r = 0; r < runs; r++) {
                List<String> names = new ArrayList<>();
                List<String> commands = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    names.add("burst" + r + "-" + i);
                    commands.add("stratum:service-create database " + names.get(i));
                }
                long t0 = System.nanoTime();
                Stratum.awaitAll(stratum, Stratum.submitAll(stratum, commands));
                List<Future<?>> queries = new ArrayList<>();
                for (Map<String, String> info : Stratum.infos(stratum, names)) {
                    queries.add(pool.submit(() -> {
                        Jdbc.query(info.get("URL"), info.get("User"), info.get("Password"));
                        return null;
                    }));
                }
                for (Future<?> f : queries) {
                    f.get();
                }
                ours.add(ms(t0));
                Stratum.deleteAll(stratum, names);

                long b0 = System.nanoTime();
                List<String> urls = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    urls.add(H2Servers.start(env, env.work.resolve("h2-burst-" + r + "-" + i)));
                }
                List<Future<Boolean>> ready = new ArrayList<>();
                for (String url : urls) {
                    ready.add(pool.submit(() -> Jdbc.awaitQuery(url, "sa", "", 120_000)));
                }
                for (Future<Boolean> f : ready) {
                    if (!f.get()) {
                        throw new IllegalStateException("a bare H2 server did not answer");
                    }
                }
                bare.add(ms(b0));
                env.cleanUpProcesses();
                System.out.printf("  %d at once, run %d: Stratum %.0f ms, bare H2 %.0f ms%n", count, r + 1,
                        ours.get(r), bare.get(r));
            }
        } finally {
            pool.shutdownNow();
        }
        return Row.of(count + " database provisions submitted at once: wall time to all usable", "ms", ours,
                count + " bare H2 servers started at once", bare);
    }

    static double ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000.0;
    }
}
