package io.stratum.sme.database;

import io.stratum.sme.api.ConnectionInfo;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.TaskMonitor;
import io.stratum.testkit.sme.FakeService;
import io.stratum.testkit.sme.LocalRuntimes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * What the database engine's tests share: a service of a fake platform whose runtimes are real H2 server
 * processes, and JDBC as a user of the database has it (the H2 driver through {@link DriverManager}, no timeouts).
 */
final class DatabaseTestSupport {

    final H2DatabaseEngine engine;
    final LocalRuntimes runtimes;
    private final Path root;
    private final List<LocalRuntimes> others = new CopyOnWriteArrayList<>();
    final List<String> progress = new CopyOnWriteArrayList<>();
    final TaskMonitor monitor = new TaskMonitor() {
        @Override
        public void progress(int percent, String message) {
            progress.add(percent + " " + message);
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    };

    DatabaseTestSupport(Path root) {
        this(root, new H2DatabaseEngine());
    }

    /** With an engine of the test's (e.g. one with a class data archive). */
    DatabaseTestSupport(Path root, H2DatabaseEngine engine) {
        this.engine = engine;
        this.root = root;
        runtimes = new LocalRuntimes(root.resolve("runtimes"));
    }

    /** @return a service of type database named {@code name}, with its data under {@code data} */
    FakeService service(String id, String name, Path data, String mode) {
        return new FakeService(id, name, data, Map.of("heapMb", "64", "cacheSizeMb", "8", "mode", mode), runtimes);
    }

    /**
     * @return another service of type database, with runtimes of its own (the platform scopes runtimes by service),
     *     served by the same engine
     */
    FakeService another(String id, String name) {
        LocalRuntimes own = new LocalRuntimes(root.resolve("runtimes-" + id));
        others.add(own);
        return new FakeService(id, name, root.resolve("data-" + id), Map.of("heapMb", "64", "cacheSizeMb", "8",
                "mode", "REGULAR"), own);
    }

    /** Kills every server process the test started. */
    void close() {
        runtimes.killAll();
        others.forEach(LocalRuntimes::killAll);
    }

    /** @return a connection as the tenant gets it: the URL, user and password of the engine's connection info */
    Connection tenant(ServiceContext service) throws Exception {
        ConnectionInfo info = engine.connectionInfo(service);
        return DriverManager.getConnection(info.url(), info.user(), info.password());
    }

    /** @return a connection as a dependant gets it: the URL, user and password of its binding */
    static Connection bound(io.stratum.sme.api.Binding binding) throws SQLException {
        return DriverManager.getConnection(binding.credentials().get("url"), binding.credentials().get("user"),
                binding.credentials().get("password"));
    }

    /** @return a connection with the platform's internal administrator login (what no tenant gets) */
    Connection admin(ServiceContext service) throws Exception {
        return DriverManager.getConnection(serverUrl(service), H2DatabaseEngine.ADMIN,
                service.properties().get(H2DatabaseEngine.PROP_ADMIN_PASSWORD).orElseThrow());
    }

    /** @return the URL of the service's server, without settings */
    String serverUrl(ServiceContext service) {
        return "jdbc:h2:tcp://127.0.0.1:" + port(service) + "/db";
    }

    int port(ServiceContext service) {
        return service.runtimes().status(H2DatabaseEngine.RUNTIME).orElseThrow().port(H2DatabaseEngine.PORT);
    }

    long pid() {
        return runtimes.status(H2DatabaseEngine.RUNTIME).orElseThrow().pid();
    }

    /** @return the first column of the first row of a query */
    static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new AssertionError("no row from " + sql);
            }
            return rs.getString(1);
        }
    }

    /** Sends a signal ({@code STOP}, {@code CONT}, {@code KILL}) to a process and waits until {@code kill} returned. */
    static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + signal + " " + pid + " failed");
        }
    }

    /** Kills a process at once (no shutdown hook runs) and waits until it is gone. */
    static void killHard(long pid) throws Exception {
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        process.destroyForcibly();
        process.onExit().get(30, TimeUnit.SECONDS);
    }
}
