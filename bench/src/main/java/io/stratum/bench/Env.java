package io.stratum.bench;

import io.stratum.testkit.KarafInstance;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Where things are, how much to run, and every process the benchmark started (stopped at the end, also when a
 * figure fails or the run is interrupted).
 */
final class Env {

    final boolean quick;
    final int runs;
    final Path root;
    final Path assembly;
    final Path stockKaraf;
    final Path h2Jar;
    final Path work;
    private final List<Process> processes = new ArrayList<>();
    private final List<KarafInstance> instances = new ArrayList<>();

    Env(boolean quick, int runs, Path root) throws IOException {
        this.quick = quick;
        this.runs = runs;
        this.root = root;
        this.assembly = root.resolve("karaf-features/target/assembly");
        try (Stream<Path> dirs = Files.list(root.resolve("bench/target/stock-karaf"))) {
            this.stockKaraf = dirs.filter(p -> p.getFileName().toString().startsWith("apache-karaf-")).findFirst()
                    .orElseThrow(() -> new IOException("stock Karaf is not unpacked in bench/target/stock-karaf; "
                            + "build with: mvn -DskipTests install"));
        }
        try (Stream<Path> jars = Files.list(root.resolve("bench/target/lib"))) {
            this.h2Jar = jars.filter(p -> p.getFileName().toString().matches("h2-[0-9.]+\\.jar")).findFirst()
                    .orElseThrow(() -> new IOException("the H2 jar is missing from bench/target/lib"));
        }
        this.work = root.resolve("bench/target/work");
        deleteRecursively(work);
        Files.createDirectories(work);
    }

    /** @return a fresh copy of the Stratum distribution on free ports, stopped at the end */
    synchronized KarafInstance stratum(String name) throws IOException {
        KarafInstance k = KarafInstance.copyOf(assembly, work, name);
        instances.add(k);
        return k;
    }

    /** @return a fresh copy of stock Apache Karaf with a console user, stopped at the end */
    synchronized KarafInstance stockKaraf(String name) throws IOException {
        KarafInstance k = KarafInstance.copyOf(stockKaraf, work, name).withUser("bench", "bench");
        instances.add(k);
        return k;
    }

    /** Starts a process whose output goes to a file; it is killed at the end. */
    synchronized Process start(List<String> command, Path log) throws IOException {
        return start(new ProcessBuilder(command), log);
    }

    /** Starts a process whose output goes to a file; it is killed at the end. */
    synchronized Process start(ProcessBuilder builder, Path log) throws IOException {
        Process p = builder.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        processes.add(p);
        return p;
    }

    String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Stops the plain processes started so far (baseline servers): each is asked to stop first, so that it stops its
     * own children (nginx's master its worker; a master killed before its worker starts a new one, which outlives
     * it), then killed if it has not within 5 s, and its children found before are killed too.
     */
    synchronized void cleanUpProcesses() {
        for (Process p : processes) {
            List<ProcessHandle> children = p.descendants().toList();
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                children.forEach(ProcessHandle::destroyForcibly);
            }
        }
        processes.clear();
    }

    /** Stops everything the benchmark started. */
    synchronized void cleanUp() {
        for (KarafInstance k : instances) {
            try {
                k.close();
            } catch (Exception e) {
                System.err.println("could not stop " + k.home() + ": " + e);
            }
        }
        instances.clear();
        cleanUpProcesses();
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted((a, b) -> b.getNameCount() - a.getNameCount())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
