package io.stratum.bench;

import io.stratum.testkit.KarafInstance;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/** SDP hot-install and removal through deploy/, beside a plain bundle doing the same. */
final class SdpFigures {

    private SdpFigures() {
    }

    static List<Row> run(Env env, KarafInstance stratum) throws Exception {
        Path deploy = stratum.home().resolve("deploy");
        Path sdp;
        try (Stream<Path> jars = Files.list(deploy)) {
            sdp = jars.filter(p -> p.getFileName().toString().startsWith("sme-database")).findFirst().orElseThrow();
        }
        Path parkedSdp = env.work.resolve(sdp.getFileName());
        Path plain = env.work.resolve("bench-plain-bundle.jar");
        writePlainBundle(plain);
        int runs = env.quick ? 2 : env.runs;
        List<Double> install = new ArrayList<>();
        List<Double> removal = new ArrayList<>();
        List<Double> plainInstall = new ArrayList<>();
        List<Double> plainRemoval = new ArrayList<>();
        try {
            for (int r = 0; r < runs; r++) {
                Files.move(sdp, parkedSdp, StandardCopyOption.REPLACE_EXISTING);
                long t0 = System.nanoTime();
                await(stratum, "stratum:sdp-list --all", out -> !out.contains("h2-database"));
                removal.add(ProvisionFigures.ms(t0));

                long t1 = System.nanoTime();
                copyIn(parkedSdp, sdp);
                await(stratum, "stratum:sdp-list", out -> out.lines()
                        .anyMatch(l -> l.contains("h2-database") && l.contains("AVAILABLE")));
                install.add(ProvisionFigures.ms(t1));

                Path target = deploy.resolve(plain.getFileName());
                long t2 = System.nanoTime();
                copyIn(plain, target);
                await(stratum, "bundle:list -s", out -> out.lines()
                        .anyMatch(l -> l.contains("io.stratum.bench.plain") && l.contains("Active")));
                plainInstall.add(ProvisionFigures.ms(t2));

                long t3 = System.nanoTime();
                Files.delete(target);
                await(stratum, "bundle:list -s", out -> !out.contains("io.stratum.bench.plain"));
                plainRemoval.add(ProvisionFigures.ms(t3));
                System.out.printf("  SDP run %d: install %.0f ms (plain bundle %.0f ms), removal %.0f ms (%.0f ms)%n",
                        r + 1, install.get(r), plainInstall.get(r), removal.get(r), plainRemoval.get(r));
            }
        } finally {
            // a run that failed half-way leaves the database SDP where the figures after this one need it
            if (Files.exists(parkedSdp) && !Files.exists(sdp)) {
                Files.move(parkedSdp, sdp);
            }
        }
        return List.of(
                Row.of("SDP hot-install: jar copied into deploy/ -> type usable", "ms", install,
                        "plain bundle copied into deploy/ -> Active", plainInstall),
                Row.of("SDP removal: jar deleted from deploy/ -> type gone", "ms", removal,
                        "plain bundle deleted from deploy/ -> gone", plainRemoval));
    }

    /** Copies atomically, as an operator's cp to a temp name and mv would: the deployer never sees half a jar. */
    private static void copyIn(Path from, Path to) throws IOException {
        Path tmp = to.resolveSibling(to.getFileName() + ".part");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE);
    }

    static void await(KarafInstance k, String command, Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (done.test(k.exec(command))) {
                return;
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("timed out waiting on: " + command);
    }

    private static void writePlainBundle(Path jar) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "io.stratum.bench.plain");
        a.putValue("Bundle-Version", "1.0.0");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
    }
}
