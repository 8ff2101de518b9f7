package io.stratum.sme.database;

import static io.stratum.sme.database.DatabaseTestSupport.scalar;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.sme.api.Binding;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.ServiceProperties;
import io.stratum.sme.api.SmeException;
import io.stratum.sme.api.descriptor.ConfigProperty;
import io.stratum.sme.api.descriptor.ConfigType;
import io.stratum.sme.api.descriptor.Plan;
import io.stratum.sme.api.descriptor.SdpDescriptor;
import io.stratum.sme.api.runtime.RuntimePlatform;
import io.stratum.sme.api.runtime.RuntimeState;
import io.stratum.testkit.sme.FakeService;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.h2.api.ErrorCode;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Versions 1.0.0 and 1.1.0 of the database SDP with real H2 server processes: the upgrade's migration, the live lock
 * timeout, and what the engine refuses.
 */
public class H2UpdateTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private DatabaseTestSupport db;
    private H2DatabaseEngine engine;
    private VersionedService service;

    @Before
    public void setUp() {
        db = new DatabaseTestSupport(tmp.getRoot().toPath());
        engine = db.engine;
        service = new VersionedService(db.service("id-1", "orders", tmp.getRoot().toPath().resolve("data"), "REGULAR"));
    }

    @After
    public void tearDown() {
        db.close();
    }

    @Test
    public void anUpgradeFrom100MigratesTheStoppedDatabaseOnceAndLeavesTheTenantsDataAlone() throws Exception {
        service.release(descriptor("1.0.0"), Map.of());
        engine.provision(service, db.monitor);
        assertEquals(Set.of(), engine.liveSettings(service));
        try (Connection c = db.tenant(service); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes(id INT PRIMARY KEY, text VARCHAR(100))");
            s.execute("INSERT INTO notes VALUES (1, 'one'), (2, 'two'), (3, 'three')");
            s.execute("CREATE SCHEMA reports");
            s.execute("CREATE TABLE reports.totals(n INT)");
            s.execute("INSERT INTO reports.totals VALUES (42)");
        }
        List<String> schemasBefore;
        String tenantTimeoutBefore;
        try (Connection admin = db.admin(service)) {
            assertEquals("1.0.0 keeps nothing of its own in the database", "0",
                    scalar(admin, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SCHEMATA WHERE SCHEMA_NAME = 'STRATUM_SDP'"));
            schemasBefore = rows(admin, "SELECT SCHEMA_NAME, SCHEMA_OWNER FROM INFORMATION_SCHEMA.SCHEMATA ORDER BY 1");
        }
        try (Connection c = db.tenant(service)) {
            tenantTimeoutBefore = scalar(c, "SELECT LOCK_TIMEOUT()");
        }
        assertNotEquals("1.0.0 leaves H2's default lock timeout", "10000", tenantTimeoutBefore);
        engine.stop(service, db.monitor);

        // the platform records the new version and configuration, then calls the new version's engine
        service.release(descriptor("1.1.0"), Map.of(SdpMigrations.LOCK_TIMEOUT, "10000"));
        engine.upgrade(service, "1.0.0", db.monitor);

        assertEquals("the upgrade does not start the service's server", RuntimeState.STOPPED,
                db.runtimes.status(H2DatabaseEngine.RUNTIME).orElseThrow().state());
        assertTrue("the upgrade's own server is gone", db.runtimes.status(H2DatabaseEngine.MAINTENANCE).isEmpty());
        List<String> migrations;
        try (Connection file = openFile()) {
            migrations = rows(file, "SELECT ID, SDP_VERSION, FROM_VERSION, APPLIED_AT FROM STRATUM_SDP.MIGRATIONS "
                    + "ORDER BY ID");
            assertEquals(2, migrations.size());
            assertTrue(migrations.get(0), migrations.get(0).startsWith("1.1.0/01-migrations|1.1.0|1.0.0|"));
            assertTrue(migrations.get(1), migrations.get(1).startsWith("1.1.0/02-default-lock-timeout|1.1.0|1.0.0|"));
            assertEquals("10000", scalar(file,
                    "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'DEFAULT_LOCK_TIMEOUT'"));
            assertEquals(List.of("1|one", "2|two", "3|three"), rows(file, "SELECT id, text FROM PUBLIC.notes ORDER BY id"));
            close(file);
        }

        engine.upgrade(service, "1.0.0", db.monitor); // repeated, as after a crash
        try (Connection file = openFile()) {
            assertEquals("a second run changes nothing", migrations, rows(file,
                    "SELECT ID, SDP_VERSION, FROM_VERSION, APPLIED_AT FROM STRATUM_SDP.MIGRATIONS ORDER BY ID"));
            close(file);
        }
        assertTrue(db.progress.toString(), db.progress.stream().anyMatch(p -> p.contains("already migrated to 1.1.0")));

        engine.start(service, db.monitor);
        try (Connection admin = db.admin(service)) {
            assertEquals("starting applies nothing more", migrations, rows(admin,
                    "SELECT ID, SDP_VERSION, FROM_VERSION, APPLIED_AT FROM STRATUM_SDP.MIGRATIONS ORDER BY ID"));
            List<String> schemasAfter = rows(admin,
                    "SELECT SCHEMA_NAME, SCHEMA_OWNER FROM INFORMATION_SCHEMA.SCHEMATA ORDER BY 1");
            assertTrue(schemasAfter.remove("STRATUM_SDP|ADMIN"));
            assertEquals("the tenant's schemas are as they were", schemasBefore, schemasAfter);
        }
        try (Connection c = db.tenant(service)) {
            assertEquals(List.of("1|one", "2|two", "3|three"), rows(c, "SELECT id, text FROM notes ORDER BY id"));
            assertEquals("42", scalar(c, "SELECT n FROM reports.totals"));
            assertEquals("a new connection waits 10 s for a lock", "10000", scalar(c, "SELECT LOCK_TIMEOUT()"));
        }
    }

    @Test
    public void aLockTimeoutChangeAppliesToTheRunningServerWithoutARestart() throws Exception {
        service.release(descriptor("1.1.0"), Map.of(SdpMigrations.LOCK_TIMEOUT, "10000"));
        engine.provision(service, db.monitor);
        assertEquals(Set.of(SdpMigrations.LOCK_TIMEOUT), engine.liveSettings(service));
        try (Connection admin = db.admin(service)) {
            assertEquals("a new 1.1.0 database has its migrations, from no older version",
                    List.of("1.1.0/01-migrations|1.1.0|null", "1.1.0/02-default-lock-timeout|1.1.0|null"),
                    rows(admin, "SELECT ID, SDP_VERSION, FROM_VERSION FROM STRATUM_SDP.MIGRATIONS ORDER BY ID"));
        }
        try (Connection c = db.tenant(service); Statement s = c.createStatement()) {
            assertEquals("10000", scalar(c, "SELECT LOCK_TIMEOUT()"));
            s.execute("CREATE TABLE stock(id INT PRIMARY KEY, n INT)");
            s.execute("INSERT INTO stock VALUES (1, 10)");
        }
        long pid = db.pid();

        service.release(service.descriptor(), Map.of(SdpMigrations.LOCK_TIMEOUT, "300"));
        engine.reconfigure(service, Map.of(SdpMigrations.LOCK_TIMEOUT, "10000"), db.monitor);

        assertEquals("the server was not restarted", pid, db.pid());
        assertEquals(1, db.runtimes.launches());
        try (Connection admin = db.admin(service)) {
            assertEquals("300", scalar(admin,
                    "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'DEFAULT_LOCK_TIMEOUT'"));
        }
        // a row lock held by one transaction makes another fail after the new timeout
        try (Connection holder = db.tenant(service); Connection waiter = db.tenant(service);
                Statement h = holder.createStatement(); Statement w = waiter.createStatement()) {
            assertEquals("300", scalar(waiter, "SELECT LOCK_TIMEOUT()"));
            holder.setAutoCommit(false);
            h.executeUpdate("UPDATE stock SET n = n - 1 WHERE id = 1");
            long start = System.nanoTime();
            try {
                w.executeUpdate("UPDATE stock SET n = n + 1 WHERE id = 1");
                fail("the row is locked by the other transaction");
            } catch (SQLException e) {
                assertEquals(e.toString(), ErrorCode.LOCK_TIMEOUT_1, e.getErrorCode());
            }
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue("waited " + waitedMs + " ms", waitedMs >= 250 && waitedMs < 5_000);
            holder.rollback();
        }

        // while stopped, a change is recorded and applied when the server starts
        engine.stop(service, db.monitor);
        service.release(service.descriptor(), Map.of(SdpMigrations.LOCK_TIMEOUT, "1500"));
        engine.reconfigure(service, Map.of(SdpMigrations.LOCK_TIMEOUT, "300"), db.monitor);
        engine.start(service, db.monitor);
        try (Connection c = db.tenant(service)) {
            assertEquals("1500", scalar(c, "SELECT LOCK_TIMEOUT()"));
        }
    }

    @Test
    public void onlyTheLockTimeoutIsLiveAndOnlyFrom110() throws Exception {
        service.release(descriptor("1.0.0"), Map.of());
        assertEquals(Set.of(), engine.liveSettings(service));
        expectRefused(() -> engine.reconfigure(service, Map.of(SdpMigrations.LOCK_TIMEOUT, "10000"), db.monitor),
                "'lockTimeoutMs' of 'orders' (SDP h2-database 1.0.0) cannot change while the database runs");
        service.release(descriptor("1.1.0"), Map.of(SdpMigrations.LOCK_TIMEOUT, "10000"));
        expectRefused(() -> engine.reconfigure(service, Map.of("mode", "REGULAR"), db.monitor),
                "Change it with a hard update");
    }

    @Test
    public void anUpgradeFromAVersionItDoesNotKnowIsRefusedWithWhatToDo() throws Exception {
        service.release(descriptor("1.1.0"), Map.of(SdpMigrations.LOCK_TIMEOUT, "10000"));
        for (String from : List.of("0.9.0", "2.0.0", "one-oh", "")) {
            expectRefused(() -> engine.upgrade(service, from, db.monitor),
                    "migrates databases of SDP h2-database 1.0.x and later 1.x versions only. Upgrade it to a 1.0.x");
        }
        expectRefused(() -> engine.upgrade(service, "1.2.0", db.monitor),
                "cannot go back from SDP h2-database 1.2.0 to 1.1.0");
        assertEquals("nothing was started", 0, db.runtimes.launches());
        assertFalse(H2Database.exists(service.dataDirectory().resolve("db")));

        engine.upgrade(service, "1.1.0", db.monitor); // same version: nothing to do, no database needed
        service.release(descriptor("1.0.0"), Map.of());
        engine.upgrade(service, "1.0.0", db.monitor);
        assertEquals(0, db.runtimes.launches());
    }

    // ------------------------------------------------------------------ helpers

    @FunctionalInterface
    private interface Call {
        void run() throws Exception;
    }

    private static void expectRefused(Call call, String reason) throws Exception {
        try {
            call.run();
            fail("refused: " + reason);
        } catch (SmeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(reason));
            assertFalse("permanent", e.isTransient());
        }
    }

    /** Opens the stopped service's database file in this JVM, as its administrator. */
    private Connection openFile() throws SQLException {
        return DriverManager.getConnection("jdbc:h2:file:" + service.dataDirectory().resolve("db").resolve("db")
                + ";IFEXISTS=TRUE", H2DatabaseEngine.ADMIN, service.get(H2DatabaseEngine.PROP_ADMIN_PASSWORD).orElseThrow());
    }

    /** Closes the database opened by {@link #openFile} (it stays open after its last connection: DB_CLOSE_DELAY -1). */
    private static void close(Connection file) throws SQLException {
        try (Statement s = file.createStatement()) {
            s.execute("SHUTDOWN");
        }
    }

    /** @return every row of a query, its columns joined with {@code |} */
    private static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    /** The database SDP's descriptor of a version: 1.1.0 adds {@code lockTimeoutMs}, as the shipped descriptors do. */
    static SdpDescriptor descriptor(String version) {
        Map<String, ConfigProperty> schema = new LinkedHashMap<>();
        schema.put("heapMb", new ConfigProperty(ConfigType.INTEGER, "", "64", 32L, 16384L, null, false));
        schema.put("cacheSizeMb", new ConfigProperty(ConfigType.INTEGER, "", "16", 1L, 8192L, null, false));
        if (!version.startsWith("1.0.")) {
            schema.put(SdpMigrations.LOCK_TIMEOUT, new ConfigProperty(ConfigType.INTEGER, "", "10000", 0L, 600000L,
                    null, true));
        }
        schema.put("mode", new ConfigProperty(ConfigType.STRING, "", "REGULAR", null, null, null, true));
        return new SdpDescriptor("h2-database", "database", version, "Stratum", "", List.of("native-process"), null,
                "small", List.of(new Plan("small", "", Map.of())), schema, null, null, null);
    }

    /**
     * A service whose descriptor and configuration the test changes as the platform does when it records a new
     * version or configuration ({@code release}); everything else is the {@link FakeService}'s.
     */
    static final class VersionedService implements ServiceContext, ServiceProperties {

        private final FakeService base;
        private volatile SdpDescriptor descriptor;
        private volatile Map<String, String> configuration;

        VersionedService(FakeService base) {
            this.base = base;
            this.descriptor = base.descriptor();
            this.configuration = base.configuration();
        }

        /** Records a version and configuration: the base's configuration with these keys set. */
        void release(SdpDescriptor descriptor, Map<String, String> settings) {
            Map<String, String> c = new HashMap<>(base.configuration());
            c.putAll(settings);
            this.descriptor = descriptor;
            this.configuration = Map.copyOf(c);
        }

        @Override
        public String serviceId() {
            return base.serviceId();
        }

        @Override
        public String name() {
            return base.name();
        }

        @Override
        public String account() {
            return base.account();
        }

        @Override
        public SdpDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public Plan plan() {
            return base.plan();
        }

        @Override
        public Map<String, String> configuration() {
            return configuration;
        }

        @Override
        public Path dataDirectory() {
            return base.dataDirectory();
        }

        @Override
        public ServiceProperties properties() {
            return this;
        }

        @Override
        public RuntimePlatform runtimes() {
            return base.runtimes();
        }

        @Override
        public List<Binding> bindings() {
            return base.bindings();
        }

        @Override
        public java.util.Optional<String> get(String key) {
            return base.get(key);
        }

        @Override
        public void put(String key, String value) {
            base.put(key, value);
        }

        @Override
        public void remove(String key) {
            base.remove(key);
        }

        @Override
        public Map<String, String> asMap() {
            return base.asMap();
        }
    }
}
