package io.stratum.sme.database;

import io.stratum.sme.support.EngineSupport;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A class data sharing archive (AppCDS) of the H2 server's JVM: the classes a server loads from its start to answering
 * a provision's statements and a tenant's first queries, parsed and laid out once, so that a server's JVM maps them
 * instead of loading them from the jar. Measured on a busy 2-core machine: launch to the first answer 420 ms without it
 * and 240 ms with it at best (medians 1,110 and 670 ms); a provision, request to first query over SSH, 960 and 860 ms
 * (medians of 8, interleaved).
 * <p>
 * <b>Made once.</b> The archive is made once per H2 version, JVM ({@code java.home} and version) and set of JVM
 * options, by a training run in the background, started the first time a server is launched: an H2 server started
 * the way the engine starts one, with {@code -XX:ArchiveClassesAtExit}, which serves the statements a provision sends
 * and a tenant's first queries and is then stopped (the JVM writes the archive as it exits). The archive is checked
 * ({@code -Xshare:on}) and only then put in the folder (the bundle's data area, under Karaf's data folder), where it
 * stays across restarts. A server launched before it is ready runs without it; a training run that fails is logged
 * and not tried again until the engine restarts. Nothing else depends on the archive: a JVM that cannot use it runs
 * without it.
 * <p>
 * <b>Where the jar is.</b> The JVMs of Java 17 accept a dynamic archive only with the class path it was made with:
 * the same jar file (size and modification time) at the path the archive names. The training run names the jar by a
 * path relative to its working directory, {@link #jarFromWorkingDirectory} ({@code ../../data/lib/<jar>}), which is
 * where a service's jar is from its runtime's working directory in the platform's layout of a service's files
 * ({@code <service>/data} and {@code <service>/runtimes/<runtime>}); the engine installs each service's jar with the
 * modification time {@link #JAR_TIME}, as the training run does. A server whose files are laid out otherwise, or whose
 * JVM is not the one the archive was made for, writes a warning from the JVM in its log and runs without it.
 * <p>
 * Thread-safe. {@link #close} stops a training run under way.
 */
final class ServerArchive implements AutoCloseable {

    /** The modification time of every H2 jar a server runs: the archive holds it, and the JVM checks it. */
    static final FileTime JAR_TIME = FileTime.from(Instant.parse("2000-01-01T00:00:00Z"));

    private static final Logger LOG = LoggerFactory.getLogger(ServerArchive.class);
    private static final Duration TRAINING_TIMEOUT = Duration.ofSeconds(120);

    private final Path folder;
    private final String java;
    private final List<String> options;
    private final URL jar;
    private final String jarName;
    private final Path archive;
    private ExecutorService executor;
    private Future<?> training;
    private Process process;
    private boolean closed;

    /**
     * @param folder where the archive is kept (created if missing)
     * @param java the {@code java} executable the servers run with
     * @param options the JVM options the servers run with, but the heap size (the training run takes
     *     {@code -Xmx64m}); the archive is made again when they change
     * @param jar the H2 jar the servers run
     * @param jarName the file name of a service's copy of that jar
     */
    ServerArchive(Path folder, String java, List<String> options, URL jar, String jarName) {
        this.folder = folder;
        this.java = java;
        this.options = List.copyOf(options);
        this.jar = jar;
        this.jarName = jarName;
        this.archive = folder.resolve(jarName.replaceFirst("\\.jar$", "") + "-" + key(java, options) + ".jsa");
        stopLeftTraining();
    }

    /** The file naming the process of a training run under way (so that a later start can stop one left behind). */
    private Path pidFile() {
        return folder.resolve("training.pid");
    }

    /**
     * Stops the training server of a run that did not end (Karaf was killed while it ran): the pid its file names,
     * if that process is a training run of this folder's (its command line writes an archive here).
     */
    private void stopLeftTraining() {
        Path pidFile = pidFile();
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            String marker = "-XX:ArchiveClassesAtExit=" + folder;
            ProcessHandle.of(pid).filter(h -> h.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                    .ifPresent(h -> {
                        LOG.info("Stopping the training run of the H2 server class data archive that an earlier start "
                                + "left running (pid {})", pid);
                        h.destroyForcibly();
                        try {
                            h.onExit().get(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
                            LOG.warn("The training server (pid {}) did not exit: {}", pid, e.toString());
                        }
                    });
            Files.deleteIfExists(pidFile);
        } catch (java.nio.file.NoSuchFileException none) {
            // no run was under way
        } catch (IOException | NumberFormatException e) {
            LOG.info("Cannot read {}: {}", pidFile, e.toString());
        }
    }

    /**
     * @return the archive if it has been made; else empty, and a training run is started unless one ran already
     */
    synchronized Optional<Path> archive() {
        if (Files.isRegularFile(archive)) {
            return Optional.of(archive);
        }
        if (training == null && !closed) {
            executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "h2-database-cds");
                t.setDaemon(true);
                return t;
            });
            training = executor.submit(this::train);
        }
        return Optional.empty();
    }

    /**
     * Waits until a training run under way has ended.
     *
     * @return whether the archive has been made
     */
    boolean await(Duration timeout) throws InterruptedException {
        Future<?> f;
        synchronized (this) {
            f = training;
        }
        if (f != null) {
            try {
                f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
                // logged by the run, or still running
            }
        }
        return Files.isRegularFile(archive);
    }

    /** @return the path of a service's jar, as the archive names it, relative to its runtime's working directory */
    String jarFromWorkingDirectory() {
        return "../../data/lib/" + jarName;
    }

    /** Stops a training run under way and lets go of its thread. */
    @Override
    public void close() {
        ExecutorService e;
        synchronized (this) {
            closed = true;
            e = executor;
            if (process != null) {
                process.destroyForcibly();
            }
        }
        if (e != null) {
            e.shutdownNow();
            try {
                e.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One training run; see the class comment. */
    private void train() {
        long start = System.nanoTime();
        Path training = folder.resolve("training");
        Path part = folder.resolve(archive.getFileName() + ".part");
        Path log = folder.resolve(archive.getFileName() + ".log");
        Process p = null;
        try {
            EngineSupport.deleteRecursively(training);
            Files.deleteIfExists(part);
            Path work = training.resolve("runtimes").resolve(H2DatabaseEngine.RUNTIME);
            Path db = training.resolve("data").resolve("db");
            Files.createDirectories(work);
            Files.createDirectories(db);
            installJar(jar, training.resolve("data").resolve("lib").resolve(jarName));
            String password = H2DatabaseEngine.generatePassword();
            H2Database.create(db, H2DatabaseEngine.ADMIN, password);
            int port = freePort();
            List<String> command = new ArrayList<>(List.of(java, "-Xmx64m"));
            command.addAll(options);
            command.addAll(List.of("-XX:ArchiveClassesAtExit=" + part, "-cp", jarFromWorkingDirectory(),
                    "org.h2.tools.Server", "-tcp", "-tcpPort", Integer.toString(port), "-ifExists",
                    "-baseDir", db.toString(), "-key", H2Database.NAME, H2Database.NAME));
            synchronized (this) {
                if (closed) {
                    return;
                }
                p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
                process = p;
            }
            Files.writeString(pidFile(), Long.toString(p.pid()));
            long deadline = System.nanoTime() + TRAINING_TIMEOUT.toNanos();
            while (!H2Database.accepts(port)) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("the training server did not open port " + port + " (log: " + log + ")");
                }
                Thread.sleep(H2Database.PORT_POLL_MS);
            }
            exercise("jdbc:h2:tcp://127.0.0.1:" + port + "/" + H2Database.NAME, password);
            p.destroy(); // SIGTERM: the JVM writes the archive as it exits
            if (!p.waitFor(TRAINING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("the training server did not exit (log: " + log + ")");
            }
            if (!Files.isRegularFile(part)) {
                throw new IOException("the training server wrote no archive (log: " + log + ")");
            }
            check(part, work, log);
            Files.move(part, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            LOG.info("H2 server class data archive made in {} ms: {} ({} KB); servers launched from now on use it",
                    (System.nanoTime() - start) / 1_000_000, archive, Files.size(archive) / 1024);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | SQLException | RuntimeException e) {
            LOG.info("Cannot make the H2 server class data archive in {}: {}; servers start without it (a little "
                    + "slower)", folder, e.getMessage());
        } finally {
            synchronized (this) {
                process = null;
            }
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
            try {
                EngineSupport.deleteRecursively(training);
                Files.deleteIfExists(part);
                Files.deleteIfExists(pidFile());
            } catch (IOException e) {
                LOG.debug("Cannot clean up {}: {}", training, e.toString());
            }
        }
    }

    /**
     * Sends what a provision sends (the administrator's settings, the SDP's migrations, the tenant login, the look for
     * what only an administrator can create) and what a tenant's program does first, so that the archive holds the
     * classes these load in the server.
     */
    private static void exercise(String url, String adminPassword) throws SQLException {
        String tenantPassword = H2DatabaseEngine.generatePassword();
        try (Connection c = H2Database.connect(url + ";WRITE_DELAY=0", H2DatabaseEngine.ADMIN, adminPassword,
                H2Database.ADMIN_TIMEOUT); Statement s = c.createStatement()) {
            H2Database.probe(c);
            s.execute("SET DB_CLOSE_DELAY -1");
            s.execute("SET WRITE_DELAY 0");
            s.execute("SET CACHE_SIZE 8192");
            s.execute("SET DEFAULT_LOCK_TIMEOUT 10000");
            SdpMigrations.apply(s, "1.1.0", null, 10000);
            s.execute("CREATE USER IF NOT EXISTS \"APP\" PASSWORD '" + tenantPassword + "'");
            s.execute("ALTER USER \"APP\" ADMIN FALSE");
            s.execute("GRANT ALTER ANY SCHEMA TO \"APP\"");
            for (String query : List.of("SELECT USER_NAME FROM INFORMATION_SCHEMA.USERS WHERE IS_ADMIN",
                    "SELECT DISTINCT ROUTINE_SCHEMA, ROUTINE_NAME, ROUTINE_TYPE FROM INFORMATION_SCHEMA.ROUTINES",
                    "SELECT TRIGGER_SCHEMA, TRIGGER_NAME FROM INFORMATION_SCHEMA.TRIGGERS",
                    "SELECT TABLE_SCHEMA, TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_TYPE = 'TABLE LINK'",
                    "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID <> SESSION_ID()")) {
                try (ResultSet rs = s.executeQuery(query)) {
                    while (rs.next()) {
                        rs.getString(1);
                    }
                }
            }
        }
        try (Connection c = H2Database.connect(url, "APP", tenantPassword, H2Database.ADMIN_TIMEOUT);
                Statement s = c.createStatement()) {
            s.executeQuery("SELECT 1").close();
            s.execute("CREATE TABLE NOTES(ID BIGINT AUTO_INCREMENT PRIMARY KEY, BODY VARCHAR(1000), "
                    + "CREATED TIMESTAMP DEFAULT CURRENT_TIMESTAMP)");
            try (java.sql.PreparedStatement insert = c.prepareStatement("INSERT INTO NOTES(BODY) VALUES (?)")) {
                insert.setString(1, "hello");
                insert.executeUpdate();
            }
            try (ResultSet rs = s.executeQuery("SELECT ID, BODY, CREATED FROM NOTES ORDER BY ID")) {
                while (rs.next()) {
                    rs.getString(2);
                }
            }
            s.execute("DROP TABLE NOTES");
        }
    }

    /** Runs a JVM that must map the archive ({@code -Xshare:on}): it fails if the archive is unusable. */
    private void check(Path candidate, Path work, Path log) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java, "-Xmx64m"));
        command.addAll(options);
        command.addAll(List.of("-Xshare:on", "-XX:SharedArchiveFile=" + candidate, "-cp", jarFromWorkingDirectory(),
                "-version"));
        Process p;
        synchronized (this) {
            if (closed) {
                throw new InterruptedException();
            }
            p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            process = p;
        }
        if (!p.waitFor(TRAINING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("a JVM cannot use the archive it made (log: " + log + ")");
        }
    }

    /**
     * Installs the H2 jar at a path if its content differs, and gives it the modification time the archive holds.
     *
     * @throws IOException if it cannot be written
     */
    static void installJar(URL resource, Path target) throws IOException {
        EngineSupport.installIfChanged(resource, target);
        if (!Files.getLastModifiedTime(target).equals(JAR_TIME)) {
            Files.setLastModifiedTime(target, JAR_TIME);
        }
    }

    /** @return a short hash of what an archive is valid for: the JVM and its options */
    private static String key(String java, List<String> options) {
        String what = java + "\n" + System.getProperty("java.vm.version") + "\n" + String.join(" ", options) + "\n"
                + org.h2.engine.Constants.FULL_VERSION;
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(what.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JVM", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, H2Database.LOOPBACK)) {
            return s.getLocalPort();
        }
    }
}
