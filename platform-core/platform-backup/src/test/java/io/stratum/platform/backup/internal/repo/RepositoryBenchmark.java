package io.stratum.platform.backup.internal.repo;

import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Figures, not assertions: backup, verify and restore MB/s of the local repository beside a plain copy and one
 * SHA-256 pass over the same file, and zstd levels on real mixed data. Run from the module directory after
 * {@code mvn test-compile}:
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) io.stratum.platform.backup.internal.repo.RepositoryBenchmark [MiB] [dir]
 * </pre>
 * (cp.txt from {@code mvn dependency:build-classpath -Dmdep.outputFile=cp.txt}). Defaults: 1024 MiB under
 * {@code target/bench}.
 */
public final class RepositoryBenchmark {

    private RepositoryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        Path dir = Path.of(args.length > 1 ? args[1] : "target/bench").toAbsolutePath();
        deleteTree(dir);
        Files.createDirectories(dir);
        long bytes = (long) mib << 20;
        System.out.printf("%d processors, load average %.1f, %d MiB of incompressible data in %s%n",
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), mib, dir);

        Path source = dir.resolve("source.bin");
        writeRandom(source, bytes);
        sha256(source); // warm the page cache like the runs below

        long t = System.nanoTime();
        sha256(source);
        report("baseline: one SHA-256 pass", bytes, t);
        t = System.nanoTime();
        Files.copy(source, dir.resolve("copy.bin"));
        report("baseline: copy (no fsync)", bytes, t);
        t = System.nanoTime();
        Files.copy(source, dir.resolve("copy2.bin"));
        try (FileChannel ch = FileChannel.open(dir.resolve("copy2.bin"), StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        report("baseline: copy + fsync", bytes, t);
        Files.delete(dir.resolve("copy.bin"));
        Files.delete(dir.resolve("copy2.bin"));

        try (LocalRepository repo = new LocalRepository("bench", dir.resolve("repo"))) {
            t = System.nanoTime();
            long cpu0 = cpu();
            long commitStart;
            WriteStats stats;
            try (BackupWriter w = repo.begin("first")) {
                w.addFile("svc", "data", source);
                commitStart = System.nanoTime();
                w.commit(Map.of(), Map.of());
                stats = w.stats();
            }
            report("backup (addFile + commit), cold JVM", bytes, t);
            System.out.printf("    of which commit (seal of the last pack, manifest): %.2f s; %d chunks, %d bytes stored;"
                    + " %.1f s of CPU%n", (System.nanoTime() - commitStart) / 1e9, stats.newChunks(),
                    stats.newStoredBytes(), (cpu() - cpu0) / 1e9);

            t = System.nanoTime();
            try (BackupWriter w = repo.begin("second")) {
                w.addFile("svc", "data", source);
                w.commit(Map.of(), Map.of());
                stats = w.stats();
            }
            report("second backup, unchanged (dedup)", bytes, t);
            System.out.printf("    new bytes stored: %d, chunks reused: %d%n", stats.newStoredBytes(), stats.reusedChunks());

            t = System.nanoTime();
            VerifyReport v = repo.verify("first", Progress.NONE);
            report("verify (" + (v.ok() ? "ok" : "PROBLEMS") + ")", bytes, t);

            Path restored = dir.resolve("restored.bin");
            t = System.nanoTime();
            repo.extract("first", "svc", "data", restored, Progress.NONE);
            report("extract (checked, fsync, rename)", bytes, t);
            Files.delete(restored);

            try (LocalRepository copy = new LocalRepository("copy", dir.resolve("copy-repo"))) {
                t = System.nanoTime();
                CopyReport c = repo.copyTo("first", copy, Progress.NONE);
                report("copyTo another local repository (" + c.chunksSent() + " chunks)", bytes, t);
            }

            repo.delete("first");
            repo.delete("second");
            t = System.nanoTime();
            GcReport gc = repo.collectGarbage();
            System.out.printf("%-48s %8.2f s (%d chunks deleted)%n", "gc of everything", (System.nanoTime() - t) / 1e9,
                    gc.chunksDeleted());

            t = System.nanoTime();
            long cpu1 = cpu();
            try (BackupWriter w = repo.begin("again")) {
                w.addFile("svc", "data", source);
                w.commit(Map.of(), Map.of());
            }
            report("backup again, all chunks new, warm JVM", bytes, t);
            System.out.printf("    %.1f s of CPU%n", (cpu() - cpu1) / 1e9);
        }

        Path modules = Path.of(System.getProperty("java.home"), "lib", "modules");
        if (Files.isRegularFile(modules)) {
            long size = Files.size(modules);
            try (LocalRepository repo = new LocalRepository("bench2", dir.resolve("repo2"))) {
                t = System.nanoTime();
                WriteStats stats;
                try (BackupWriter w = repo.begin("modules")) {
                    w.addFile("jdk", "modules", modules);
                    w.commit(Map.of(), Map.of());
                    stats = w.stats();
                }
                report("backup of the JDK's lib/modules (mixed data)", size, t);
                System.out.printf("    stored %.1f%% of %d bytes%n", 100.0 * stats.newStoredBytes() / size, size);
            }
            byte[] data = Files.readAllBytes(modules);
            for (int level : new int[] {1, 2, 3}) {
                for (int rep = 0; rep < 2; rep++) {
                    try (ZstdCompressCtx ctx = new ZstdCompressCtx().setLevel(level).setContentSize(true)) {
                        long out = 0;
                        t = System.nanoTime();
                        for (int off = 0; off + 65536 <= data.length; off += 65536) {
                            out += ctx.compress(Arrays.copyOfRange(data, off, off + 65536)).length;
                        }
                        if (rep == 1) {
                            report(String.format("zstd level %d, 64 KiB chunks, one core: ratio %.3f", level,
                                    (double) out / data.length), data.length, t);
                        }
                    }
                }
            }
        }
        deleteTree(dir);
    }

    /** CPU time of this process (user and system), ns. */
    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void writeRandom(Path p, long bytes) throws IOException {
        SplittableRandom r = new SplittableRandom(1);
        ByteBuffer b = ByteBuffer.allocate(1 << 20);
        try (OutputStream out = Files.newOutputStream(p)) {
            for (long done = 0; done < bytes; done += b.capacity()) {
                b.clear();
                while (b.hasRemaining()) {
                    b.putLong(r.nextLong());
                }
                out.write(b.array());
            }
        }
    }

    private static String sha256(Path p) throws IOException {
        MessageDigest md = ChunkCodec.newSha256();
        ByteBuffer b = ByteBuffer.allocate(1 << 20);
        try (FileChannel ch = FileChannel.open(p)) {
            while (ch.read(b) >= 0) {
                b.flip();
                md.update(b);
                b.clear();
            }
        }
        return Names.hex(md.digest());
    }

    private static void report(String what, long bytes, long t0) {
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%-48s %8.0f MB/s (%.2f s)%n", what, bytes / 1e6 / s, s);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
