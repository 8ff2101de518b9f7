package io.stratum.bench;

import io.stratum.testkit.KarafInstance;
import java.util.ArrayList;
import java.util.List;

/** Control-plane latency of the shell while many services live. */
final class LatencyFigures {

    private LatencyFigures() {
    }

    static List<Row> run(Env env, KarafInstance stratum) throws Exception {
        int services = env.quick ? 5 : 50;
        int samples = env.quick ? 5 : 30;
        List<String> names = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            names.add("live" + i);
            commands.add("stratum:service-create database live" + i);
        }
        Stratum.awaitAll(stratum, Stratum.submitAll(stratum, commands));
        List<Double> list = new ArrayList<>();
        List<Double> info = new ArrayList<>();
        List<Double> echo = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            long e0 = System.nanoTime();
            stratum.exec("shell:echo ok");
            echo.add(ProvisionFigures.ms(e0));
            long t0 = System.nanoTime();
            String out = stratum.exec("stratum:service-list");
            list.add(ProvisionFigures.ms(t0));
            if (!out.contains("live" + (services - 1))) {
                throw new IllegalStateException(out);
            }
            long t1 = System.nanoTime();
            String details = stratum.exec("stratum:service-info live" + (i % services));
            info.add(ProvisionFigures.ms(t1));
            if (!details.contains("HEALTHY")) {
                throw new IllegalStateException(details);
            }
        }
        System.out.printf("  with %d live services: service-list p95 %.0f ms, service-info p95 %.0f ms, "
                + "shell:echo p95 %.0f ms%n", services, Stats.percentile(list, 95), Stats.percentile(info, 95),
                Stats.percentile(echo, 95));
        Stratum.deleteAll(stratum, names);
        String reference = "shell:echo over the same SSH session (Karaf's own round trip)";
        return List.of(
                new Row("control plane, " + services + " live services: service-list over SSH, p95", "ms", false,
                        list, "p95", reference, echo),
                new Row("control plane, " + services + " live services: service-info over SSH, p95", "ms", false,
                        info, "p95", reference, echo));
    }
}
