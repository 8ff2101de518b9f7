package io.stratum.platform.internal.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.internal.store.Sql;
import io.stratum.platform.internal.store.Store;
import io.stratum.platform.internal.store.TestStores;
import io.stratum.sme.api.runtime.RuntimeInfo;
import io.stratum.sme.api.runtime.RuntimePlatform;
import io.stratum.sme.api.runtime.RuntimeSpec.RestartPolicy;
import io.stratum.sme.api.runtime.RuntimeSpec;
import io.stratum.sme.api.runtime.RuntimeState;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The native-process runtime platform with real processes. */
public class NativeProcessRuntimesTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Store store;
    private String serviceId;
    private final List<NativeProcessRuntimes> platforms = new ArrayList<>();

    @Before
    public void setUp() {
        Assume.assumeTrue("needs /proc (Linux)", ProcessTable.canReadEnvironments());
        store = TestStores.open(tmp.getRoot().toPath());
        serviceId = TestStores.insertService(store, "svc");
    }

    @After
    public void tearDown() {
        if (store == null) {
            return;
        }
        platforms.forEach(NativeProcessRuntimes::deactivate);
        // whatever a test left: every process launched for this store's home
        ProcessTable.launchedBy(store.home().toString()).keySet()
                .forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        store.close();
    }

    private NativeProcessRuntimes platform() {
        NativeProcessRuntimes p = new NativeProcessRuntimes(store, 50, 3_600_000, true);
        platforms.add(p);
        return p;
    }

    private static RuntimeSpec sleeper(String name, RestartPolicy policy) {
        return RuntimeSpec.builder(name).command("sleep", "300").restartPolicy(policy).build();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, 20, condition);
    }

    private static void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    public void launchesAProcessInItsOwnSessionWithPortsAndLog() throws Exception {
        RuntimePlatform runtimes = platform().forService(serviceId);
        RuntimeInfo r = runtimes.launch(RuntimeSpec.builder("web")
                .command("/bin/sh", "-c", "echo listening on $PORT; echo ${port.http} > port.txt; exec sleep 300")
                .env("PORT", "${port.http}")
                .port("http")
                .build());
        assertEquals(RuntimeState.RUNNING, r.state());
        assertTrue(alive(r.pid()));
        int port = r.port("http");
        assertTrue(port > 1024);
        await("the port file", () -> Files.exists(r.workingDirectory().resolve("port.txt")));
        await("the port in the file", () -> read(r.workingDirectory().resolve("port.txt")).strip().equals(
                Integer.toString(port)));
        await("the log line", () -> read(r.logFile()).contains("listening on " + port));
        assertEquals("its runtime id is in its environment", r.pid(),
                (long) ProcessTable.launchedBy(store.home().toString()).keySet().iterator().next());
        String stat = read(Path.of("/proc", Long.toString(r.pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertEquals("it leads a session of its own (setsid)", Long.toString(r.pid()), fields[3]);
    }

    @Test
    public void launchIsIdempotentAndStopStartKeepsPorts() throws Exception {
        RuntimePlatform runtimes = platform().forService(serviceId);
        RuntimeSpec spec = RuntimeSpec.builder("db").command("sleep", "300").port("jdbc").build();
        RuntimeInfo first = runtimes.launch(spec);
        RuntimeInfo again = runtimes.launch(spec);
        assertEquals("a running runtime is not launched twice", first.pid(), again.pid());
        runtimes.stop("db", Duration.ofSeconds(5));
        assertFalse(alive(first.pid()));
        assertEquals(RuntimeState.STOPPED, runtimes.status("db").orElseThrow().state());
        RuntimeInfo restarted = runtimes.launch(spec);
        assertNotEquals(first.pid(), restarted.pid());
        assertEquals("ports are kept for the runtime's life", first.ports(), restarted.ports());
    }

    @Test
    public void restartsARuntimeThatDiesAndGivesUpAfterItsPolicy() throws Exception {
        NativeProcessRuntimes platform = platform();
        RuntimePlatform runtimes = platform.forService(serviceId);
        RuntimeInfo r = runtimes.launch(sleeper("w", new RestartPolicy(2, Duration.ofMinutes(1), Duration.ofMillis(50))));
        ProcessHandle.of(r.pid()).orElseThrow().destroyForcibly();
        await("a restart", () -> runtimes.status("w").map(s -> s.state() == RuntimeState.RUNNING && s.pid() != r.pid()
                && s.pid() > 0).orElse(false));
        RuntimeInfo second = runtimes.status("w").orElseThrow();
        assertEquals(1, second.restarts());
        assertTrue(alive(second.pid()));

        ProcessHandle.of(second.pid()).orElseThrow().destroyForcibly();
        await("a second restart", () -> runtimes.status("w").map(s -> s.restarts() == 2
                && s.state() == RuntimeState.RUNNING).orElse(false));
        ProcessHandle.of(runtimes.status("w").orElseThrow().pid()).orElseThrow().destroyForcibly();
        await("the policy to give up", () -> runtimes.status("w").map(s -> s.state() == RuntimeState.FAILED)
                .orElse(false));
        assertTrue(runtimes.status("w").orElseThrow().message(), runtimes.status("w").orElseThrow().message()
                .contains("gave up"));
    }

    @Test
    public void stoppedRuntimeIsNotRestarted() throws Exception {
        NativeProcessRuntimes platform = platform();
        RuntimePlatform runtimes = platform.forService(serviceId);
        runtimes.launch(sleeper("w", RestartPolicy.DEFAULT));
        runtimes.stop("w", Duration.ofSeconds(5));
        Thread.sleep(300);
        assertEquals(RuntimeState.STOPPED, runtimes.status("w").orElseThrow().state());
        assertTrue(ProcessTable.launchedBy(store.home().toString()).isEmpty());
    }

    @Test
    public void removeKillsTheProcessAndForgetsIt() throws Exception {
        RuntimePlatform runtimes = platform().forService(serviceId);
        RuntimeInfo r = runtimes.launch(sleeper("w", RestartPolicy.DEFAULT));
        runtimes.remove("w", Duration.ofSeconds(5));
        assertFalse(alive(r.pid()));
        assertTrue(runtimes.status("w").isEmpty());
        assertFalse(Files.exists(r.workingDirectory()));
    }

    @Test
    public void aRuntimeSeesItsOwnEnvironmentNotThePlatforms() throws Exception {
        String platformOnly = System.getenv().keySet().stream()
                .filter(k -> !List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR",
                        "JAVA_HOME", "_").contains(k) && k.matches("[A-Za-z_][A-Za-z0-9_]*"))
                .findFirst().orElse(null);
        Assume.assumeTrue("the test JVM has an environment variable to leave out", platformOnly != null);
        RuntimeInfo r = platform().forService(serviceId).launch(RuntimeSpec.builder("env")
                .command("/bin/sh", "-c", "env > env.txt; exec sleep 300")
                .env("GREETING", "hello")
                .build());
        Path file = r.workingDirectory().resolve("env.txt");
        await("the environment file", () -> read(file).contains("GREETING="));
        List<String> names = read(file).lines().map(l -> l.substring(0, Math.max(0, l.indexOf('=')))).toList();
        assertTrue(read(file), read(file).contains("GREETING=hello"));
        assertTrue(names.toString(), names.contains(ProcessTable.RUNTIME_ID) && names.contains(ProcessTable.HOME));
        assertEquals(System.getenv().containsKey("PATH"), names.contains("PATH"));
        assertFalse(platformOnly + " is the platform's, not the runtime's: " + names, names.contains(platformOnly));
    }

    @Test
    public void aRecordedPidNowHeldByAnotherProcessIsLeftAlone() throws Exception {
        NativeProcessRuntimes platform = platform();
        RuntimePlatform runtimes = platform.forService(serviceId);
        RuntimeInfo r = runtimes.launch(sleeper("w", RestartPolicy.DEFAULT));
        runtimes.stop("w", Duration.ofSeconds(5));
        // the pid is reused by a process that is not the runtime's (simulated: the record is pointed at it)
        Process stranger = new ProcessBuilder("sleep", "300").start();
        try {
            long started = ProcessTable.startedMillis(stranger.toHandle());
            store.transact(c -> Sql.update(c, "UPDATE runtimes SET pid = ?, pid_started = ? WHERE service_id = ? "
                    + "AND name = ?", stranger.pid(), started, serviceId, r.name()));
            runtimes.remove("w", Duration.ofSeconds(5));
            assertTrue("a process without the runtime's marker is not killed", stranger.isAlive());
            assertTrue(runtimes.status("w").isEmpty());
        } finally {
            stranger.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    public void aRestartedPlatformReattachesToRunningRuntimesAndRestartsDeadOnes() throws Exception {
        NativeProcessRuntimes first = platform();
        RuntimeInfo kept = first.forService(serviceId).launch(sleeper("kept", RestartPolicy.DEFAULT));
        RuntimeInfo dies = first.forService(serviceId).launch(sleeper("dies", RestartPolicy.DEFAULT));
        first.deactivate(); // the control plane goes away; the data plane stays
        assertTrue(alive(kept.pid()));
        ProcessHandle.of(dies.pid()).orElseThrow().destroyForcibly();
        await("the process to die", () -> !alive(dies.pid()));

        RuntimePlatform second = platform().forService(serviceId);
        assertEquals("reattached, not relaunched", kept.pid(), second.status("kept").orElseThrow().pid());
        await("the dead runtime to be restarted", () -> second.status("dies")
                .map(s -> s.state() == RuntimeState.RUNNING && s.pid() > 0 && s.pid() != dies.pid()).orElse(false));
    }

    @Test
    public void aProcessWhosePidWasNeverRecordedIsAdopted() throws Exception {
        // the platform crashed between writing the row and recording the pid
        String runtimeId = UUID.randomUUID().toString();
        Path dir = tmp.newFolder("w").toPath();
        store.transact(c -> Sql.update(c, "INSERT INTO runtimes(id, service_id, name, state, desired, spec, ports, "
                + "work_dir, log_file, restarts, restart_times, message, created_at, updated_at) VALUES (?, ?, 'w', "
                + "'STARTING', 'RUNNING', ?, '{}', ?, ?, 0, '[]', '', 0, 0)", runtimeId, serviceId,
                "{\"name\":\"w\",\"command\":[\"sleep\",\"300\"],\"environment\":{},\"ports\":[],\"maxRestarts\":5,"
                        + "\"restartWindowMs\":60000,\"restartBackoffMs\":1000}",
                dir.toString(), dir.resolve("w.log").toString()));
        Process p = marked(runtimeId);
        RuntimePlatform runtimes = platform().forService(serviceId);
        await("adoption (after activation, on the monitor's thread)", () -> runtimes.status("w")
                .map(s -> s.state() == RuntimeState.RUNNING).orElse(false));
        RuntimeInfo r = runtimes.status("w").orElseThrow();
        assertEquals(p.pid(), r.pid());
        Thread.sleep(300);
        assertEquals("adopted, not launched a second time", 1,
                ProcessTable.launchedBy(store.home().toString()).size());
    }

    @Test
    public void orphanedProcessesOfThisHomeAreStopped() throws Exception {
        Process orphan = marked(UUID.randomUUID().toString());
        platform();
        assertTrue("stopped at activation", orphan.waitFor(10, TimeUnit.SECONDS));
    }

    @Test
    public void processesOfAnotherHomeAreLeftAlone() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sleep", "300").redirectOutput(new File("/dev/null"));
        pb.environment().put(ProcessTable.HOME, "/somewhere/else");
        pb.environment().put(ProcessTable.RUNTIME_ID, "x");
        Process other = pb.start();
        try {
            platform();
            Thread.sleep(200);
            assertTrue(other.isAlive());
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    public void unknownPlaceholderIsALaunchError() {
        RuntimePlatform runtimes = platform().forService(serviceId);
        try {
            runtimes.launch(RuntimeSpec.builder("w").command("sleep", "${port.nope}").build());
            throw new AssertionError("expected a launch error");
        } catch (io.stratum.sme.api.runtime.RuntimeLaunchException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("${port.nope}"));
        }
        assertEquals(RuntimeState.FAILED, runtimes.status("w").orElseThrow().state());
    }

    @Test
    public void missingProgramIsALaunchError() {
        RuntimePlatform runtimes = platform().forService(serviceId);
        try {
            runtimes.launch(RuntimeSpec.builder("w").command("/no/such/program").build());
            throw new AssertionError("expected a launch error");
        } catch (io.stratum.sme.api.runtime.RuntimeLaunchException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("/no/such/program"));
        }
        assertEquals(RuntimeState.FAILED, runtimes.status("w").orElseThrow().state());
    }

    private Process marked(String runtimeId) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sleep", "300").redirectOutput(new File("/dev/null"));
        pb.environment().put(ProcessTable.HOME, store.home().toString());
        pb.environment().put(ProcessTable.RUNTIME_ID, runtimeId);
        return pb.start();
    }

    // ---------------------------------------------------------------- ports taken while stopped

    @Test
    public void aPortTakenWhileTheRuntimeWasStoppedIsReplacedOnTheNextLaunch() throws Exception {
        RuntimePlatform runtimes = platform().forService(serviceId);
        RuntimeSpec spec = listener("web", "hello from the runtime");
        RuntimeInfo first = runtimes.launch(spec);
        int port = first.port("http");
        await("the runtime to listen on " + port, () -> greeting(port).equals("hello from the runtime"));
        runtimes.stop("web", Duration.ofSeconds(10));
        assertEquals("stopped, yet its port is kept for it", port, runtimes.status("web").orElseThrow().port("http"));

        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            RuntimeInfo second = runtimes.launch(spec);
            int moved = second.port("http");
            assertNotEquals("a port another process took is not the runtime's any more", port, moved);
            assertEquals("the new port is recorded", moved, runtimes.status("web").orElseThrow().port("http"));
            assertTrue(second.message(), second.message().contains("taken by another process"));
            await("the runtime to listen on its new port " + moved,
                    () -> greeting(moved).equals("hello from the runtime"));
            assertTrue(read(second.logFile()), read(second.logFile()).contains("listening on " + moved));
        }
    }

    @Test
    public void aFreePortIsKeptAcrossStopAndStart() throws Exception {
        RuntimePlatform runtimes = platform().forService(serviceId);
        RuntimeSpec spec = listener("web", "hi");
        RuntimeInfo first = runtimes.launch(spec);
        await("the runtime to listen", () -> greeting(first.port("http")).equals("hi"));
        greeting(first.port("http")); // connections closed by the server leave TIME_WAIT behind on its port
        runtimes.stop("web", Duration.ofSeconds(10));
        RuntimeInfo second = runtimes.launch(spec);
        assertEquals(first.ports(), second.ports());
        await("the runtime to listen again", () -> greeting(second.port("http")).equals("hi"));
    }

    private static RuntimeSpec listener(String name, String greeting) throws Exception {
        String classes = Path.of(PortListener.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        return RuntimeSpec.builder(name)
                .command(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m",
                        "-XX:TieredStopAtLevel=1", "-cp", classes, PortListener.class.getName(), "${port.http}",
                        greeting)
                .port("http")
                .build();
    }

    private static String greeting(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            s.setSoTimeout(2000);
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    // ---------------------------------------------------------------- reattachment off the activation thread

    @Test
    public void activationLeavesReattachmentToLaterAndALaunchWaitsForIt() throws Exception {
        // the platform crashed between writing the row and recording the pid; its process runs on
        String runtimeId = UUID.randomUUID().toString();
        Path dir = tmp.newFolder("w").toPath();
        store.transact(c -> Sql.update(c, "INSERT INTO runtimes(id, service_id, name, state, desired, spec, ports, "
                + "work_dir, log_file, restarts, restart_times, message, created_at, updated_at) VALUES (?, ?, 'w', "
                + "'STARTING', 'RUNNING', ?, '{}', ?, ?, 0, '[]', '', 0, 0)", runtimeId, serviceId,
                "{\"name\":\"w\",\"command\":[\"sleep\",\"300\"],\"environment\":{},\"ports\":[],\"maxRestarts\":5,"
                        + "\"restartWindowMs\":60000,\"restartBackoffMs\":1000}",
                dir.toString(), dir.resolve("w.log").toString()));
        Process adoptable = marked(runtimeId);
        List<Runnable> startup = new CopyOnWriteArrayList<>();
        NativeProcessRuntimes platform = new NativeProcessRuntimes(store, RuntimeSettings.of(50, 3_600_000, true),
                null, startup::add);
        platforms.add(platform);
        assertEquals("activation returned without reattaching (the work is handed to the startup executor)", 1,
                startup.size());

        FutureTask<RuntimeInfo> launch = new FutureTask<>(() -> platform.forService(serviceId)
                .launch(sleeper("w", RestartPolicy.DEFAULT)));
        Thread launcher = new Thread(launch, "test-launcher");
        launcher.start();
        await("the launch to wait for reattachment", () -> launcher.getState() == Thread.State.WAITING);
        assertEquals("nothing was started while reattachment is pending", Set.of(adoptable.pid()),
                ProcessTable.launchedBy(store.home().toString()).keySet());

        startup.get(0).run();
        RuntimeInfo r = launch.get(20, TimeUnit.SECONDS);
        assertEquals("the launch found the adopted process", adoptable.pid(), r.pid());
        assertEquals("one process for the runtime, not two", Set.of(adoptable.pid()),
                ProcessTable.launchedBy(store.home().toString()).keySet());
    }

    // ---------------------------------------------------------------- files and logs

    @Test
    public void filesAreOwnerOnly() throws Exception {
        NativeProcessRuntimes platform = platform();
        platform.prepare(serviceId);
        RuntimeInfo r = platform.forService(serviceId).launch(RuntimeSpec.builder("w")
                .command("/bin/sh", "-c", "echo made > made.txt; exec sleep 300").build());
        await("the runtime's file", () -> read(r.workingDirectory().resolve("made.txt")).equals("made\n"));
        assertEquals("0700", ServiceFiles.octal(ServiceFiles.mode(platform.serviceDirectory(serviceId))));
        assertEquals("0700", ServiceFiles.octal(ServiceFiles.mode(platform.dataDirectory(serviceId))));
        assertEquals("0700", ServiceFiles.octal(ServiceFiles.mode(r.workingDirectory())));
        assertEquals("0700", ServiceFiles.octal(ServiceFiles.mode(r.logFile().getParent())));
        assertEquals("0600", ServiceFiles.octal(ServiceFiles.mode(r.logFile())));
        assertEquals("what the runtime creates is its own (umask 077)", "0600",
                ServiceFiles.octal(ServiceFiles.mode(r.workingDirectory().resolve("made.txt"))));
        assertEquals("0700", ServiceFiles.octal(ServiceFiles.mode(store.home().resolve("store"))));
        try (var files = Files.list(store.home().resolve("store"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                assertEquals(f.toString(), "0600", ServiceFiles.octal(ServiceFiles.mode(f)));
            }
        }
    }

    @Test
    public void aLogIsRotatedWhileItsProcessKeepsWritingToIt() throws Exception {
        long max = 64 * 1024;
        NativeProcessRuntimes platform = new NativeProcessRuntimes(store,
                RuntimeSettings.of(20, 3_600_000, true).withLogs(max, 2), null, null);
        platforms.add(platform);
        // three bursts of 360 KB (over five times the limit) in lines of 90 bytes; after each of the first two, the
        // writer waits until its log
        // (its standard output) was truncated, so it goes on writing to a log rotated under it
        String burst = "i=0; while [ $i -lt 4000 ]; do echo \"line $i of a runtime that has a lot to say, more than "
                + "its log may hold ....\"; i=$((i+1)); done; ";
        String rotated = "while [ $(stat -L -c %s /proc/$$/fd/1) -gt 200000 ]; do sleep 0.02; done; ";
        RuntimeInfo r = platform.forService(serviceId).launch(RuntimeSpec.builder("chatty")
                .command("/bin/sh", "-c", burst + rotated + burst + rotated + burst + "echo FINISHED; exec sleep 300")
                .build());
        Path log = r.logFile();
        Path first = log.resolveSibling(log.getFileName() + ".1");
        Path second = log.resolveSibling(log.getFileName() + ".2");
        Path third = log.resolveSibling(log.getFileName() + ".3");
        // (the log's first line, written by the platform, quotes the command; the writer's own is FINISHED alone)
        Pattern finished = Pattern.compile("(?m)^FINISHED$");
        // 12 000 lines from a shell loop: a second on an idle machine, far more on a busy one (CI)
        await("the writer to finish", 180, () -> finished.matcher(read(log)).find()
                || finished.matcher(read(first)).find() || finished.matcher(read(second)).find());
        await("the log to be back under its limit", () -> size(log) <= max);
        assertTrue("rotated copies are kept", Files.exists(first) && Files.exists(second));
        assertFalse("no more than logKeep copies", Files.exists(third));
        for (Path p : List.of(log, first, second)) {
            String text = read(p);
            assertFalse(p + " has a hole: the writer does not append (O_APPEND)", text.indexOf('\0') >= 0);
            assertEquals(p + " is owner-only", "0600", ServiceFiles.octal(ServiceFiles.mode(p)));
        }
        assertTrue("the process lives on", alive(r.pid()));
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return "";
        }
    }
}
