package io.stratum.sme.database;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.sme.api.Binding;
import io.stratum.sme.api.ConnectionInfo;
import io.stratum.sme.api.Dependant;
import io.stratum.sme.api.HealthState;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.SmeException;
import io.stratum.sme.api.TaskMonitor;
import io.stratum.testkit.sme.FakeService;
import io.stratum.testkit.sme.LocalRuntimes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The database engine with real H2 server processes (the platform around it is a small test double). */
public class H2DatabaseEngineTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final H2DatabaseEngine engine = new H2DatabaseEngine();
    private FakeService properties;
    private final List<String> progress = new ArrayList<>();
    private LocalRuntimes runtimes;
    private ServiceContext service;
    private final TaskMonitor monitor = new TaskMonitor() {
        @Override
        public void progress(int percent, String message) {
            progress.add(percent + " " + message);
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    };

    @Before
    public void setUp() {
        Path data = tmp.getRoot().toPath().resolve("data");
        runtimes = new LocalRuntimes(tmp.getRoot().toPath().resolve("runtimes"));
        service = context(data, Map.of("heapMb", "64", "cacheSizeMb", "8", "mode", "REGULAR"));
    }

    @After
    public void tearDown() {
        runtimes.killAll();
    }

    private ServiceContext context(Path data, Map<String, String> config) {
        FakeService fake = new FakeService("id-1", "orders", data, config, runtimes);
        properties = fake;
        return fake;
    }

    private Connection connect() throws Exception {
        ConnectionInfo info = engine.connectionInfo(service);
        return H2Database.connect(info.url(), info.user(), info.password());
    }

    @Test
    public void provisionIsIdempotentAndKeepsCredentialsAndData() throws Exception {
        engine.provision(service, monitor);
        assertEquals(HealthState.HEALTHY, engine.health(service).state());
        String password = properties.get(H2DatabaseEngine.PROP_PASSWORD).orElseThrow();
        assertEquals(24, password.length());
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(x INT)");
            s.execute("INSERT INTO t VALUES (1)");
        }
        engine.provision(service, monitor); // as after a crash: repeated
        assertEquals("the running server is not launched again", 1, runtimes.launches());
        assertEquals("credentials are generated once", password,
                properties.get(H2DatabaseEngine.PROP_PASSWORD).orElseThrow());
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
        assertTrue(progress.toString(), progress.stream().anyMatch(p -> p.contains("answers on 127.0.0.1")));
    }

    @Test
    public void stopAndStartKeepTheData() throws Exception {
        engine.provision(service, monitor);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(x INT)");
            s.execute("INSERT INTO t VALUES (7)");
        }
        engine.stop(service, monitor);
        assertEquals(HealthState.STOPPED, engine.health(service).state());
        try (Connection c = connect()) {
            fail("a stopped database does not answer");
        } catch (SQLException expected) {
            // refused
        }
        engine.start(service, monitor);
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT x FROM t")) {
            assertTrue(rs.next());
            assertEquals(7, rs.getInt(1));
        }
    }

    @Test
    public void unprovisionRemovesProcessDataAndCredentialsAndIsIdempotent() throws Exception {
        engine.provision(service, monitor);
        long pid = runtimes.status("h2").orElseThrow().pid();
        engine.unprovision(service, monitor);
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertFalse(Files.exists(service.dataDirectory().resolve("db")));
        assertFalse(properties.get(H2DatabaseEngine.PROP_PASSWORD).isPresent());
        engine.unprovision(service, monitor);
        assertEquals(HealthState.STOPPED, engine.health(service).state());
    }

    @Test
    public void eachDependantGetsItsOwnSchemaAndUserUntilDissociated() throws Exception {
        engine.provision(service, monitor);
        try (Connection admin = connect(); Statement s = admin.createStatement()) {
            s.execute("CREATE TABLE secrets(x INT)");
        }
        Dependant notes = new Dependant("0b8c2f4e-1111-2222-3333-444455556666", "notes", "appserver", Map.of());
        Dependant shop = new Dependant("9a7b6c5d-1111-2222-3333-444455556666", "shop", "appserver", Map.of());
        Binding a = engine.associate(service, notes, monitor);
        Binding again = engine.associate(service, notes, monitor);
        assertEquals("association is idempotent", a, again);
        Binding b = engine.associate(service, shop, monitor);
        assertEquals("S_NOTES_0B8C2F4E", a.credentials().get("user"));
        assertTrue(a.credentials().get("url"), a.credentials().get("url").endsWith(";SCHEMA=S_NOTES_0B8C2F4E"));
        try (Connection c = H2Database.connect(a.credentials().get("url"), a.credentials().get("user"),
                a.credentials().get("password")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes(id INT PRIMARY KEY, text VARCHAR(100))");
            s.execute("INSERT INTO notes VALUES (1, 'mine')");
            try {
                s.executeQuery("SELECT * FROM PUBLIC.SECRETS").close();
                fail("a dependant cannot read the admin's tables");
            } catch (SQLException expected) {
                // not granted
            }
        }
        try (Connection c = H2Database.connect(b.credentials().get("url"), b.credentials().get("user"),
                b.credentials().get("password")); Statement s = c.createStatement()) {
            s.executeQuery("SELECT * FROM S_NOTES_0B8C2F4E.NOTES").close();
            fail("a dependant cannot read another's schema");
        } catch (SQLException expected) {
            // not granted
        }
        engine.dissociate(service, notes, monitor);
        try (Connection c = H2Database.connect(a.credentials().get("url"), a.credentials().get("user"),
                a.credentials().get("password"))) {
            fail("a dissociated dependant cannot log in");
        } catch (SQLException expected) {
            // its user is gone
        }
        try (Connection admin = connect(); Statement s = admin.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SCHEMATA "
                        + "WHERE SCHEMA_NAME = 'S_NOTES_0B8C2F4E'")) {
            rs.next();
            assertEquals("its schema is dropped", 0, rs.getInt(1));
        }
        engine.dissociate(service, notes, monitor); // idempotent
        assertFalse(properties.get("binding." + notes.serviceId() + ".password").isPresent());
    }

    @Test
    public void unprovisionOfAServiceNeverProvisionedSucceeds() throws Exception {
        engine.unprovision(service, monitor);
    }

    @Test
    public void startWithoutDataIsAClearError() {
        try {
            engine.start(service, monitor);
            fail();
        } catch (SmeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("database of 'orders' is missing"));
        }
    }

    @Test
    public void modeGoesIntoTheUrl() throws Exception {
        service = context(tmp.getRoot().toPath().resolve("pg"), Map.of("heapMb", "64", "cacheSizeMb", "8",
                "mode", "PostgreSQL"));
        engine.provision(service, monitor);
        ConnectionInfo info = engine.connectionInfo(service);
        assertTrue(info.url(), info.url().endsWith(";MODE=PostgreSQL"));
        assertEquals("admin", info.user());
        assertEquals(info.properties().get("port"),
                Integer.toString(runtimes.status("h2").orElseThrow().port("jdbc")));
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
                        + "WHERE SETTING_NAME = 'MODE'")) {
            assertTrue(rs.next());
            assertEquals("PostgreSQL", rs.getString(1));
        }
    }

    @Test
    public void sqlErrorsAreReportedWithoutTheSecretTheStatementHeld() {
        SQLException e = new SQLException("Syntax error in SQL statement \"CREATE USER X PASSWORD 'Secret42'\"",
                "42000", 42000);
        SQLException safe = H2DatabaseEngine.redacted(e, "Secret42");
        assertFalse(safe.getMessage(), safe.getMessage().contains("Secret42"));
        assertTrue(safe.getMessage(), safe.getMessage().contains("CREATE USER X PASSWORD '********'"));
        assertEquals("42000", safe.getSQLState());
        assertEquals(null, safe.getCause());
    }
}
