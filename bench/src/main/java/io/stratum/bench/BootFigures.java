package io.stratum.bench;

import io.stratum.testkit.KarafInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Boot of a fresh Stratum distribution to its first working command, and its memory, beside stock Karaf. */
final class BootFigures {

    private static final long SETTLE_MS = 3000;

    private BootFigures() {
    }

    static List<Row> run(Env env) throws Exception {
        int runs = env.quick ? 1 : env.runs;
        List<Double> boot = new ArrayList<>();
        List<Double> memory = new ArrayList<>();
        List<Double> stockBoot = new ArrayList<>();
        List<Double> stockMemory = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            try (KarafInstance k = env.stratum("boot")) {
                boot.add((double) k.start("stratum:sdp-list", "", Duration.ofSeconds(180)).toMillis());
                Thread.sleep(SETTLE_MS);
                memory.add(k.residentBytes() / 1048576.0);
            }
            try (KarafInstance k = env.stockKaraf("stock")) {
                stockBoot.add((double) k.start("bundle:list", "", Duration.ofSeconds(180)).toMillis());
                Thread.sleep(SETTLE_MS);
                stockMemory.add(k.residentBytes() / 1048576.0);
            }
            System.out.printf("  boot %d: Stratum %.0f ms / %.0f MB, stock Karaf %.0f ms / %.0f MB%n", r + 1,
                    boot.get(r), memory.get(r), stockBoot.get(r), stockMemory.get(r));
        }
        return List.of(
                Row.of("boot (fresh unpack) -> first working stratum: command", "ms", boot,
                        "stock Apache Karaf 4.4.10 -> first working command", stockBoot),
                Row.of("resident memory " + SETTLE_MS / 1000 + " s after boot", "MB", memory,
                        "stock Apache Karaf 4.4.10", stockMemory));
    }
}
