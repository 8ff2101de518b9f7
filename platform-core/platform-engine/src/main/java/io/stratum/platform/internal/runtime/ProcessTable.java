package io.stratum.platform.internal.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the platform needs to know about operating-system processes. PIDs are reused, so a process is
 * identified by its pid <em>and</em> its start time. Runtimes carry marker environment variables
 * ({@value #RUNTIME_ID}, {@value #HOME}) so that they can be found after a crash even if their pid was never
 * recorded; on Linux these are read from {@code /proc/PID/environ}.
 */
public final class ProcessTable {

    /** Environment variable naming the runtime id of a process the platform launched. */
    public static final String RUNTIME_ID = "STRATUM_RUNTIME_ID";
    /** Environment variable naming the home directory of the platform that launched a process. */
    public static final String HOME = "STRATUM_HOME";

    private static final Logger LOG = LoggerFactory.getLogger(ProcessTable.class);
    private static final Path PROC = Path.of("/proc");

    private ProcessTable() {
    }

    /** How far apart two readings of one process's start time may be (the OS reports it in clock ticks). */
    private static final long START_TOLERANCE_MS = 2000;

    /**
     * Finds the live process of a runtime. A pid alone may name another process by now (pids are reused), so
     * the process must also carry the runtime's marker in its environment; where environments cannot be read,
     * its start time must match the recorded one.
     *
     * @param pid a process id
     * @param startedMillis its recorded start time (epoch ms), or {@code null} if unknown
     * @param runtimeId the runtime it should belong to
     * @return the live process with that pid that belongs to the runtime
     */
    public static Optional<ProcessHandle> find(long pid, Long startedMillis, String runtimeId) {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(h -> belongsTo(h, startedMillis, runtimeId));
    }

    private static boolean belongsTo(ProcessHandle h, Long startedMillis, String runtimeId) {
        if (canReadEnvironments()) {
            Map<String, String> env = environment(PROC.resolve(Long.toString(h.pid())).resolve("environ"));
            if (!env.isEmpty()) {
                return runtimeId.equals(env.get(RUNTIME_ID));
            }
        }
        return startedMillis == null || h.info().startInstant()
                .map(i -> Math.abs(i.toEpochMilli() - startedMillis) <= START_TOLERANCE_MS).orElse(false);
    }

    /**
     * @param handle a process
     * @return its start time in epoch ms, or {@code null} if the OS does not tell
     */
    public static Long startedMillis(ProcessHandle handle) {
        return handle.info().startInstant().map(i -> i.toEpochMilli()).orElse(null);
    }

    /** @return whether marker environment variables can be read on this OS */
    public static boolean canReadEnvironments() {
        return Files.isDirectory(PROC.resolve("self"));
    }

    /**
     * Finds live processes launched by the platform at {@code home}.
     *
     * @param home the platform's home directory
     * @return process id to runtime id of every live process whose environment says it was launched by it
     */
    public static Map<Long, String> launchedBy(String home) {
        Map<Long, String> out = new HashMap<>();
        if (!canReadEnvironments()) {
            return out;
        }
        try (Stream<Path> entries = Files.list(PROC)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                Map<String, String> env = environment(p.resolve("environ"));
                if (home.equals(env.get(HOME)) && env.containsKey(RUNTIME_ID)) {
                    out.put(Long.parseLong(name), env.get(RUNTIME_ID));
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list processes in /proc: {}", e.toString());
        }
        return out;
    }

    /**
     * Finds live processes that run under a user id: its real, effective, saved or file-system uid (from
     * {@code /proc/PID/status}, which every user may read).
     *
     * @param uid a user id
     * @return their pids (empty where there is no {@code /proc})
     */
    public static List<Long> ownedBy(int uid) {
        List<Long> out = new ArrayList<>();
        if (!canReadEnvironments()) {
            return out;
        }
        String id = Integer.toString(uid);
        try (Stream<Path> entries = Files.list(PROC)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String name = p.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit) && uids(p.resolve("status")).contains(id)) {
                    out.add(Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list processes in /proc: {}", e.toString());
        }
        return out;
    }

    private static List<String> uids(Path status) {
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) {
                    return List.of(line.substring(4).strip().split("\\s+"));
                }
            }
        } catch (IOException | SecurityException e) {
            // gone meanwhile
        }
        return List.of();
    }

    private static Map<String, String> environment(Path environ) {
        Map<String, String> env = new HashMap<>();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(environ);
        } catch (IOException | SecurityException e) {
            return env; // gone, or not ours to read
        }
        for (String entry : new String(bytes, StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    /**
     * Stops a process and its descendants: SIGTERM, then SIGKILL for whatever is still alive after the
     * timeout.
     *
     * @param process the process
     * @param timeout how long to wait for a graceful exit
     * @return {@code true} if everything is gone
     */
    public static boolean terminate(ProcessHandle process, Duration timeout) {
        // an interrupted caller (a cancelled job) still gets a bounded, complete stop; its flag is kept
        boolean interrupted = Thread.interrupted();
        try {
            return terminateAll(process, timeout);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean terminateAll(ProcessHandle process, Duration timeout) {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(0, process);
        all.forEach(ProcessHandle::destroy);
        waitFor(all, timeout);
        List<ProcessHandle> left = all.stream().filter(ProcessHandle::isAlive).toList();
        if (left.isEmpty()) {
            return true;
        }
        LOG.warn("Process {} did not stop within {} s of SIGTERM; sending SIGKILL", process.pid(), timeout.toSeconds());
        left.forEach(ProcessHandle::destroyForcibly);
        waitFor(left, Duration.ofSeconds(5));
        return all.stream().noneMatch(ProcessHandle::isAlive);
    }

    private static void waitFor(List<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle h : processes) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                h.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return;
            } catch (ExecutionException e) {
                // cannot tell; the caller checks isAlive
            } catch (InterruptedException e) {
                // keep waiting: the wait is bounded, and leaving a half-stopped process is worse
                LOG.debug("Interrupted while waiting for process {} to exit; still waiting", h.pid());
                Thread.interrupted();
            }
        }
    }
}
