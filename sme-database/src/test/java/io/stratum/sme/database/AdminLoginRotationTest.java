package io.stratum.sme.database;

import static io.stratum.sme.database.DatabaseTestSupport.scalar;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.sme.api.Binding;
import io.stratum.sme.api.ConnectionInfo;
import io.stratum.sme.api.Dependant;
import io.stratum.sme.api.SmeException;
import io.stratum.testkit.sme.FakeService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
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

/**
 * The administrator login: it is never handed out, and a database created by an older version (which handed it
 * to its tenant) gets a new one at its next start, even across a crash in the middle of the change.
 */
public class AdminLoginRotationTest {

    private static final String LEAKED = "TheOldLeakedAdminPassword";

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private DatabaseTestSupport db;
    private FakeService service;

    @Before
    public void setUp() {
        db = new DatabaseTestSupport(tmp.getRoot().toPath());
        service = db.service("id-1", "orders", tmp.getRoot().toPath().resolve("data"), "REGULAR");
    }

    @After
    public void tearDown() {
        db.close();
    }

    /**
     * A service as the older version left it: its properties hold only the administrator password, which its
     * tenant knows (service-info showed it), and the tenant used it to make tables and plant what an administrator
     * can plant.
     */
    private void serviceOfAnOlderVersion() throws Exception {
        service.put(H2DatabaseEngine.PROP_ADMIN_PASSWORD, LEAKED);
        Path dir = Files.createDirectories(service.dataDirectory().resolve("db"));
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(),
                "admin", LEAKED); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE NOTES(ID INT PRIMARY KEY, TEXT VARCHAR(100))");
            s.execute("INSERT INTO NOTES VALUES (1, 'kept')");
            s.execute("CREATE SCHEMA REPORTS");
            s.execute("CREATE TABLE REPORTS.DAILY(X INT)");
            s.execute("CREATE USER BACKDOOR PASSWORD 'b' ADMIN");
            s.execute("CREATE ALIAS ECHO AS 'String echo(String s) { return s; }'");
            s.execute("CREATE TRIGGER NOTES_AUDIT BEFORE INSERT ON NOTES FOR EACH ROW AS "
                    + "'org.h2.api.Trigger create() { return new org.h2.api.Trigger() { public void fire("
                    + "java.sql.Connection c, Object[] o, Object[] n) {} }; }'");
            s.execute("CREATE TABLE OTHER(X INT)");
            s.execute("CREATE FORCE LINKED TABLE ELSEWHERE('', 'jdbc:h2:mem:elsewhere', 'SA', '', 'T')");
        }
    }

    @Test
    public void startingAServiceOfAnOlderVersionRetiresTheAdministratorLoginItHandedOut() throws Exception {
        serviceOfAnOlderVersion();
        db.engine.start(service, db.monitor);

        String admin = service.get(H2DatabaseEngine.PROP_ADMIN_PASSWORD).orElseThrow();
        assertNotEquals(LEAKED, admin);
        assertTrue(service.get(H2DatabaseEngine.PROP_ADMIN_PRIVATE).isPresent());
        assertFalse(service.get(H2DatabaseEngine.PROP_ADMIN_NEXT).isPresent());
        assertFalse("the old password is not kept", service.asMap().containsValue(LEAKED));
        refused(db.serverUrl(service), "admin", LEAKED);
        refused(db.serverUrl(service), "BACKDOOR", "b"); // the planted administrator may log in, demoted

        ConnectionInfo info = db.engine.connectionInfo(service);
        assertEquals("APP", info.user());
        try (Connection c = db.tenant(service); Statement s = c.createStatement()) {
            assertEquals("the data is kept and usable", "kept", scalar(c, "SELECT TEXT FROM NOTES WHERE ID = 1"));
            s.execute("INSERT INTO NOTES VALUES (2, 'new')");
            s.execute("ALTER TABLE NOTES ADD COLUMN AT TIMESTAMP");
            s.execute("INSERT INTO REPORTS.DAILY VALUES (1)");
            s.execute("CREATE TABLE MORE(X INT)");
            try {
                s.execute("CALL ECHO('x')");
                fail("the Java function the old tenant planted is gone");
            } catch (SQLException expected) {
                // dropped
            }
        }
        try (Connection c = db.admin(service)) {
            assertEquals("only the platform's login is an administrator", "ADMIN",
                    scalar(c, "SELECT LISTAGG(USER_NAME, ',') FROM INFORMATION_SCHEMA.USERS WHERE IS_ADMIN"));
            assertEquals("0", scalar(c, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.ROUTINES"));
            assertEquals("0", scalar(c, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TRIGGERS"));
            assertEquals("0", scalar(c, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_TYPE = 'TABLE LINK'"));
        }
        String removed = String.join("\n", db.progress);
        assertTrue(removed, removed.contains("retiring the administrator login"));

        db.engine.start(service, db.monitor); // again: nothing changes
        assertEquals(admin, service.get(H2DatabaseEngine.PROP_ADMIN_PASSWORD).orElseThrow());
        assertEquals(info, db.engine.connectionInfo(service));
    }

    @Test
    public void sessionsLoggedInWithTheOldPasswordAreEnded() throws Exception {
        serviceOfAnOlderVersion();
        service.put(H2DatabaseEngine.PROP_ADMIN_PRIVATE, "true"); // so the first start keeps the old password
        db.engine.start(service, db.monitor);
        try (Connection old = DriverManager.getConnection(db.serverUrl(service), "admin", LEAKED);
                Statement s = old.createStatement()) {
            s.execute("SELECT 1");
            service.remove(H2DatabaseEngine.PROP_ADMIN_PRIVATE); // as an older version left it
            db.engine.start(service, db.monitor); // the server runs: only the logins change
            assertEquals("the running server is not launched again", 1, db.runtimes.launches());
            try {
                s.execute("CREATE USER AGAIN PASSWORD 'x' ADMIN");
                fail("a session of the old administrator login goes on");
            } catch (SQLException expected) {
                // ended
            }
        }
        refused(db.serverUrl(service), "admin", LEAKED);
    }

    @Test
    public void aRotationInterruptedBeforeH2GotTheNewPasswordFinishesAtTheNextStart() throws Exception {
        serviceOfAnOlderVersion();
        service.put(H2DatabaseEngine.PROP_ADMIN_NEXT, "TheNextPasswordStoredFirst"); // then the platform died
        db.engine.start(service, db.monitor);
        finishedWith("TheNextPasswordStoredFirst");
    }

    @Test
    public void aRotationInterruptedAfterH2GotTheNewPasswordFinishesAtTheNextStart() throws Exception {
        serviceOfAnOlderVersion();
        service.put(H2DatabaseEngine.PROP_ADMIN_NEXT, "TheNextPasswordStoredFirst");
        Path file = service.dataDirectory().resolve("db").resolve("db").toAbsolutePath();
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + file, "admin", LEAKED);
                Statement s = c.createStatement()) {
            s.execute("ALTER USER ADMIN SET PASSWORD 'TheNextPasswordStoredFirst'"); // then the platform died
        }
        db.engine.start(service, db.monitor);
        finishedWith("TheNextPasswordStoredFirst");
    }

    private void finishedWith(String password) throws Exception {
        assertEquals(password, service.get(H2DatabaseEngine.PROP_ADMIN_PASSWORD).orElseThrow());
        assertFalse(service.get(H2DatabaseEngine.PROP_ADMIN_NEXT).isPresent());
        assertTrue(service.get(H2DatabaseEngine.PROP_ADMIN_PRIVATE).isPresent());
        refused(db.serverUrl(service), "admin", LEAKED);
        try (Connection admin = db.admin(service); Connection t = db.tenant(service)) {
            assertEquals("the new password logs in", "ADMIN", scalar(admin, "SELECT CURRENT_USER"));
            assertEquals("kept", scalar(t, "SELECT TEXT FROM NOTES WHERE ID = 1"));
        }
    }

    @Test
    public void theAdministratorPasswordIsInNoConnectionInfoBindingMessageOrError() throws Exception {
        db.engine.provision(service, db.monitor);
        Dependant notes = new Dependant("0b8c2f4e-1111-2222-3333-444455556666", "notes", "appserver", Map.of());
        Binding binding = db.engine.associate(service, notes, db.monitor);
        String admin = service.get(H2DatabaseEngine.PROP_ADMIN_PASSWORD).orElseThrow();
        ConnectionInfo info = db.engine.connectionInfo(service);
        List<String> handedOut = new ArrayList<>(List.of(info.url(), info.user(), info.password()));
        handedOut.addAll(info.properties().values());
        handedOut.addAll(binding.credentials().values());
        handedOut.add(db.engine.health(service).message());
        handedOut.addAll(db.progress);

        // failures whose H2 message quotes the statement that failed, password and all: a user of the dependant's
        // name that cannot be created (a role has it), and a server that refuses the stored password
        try (Connection c = db.admin(service); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE \"S_SHOP_9A7B6C5D\"");
        }
        Dependant shop = new Dependant("9a7b6c5d-1111-2222-3333-444455556666", "shop", "appserver", Map.of());
        String shopPassword = null;
        try {
            db.engine.associate(service, shop, db.monitor);
            fail("the user cannot be created while a role has its name");
        } catch (SmeException e) {
            shopPassword = service.get("binding." + shop.serviceId() + ".password").orElseThrow();
            handedOut.add(e.getMessage());
            handedOut.add(String.valueOf(e.getCause()));
            assertTrue(e.getMessage(), e.getMessage().contains("PASSWORD '********'"));
        }
        try (Connection c = db.admin(service); Statement s = c.createStatement()) {
            s.execute("ALTER USER ADMIN SET PASSWORD 'ChangedBehindItsBack'");
        }
        try {
            db.engine.associate(service, notes, db.monitor);
            fail("the stored administrator password no longer works");
        } catch (SmeException e) {
            handedOut.add(e.getMessage());
        }
        handedOut.add(db.engine.health(service).message());
        for (String text : handedOut) {
            assertFalse("the administrator password in: " + text, text.contains(admin));
            assertFalse("the password of another dependant in: " + text, text.contains(shopPassword));
        }
        assertFalse(info.password().equals(admin));
    }

    private static void refused(String url, String user, String password) {
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            if (user.equals("BACKDOOR")) {
                assertEquals("FALSE", scalar(c, "SELECT IS_ADMIN FROM INFORMATION_SCHEMA.USERS WHERE USER_NAME = 'BACKDOOR'"));
                return;
            }
            fail(user + " still logs in with " + password);
        } catch (SQLException expected) {
            assertEquals(28000, expected.getErrorCode());
        }
    }
}
