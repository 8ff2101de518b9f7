package io.stratum.platform.internal.runtime;

import io.stratum.platform.internal.store.Store;
import io.stratum.platform.internal.util.ConfigReader;
import io.stratum.platform.internal.util.DaemonThreads;
import io.stratum.sme.api.runtime.RuntimeInfo;
import io.stratum.sme.api.runtime.RuntimeLaunchException;
import io.stratum.sme.api.runtime.RuntimePlatform;
import io.stratum.sme.api.runtime.RuntimeSpec;
import io.stratum.sme.api.runtime.RuntimeState;
import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native-process runtime platform: each runtime is an OS process of its own, in its own session
 * ({@code setsid}), with its own working directory, ports on 127.0.0.1, and output appended to a log file
 * (never a pipe, so it outlives the platform).
 * <p>
 * Crash safety: a runtime's row is written <em>before</em> its process starts and deleted only after the
 * process is gone, and every process carries its runtime id in its environment. On activation the platform
 * reattaches to runtimes that kept running (matching pid and start time), adopts processes whose pid it never
 * recorded, and stops processes of its home that have no row (orphans). A monitor restarts runtimes that die
 * on their own, within their restart policy.
 */
@Component(service = RuntimeManager.class, immediate = true, configurationPid = "io.stratum.runtime")
@Designate(ocd = NativeProcessRuntimes.Config.class)
public final class NativeProcessRuntimes implements RuntimeManager {

    /**
     * Configuration (PID {@value #PID}). A bad value (not of the key's type, out of range, or a port range whose start
     * is above its end) is refused with a warning and the value in effect is kept; see {@link ConfigReader}.
     */
    @ObjectClassDefinition(name = "Stratum native-process runtime platform")
    public @interface Config {
        @AttributeDefinition(description = "Milliseconds between checks of every runtime's process (10 to 3600000)")
        long monitorIntervalMs() default DEFAULT_MONITOR_INTERVAL_MS;

        @AttributeDefinition(description = "Seconds between sweeps for orphaned runtime processes (1 to 86400)")
        long orphanSweepSeconds() default DEFAULT_ORPHAN_SWEEP_SECONDS;

        @AttributeDefinition(description = "Start runtimes in a session of their own (setsid), so that a "
                + "console's Ctrl-C does not reach them")
        boolean newSession() default true;

        @AttributeDefinition(description = "Lowest TCP port given to runtimes, 1024 to 65535 (keep the range outside "
                + "the OS's ephemeral range, /proc/sys/net/ipv4/ip_local_port_range)")
        int portRangeStart() default DEFAULT_PORT_FIRST;

        @AttributeDefinition(description = "Highest TCP port given to runtimes, portRangeStart to 65535")
        int portRangeEnd() default DEFAULT_PORT_LAST;
    }

    /** The configuration's PID. */
    public static final String PID = "io.stratum.runtime";
    static final long DEFAULT_MONITOR_INTERVAL_MS = 1000;
    static final long DEFAULT_ORPHAN_SWEEP_SECONDS = 60;

    /** The configured settings, each checked. */
    record Settings(long monitorIntervalMs, long orphanSweepSeconds, boolean newSession, int portRangeStart,
            int portRangeEnd) {
        static final Settings DEFAULTS = new Settings(DEFAULT_MONITOR_INTERVAL_MS, DEFAULT_ORPHAN_SWEEP_SECONDS, true,
                DEFAULT_PORT_FIRST, DEFAULT_PORT_LAST);

        /** Reads the configuration; a refused value leaves the one in {@code kept}. */
        static Settings read(Map<String, ?> properties, Settings kept) {
            ConfigReader c = new ConfigReader(PID, properties, LOG);
            long monitor = c.longValue("monitorIntervalMs", DEFAULT_MONITOR_INTERVAL_MS, kept.monitorIntervalMs(), 10,
                    3_600_000);
            long sweep = c.longValue("orphanSweepSeconds", DEFAULT_ORPHAN_SWEEP_SECONDS, kept.orphanSweepSeconds(), 1,
                    86_400);
            boolean session = c.booleanValue("newSession", true, kept.newSession());
            int first = c.intValue("portRangeStart", DEFAULT_PORT_FIRST, kept.portRangeStart(), 1024, 65535);
            int last = c.intValue("portRangeEnd", DEFAULT_PORT_LAST, kept.portRangeEnd(), 1024, 65535);
            if (first > last) {
                c.refuse("portRangeStart/portRangeEnd", first + "-" + last, "portRangeStart <= portRangeEnd",
                        kept.portRangeStart() + "-" + kept.portRangeEnd());
                first = kept.portRangeStart();
                last = kept.portRangeEnd();
            }
            return new Settings(monitor, sweep, session, first, last);
        }
    }

    /** Default lowest runtime port: below Linux's ephemeral range (32768-60999). */
    public static final int DEFAULT_PORT_FIRST = 20000;
    /** Default highest runtime port. */
    public static final int DEFAULT_PORT_LAST = 29999;

    private static final Logger LOG = LoggerFactory.getLogger(NativeProcessRuntimes.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(port\\.([a-z0-9-]+)|workdir)}");
    private static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(20);
    /** The platform's environment variables a runtime inherits (its spec adds its own). */
    private static final List<String> INHERITED_ENVIRONMENT =
            List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "JAVA_HOME");

    private final Store store;
    private final RuntimeRepository repository;
    private final String home;
    private final boolean setsidAvailable = Files.isExecutable(Path.of("/usr/bin/setsid"));
    private volatile boolean newSession;
    private volatile PortAllocator portAllocator;
    /** The configuration in effect; defaults for instances made by the constructors tests use. */
    private volatile Settings settings = Settings.DEFAULTS;
    /** Held from choosing a runtime's ports until they are recorded, so that no two runtimes get one port. */
    private final Object portLock = new Object();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /** Runtime id to the process this JVM started (for exit codes). */
    private final Map<String, Process> children = new ConcurrentHashMap<>();
    private final ScheduledExecutorService monitor;
    /** The periodic checks; replaced when the configuration changes. Guarded by {@code this}. */
    private ScheduledFuture<?> checks;
    private ScheduledFuture<?> sweeps;

    /**
     * @param store the store
     * @param properties the component's properties: the configuration {@link Config} describes, each value checked
     */
    @Activate
    public NativeProcessRuntimes(@Reference Store store, Map<String, Object> properties) {
        this(store, Settings.read(properties, Settings.DEFAULTS));
    }

    private NativeProcessRuntimes(Store store, Settings settings) {
        this(store, settings.monitorIntervalMs(), settings.orphanSweepSeconds() * 1000, settings.newSession(),
                new PortAllocator(settings.portRangeStart(), settings.portRangeEnd()));
        this.settings = settings;
    }

    /**
     * @param store the store
     * @param monitorIntervalMs milliseconds between checks of every runtime
     * @param orphanSweepMs milliseconds between sweeps for orphaned processes
     * @param newSession start runtimes in a session of their own
     */
    public NativeProcessRuntimes(Store store, long monitorIntervalMs, long orphanSweepMs, boolean newSession) {
        this(store, monitorIntervalMs, orphanSweepMs, newSession,
                new PortAllocator(DEFAULT_PORT_FIRST, DEFAULT_PORT_LAST));
    }

    private NativeProcessRuntimes(Store store, long monitorIntervalMs, long orphanSweepMs, boolean newSession,
            PortAllocator ports) {
        this.store = store;
        this.portAllocator = ports;
        this.repository = new RuntimeRepository(store);
        this.home = store.home().toString();
        this.newSession = useSession(newSession);
        if (!ProcessTable.canReadEnvironments()) {
            LOG.warn("Cannot read process environments (no /proc): processes launched just before a crash "
                    + "cannot be found again");
        }
        reattach();
        sweepOrphans();
        this.monitor = Executors.newSingleThreadScheduledExecutor(new DaemonThreads("stratum-runtime-monitor"));
        schedule(monitorIntervalMs, orphanSweepMs);
    }

    /**
     * Takes a configuration change without restarting the component: the checks are rescheduled; runtimes
     * started from now on use the new session setting and port range. A bad value is refused with a warning and
     * the one in effect is kept; this never throws.
     *
     * @param properties the component's new properties
     */
    @Modified
    public void modified(Map<String, Object> properties) {
        Settings next = Settings.read(properties, settings);
        newSession = useSession(next.newSession());
        portAllocator = new PortAllocator(next.portRangeStart(), next.portRangeEnd());
        schedule(next.monitorIntervalMs(), next.orphanSweepSeconds() * 1000);
        settings = next;
    }

    /** @return the configuration in effect (as configured; {@code newSession} may be off for want of setsid) */
    Settings settings() {
        return settings;
    }

    private boolean useSession(boolean wanted) {
        if (wanted && !setsidAvailable) {
            LOG.warn("setsid not found: runtimes share the platform's session and get its console's Ctrl-C");
        }
        return wanted && setsidAvailable;
    }

    private synchronized void schedule(long monitorIntervalMs, long orphanSweepMs) {
        if (monitorIntervalMs <= 0 || orphanSweepMs <= 0) {
            throw new IllegalArgumentException("monitorIntervalMs and orphanSweepSeconds must be positive, not "
                    + monitorIntervalMs + " ms and " + orphanSweepMs + " ms");
        }
        if (checks != null) {
            checks.cancel(false);
            sweeps.cancel(false);
        }
        checks = monitor.scheduleWithFixedDelay(this::checkAllQuietly, monitorIntervalMs, monitorIntervalMs,
                TimeUnit.MILLISECONDS);
        sweeps = monitor.scheduleWithFixedDelay(this::sweepOrphansQuietly, orphanSweepMs, orphanSweepMs,
                TimeUnit.MILLISECONDS);
    }

    /** Stops watching; runtimes keep running (the data plane is separate from the control plane). */
    @Deactivate
    public void deactivate() {
        monitor.shutdownNow();
        try {
            monitor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public RuntimePlatform forService(String serviceId) {
        return new ServiceRuntimes(serviceId);
    }

    @Override
    public List<RuntimeInfo> list(String serviceId) {
        return repository.ofService(serviceId).stream().map(RuntimeRecord::toInfo).toList();
    }

    @Override
    public void removeAll(String serviceId, Duration timeout) {
        for (RuntimeRecord r : repository.ofService(serviceId)) {
            remove(serviceId, r.name(), timeout);
        }
    }

    /** The directory of a service's runtimes and logs. */
    private Path serviceDir(String serviceId) {
        return store.home().resolve("services").resolve(serviceId);
    }

    private Object lock(String serviceId, String name) {
        return locks.computeIfAbsent(serviceId + "/" + name, k -> new Object());
    }

    // ---------------------------------------------------------------- operations

    RuntimeInfo launch(String serviceId, RuntimeSpec spec) throws RuntimeLaunchException {
        synchronized (lock(serviceId, spec.name())) {
            Optional<RuntimeRecord> existing = repository.find(serviceId, spec.name());
            RuntimeRecord r;
            if (existing.isPresent()) {
                r = existing.get();
                if (alive(r).isPresent()) {
                    r = r.withDesired(RuntimeState.RUNNING).withState(RuntimeState.RUNNING, r.message());
                    repository.update(r);
                    return r.toInfo();
                }
                synchronized (portLock) {
                    r = r.withSpec(spec, ports(spec, r.ports())).withDesired(RuntimeState.RUNNING)
                            .withState(RuntimeState.STARTING, "").withProcess(null, null)
                            .withRestarts(0, List.of(), null);
                    repository.update(r);
                }
            } else {
                Path dir = serviceDir(serviceId);
                synchronized (portLock) {
                    r = new RuntimeRecord(UUID.randomUUID().toString(), serviceId, spec.name(), RuntimeState.STARTING,
                            RuntimeState.RUNNING, spec, ports(spec, Map.of()),
                            dir.resolve("runtimes").resolve(spec.name()),
                            dir.resolve("logs").resolve(spec.name() + ".log"), null, null, 0, List.of(), null, "");
                    repository.insert(r); // before the process exists: it can always be found again
                }
            }
            return spawn(r, "launch").toInfo();
        }
    }

    void stop(String serviceId, String name, Duration timeout) {
        synchronized (lock(serviceId, name)) {
            Optional<RuntimeRecord> found = repository.find(serviceId, name);
            if (found.isEmpty()) {
                return;
            }
            RuntimeRecord r = found.get().withDesired(RuntimeState.STOPPED);
            repository.update(r); // first, so the monitor does not restart it
            Optional<ProcessHandle> process = alive(r).or(() -> adopt(r));
            if (process.isPresent() && !terminate(r, process.get(), timeout)) {
                throw new IllegalStateException("runtime '" + name + "' (pid " + process.get().pid()
                        + ") did not stop even after SIGKILL; it is kept on record with its pid, stop it by hand");
            }
            repository.update(r.withState(RuntimeState.STOPPED, "stopped at " + Instant.now())
                    .withProcess(null, null).withRestarts(r.restarts(), r.restartTimes(), null));
            children.remove(r.id());
        }
    }

    void remove(String serviceId, String name, Duration timeout) {
        synchronized (lock(serviceId, name)) {
            Optional<RuntimeRecord> found = repository.find(serviceId, name);
            if (found.isEmpty()) {
                return;
            }
            RuntimeRecord r = found.get().withDesired(RuntimeState.STOPPED);
            repository.update(r);
            Optional<ProcessHandle> process = alive(r).or(() -> adopt(r));
            if (process.isPresent() && !terminate(r, process.get(), timeout)) {
                throw new IllegalStateException("runtime '" + name + "' (pid " + process.get().pid()
                        + ") could not be killed; it is kept on record");
            }
            repository.delete(r.id());
            children.remove(r.id());
            deleteRecursively(r.workDir());
        }
    }

    Optional<RuntimeInfo> status(String serviceId, String name) {
        return repository.find(serviceId, name).map(RuntimeRecord::toInfo);
    }

    // ---------------------------------------------------------------- processes

    private Optional<ProcessHandle> alive(RuntimeRecord r) {
        return r.pid() == null ? Optional.empty() : ProcessTable.find(r.pid(), r.pidStarted(), r.id());
    }

    /** Finds the process of a runtime whose pid was never recorded (crash between start and record). */
    private Optional<ProcessHandle> adopt(RuntimeRecord r) {
        return ProcessTable.launchedBy(home).entrySet().stream()
                .filter(e -> e.getValue().equals(r.id()))
                .findFirst()
                .flatMap(e -> ProcessTable.find(e.getKey(), null, r.id()));
    }

    private boolean terminate(RuntimeRecord r, ProcessHandle p, Duration timeout) {
        LOG.info("Stopping runtime {}/{} (pid {})", r.serviceId(), r.name(), p.pid());
        return ProcessTable.terminate(p, timeout == null ? DEFAULT_STOP_TIMEOUT : timeout);
    }

    private Map<String, Integer> ports(RuntimeSpec spec, Map<String, Integer> current) throws RuntimeLaunchException {
        Map<String, Integer> out = new LinkedHashMap<>();
        Set<Integer> reserved = new HashSet<>(repository.allPorts());
        for (String name : spec.ports()) {
            Integer port = current.get(name);
            if (port == null) {
                try {
                    port = portAllocator.allocate(reserved);
                } catch (IOException e) {
                    throw new RuntimeLaunchException("cannot find a free port for runtime '" + spec.name() + "': "
                            + e.getMessage(), e);
                }
                reserved.add(port);
            }
            out.put(name, port);
        }
        return out;
    }

    /** Starts the process of a recorded runtime and records its pid. Caller holds the runtime's lock. */
    private RuntimeRecord spawn(RuntimeRecord r, String why) throws RuntimeLaunchException {
        List<String> command = new ArrayList<>();
        if (newSession) {
            command.add("/usr/bin/setsid");
        }
        Map<String, String> env = new LinkedHashMap<>();
        try {
            String program = r.spec().command().get(0);
            if (!isExecutable(program)) {
                throw new IOException("program '" + program + "' is not an executable file or on the PATH");
            }
            for (String arg : r.spec().command()) {
                command.add(resolve(arg, r));
            }
            for (Map.Entry<String, String> e : r.spec().environment().entrySet()) {
                env.put(e.getKey(), resolve(e.getValue(), r));
            }
            Files.createDirectories(r.workDir());
            Files.createDirectories(r.logFile().getParent());
            try (Writer w = Files.newBufferedWriter(r.logFile(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                w.write("=== " + Instant.now() + " stratum: " + why + " runtime '" + r.name() + "': "
                        + String.join(" ", command) + System.lineSeparator());
            }
        } catch (IOException | IllegalArgumentException e) {
            failed(r, e);
            throw new RuntimeLaunchException("cannot prepare runtime '" + r.name() + "': " + e.getMessage(), e);
        }
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(r.workDir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(r.logFile().toFile()))
                .redirectErrorStream(true);
        // a runtime sees only what its spec gives it, not the platform's own environment (JAVA_TOOL_OPTIONS,
        // KARAF_*, credentials an operator exported, ...); a few variables every program expects are kept
        Map<String, String> inherited = new LinkedHashMap<>(pb.environment());
        pb.environment().clear();
        for (String keep : INHERITED_ENVIRONMENT) {
            if (inherited.containsKey(keep)) {
                pb.environment().put(keep, inherited.get(keep));
            }
        }
        pb.environment().putAll(env);
        pb.environment().put(ProcessTable.RUNTIME_ID, r.id());
        pb.environment().put(ProcessTable.HOME, home);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            failed(r, e);
            throw new RuntimeLaunchException("cannot start runtime '" + r.name() + "' (" + r.spec().command().get(0)
                    + "): " + e.getMessage(), e);
        }
        children.put(r.id(), process);
        RuntimeRecord running = r.withProcess(process.pid(), ProcessTable.startedMillis(process.toHandle()))
                .withState(RuntimeState.RUNNING, "");
        repository.update(running);
        LOG.info("Runtime {}/{} started (pid {}, ports {}, log {})", r.serviceId(), r.name(), process.pid(),
                r.ports(), r.logFile());
        return running;
    }

    private static boolean isExecutable(String program) {
        if (program.contains("/")) {
            return Files.isExecutable(Path.of(program));
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return true; // let the OS decide
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private void failed(RuntimeRecord r, Exception e) {
        repository.update(r.withState(RuntimeState.FAILED, "could not be launched: " + e.getMessage())
                .withProcess(null, null));
    }

    private static String resolve(String value, RuntimeRecord r) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group(1).equals("workdir")) {
                replacement = r.workDir().toString();
            } else {
                Integer port = r.ports().get(m.group(2));
                if (port == null) {
                    throw new IllegalArgumentException("placeholder ${port." + m.group(2) + "} names a port the spec "
                            + "does not declare " + r.ports().keySet());
                }
                replacement = port.toString();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    // ---------------------------------------------------------------- recovery and monitoring

    /** Reconciles the records with the processes that exist after a (re)start of the platform. */
    private void reattach() {
        Map<Long, String> marked = ProcessTable.launchedBy(home);
        for (RuntimeRecord r : repository.all()) {
            synchronized (lock(r.serviceId(), r.name())) {
                reattach(r, marked);
            }
        }
    }

    private void reattach(RuntimeRecord recorded, Map<Long, String> marked) {
        RuntimeRecord r = recorded;
        Optional<ProcessHandle> process = alive(r);
        if (process.isEmpty() && r.pid() == null) {
            process = marked.entrySet().stream().filter(e -> e.getValue().equals(recorded.id())).findFirst()
                    .flatMap(e -> ProcessTable.find(e.getKey(), null, recorded.id()));
            if (process.isPresent()) {
                LOG.info("Adopted runtime {}/{} (pid {}), launched just before the platform stopped",
                        r.serviceId(), r.name(), process.get().pid());
                r = r.withProcess(process.get().pid(), ProcessTable.startedMillis(process.get()));
            }
        }
        if (process.isPresent()) {
            if (r.desired() == RuntimeState.RUNNING) {
                LOG.info("Reattached to runtime {}/{} (pid {})", r.serviceId(), r.name(), r.pid());
                repository.update(r.withState(RuntimeState.RUNNING, r.message()));
            } else {
                terminate(r, process.get(), DEFAULT_STOP_TIMEOUT);
                repository.update(r.withState(RuntimeState.STOPPED, r.message()).withProcess(null, null));
            }
        } else if (r.desired() == RuntimeState.RUNNING
                && (r.state() == RuntimeState.RUNNING || r.state() == RuntimeState.STARTING)) {
            // died while the platform was down, or was never started: the monitor applies the restart policy
            repository.update(r.withState(RuntimeState.RUNNING, r.message()));
        }
    }

    private void sweepOrphansQuietly() {
        try {
            sweepOrphans();
        } catch (RuntimeException e) {
            LOG.error("Orphan sweep failed", e);
        }
    }

    /**
     * Stops processes launched by this platform's home whose runtime has no record. Processes are listed
     * before records are read: a row is always written before its process starts, so a process seen here
     * whose row is missing from the later read is really an orphan.
     */
    private void sweepOrphans() {
        Map<Long, String> marked = ProcessTable.launchedBy(home);
        if (marked.isEmpty()) {
            return;
        }
        Set<String> known = new HashSet<>();
        repository.all().forEach(r -> known.add(r.id()));
        marked.forEach((pid, runtimeId) -> {
            if (!known.contains(runtimeId)) {
                // looked up again by marker: the pid may have been reused since the listing
                ProcessTable.find(pid, null, runtimeId).ifPresent(p -> {
                    LOG.warn("Stopping orphaned runtime process {} (runtime {} has no record)", pid, runtimeId);
                    ProcessTable.terminate(p, Duration.ofSeconds(10));
                });
            }
        });
    }

    private void checkAllQuietly() {
        try {
            for (RuntimeRecord r : repository.all()) {
                if (r.desired() == RuntimeState.RUNNING) {
                    check(r.serviceId(), r.name());
                }
            }
        } catch (RuntimeException e) {
            LOG.error("Runtime monitor failed", e);
        }
    }

    /** Restarts a runtime that died on its own, within its policy. */
    private void check(String serviceId, String name) {
        synchronized (lock(serviceId, name)) {
            Optional<RuntimeRecord> found = repository.find(serviceId, name);
            if (found.isEmpty() || found.get().desired() != RuntimeState.RUNNING) {
                return;
            }
            RuntimeRecord r = found.get();
            if (r.state() == RuntimeState.FAILED || r.state() == RuntimeState.STARTING) {
                return;
            }
            long now = System.currentTimeMillis();
            if (r.state() == RuntimeState.RESTARTING) {
                if (r.nextRestartAt() != null && now >= r.nextRestartAt()) {
                    try {
                        spawn(r.withRestarts(r.restarts() + 1, r.restartTimes(), null), "restart");
                    } catch (RuntimeLaunchException e) {
                        LOG.warn("Runtime {}/{} could not be restarted: {}", serviceId, name, e.getMessage());
                    }
                }
                return;
            }
            if (alive(r).isPresent()) {
                return;
            }
            RuntimeSpec.RestartPolicy policy = r.spec().restartPolicy();
            String exit = exitDescription(r);
            List<Long> recent = new ArrayList<>(r.restartTimes());
            recent.removeIf(t -> t < now - policy.window().toMillis());
            if (recent.size() >= policy.maxRestarts()) {
                String message = exit + "; restart policy gave up (" + policy.maxRestarts() + " restarts within "
                        + policy.window().toSeconds() + " s); see " + r.logFile();
                LOG.warn("Runtime {}/{} failed: {}", serviceId, name, message);
                repository.update(r.withState(RuntimeState.FAILED, message).withProcess(null, null)
                        .withRestarts(r.restarts(), recent, null));
                children.remove(r.id());
                return;
            }
            long backoff = policy.initialBackoff().toMillis() << Math.min(recent.size(), 16);
            recent.add(now + backoff);
            String message = exit + "; restart " + recent.size() + " of " + policy.maxRestarts() + " in "
                    + policy.window().toSeconds() + " s, in " + backoff + " ms";
            LOG.warn("Runtime {}/{} died: {}", serviceId, name, message);
            repository.update(r.withState(RuntimeState.RESTARTING, message).withProcess(null, null)
                    .withRestarts(r.restarts(), recent, now + backoff));
            children.remove(r.id());
        }
    }

    private String exitDescription(RuntimeRecord r) {
        Process child = children.get(r.id());
        if (child != null && !child.isAlive()) {
            return "exited with code " + child.exitValue() + " at " + Instant.now();
        }
        return r.pid() == null ? "was not running" : "process " + r.pid() + " is gone (" + Instant.now() + ")";
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("Cannot delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", dir, e.toString());
        }
    }

    /** The runtime platform as one service's engine sees it. */
    private final class ServiceRuntimes implements RuntimePlatform {
        private final String serviceId;

        ServiceRuntimes(String serviceId) {
            this.serviceId = serviceId;
        }

        @Override
        public RuntimeInfo launch(RuntimeSpec spec) throws RuntimeLaunchException {
            return NativeProcessRuntimes.this.launch(serviceId, spec);
        }

        @Override
        public void stop(String name, Duration timeout) {
            NativeProcessRuntimes.this.stop(serviceId, name, timeout);
        }

        @Override
        public void remove(String name, Duration timeout) {
            NativeProcessRuntimes.this.remove(serviceId, name, timeout);
        }

        @Override
        public Optional<RuntimeInfo> status(String name) {
            return NativeProcessRuntimes.this.status(serviceId, name);
        }

        @Override
        public List<RuntimeInfo> list() {
            return NativeProcessRuntimes.this.list(serviceId);
        }
    }
}
