package io.stratum.sme.database;

import static io.stratum.sme.database.DatabaseTestSupport.scalar;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.sme.api.Binding;
import io.stratum.sme.api.ConnectionInfo;
import io.stratum.sme.api.Dependant;
import io.stratum.sme.api.HealthState;
import io.stratum.sme.api.ServiceHealth;
import io.stratum.sme.api.SmeException;
import io.stratum.testkit.sme.FakeService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The database engine with real H2 server processes (the platform around it is a small test double). */
public class H2DatabaseEngineTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private DatabaseTestSupport db;
    private H2DatabaseEngine engine;
    private FakeService service;

    @Before
    public void setUp() {
        db = new DatabaseTestSupport(tmp.getRoot().toPath());
        engine = db.engine;
        service = db.service("id-1", "orders", tmp.getRoot().toPath().resolve("data"), "REGULAR");
    }

    @After
    public void tearDown() {
        db.close();
    }

    private Connection connect() throws Exception {
        return db.tenant(service);
    }

    @Test
    public void aServerDirectoryThatIsASymbolicLinkIsRefusedAndNothingIsWrittenWhereItPoints() throws Exception {
        engine.provision(service, db.monitor);
        engine.stop(service, db.monitor);
        Path lib = service.dataDirectory().resolve("lib");
        Path elsewhere = Files.createDirectories(tmp.getRoot().toPath().resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("keep.jsa"), "another service's");
        try (var files = Files.list(lib)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.delete(f);
            }
        }
        Files.delete(lib);
        Files.createSymbolicLink(lib, elsewhere); // as the service's own user could
        SmeException e = assertThrows(SmeException.class,
                () -> engine.start(service, db.monitor));
        assertTrue(e.getMessage(), e.getMessage().contains("is not a directory"));
        try (var files = Files.list(elsewhere)) {
            assertEquals(List.of(elsewhere.resolve("keep.jsa")), files.toList());
        }
    }

    @Test
    public void provisionIsIdempotentAndKeepsCredentialsAndData() throws Exception {
        engine.provision(service, db.monitor);
        assertEquals(HealthState.HEALTHY, engine.health(service).state());
        String password = service.get(H2DatabaseEngine.PROP_ADMIN_PASSWORD).orElseThrow();
        String tenantPassword = service.get(H2DatabaseEngine.PROP_TENANT_PASSWORD).orElseThrow();
        assertEquals(24, password.length());
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(x INT)");
            s.execute("INSERT INTO t VALUES (1)");
        }
        engine.provision(service, db.monitor); // as after a crash: repeated
        assertEquals("the running server is not launched again", 1, db.runtimes.launches());
        assertEquals("credentials are generated once", password,
                service.get(H2DatabaseEngine.PROP_ADMIN_PASSWORD).orElseThrow());
        assertEquals(tenantPassword, service.get(H2DatabaseEngine.PROP_TENANT_PASSWORD).orElseThrow());
        try (Connection c = connect()) {
            assertEquals("1", scalar(c, "SELECT COUNT(*) FROM t"));
        }
        assertTrue(db.progress.toString(), db.progress.stream().anyMatch(p -> p.contains("answers on 127.0.0.1")));
    }

    @Test
    public void theTenantLoginIsNotAnAdministratorAndItsTablesGoToItsDefaultSchema() throws Exception {
        engine.provision(service, db.monitor);
        ConnectionInfo info = engine.connectionInfo(service);
        assertEquals("APP", info.user());
        assertEquals("jdbc:h2:tcp://127.0.0.1:" + db.port(service) + "/db", info.url());
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes(id INT PRIMARY KEY, text VARCHAR(100))");
            s.execute("INSERT INTO notes VALUES (1, 'hello')");
            s.execute("CREATE INDEX notes_text ON notes(text)");
            s.execute("ALTER TABLE notes ADD COLUMN at TIMESTAMP");
            assertEquals("PUBLIC", scalar(c, "SELECT CURRENT_SCHEMA"));
            assertEquals("hello", scalar(c, "SELECT text FROM PUBLIC.notes WHERE id = 1"));
            assertEquals("FALSE", scalar(c, "SELECT IS_ADMIN FROM INFORMATION_SCHEMA.USERS WHERE USER_NAME = 'APP'"));
        }
        try (Connection admin = db.admin(service)) {
            assertEquals("only the platform's own login is an administrator", "ADMIN",
                    scalar(admin, "SELECT LISTAGG(USER_NAME, ',') FROM INFORMATION_SCHEMA.USERS WHERE IS_ADMIN"));
        }
    }

    @Test
    public void stopAndStartKeepTheData() throws Exception {
        engine.provision(service, db.monitor);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(x INT)");
            s.execute("INSERT INTO t VALUES (7)");
        }
        engine.stop(service, db.monitor);
        assertEquals(HealthState.STOPPED, engine.health(service).state());
        try (Connection c = connect()) {
            fail("a stopped database does not answer");
        } catch (SQLException expected) {
            // refused
        }
        engine.start(service, db.monitor);
        try (Connection c = connect()) {
            assertEquals("7", scalar(c, "SELECT x FROM t"));
        }
    }

    @Test
    public void aCommitSurvivesAKillOfTheServerProcess() throws Exception {
        engine.provision(service, db.monitor);
        long pid = db.pid();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(x INT)");
            s.execute("INSERT INTO t VALUES (42)"); // committed (auto-commit) and acknowledged
            // the session stays open: closing the last one would close the database, which writes everything
            DatabaseTestSupport.killHard(pid);
        } catch (SQLException expected) {
            // closing a connection to a dead server
        }
        engine.start(service, db.monitor);
        assertNotEquals("a new process", pid, db.pid());
        try (Connection c = connect()) {
            assertEquals("42", scalar(c, "SELECT x FROM t"));
        }
    }

    @Test(timeout = 120_000)
    public void aHealthCheckOfAFrozenServerReturnsWithinItsTimeout() throws Exception {
        engine.provision(service, db.monitor);
        long pid = db.pid();
        DatabaseTestSupport.signal("STOP", pid);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "health-of-a-frozen-server");
            t.setDaemon(true);
            return t;
        });
        try {
            long start = System.nanoTime();
            Future<ServiceHealth> health = executor.submit(() -> engine.health(service));
            ServiceHealth h = health.get(30, TimeUnit.SECONDS); // a TimeoutException here: the probe hangs
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertNotEquals(h.toString(), HealthState.HEALTHY, h.state());
            assertTrue(h.message(), h.message().contains("no JDBC answer"));
            assertTrue("took " + took, took.compareTo(H2Database.PROBE_TIMEOUT.plusSeconds(5)) < 0);
        } finally {
            executor.shutdownNow();
            DatabaseTestSupport.signal("KILL", pid);
        }
    }

    @Test
    public void aServerThatNoLongerOpensItsDatabaseIsReportedAndRestartedByStart() throws Exception {
        engine.provision(service, db.monitor);
        long pid = db.pid();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(x INT)");
            s.execute("INSERT INTO t VALUES (5)");
        }
        try (Connection c = DriverManager.getConnection(db.serverUrl(service) + ";OPEN_NEW=TRUE", "anyone", "x")) {
            fail("no login");
        } catch (SQLException expected) {
            assertEquals("H2 still has this flaw; if it no longer has, the engine's restart can go", 90020,
                    expected.getErrorCode());
        }
        ServiceHealth wedged = engine.health(service);
        assertEquals(HealthState.UNHEALTHY, wedged.state());
        assertTrue(wedged.message(), wedged.message().contains("OPEN_NEW"));
        engine.start(service, db.monitor);
        assertNotEquals("a new process", pid, db.pid());
        assertEquals(HealthState.HEALTHY, engine.health(service).state());
        try (Connection c = connect()) {
            assertEquals("5", scalar(c, "SELECT x FROM t"));
        }
    }

    @Test
    public void unprovisionRemovesProcessDataAndCredentialsAndIsIdempotent() throws Exception {
        engine.provision(service, db.monitor);
        long pid = db.pid();
        engine.unprovision(service, db.monitor);
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertFalse(Files.exists(service.dataDirectory().resolve("db")));
        assertEquals("no credentials are left", Map.of(), service.asMap());
        engine.unprovision(service, db.monitor);
        assertEquals(HealthState.STOPPED, engine.health(service).state());
    }

    @Test
    public void eachDependantGetsItsOwnSchemaAndUserUntilDissociated() throws Exception {
        engine.provision(service, db.monitor);
        try (Connection tenant = connect(); Statement s = tenant.createStatement()) {
            s.execute("CREATE TABLE secrets(x INT)");
        }
        Dependant notes = new Dependant("0b8c2f4e-1111-2222-3333-444455556666", "notes", "appserver", Map.of());
        Dependant shop = new Dependant("9a7b6c5d-1111-2222-3333-444455556666", "shop", "appserver", Map.of());
        Binding a = engine.associate(service, notes, db.monitor);
        Binding again = engine.associate(service, notes, db.monitor);
        assertEquals("association is idempotent", a, again);
        Binding b = engine.associate(service, shop, db.monitor);
        assertEquals("S_NOTES_0B8C2F4E", a.credentials().get("user"));
        assertTrue(a.credentials().get("url"), a.credentials().get("url").endsWith(";SCHEMA=S_NOTES_0B8C2F4E"));
        try (Connection c = DriverManager.getConnection(a.credentials().get("url"), a.credentials().get("user"),
                a.credentials().get("password")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes(id INT PRIMARY KEY, text VARCHAR(100))");
            s.execute("INSERT INTO notes VALUES (1, 'mine')");
            try {
                s.executeQuery("SELECT * FROM PUBLIC.SECRETS").close();
                fail("a dependant cannot read the tenant's tables");
            } catch (SQLException expected) {
                // not granted
            }
        }
        try (Connection c = DriverManager.getConnection(b.credentials().get("url"), b.credentials().get("user"),
                b.credentials().get("password")); Statement s = c.createStatement()) {
            s.executeQuery("SELECT * FROM S_NOTES_0B8C2F4E.NOTES").close();
            fail("a dependant cannot read another's schema");
        } catch (SQLException expected) {
            // not granted
        }
        engine.dissociate(service, notes, db.monitor);
        try (Connection c = DriverManager.getConnection(a.credentials().get("url"), a.credentials().get("user"),
                a.credentials().get("password"))) {
            fail("a dissociated dependant cannot log in");
        } catch (SQLException expected) {
            // its user is gone
        }
        try (Connection admin = db.admin(service)) {
            assertEquals("its schema is dropped", "0", scalar(admin, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SCHEMATA "
                    + "WHERE SCHEMA_NAME = 'S_NOTES_0B8C2F4E'"));
        }
        engine.dissociate(service, notes, db.monitor); // idempotent
        assertFalse(service.get("binding." + notes.serviceId() + ".password").isPresent());
    }

    @Test
    public void aDependantsUserIsNeverAnAdministrator() throws Exception {
        engine.provision(service, db.monitor);
        Dependant notes = new Dependant("0b8c2f4e-1111-2222-3333-444455556666", "notes", "appserver", Map.of());
        try (Connection admin = db.admin(service); Statement s = admin.createStatement()) {
            // a user of that name made an administrator before the association (as a tenant with the
            // administrator login of an older version could have)
            s.execute("CREATE USER \"S_NOTES_0B8C2F4E\" PASSWORD 'planted' ADMIN");
        }
        Binding a = engine.associate(service, notes, db.monitor);
        Binding shop = engine.associate(service,
                new Dependant("9a7b6c5d-1111-2222-3333-444455556666", "shop", "appserver", Map.of()), db.monitor);
        try (Connection admin = db.admin(service)) {
            assertEquals("FALSE", scalar(admin, "SELECT IS_ADMIN FROM INFORMATION_SCHEMA.USERS "
                    + "WHERE USER_NAME = '" + a.credentials().get("user") + "'"));
            assertEquals("FALSE", scalar(admin, "SELECT IS_ADMIN FROM INFORMATION_SCHEMA.USERS "
                    + "WHERE USER_NAME = '" + shop.credentials().get("user") + "'"));
        }
        try (Connection c = DriverManager.getConnection(a.credentials().get("url"), a.credentials().get("user"),
                "planted")) {
            fail("the planted password no longer works");
        } catch (SQLException expected) {
            assertEquals(28000, expected.getErrorCode());
        }
    }

    @Test
    public void unprovisionOfAServiceNeverProvisionedSucceeds() throws Exception {
        engine.unprovision(service, db.monitor);
    }

    @Test
    public void startWithoutDataIsAClearError() {
        try {
            engine.start(service, db.monitor);
            fail();
        } catch (SmeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("database of 'orders' is missing"));
        }
    }

    @Test
    public void modeGoesIntoEveryUrlAndTheTenantAndDependantsConnectWithIt() throws Exception {
        service = db.service("id-2", "pg", tmp.getRoot().toPath().resolve("pg"), "PostgreSQL");
        engine.provision(service, db.monitor);
        ConnectionInfo info = engine.connectionInfo(service);
        assertTrue(info.url(), info.url().endsWith(";MODE=PostgreSQL"));
        assertEquals("APP", info.user());
        assertEquals(info.properties().get("port"), Integer.toString(db.port(service)));
        Binding b = engine.associate(service,
                new Dependant("9a7b6c5d-1111-2222-3333-444455556666", "shop", "appserver", Map.of()), db.monitor);
        // the platform's own login opens the database first here, the tenant and the dependant join it: none
        // of them may change the mode, so all must ask for the same one
        try (Connection admin = DriverManager.getConnection(db.serverUrl(service) + ";MODE=PostgreSQL", "ADMIN",
                service.get(H2DatabaseEngine.PROP_ADMIN_PASSWORD).orElseThrow());
                Connection c = connect();
                Connection d = DriverManager.getConnection(b.credentials().get("url"), b.credentials().get("user"),
                        b.credentials().get("password"))) {
            assertEquals("PostgreSQL", scalar(c, "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
                    + "WHERE SETTING_NAME = 'MODE'"));
            assertEquals("PostgreSQL", scalar(d, "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
                    + "WHERE SETTING_NAME = 'MODE'"));
            assertEquals(HealthState.HEALTHY, engine.health(service).state());
        }
    }

    @Test
    public void sqlErrorsAreReportedWithoutTheSecretsTheStatementHeld() {
        SQLException e = new SQLException("Syntax error in SQL statement \"ALTER USER X SET PASSWORD 'Secret42' -- "
                + "Other7\"", "42000", 42000, new SQLException("cause with Secret42"));
        SQLException safe = H2DatabaseEngine.redacted(e, List.of("Secret42", "Other7"));
        assertFalse(safe.getMessage(), safe.getMessage().contains("Secret42"));
        assertFalse(safe.getMessage(), safe.getMessage().contains("Other7"));
        assertTrue(safe.getMessage(), safe.getMessage().contains("ALTER USER X SET PASSWORD '********' -- ********"));
        assertEquals("42000", safe.getSQLState());
        assertEquals(42000, safe.getErrorCode());
        assertEquals(null, safe.getCause());
    }
}
