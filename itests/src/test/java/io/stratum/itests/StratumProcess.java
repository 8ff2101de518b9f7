package io.stratum.itests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.rmi.RemoteException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;

/**
 * The Stratum distribution run as a user runs it: a copy of {@code karaf-features/target/assembly} started with
 * {@code bin/karaf server} on free ports, driven over SSH with {@code stratum:} commands, killed with SIGKILL
 * when a test wants a crash. {@link #close()} stops it and every runtime process it launched.
 */
final class StratumProcess implements AutoCloseable {

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[;\\d]*m");

    private final Path home;
    private final int sshPort;
    private Process launcher;
    private SshClient client;
    private ClientSession session;

    private StratumProcess(Path home, int sshPort) {
        this.home = home;
        this.sshPort = sshPort;
    }

    /**
     * @param name a directory name under target/instances
     * @return a fresh copy of the distribution, on free ports, not started
     */
    static StratumProcess create(String name) throws IOException {
        Path assembly = Path.of(System.getProperty("stratum.assembly"));
        Path home = Path.of("target", "instances", name + "-" + System.nanoTime()).toAbsolutePath();
        copy(assembly, home);
        int ssh = freePort();
        set(home.resolve("etc/org.apache.karaf.shell.cfg"), "sshPort", Integer.toString(ssh));
        set(home.resolve("etc/org.apache.karaf.management.cfg"), "rmiRegistryPort", Integer.toString(freePort()));
        set(home.resolve("etc/org.apache.karaf.management.cfg"), "rmiServerPort", Integer.toString(freePort()));
        return new StratumProcess(home, ssh);
    }

    Path home() {
        return home;
    }

    /** Starts the platform and waits until its database SDP is available. */
    void start() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        launcher = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!launcher.isAlive()) {
                throw new IllegalStateException("Stratum exited with " + launcher.exitValue() + "; see "
                        + home.resolve("console.log") + " and " + home.resolve("data/log/karaf.log"));
            }
            try {
                if (exec("stratum:sdp-list").contains("AVAILABLE")) {
                    return;
                }
            } catch (Exception e) {
                last = e;
                disconnect();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("Stratum did not become ready within 120 s", last);
    }

    /**
     * Runs a shell command over SSH.
     *
     * @return what it printed, without colours
     * @throws CommandFailed if the command failed
     */
    String exec(String command) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                if (session == null || !session.isOpen()) {
                    connect();
                }
                return ANSI.matcher(session.executeRemoteCommand(command)).replaceAll("");
            } catch (RemoteException e) {
                throw new CommandFailed(command, ANSI.matcher(String.valueOf(e.getMessage())).replaceAll(""));
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

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** A command that ended with an error. */
    static final class CommandFailed extends IOException {
        private static final long serialVersionUID = 1L;

        CommandFailed(String command, String output) {
            super(command + " failed: " + output);
        }
    }

    private void connect() throws IOException {
        if (client == null) {
            client = SshClient.setUpDefaultClient();
            client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            client.start();
        }
        session = client.connect("karaf", "127.0.0.1", sshPort).verify(Duration.ofSeconds(10)).getSession();
        session.addPasswordIdentity("karaf");
        session.auth().verify(Duration.ofSeconds(10));
    }

    private void disconnect() {
        if (session != null) {
            try {
                session.close();
            } catch (IOException ignored) {
                // it is gone anyway
            }
            session = null;
        }
    }

    /** @return the platform's JVM (a child of the bin/karaf script) */
    Optional<ProcessHandle> jvm() {
        if (launcher == null) {
            return Optional.empty();
        }
        return launcher.toHandle().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
                .findFirst();
    }

    /** Kills the platform's JVM with SIGKILL, as a crash would. */
    void kill9() throws InterruptedException {
        disconnect();
        ProcessHandle jvm = jvm().orElseThrow(() -> new IllegalStateException("the platform is not running"));
        jvm.destroyForcibly();
        jvm.onExit().join();
        launcher.waitFor(30, TimeUnit.SECONDS);
    }

    /** Stops the platform gracefully (the runtimes keep running). */
    void stop() throws InterruptedException {
        disconnect();
        Optional<ProcessHandle> jvm = jvm();
        jvm.ifPresent(ProcessHandle::destroy);
        if (launcher != null && !launcher.waitFor(60, TimeUnit.SECONDS)) {
            jvm.ifPresent(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }

    /** @return pid to runtime id of every live process launched by this platform (read from /proc) */
    Map<Long, String> runtimeProcesses() {
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

    /** Stops the platform and kills whatever runtime it left; returns how many runtimes were left. */
    @Override
    public void close() throws Exception {
        stop();
        if (client != null) {
            client.stop();
        }
        runtimeProcesses().keySet().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
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

    private static void copy(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
