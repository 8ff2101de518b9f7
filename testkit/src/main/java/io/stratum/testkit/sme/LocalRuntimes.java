package io.stratum.testkit.sme;

import io.stratum.sme.api.runtime.RuntimeInfo;
import io.stratum.sme.api.runtime.RuntimeLaunchException;
import io.stratum.sme.api.runtime.RuntimePlatform;
import io.stratum.sme.api.runtime.RuntimeSpec;
import io.stratum.sme.api.runtime.RuntimeState;
import io.stratum.testkit.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A minimal runtime platform for unit tests of engines: real processes (placeholders {@code ${port.NAME}} and
 * {@code ${workdir}} replaced, environment set, output to a log file), kept in memory. {@link #killAll()} in a
 * test's tear-down stops whatever is left.
 */
public final class LocalRuntimes implements RuntimePlatform {

    private final Path dir;
    private final Map<String, Process> processes = new HashMap<>();
    private final Map<String, Map<String, Integer>> ports = new HashMap<>();
    private int launches;

    /**
     * @param dir where working directories and logs go
     */
    public LocalRuntimes(Path dir) {
        this.dir = dir;
    }

    /** @return how many processes were started so far */
    public synchronized int launches() {
        return launches;
    }

    @Override
    public synchronized RuntimeInfo launch(RuntimeSpec spec) throws RuntimeLaunchException {
        Process p = processes.get(spec.name());
        if (p != null && p.isAlive()) {
            return info(spec.name());
        }
        Map<String, Integer> assigned = ports.computeIfAbsent(spec.name(), n -> new HashMap<>());
        try {
            for (String port : spec.ports()) {
                if (!assigned.containsKey(port)) {
                    assigned.put(port, FreePorts.next());
                }
            }
            Path workdir = dir.resolve(spec.name());
            List<String> command = spec.command().stream().map(a -> resolve(a, assigned, workdir)).toList();
            Files.createDirectories(workdir);
            ProcessBuilder pb = new ProcessBuilder(command).directory(workdir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(spec.name() + ".log").toFile()));
            spec.environment().forEach((k, v) -> pb.environment().put(k, resolve(v, assigned, workdir)));
            processes.put(spec.name(), pb.start());
            launches++;
        } catch (IOException e) {
            throw new RuntimeLaunchException(e.getMessage(), e);
        }
        return info(spec.name());
    }

    @Override
    public synchronized void stop(String name, Duration timeout) {
        Process p = processes.get(name);
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void remove(String name, Duration timeout) {
        stop(name, timeout);
        processes.remove(name);
        ports.remove(name);
    }

    @Override
    public synchronized Optional<RuntimeInfo> status(String name) {
        return processes.containsKey(name) ? Optional.of(info(name)) : Optional.empty();
    }

    @Override
    public synchronized List<RuntimeInfo> list() {
        return processes.keySet().stream().map(this::info).toList();
    }

    private static String resolve(String value, Map<String, Integer> ports, Path workdir) {
        String out = value.replace("${workdir}", workdir.toString());
        for (Map.Entry<String, Integer> e : ports.entrySet()) {
            out = out.replace("${port." + e.getKey() + "}", e.getValue().toString());
        }
        return out;
    }

    private RuntimeInfo info(String name) {
        Process p = processes.get(name);
        boolean alive = p.isAlive();
        return new RuntimeInfo(name, alive ? RuntimeState.RUNNING : RuntimeState.STOPPED, alive ? p.pid() : -1,
                ports.get(name), dir.resolve(name), dir.resolve(name + ".log"), alive ? Instant.now() : null, 0, "");
    }

    /** Kills every process started. */
    public synchronized void killAll() {
        processes.values().forEach(Process::destroyForcibly);
    }
}
