package io.stratum.platform.elasticity.internal.gather;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what Linux tells about a process in {@code /proc/<pid>/}: its CPU time and start time from {@code stat}, its
 * resident memory from {@code status}. Another root directory may stand in for {@code /proc} (tests).
 */
final class ProcFs {

    /** USER_HZ, the unit of the times in {@code stat}: 100 on every architecture Java runs on. */
    static final long DEFAULT_TICKS_PER_SECOND = 100;

    private static final Logger LOG = LoggerFactory.getLogger(ProcFs.class);

    private final Path root;
    private final long ticksPerSecond;

    /**
     * @param root the directory that stands for {@code /proc}
     * @param ticksPerSecond the unit of CPU and start times in {@code stat} (USER_HZ)
     */
    ProcFs(Path root, long ticksPerSecond) {
        if (ticksPerSecond <= 0) {
            throw new IllegalArgumentException("ticks per second must be positive: " + ticksPerSecond);
        }
        this.root = root;
        this.ticksPerSecond = ticksPerSecond;
    }

    /**
     * @return this machine's {@code /proc}, or empty when the OS is not Linux or has no readable {@code /proc}
     */
    static Optional<ProcFs> system() {
        Path proc = Path.of("/proc");
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
                || !Files.isReadable(proc.resolve("self").resolve("stat"))) {
            return Optional.empty();
        }
        return Optional.of(new ProcFs(proc, clockTicks()));
    }

    /** @return USER_HZ as {@code getconf CLK_TCK} tells, or {@value #DEFAULT_TICKS_PER_SECOND} if it cannot */
    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder(List.of("getconf", "CLK_TCK")).redirectErrorStream(true).start();
            try (InputStream in = p.getInputStream()) {
                String out = new String(in.readNBytes(64), StandardCharsets.US_ASCII).strip();
                if (p.waitFor(2, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    long ticks = Long.parseLong(out);
                    if (ticks > 0) {
                        return ticks;
                    }
                }
            } finally {
                p.destroy();
            }
        } catch (IOException | NumberFormatException e) {
            LOG.debug("getconf CLK_TCK did not answer ({}); taking {} ticks per second", e.toString(),
                    DEFAULT_TICKS_PER_SECOND);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return DEFAULT_TICKS_PER_SECOND;
    }

    /** @return the unit of {@link Stat#cpuTicks()} and {@link Stat#startTicks()} */
    long ticksPerSecond() {
        return ticksPerSecond;
    }

    /**
     * What {@code /proc/<pid>/stat} says of a process (all its threads together).
     *
     * @param cpuTicks user plus system CPU time, in ticks
     * @param startTicks when it started, in ticks after boot: with the pid, it names one process (pids are reused)
     */
    record Stat(long cpuTicks, long startTicks) {
    }

    /**
     * @param pid a process id
     * @return its CPU and start time; empty when there is no such process or it is a zombie (it ended)
     * @throws IOException if its files exist but cannot be read (e.g. {@code /proc} mounted with {@code hidepid})
     */
    Optional<Stat> stat(long pid) throws IOException {
        Optional<String> text = read(pid, "stat");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields count from the last ')'
        String s = text.get();
        int close = s.lastIndexOf(')');
        if (close < 0) {
            throw new IOException("unexpected content of " + root.resolve(Long.toString(pid)).resolve("stat"));
        }
        String[] f = s.substring(close + 1).strip().split("\\s+");
        if (f.length < 20) {
            throw new IOException("unexpected content of " + root.resolve(Long.toString(pid)).resolve("stat"));
        }
        if ("Z".equals(f[0]) || "X".equals(f[0])) {
            return Optional.empty();
        }
        try {
            // f[0] is field 3 (state): utime is field 14, stime 15, starttime 22
            return Optional.of(new Stat(Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[19])));
        } catch (NumberFormatException e) {
            throw new IOException("unexpected content of " + root.resolve(Long.toString(pid)).resolve("stat"), e);
        }
    }

    /**
     * @param pid a process id
     * @return its resident set size in bytes ({@code VmRSS} of {@code /proc/<pid>/status}); empty when there is no
     *     such process or it has no memory any more (a zombie)
     * @throws IOException if its files exist but cannot be read
     */
    Optional<Long> residentBytes(long pid) throws IOException {
        Optional<String> text = read(pid, "status");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        for (String line : text.get().split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring(6).strip().split("\\s+");
                try {
                    long value = Long.parseLong(parts[0]);
                    return Optional.of(parts.length > 1 && "kB".equals(parts[1]) ? value * 1024 : value);
                } catch (NumberFormatException e) {
                    throw new IOException("unexpected VmRSS line in " + root.resolve(Long.toString(pid))
                            .resolve("status") + ": " + line, e);
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> read(long pid, String file) throws IOException {
        try {
            // ISO-8859-1 reads any byte: a command name need not be UTF-8
            return Optional.of(Files.readString(root.resolve(Long.toString(pid)).resolve(file),
                    StandardCharsets.ISO_8859_1));
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException e) {
            // a process that ends while it is read makes the read fail with ESRCH
            if (!Files.isDirectory(root.resolve(Long.toString(pid)))) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
