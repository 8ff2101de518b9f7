package io.stratum.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import io.stratum.testkit.FreePorts;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The launcher, {@code ./stratum}, as a user runs it: {@code start} on the built distribution (never building it:
 * {@code STRATUM_BUILD=never}), {@code client CMD} for scripts (the command's output and its exit status),
 * {@code status}, {@code stop} (each saying what it found or did), {@code help}, and nothing left running; and its own
 * build of the distribution, run on a copy of the launcher in an empty checkout with a stand-in Maven. Its data
 * directory is a fresh one under {@code target/}, and its ports (the console's SSH, Karaf's two JMX ports and the
 * HTTP port) are free ones given through the launcher's environment variables, so it runs beside any other Stratum on
 * the machine.
 */
public class LauncherIT {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
    /** The warnings of Karaf's JMX management server restarting itself: Karaf's, not Stratum's. */
    private static final Pattern KARAF_MANAGEMENT_RESTART = Pattern.compile(
            "org\\.apache\\.aries\\.jmx\\.core - [^|]*\\| Task rejected for JMX Notification dispatch"
            + "|org\\.apache\\.karaf\\.management\\.server - [^|]*\\| java\\.rmi\\.server\\.hostname system property is"
            + " already set");
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

    /** The checkout's root, where the launcher is: the distribution is its karaf-features/target/assembly. */
    private final Path root = Path.of(System.getProperty("stratum.assembly")).toAbsolutePath().normalize()
            .getParent().getParent().getParent();
    private Path data;
    private Path tmp;
    private int sshPort;
    private int rmiRegistryPort;
    private int rmiServerPort;
    private int httpPort;

    @Before
    public void setUp() throws IOException {
        Path parent = Files.createDirectories(Path.of("target", "launcher"));
        Path run = Files.createTempDirectory(parent, "run-").toAbsolutePath();
        data = Files.createDirectories(run.resolve("data"));
        tmp = Files.createDirectories(run.resolve("tmp"));
        sshPort = FreePorts.next();
        rmiRegistryPort = FreePorts.next();
        rmiServerPort = FreePorts.next();
        httpPort = FreePorts.next();
    }

    /** Whatever the test left running with this data directory (a failed stop) is killed. */
    @After
    public void tearDown() throws Exception {
        List<ProcessHandle> left = ours().toList();
        if (!left.isEmpty()) {
            run(Duration.ofMinutes(1), "stop");
            awaitTrue("the launcher's stop to end them", () -> ours().findAny().isEmpty(), Duration.ofSeconds(30));
        }
        ours().forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * What a run of the launcher printed (stdout and stderr, colour codes taken out; {@code raw}: as printed) and how
     * it exited.
     */
    private record Result(int exit, String output, String raw) {
        @Override
        public String toString() {
            return "exit " + exit + ":\n" + output;
        }
    }

    private Result run(Duration timeout, String... args) throws Exception {
        return run(Map.of(), timeout, args);
    }

    private Result run(Map<String, String> otherEnv, Duration timeout, String... args) throws Exception {
        return run(root.resolve("stratum"), otherEnv, timeout, args);
    }

    private Result run(Path launcher, Map<String, String> otherEnv, Duration timeout, String... args)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of(launcher.toString()), Stream.of(args)).toList())
                .directory(launcher.getParent().toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = pb.environment();
        // the caller's own Karaf or Stratum settings would point the launcher elsewhere
        env.keySet().removeIf(k -> k.startsWith("KARAF_") || k.startsWith("STRATUM_") || k.startsWith("ORG_APACHE_KARAF") || k.startsWith("ORG_OPS4J")
                || k.equals("EXTRA_JAVA_OPTS") || k.equals("JAVA_OPTS"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("STRATUM_DATA", data.toString());
        env.put("STRATUM_SSH_PORT", Integer.toString(sshPort));
        env.put("STRATUM_RMI_REGISTRY_PORT", Integer.toString(rmiRegistryPort));
        env.put("STRATUM_RMI_SERVER_PORT", Integer.toString(rmiServerPort));
        env.put("STRATUM_HTTP_PORT", Integer.toString(httpPort));
        env.put("STRATUM_BUILD", "never");
        env.put("TMPDIR", tmp.toString());
        // isolation would create a directory in /var/lib/stratum and take access to the build tree's etc/ and deploy/
        // away from other users; what this test is about does not depend on it
        env.put("EXTRA_JAVA_OPTS", "-Dstratum.runtime.isolation=off");
        env.putAll(otherEnv);
        Process p = pb.start();
        byte[] out;
        try (var in = p.getInputStream()) {
            out = in.readAllBytes(); // the launcher's own children keep no copy of its output once it exits
        }
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("./stratum " + String.join(" ", args) + " did not end within "
                    + timeout.toSeconds() + " s; it printed:\n" + new String(out, StandardCharsets.UTF_8));
        }
        String raw = new String(out, StandardCharsets.UTF_8);
        Result r = new Result(p.exitValue(), raw.replaceAll("\u001B\\[[;\\d]*m", ""), raw);
        System.out.println("./stratum " + String.join(" ", args) + " -> " + r);
        return r;
    }

    /** Runs {@code ./stratum client CMD...}: ssh's own notes are not part of what a script reads. */
    private Result client(String... command) throws Exception {
        Result r = run(COMMAND_TIMEOUT, Stream.concat(Stream.of("client"), Stream.of(command)).toArray(String[]::new));
        assertFalse("only the command's output: " + r, r.output().contains("closed by remote host"));
        return r;
    }

    /** @return "type sdp" of each AVAILABLE row of an sdp-list table */
    private static Set<String> available(String table) {
        return table.lines().map(l -> l.split("\\|")).filter(cells -> cells.length > 3
                && cells[3].strip().equals("AVAILABLE")).map(cells -> cells[0].strip() + " " + cells[1].strip())
                .collect(Collectors.toSet());
    }

    /** @return live processes of this test's Stratum: its JVM and scripts name the data directory */
    private Stream<ProcessHandle> ours() {
        String marker = data.toString();
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(marker))
                .orElse(false));
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    @Test
    public void startClientCommandsAndStopOnPortsOfItsOwnLeavingNothingRunning() throws Exception {
        Result start = run(START_TIMEOUT, "start");
        assertEquals(start.toString(), 0, start.exit());
        assertFalse("the launcher did not build: " + start, start.output().contains("Building Stratum"));
        String password = Files.readString(data.resolve("stratum/initial-admin-password")).strip();
        assertTrue(start.toString(), start.output().contains("Stratum is running"));
        assertTrue("the first admin's login: " + start, start.output().contains("Login:   user admin, password "
                + password + " "));
        assertTrue("the console on the port asked for: " + start, start.output().contains("ssh -p " + sshPort
                + " admin@localhost"));
        assertTrue("the isolation line: " + start, start.output().contains("Runtime isolation is OFF"));
        // (the RMI server port is bound only when a JMX connector is exported, so the registry's stands for both)
        // (Karaf's management bundle may open it a moment after the console answers)
        awaitTrue("Karaf's RMI registry on the port asked for", () -> listening(rmiRegistryPort),
                Duration.ofSeconds(60));
        assertEquals("one Stratum JVM with this data directory", 1, ours().filter(p -> p.info().command()
                .map(c -> c.endsWith("java")).orElse(false)).count());

        // SDPs are hot-deployed from deploy/ once Karaf's boot features are in, after the console first answers;
        // start returns once they have arrived, so a script's next command finds their types
        assertFalse("start gave up waiting for the SDPs: " + start,
                start.output().contains("from deploy/ is available"));
        Result sdps = client("stratum:sdp-list");
        assertEquals(sdps.toString(), 0, sdps.exit());
        assertEquals(sdps.toString(), Set.of("database h2-database", "appserver tomcat-appserver",
                "webtier jetty-webtier"), available(sdps.output()));
        assertEquals("the table and nothing else: " + sdps, 5, sdps.output().strip().lines().count());
        // a clean first boot, the shipped SDPs included, leaves nothing for an operator to look into but the warning
        // that isolation is off, which this test asked for, and the two that Karaf's own JMX management server logs
        // when it restarts itself (it sometimes does once during a first boot; stock Karaf logs them at every restart)
        try (Stream<String> log = Files.lines(data.resolve("log/karaf.log"))) {
            assertEquals("WARN or ERROR in karaf.log on a clean first boot", List.of(),
                    log.filter(l -> l.contains("| WARN ") || l.contains("| ERROR "))
                            .filter(l -> !l.contains("Runtime isolation is OFF (isolation = off)"))
                            .filter(l -> !KARAF_MANAGEMENT_RESTART.matcher(l).find()).toList());
        }

        Result whoami = client("stratum:whoami");
        assertEquals(whoami.toString(), 0, whoami.exit());
        assertEquals("User:      admin (platform admin: every account)\nAccounts:  -", whoami.output().strip()
                .replace("\r", ""));

        Result unknown = client("stratum:no-such-command");
        assertNotEquals("an unknown command fails the script: " + unknown, 0, unknown.exit());
        assertTrue(unknown.toString(), unknown.output().contains("Command not found")
                && unknown.output().contains("no-such-command"));

        // a script reads plain text: no colour or bold codes in --help texts and Karaf's own option errors
        Result usage = client("stratum:service-list", "--help");
        assertTrue(usage.toString(), usage.output().contains("Lists the services of an account"));
        assertFalse("plain text: " + usage, usage.output().contains("\u001B["));
        Result badOption = client("stratum:service-list", "--no-such-option");
        assertNotEquals(badOption.toString(), 0, badOption.exit());
        assertTrue(badOption.toString(), badOption.output().contains("undefined option --no-such-option"));
        assertFalse("plain text: " + badOption, badOption.output().contains("\u001B["));
        // help <command> prints the command's help
        Result help = client("help", "stratum:service-list");
        assertTrue(help.toString(), help.output().contains("Lists the services of an account")
                && help.output().contains("--account"));

        Result failing = client("stratum:service-info", "no-such-service");
        assertNotEquals("a command that fails fails the script: " + failing, 0, failing.exit());
        assertTrue(failing.toString(), failing.output().contains("no service 'no-such-service'"));

        // Karaf's own client, as ./stratum client runs it where there is no OpenSSH, finds Java without JAVA_HOME
        Result karafClient = karafClient(password, "stratum:whoami");
        assertTrue(karafClient.toString(), karafClient.output().contains("User:      admin"));
        assertFalse("no warning: " + karafClient, karafClient.output().contains("JAVA_HOME"));

        long jvm = ours().filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false)).findFirst()
                .orElseThrow().pid();
        Result running = run(COMMAND_TIMEOUT, "status");
        assertEquals(running.toString(), 0, running.exit());
        assertTrue(running.toString(), running.output().startsWith("Stratum is running (pid " + jvm + ";"));
        Result again = run(COMMAND_TIMEOUT, "start");
        assertEquals(again.toString(), 0, again.exit());
        assertTrue("a second start starts nothing: " + again, again.output().startsWith(
                "Stratum is already running (pid " + jvm + ";"));
        assertEquals("still one Stratum JVM", 1, ours().filter(p -> p.info().command().map(c -> c.endsWith("java"))
                .orElse(false)).count());

        Result stop = run(COMMAND_TIMEOUT, "stop");
        assertEquals(stop.toString(), 0, stop.exit());
        assertTrue("stop says what it does: " + stop, stop.output().startsWith("Stopping Stratum (pid " + jvm
                + ")...\n"));
        assertTrue("and that it is done once the JVM is gone: " + stop, stop.output().matches(
                "(?s).*\nStratum stopped after \\d+\\.\\d s\\. Its services keep running; the next start "
                + "reattaches them\\.\n"));
        assertTrue("the JVM has ended when stop returns", ProcessHandle.of(jvm).map(p -> !p.isAlive()).orElse(true));
        awaitTrue("no process of this Stratum left", () -> ours().findAny().isEmpty(), Duration.ofMinutes(1));
        awaitTrue("its ports free again", () -> bindable(sshPort) && bindable(rmiRegistryPort) && bindable(httpPort)
                && bindable(rmiServerPort), Duration.ofSeconds(30));
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals("no askpass helper left", List.of(), left.filter(f -> f.getFileName().toString()
                    .startsWith("stratum-askpass")).toList());
        }
        Result status = run(COMMAND_TIMEOUT, "status");
        assertNotEquals("status says it does not run: " + status, 0, status.exit());
        assertEquals("Stratum is not running (data directory " + data.toRealPath() + ").", status.output().strip());
        Result stopAgain = run(COMMAND_TIMEOUT, "stop");
        assertEquals(stopAgain.toString(), 0, stopAgain.exit());
        assertEquals("Stratum is not running (data directory " + data.toRealPath() + "); nothing to stop.",
                stopAgain.output().strip());
    }

    /**
     * Runs the distribution's bin/client as {@code ./stratum client} does without OpenSSH (the command on standard
     * input, {@code -b}), without JAVA_HOME (java on the PATH only). The password is on its command line, which is
     * fine for a test's throwaway one.
     */
    private Result karafClient(String password, String command) throws Exception {
        Path client = root.resolve("karaf-features/target/assembly/bin/client");
        Path input = Files.writeString(tmp.resolve("client-input"), command + "\n");
        ProcessBuilder pb = new ProcessBuilder(client.toString(), "-a", Integer.toString(sshPort), "-u", "admin", "-p",
                password, "-b").redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(input.toFile()));
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("KARAF_") || k.equals("JAVA_HOME") || k.equals("JAVA"));
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator + System.getenv("PATH"));
        Process p = pb.start();
        byte[] out;
        try (var in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        assertTrue("bin/client ended", p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(out,
                StandardCharsets.UTF_8));
    }

    /** {@code ./stratum help} prints the launcher's whole header, every sentence to its end, and exits 0. */
    @Test
    public void helpPrintsTheWholeTextAndAnUnknownCommandTheUsage() throws Exception {
        List<String> header = Files.readAllLines(root.resolve("stratum")).stream().skip(1)
                .takeWhile(l -> l.startsWith("#")).map(l -> l.replaceFirst("^# ?", "")).toList();
        assertTrue("the header names STRATUM_BUILD at its end: " + header, header.get(header.size() - 1)
                .endsWith("built beforehand)."));
        Result help = run(COMMAND_TIMEOUT, "help");
        assertEquals(help.toString(), 0, help.exit());
        assertEquals(String.join("\n", header), help.output().strip());

        Result unknown = run(COMMAND_TIMEOUT, "strat");
        assertEquals(unknown.toString(), 2, unknown.exit());
        assertTrue(unknown.toString(), unknown.output().startsWith("Unknown command 'strat'. Usage:\n"));
        assertTrue(unknown.toString(), unknown.output().contains("  ./stratum stop       stop a headless Stratum"));
        try (Stream<Path> files = Files.list(data)) {
            assertEquals("nothing written", List.of(), files.toList());
        }
    }

    /**
     * The launcher's own build, when there is no distribution yet, prints Maven's output without colour codes when
     * its output is not a terminal, and says when it failed. Its Maven is a stand-in on the PATH that prints what
     * Debian's Maven 3.8 does through jansi (a colour reset on each stream, a coloured [ERROR]) and fails, so the test
     * runs the launcher's copy in an empty checkout and builds nothing.
     */
    @Test
    public void theFirstBuildPrintsNoColourCodesWhenItsOutputIsNotATerminal() throws Exception {
        Path checkout = Files.createDirectories(tmp.resolve("checkout"));
        Path launcher = Files.copy(root.resolve("stratum"), checkout.resolve("stratum"));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path mvn = Files.writeString(bin.resolve("mvn"), "#!/bin/sh\n"
                + "printf '\\033[0m\\033[1;31m[ERROR]\\033[m Could not resolve dependencies\\n'\n"
                + "printf '\\033[0m' >&2\n"
                + "exit 1\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        Result build = run(launcher, Map.of("STRATUM_BUILD", "", "PATH", bin + File.pathSeparator
                + System.getenv("PATH")), COMMAND_TIMEOUT, "start");
        assertEquals(build.toString(), 1, build.exit());
        assertTrue(build.toString(), build.raw().contains("Building Stratum"));
        assertTrue("Maven's output is shown: " + build, build.output().contains(
                "[ERROR] Could not resolve dependencies"));
        assertFalse("no escape character in: " + build.raw(), build.raw().contains("\u001B"));
        assertTrue(build.toString(), build.raw().contains(
                "The build failed (mvn exited with 1; its output is above)."));
        assertEquals("nothing started", List.of(), ours().toList());
    }

    @Test
    public void aPortThatIsNotANumberIsRefusedBeforeAnythingStarts() throws Exception {
        Result refused = run(Map.of("STRATUM_SSH_PORT", "81o1"), COMMAND_TIMEOUT, "start");
        assertEquals(refused.toString(), 2, refused.exit());
        assertTrue(refused.toString(), refused.output().contains("STRATUM_SSH_PORT must be a TCP port number, not "
                + "'81o1'"));
        Result outOfRange = run(Map.of("STRATUM_RMI_SERVER_PORT", "70000"), COMMAND_TIMEOUT, "start");
        assertEquals(outOfRange.toString(), 2, outOfRange.exit());
        assertTrue(outOfRange.toString(), outOfRange.output().contains("STRATUM_RMI_SERVER_PORT must be a TCP port "
                + "number (1-65535), not 70000"));
        assertEquals("nothing started", List.of(), ours().toList());
        try (Stream<Path> files = Files.list(data)) {
            assertEquals("nothing written", List.of(), files.toList());
        }
    }
}
