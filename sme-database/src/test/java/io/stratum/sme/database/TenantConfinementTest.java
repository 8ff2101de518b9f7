package io.stratum.sme.database;

import static io.stratum.sme.database.DatabaseTestSupport.scalar;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.sme.api.Binding;
import io.stratum.sme.api.ConnectionInfo;
import io.stratum.sme.api.Dependant;
import io.stratum.testkit.sme.FakeService;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * What a tenant (or a dependant) can do with the credentials the engine hands out, tried against a real H2 server
 * process: everything that leaves the database (files, Java code, other databases, links, server-wide settings,
 * other users) is refused, for every login that is handed out.
 */
public class TenantConfinementTest {

    @ClassRule
    public static final TemporaryFolder TMP = new TemporaryFolder();

    private static final int ADMIN_RIGHTS_REQUIRED = 90040;
    private static final String SECRET = "the-platform-secret";

    private static DatabaseTestSupport db;
    private static FakeService service;
    private static ConnectionInfo tenant;
    private static Binding dependant;
    /** Another dependant, whose data the first must not read. */
    private static Binding shop;
    /** A file outside the database that no login may read. */
    private static Path probe;
    /** A folder where an escape would write. */
    private static Path out;
    /** Another H2 database on this machine, like the platform's own store, with a login everybody could guess. */
    private static Path store;

    @BeforeClass
    public static void provision() throws Exception {
        Path root = TMP.getRoot().toPath();
        db = new DatabaseTestSupport(root);
        service = db.service("id-1", "orders", root.resolve("data"), "REGULAR");
        db.engine.provision(service, db.monitor);
        tenant = db.engine.connectionInfo(service);
        dependant = db.engine.associate(service,
                new Dependant("0b8c2f4e-1111-2222-3333-444455556666", "notes", "appserver", Map.of()), db.monitor);
        shop = db.engine.associate(service,
                new Dependant("9a7b6c5d-1111-2222-3333-444455556666", "shop", "appserver", Map.of()), db.monitor);
        try (Connection c = tenant(""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE SECRETS(V VARCHAR(100) PRIMARY KEY)");
            s.execute("INSERT INTO SECRETS VALUES ('" + SECRET + "')");
        }
        try (Connection c = DriverManager.getConnection(shop.credentials().get("url"), shop.credentials().get("user"),
                shop.credentials().get("password")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ORDERS(V VARCHAR(100) PRIMARY KEY)");
            s.execute("INSERT INTO ORDERS VALUES ('" + SECRET + "')");
        }
        probe = Files.writeString(Files.createDirectories(root.resolve("outside")).resolve("probe.txt"), SECRET);
        out = Files.createDirectories(root.resolve("out"));
        store = root.resolve("platform").resolve("stratum");
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + store, "SA", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE SECRETS(V VARCHAR(100))");
            s.execute("INSERT INTO SECRETS VALUES ('" + SECRET + "')");
        }
    }

    @AfterClass
    public static void stop() {
        if (db != null) {
            db.close();
        }
    }

    private static Connection tenant(String settings) throws SQLException {
        return DriverManager.getConnection(tenant.url() + settings, tenant.user(), tenant.password());
    }

    private static Connection dependant(String settings) throws SQLException {
        Map<String, String> c = dependant.credentials();
        return DriverManager.getConnection(c.get("url") + settings, c.get("user"), c.get("password"));
    }

    /** @return every way out of the database H2 2.5 offers to SQL, each of which needs administrator rights */
    private static List<String> escapes(String self, String ownTable) {
        String other = "jdbc:h2:file:" + store;
        String target = out.resolve("written").toString();
        return List.of(
                // Java code
                "CREATE ALIAS X_READ AS 'String read(String f) throws Exception { "
                        + "return new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of(f))); }'",
                "CREATE ALIAS X_PROPERTY FOR \"java.lang.System.getProperty\"",
                "CREATE ALIAS X_EXIT FOR 'java.lang.System.exit'",
                "CREATE TRIGGER X_TRIGGER BEFORE INSERT ON " + ownTable + " FOR EACH ROW CALL \"org.h2.server.TcpServer\"",
                "CREATE TRIGGER X_SOURCE BEFORE INSERT ON " + ownTable + " FOR EACH ROW AS "
                        + "'org.h2.api.Trigger create() { return null; }'",
                "CREATE AGGREGATE X_AGGREGATE FOR \"java.lang.Object\"",
                "CREATE TABLE X_ENGINE(X INT) ENGINE \"org.h2.server.TcpServer\"",
                "SET JAVA_OBJECT_SERIALIZER 'java.lang.Object'",
                "SET DATABASE_EVENT_LISTENER 'java.lang.Object'",
                "SET BUILTIN_ALIAS_OVERRIDE TRUE",
                "SET AUTHENTICATOR TRUE",
                // files
                "RUNSCRIPT FROM '" + probe + "'",
                "SCRIPT TO '" + target + "'",
                "SCRIPT",
                "SCRIPT NODATA",
                "BACKUP TO '" + target + ".zip'",
                "CALL CSVWRITE('" + target + "', 'SELECT 1')",
                "SELECT * FROM CSVREAD('" + probe + "')",
                "SELECT FILE_READ('" + probe + "')",
                "SELECT FILE_READ('" + probe + "', NULL)",
                "SELECT FILE_WRITE('x', '" + target + "')",
                // other databases
                "CALL LINK_SCHEMA('X_LINK', '', '" + other + "', 'SA', '', 'PUBLIC')",
                "CREATE LINKED TABLE X_LINKED('', '" + other + "', 'SA', '', 'SECRETS')",
                "CREATE FORCE LINKED TABLE X_FORCED('', '" + other + "', 'SA', '', 'SECRETS')",
                // the server and the database as a whole
                "SET EXCLUSIVE 1",
                "SHUTDOWN",
                "SHUTDOWN IMMEDIATELY",
                "SHUTDOWN COMPACT",
                "SET TRACE_LEVEL_FILE 3",
                "SET TRACE_LEVEL_SYSTEM_OUT 3",
                "SET TRACE_MAX_FILE_SIZE 1",
                "SET WRITE_DELAY 10000",
                "SET DB_CLOSE_DELAY 0",
                "SET CACHE_SIZE 1",
                "SET MODE MySQL",
                "SET ALLOW_LITERALS NONE",
                "SET REFERENTIAL_INTEGRITY FALSE",
                "SET MAX_MEMORY_ROWS 1",
                "CHECKPOINT",
                "CHECKPOINT SYNC",
                "SELECT MEMORY_USED()",
                "SELECT ABORT_SESSION(SESSION_ID() + 100000)",
                // users and rights
                "CREATE USER X_USER PASSWORD 'x' ADMIN",
                "CREATE USER X_PLAIN PASSWORD 'x'",
                "ALTER USER ADMIN SET PASSWORD 'x'",
                "ALTER USER ADMIN RENAME TO X_ADMIN",
                "ALTER USER \"" + self + "\" ADMIN TRUE",
                "DROP USER ADMIN",
                "CREATE ROLE X_ROLE",
                "GRANT ALTER ANY SCHEMA TO \"" + self + "\"",
                "GRANT ADMIN TO \"" + self + "\"");
    }

    @Test
    public void theTenantLoginCannotLeaveItsDatabase() throws Exception {
        try (Connection c = tenant(""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE T_APP(X INT)");
            refusedAll(c, escapes(tenant.user(), "T_APP"));
            s.execute("INSERT INTO T_APP VALUES (1)");
            assertEquals("1", scalar(c, "SELECT COUNT(*) FROM T_APP"));
        }
        nothingWasWritten();
    }

    @Test
    public void aDependantLoginCannotLeaveItsDatabase() throws Exception {
        try (Connection c = dependant(""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE T_DEP(X INT)");
            refusedAll(c, escapes(dependant.credentials().get("user"), "T_DEP"));
            s.execute("INSERT INTO T_DEP VALUES (1)");
            assertEquals("1", scalar(c, "SELECT COUNT(*) FROM T_DEP"));
        }
        nothingWasWritten();
    }

    @Test
    public void aDependantReadsNoOtherSchemaThroughViewsSynonymsOrConstraints() throws Exception {
        String orders = "\"" + shop.credentials().get("schema") + "\".ORDERS";
        List<String> leaks = new ArrayList<>();
        try (Connection c = dependant(""); Statement s = c.createStatement()) {
            for (String table : List.of("PUBLIC.SECRETS", orders)) {
                String n = table.startsWith("PUBLIC") ? "T" : "S";
                // each way to make an object of its own that reads the table, then the read through it
                String[][] paths = {
                    {"SELECT * FROM " + table, null},
                    {"CREATE VIEW V" + n + " AS SELECT * FROM " + table, "SELECT * FROM V" + n},
                    {"CREATE FORCE VIEW F" + n + " AS SELECT * FROM " + table, "SELECT * FROM F" + n},
                    {"CREATE MATERIALIZED VIEW M" + n + " AS SELECT * FROM " + table, "SELECT * FROM M" + n},
                    {"CREATE SYNONYM Y" + n + " FOR " + table, "SELECT * FROM Y" + n},
                    {"CREATE TABLE C" + n + " AS SELECT * FROM " + table, "SELECT * FROM C" + n},
                    {"CREATE TABLE D" + n + "(V VARCHAR(100) DEFAULT (SELECT MAX(V) FROM " + table + "))",
                        "INSERT INTO D" + n + " DEFAULT VALUES"},
                    {"CREATE TABLE K" + n + "(V VARCHAR(100) REFERENCES " + table + "(V))",
                        "INSERT INTO K" + n + " VALUES ('" + SECRET + "')"},
                    {"CREATE INDEX I" + n + " ON " + table + "(V)", null},
                    {"DELETE FROM " + table, null},
                    {"DROP TABLE " + table, null},
                };
                for (String[] path : paths) {
                    String read = path[1] == null ? path[0] : path[1];
                    try {
                        if (path[1] != null) {
                            s.execute(path[0]);
                        }
                    } catch (SQLException refused) {
                        continue; // the object cannot even be made
                    }
                    try {
                        s.execute(read);
                        leaks.add(read);
                    } catch (SQLException refused) {
                        // not enough rights on the table behind it
                    }
                }
            }
        }
        assertEquals("reads of another schema that got through", List.of(), leaks);
        try (Connection c = tenant("")) {
            assertEquals(SECRET, scalar(c, "SELECT V FROM SECRETS"));
        }
    }

    @Test
    public void urlSettingsRunWithTheRightsOfTheLogin() throws Exception {
        String target = out.resolve("init").toString();
        List<String> settings = List.of(
                ";INIT=RUNSCRIPT FROM '" + probe + "'",
                ";INIT=CALL FILE_WRITE('x', '" + target + "')",
                ";INIT=CREATE ALIAS X_INIT FOR 'java.lang.System.getProperty'",
                ";TRACE_LEVEL_FILE=4",
                ";WRITE_DELAY=10000",
                ";DB_CLOSE_DELAY=0");
        List<String> allowed = new ArrayList<>();
        for (String setting : settings) {
            for (boolean isTenant : new boolean[] {true, false}) {
                try (Connection c = isTenant ? tenant(setting) : dependant(setting)) {
                    allowed.add((isTenant ? "tenant " : "dependant ") + setting);
                } catch (SQLException e) {
                    if (e.getErrorCode() != ADMIN_RIGHTS_REQUIRED) {
                        allowed.add(setting + " refused for another reason: " + e.getMessage());
                    }
                }
            }
        }
        assertEquals("connections that got through", List.of(), allowed);
        nothingWasWritten();
    }

    @Test
    public void noLoginReachesAnotherDatabaseThroughTheServer() throws Exception {
        int port = db.port(service);
        Path ownFile = service.dataDirectory().resolve("db").resolve("db").toAbsolutePath();
        FileTime storeModified = Files.getLastModifiedTime(Path.of(store + ".mv.db"));
        byte[] storeBytes = Files.readAllBytes(Path.of(store + ".mv.db"));
        List<String> before = databaseFiles();
        List<String> names = List.of("other", "DB", "db2", "mem:x", "mem:db", "mem:management_db_" + port,
                "../db", "../../../../../../../etc/passwd", "./db", "db/../db", "db/sub", "~/x",
                store.toString(), "file:" + store, "nio:" + store, "split:" + store, "async:" + store,
                "nioMapped:" + store, "retry:" + store, "zip:" + store + ".zip!/x",
                ownFile.toString(), "file:" + ownFile, "memFS:x", "memLZF:x", "nioMemFS:x",
                "tcp://127.0.0.1:" + port + "/db");
        String[][] logins = {
            {tenant.user(), tenant.password()},
            {dependant.credentials().get("user"), dependant.credentials().get("password")},
            {"SA", ""},
            {"", ""},
        };
        List<String> reached = new ArrayList<>();
        for (String name : names) {
            for (String[] login : logins) {
                try (Connection c = DriverManager.getConnection("jdbc:h2:tcp://127.0.0.1:" + port + "/" + name,
                        login[0], login[1])) {
                    reached.add(login[0] + "@" + name);
                } catch (SQLException expected) {
                    // refused before any database is opened or created
                }
            }
        }
        assertEquals("databases reached", List.of(), reached);
        assertEquals("no database was created", before, databaseFiles());
        assertEquals("the other database was not touched", storeModified,
                Files.getLastModifiedTime(Path.of(store + ".mv.db")));
        assertArrayEquals(storeBytes, Files.readAllBytes(Path.of(store + ".mv.db")));
    }

    @Test
    public void noLoginSeesOtherUsersOrTheirPasswordHashes() throws Exception {
        for (Connection c : List.of(tenant(""), dependant(""))) {
            try (c; Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT * FROM INFORMATION_SCHEMA.USERS")) {
                ResultSetMetaData meta = rs.getMetaData();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    String column = meta.getColumnName(i);
                    assertFalse(column, column.contains("PASSWORD") || column.contains("HASH")
                            || column.contains("SALT"));
                }
                List<String> users = new ArrayList<>();
                while (rs.next()) {
                    users.add(rs.getString("USER_NAME"));
                }
                assertEquals(List.of(scalar(c, "SELECT CURRENT_USER")), users);
            }
        }
    }

    @Test
    public void javaObjectsAreStoredAsBytesAndNeverDeserialized() throws Exception {
        byte[] serialized;
        try (java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                java.io.ObjectOutputStream o = new java.io.ObjectOutputStream(bytes)) {
            o.writeObject(new java.util.ArrayList<>(List.of("x")));
            o.flush();
            serialized = bytes.toByteArray();
        }
        try (Connection c = tenant(""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE J(O JAVA_OBJECT)");
            try (PreparedStatement p = c.prepareStatement("INSERT INTO J VALUES (CAST(? AS JAVA_OBJECT))")) {
                p.setBytes(1, serialized);
                p.executeUpdate();
            }
            try (ResultSet rs = s.executeQuery("SELECT CAST(O AS VARBINARY) FROM J ORDER BY O")) {
                assertTrue(rs.next());
                assertArrayEquals(serialized, rs.getBytes(1));
            }
            try {
                s.execute("SET JAVA_OBJECT_SERIALIZER 'org.h2.server.TcpServer'");
                fail("the tenant cannot choose how the server deserializes");
            } catch (SQLException expected) {
                assertEquals(ADMIN_RIGHTS_REQUIRED, expected.getErrorCode());
            }
        }
    }

    @Test
    public void theServerAllowsNoRemoteCreationNoOthersAndNoManagementByTcp() throws Exception {
        long pid = db.pid();
        List<String> args = ProcessHandle.of(pid).flatMap(p -> p.info().arguments()).map(List::of)
                .orElseThrow(() -> new AssertionError("the arguments of process " + pid + " are not visible"));
        assertTrue(args.toString(), args.contains("-ifExists"));
        assertTrue(args.toString(), Collections.indexOfSubList(args, List.of("-key", "db", "db")) >= 0);
        assertTrue(args.toString(), args.contains("-baseDir"));
        assertTrue(args.toString(), args.contains("-Dh2.bindAddress=127.0.0.1"));
        for (String forbidden : List.of("-ifNotExists", "-tcpAllowOthers", "-tcpPassword", "-web", "-pg",
                "-webAllowOthers", "-pgAllowOthers")) {
            assertFalse(forbidden + " in " + args, args.contains(forbidden));
        }
        assertFalse("no secret on the command line", String.join(" ", args)
                .contains(service.get(H2DatabaseEngine.PROP_ADMIN_PASSWORD).orElseThrow()));
        int port = db.port(service);
        for (String password : List.of("", "sa", service.get(H2DatabaseEngine.PROP_ADMIN_PASSWORD).orElseThrow(),
                tenant.password())) {
            try {
                org.h2.tools.Server.shutdownTcpServer("tcp://127.0.0.1:" + port, password, true, true);
                fail("the server was shut down over TCP with '" + password + "'");
            } catch (SQLException expected) {
                // its management database cannot be reached
            }
        }
        try (Connection c = tenant("")) {
            assertEquals("it still answers", "1", scalar(c, "SELECT 1"));
        }
    }

    @Test
    public void theServerListensOnTheLoopbackInterfaceOnly() throws Exception {
        Optional<InetAddress> external = NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                .findFirst();
        Assume.assumeTrue("this machine has no address besides the loopback", external.isPresent());
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(external.get(), db.port(service)), 2000);
            fail("the server accepts connections on " + external.get());
        } catch (IOException expected) {
            // nothing listens there
        }
    }

    private static void refusedAll(Connection c, List<String> escapes) throws SQLException {
        List<String> notRefused = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            for (String sql : escapes) {
                try {
                    s.execute(sql);
                    notRefused.add(sql);
                } catch (SQLException e) {
                    if (e.getErrorCode() != ADMIN_RIGHTS_REQUIRED) {
                        notRefused.add(sql + " -> " + e.getErrorCode() + " " + e.getMessage().lines().findFirst().orElse(""));
                    }
                }
            }
        }
        assertEquals("escapes not refused for lack of administrator rights", List.of(), notRefused);
    }

    private static void nothingWasWritten() throws IOException {
        try (Stream<Path> files = Files.list(out)) {
            assertEquals("files written by an escape", List.of(), files.toList());
        }
    }

    /** @return every H2 database file under the test's folder */
    private static List<String> databaseFiles() throws IOException {
        try (Stream<Path> files = Files.walk(TMP.getRoot().toPath())) {
            return files.map(Path::toString).filter(f -> f.endsWith(".mv.db") || f.endsWith(".h2.db")).sorted()
                    .toList();
        }
    }
}
