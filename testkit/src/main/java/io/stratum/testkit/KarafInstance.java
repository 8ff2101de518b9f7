package io.stratum.testkit;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

/**
 * A Karaf distribution run as a user runs it: a copy of an unpacked distribution, started with
 * {@code bin/karaf server} on free ports, driven over SSH, killed with SIGKILL when a test wants a crash.
 * {@link #close()} stops it and every Stratum runtime process it launched.
 */
public final class KarafInstance implements AutoCloseable {

    private static final Duration CHANNEL_OPEN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(30);
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[;\\d]*m");

    private final Path home;
    private final int sshPort;
    private final int httpPort;
    /** Stratum's first platform admin; its password is generated on the first start (see {@link #password()}). */
    private String user = "admin";
    private String password;
    private Process launcher;
    private SshClient client;
    private ClientSession session;

    private KarafInstance(Path home, int sshPort, int httpPort) {
        this.home = home;
        this.sshPort = sshPort;
        this.httpPort = httpPort;
    }

    /**
     * Copies a distribution, without the state of an instance that ran in place (its {@code data/}, lock, pid and
     * instance files), and gives the copy free SSH, RMI and HTTP ports on 127.0.0.1.
     *
     * @param distribution an unpacked Karaf distribution (e.g. karaf-features/target/assembly)
     * @param parent the directory to make the copy in
     * @param name a name for the copy (a unique suffix is added)
     * @return the instance, not started
     * @throws IOException if the copy fails
     */
    public static KarafInstance copyOf(Path distribution, Path parent, String name) throws IOException {
        Path home = parent.resolve(name + "-" + System.nanoTime()).toAbsolutePath();
        copy(distribution, home);
        int ssh = FreePorts.next();
        set(home.resolve("etc/org.apache.karaf.shell.cfg"), "sshPort", Integer.toString(ssh));
        set(home.resolve("etc/org.apache.karaf.shell.cfg"), "sshHost", "127.0.0.1");
        set(home.resolve("etc/org.apache.karaf.management.cfg"), "rmiRegistryPort",
                Integer.toString(FreePorts.next()));
        set(home.resolve("etc/org.apache.karaf.management.cfg"), "rmiServerPort", Integer.toString(FreePorts.next()));
        int http = FreePorts.next();
        set(home.resolve("etc/org.ops4j.pax.web.cfg"), "org.osgi.service.http.port", Integer.toString(http));
        Path runtimeCfg = home.resolve("etc/io.stratum.runtime.cfg");
        if (Files.exists(runtimeCfg)) {
            // services' files inside the copy (not /var/lib/stratum), so that deleting the copy removes them
            set(runtimeCfg, "serviceRoot", home.resolve("services").toString());
            set(runtimeCfg, "isolationUidClaims", home.resolve("uid-claims").toString());
        }
        return new KarafInstance(home, ssh, http);
    }

    /**
     * Adds a console user to the copy (stock Karaf has none) and uses it.
     *
     * @param name user name
     * @param pass password
     * @return this instance
     * @throws IOException if etc/users.properties cannot be written
     */
    public KarafInstance withUser(String name, String pass) throws IOException {
        Files.writeString(home.resolve("etc/users.properties"), name + " = " + pass + ",_g_:admingroup\n"
                + "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n");
        this.user = name;
        this.password = pass;
        return this;
    }

    /**
     * @return the password of the console user: the one given to {@link #withUser}, else the initial admin password
     *     Stratum generated on its first start (as {@code ./stratum client} reads it)
     * @throws IOException if Stratum has not written it yet
     */
    public String password() throws IOException {
        if (password != null) {
            return password;
        }
        Path file = home.resolve("data/stratum/initial-admin-password");
        if (!Files.exists(file)) {
            throw new IOException("Stratum has not written its initial admin password yet (" + file + ")");
        }
        String generated = Files.readString(file).strip();
        if (generated.isEmpty()) {
            throw new IOException("Stratum's initial admin password file is empty (" + file + ")");
        }
        return generated;
    }

    /**
     * Logs in as another user from now on (the SSH session is opened again).
     *
     * @param name user name
     * @param pass password
     * @return this instance
     */
    public KarafInstance loginAs(String name, String pass) {
        disconnect();
        this.user = name;
        this.password = pass;
        return this;
    }

    /** @return the instance's directory (KARAF_HOME) */
    public Path home() {
        return home;
    }

    /** @return the port of the instance's HTTP service on 127.0.0.1 (REST API, broker, web console) */
    public int httpPort() {
        return httpPort;
    }

    /**
     * Starts the instance and waits until {@code readyCommand} prints {@code readyText}.
     *
     * @param readyCommand a shell command that works once the instance is ready
     * @param readyText text its output contains once ready
     * @param timeout how long to wait at most
     * @return how long it took from starting the launcher to the ready answer
     * @throws Exception if it did not become ready
     */
    public Duration start(String readyCommand, String readyText, Duration timeout) throws Exception {
        long start = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // KARAF_HOME, KARAF_DATA, KARAF_ETC... of the caller's environment would point the copy at another instance
        pb.environment().keySet().removeIf(k -> k.startsWith("KARAF_"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        launcher = pb.start();
        long deadline = start + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!launcher.isAlive()) {
                throw new IllegalStateException("Karaf exited with " + launcher.exitValue() + "; see "
                        + home.resolve("console.log") + " and " + home.resolve("data/log/karaf.log"));
            }
            try {
                String answer = execOnce(readyCommand);
                if (answer.contains(readyText)) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
                last = new IOException("'" + readyCommand + "' answered without '" + readyText + "': " + answer);
            } catch (IOException e) {
                last = e;
                disconnect();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("Karaf did not become ready within " + timeout.toSeconds() + " s ('"
                + readyCommand + "' over SSH on port " + sshPort + "); its log's last problems:\n" + problems(), last);
    }

    /** @return the last warnings and errors of the instance's karaf.log (at most 30 lines), for a failure message */
    public String problems() {
        Path log = home.resolve("data/log/karaf.log");
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            List<String> bad = lines.filter(l -> l.contains("| ERROR |") || l.contains("| WARN  |")).toList();
            return bad.isEmpty() ? "(none in " + log + ")"
                    : String.join("\n", bad.subList(Math.max(0, bad.size() - 30), bad.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /**
     * Runs a shell command over SSH, reconnecting if the connection dropped.
     *
     * @param command the command line
     * @return what it printed, without colours
     * @throws CommandFailed if the command failed
     * @throws IOException if the instance cannot be reached
     */
    public String exec(String command) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return execOnce(command);
            } catch (CommandFailed e) {
                throw e;
            } catch (IOException e) {
                // the connection dropped (e.g. while the console bundles settle after a start): reconnect
                disconnect();
                if (attempt == 5) {
                    throw e;
                }
                sleep(200L * attempt);
            }
        }
    }

    private String execOnce(String command) throws IOException {
        ClientSession s = session();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ClientChannel channel = s.createExecChannel(command)) {
            channel.setOut(out);
            channel.setErr(err);
            // bounded: Karaf ends an SSH session after each command, and a channel asked for on a session the server
            // is closing may never be answered (sshd's own executeRemoteCommand then waits for ever)
            channel.open().verify(CHANNEL_OPEN_TIMEOUT);
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), COMMAND_TIMEOUT);
            Integer status = channel.getExitStatus();
            if (status == null) {
                // the server closed the channel before the command ended (its shell was still starting or
                // stopping): a dropped connection, not an answer
                throw new IOException("the SSH channel closed under '" + command + "' without an exit status");
            }
            String printed = ANSI.matcher(out.toString(StandardCharsets.UTF_8)).replaceAll("");
            if (status != 0) {
                String error = ANSI.matcher(err.toString(StandardCharsets.UTF_8)).replaceAll("");
                throw new CommandFailed(command, error.isBlank() ? printed : error);
            }
            return printed;
        } catch (IllegalStateException e) {
            // sshd refuses a channel on a session the server is closing: a dropped connection like any other
            throw new IOException("the SSH session closed under '" + command + "': " + e.getMessage(), e);
        }
    }

    /** A command that ended with an error; the message holds what it printed. */
    public static final class CommandFailed extends IOException {
        private static final long serialVersionUID = 1L;

        CommandFailed(String command, String output) {
            super(command + " failed: " + output);
        }
    }

    /** @return the SSH session, connecting if needed; threads share it, each command runs on a channel of its own */
    private synchronized ClientSession session() throws IOException {
        if (session != null && session.isOpen() && !session.isClosing()) {
            return session;
        }
        if (client == null) {
            client = SshClient.setUpDefaultClient();
            // a local test instance with a fresh host key: accept it without logging a warning per connection
            client.setServerKeyVerifier((clientSession, remote, key) -> true);
            client.start();
        }
        String pass = password();
        ClientSession s = client.connect(user, "127.0.0.1", sshPort).verify(Duration.ofSeconds(10)).getSession();
        s.addPasswordIdentity(pass);
        s.auth().verify(Duration.ofSeconds(10));
        session = s;
        return s;
    }

    private synchronized void disconnect() {
        if (session != null) {
            try {
                session.close();
            } catch (IOException ignored) {
                // it is gone anyway
            }
            session = null;
        }
    }

    /** @return the instance's JVM (a child of the bin/karaf script), while it runs */
    public Optional<ProcessHandle> jvm() {
        if (launcher == null) {
            return Optional.empty();
        }
        return launcher.toHandle().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
                .findFirst();
    }

    /** @return the resident memory of the instance's JVM in bytes (Linux /proc), or -1 */
    public long residentBytes() {
        return jvm().map(p -> residentBytes(p.pid())).orElse(-1L);
    }

    /**
     * @param pid a process id
     * @return its resident memory in bytes (VmRSS), or -1 if it cannot be read
     */
    public static long residentBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Kills the instance's JVM with SIGKILL, as a crash would.
     *
     * @throws InterruptedException if interrupted while waiting for it to die
     */
    public void kill9() throws InterruptedException {
        disconnect();
        ProcessHandle jvm = jvm().orElseThrow(() -> new IllegalStateException("Karaf is not running"));
        jvm.destroyForcibly();
        jvm.onExit().join();
        launcher.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * Stops the instance gracefully (SIGTERM; Stratum's runtimes keep running).
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void stop() throws InterruptedException {
        disconnect();
        Optional<ProcessHandle> jvm = jvm();
        jvm.ifPresent(ProcessHandle::destroy);
        if (launcher != null && !launcher.waitFor(60, TimeUnit.SECONDS)) {
            jvm.ifPresent(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }

    /** @return pid to runtime id of every live process Stratum launched from this instance (read from /proc) */
    public Map<Long, String> runtimeProcesses() {
        Map<Long, String> out = new HashMap<>();
        String marker = "STRATUM_HOME=" + home.resolve("data").resolve("stratum");
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    List<String> env = List.of(new String(Files.readAllBytes(p.resolve("environ")),
                            StandardCharsets.UTF_8).split("\0"));
                    if (env.contains(marker)) {
                        env.stream().filter(e -> e.startsWith("STRATUM_RUNTIME_ID=")).findFirst().ifPresent(id ->
                                out.put(Long.parseLong(p.getFileName().toString()), id.substring(19)));
                    }
                } catch (IOException | SecurityException ignored) {
                    // gone, or not ours
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Stops the instance and kills whatever runtime process it left. */
    @Override
    public synchronized void close() throws Exception {
        stop();
        if (client != null) {
            client.stop();
        }
        runtimeProcesses().keySet().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        // and any other process that works in the instance's directory (an engine's helper process, such as the
        // database SDP's class data archive training run, when Karaf was killed while it ran)
        String dir = home.toString() + "/";
        ProcessHandle.allProcesses().filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> p.info().commandLine().map(c -> c.contains(dir)).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void set(Path cfg, String key, String value) throws IOException {
        List<String> lines = Files.exists(cfg) ? Files.readAllLines(cfg) : List.of();
        StringBuilder out = new StringBuilder();
        boolean found = false;
        for (String line : lines) {
            if (line.matches("\\s*" + Pattern.quote(key) + "\\s*=.*")) {
                out.append(key).append(" = ").append(value).append('\n');
                found = true;
            } else {
                out.append(line).append('\n');
            }
        }
        if (!found) {
            out.append(key).append(" = ").append(value).append('\n');
        }
        Files.writeString(cfg, out.toString());
    }

    /** What an instance that ran in the distribution's own directory leaves there: not part of a fresh copy. */
    private static final List<String> INSTANCE_STATE = List.of("data", "instances", "lock", "karaf.pid");

    private static void copy(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (isInstanceState(dir)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!isInstanceState(file)) {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                }
                return FileVisitResult.CONTINUE;
            }

            private boolean isInstanceState(Path p) {
                Path relative = from.relativize(p);
                return relative.getNameCount() == 1 && INSTANCE_STATE.contains(relative.toString());
            }
        });
    }
}
