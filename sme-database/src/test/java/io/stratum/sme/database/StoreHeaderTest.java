package io.stratum.sme.database;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.Assume;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A copy of an open H2 file, taken as a backup takes it, opens with the last change made before the copy. The
 * database is churned first (rows written, rewritten and deleted, freed space reused at once), which is when H2 2.5
 * writes chunks where it did not predict them.
 */
public class StoreHeaderTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void aCopyTakenAfterMakeFindableHoldsTheLastChange() throws Exception {
        Path dir = tmp.newFolder("live").toPath();
        try (Connection c = open(dir.resolve("db") + ";WRITE_DELAY=0", "SA", "sa"); Statement s = c.createStatement()) {
            churn(s);
            s.execute("CREATE USER LAST_CHANGE PASSWORD 'x' ADMIN");
            s.execute("CHECKPOINT SYNC");
            Path before = copy(dir, "before");
            int changes = StoreHeader.makeFindable(dir.resolve("db.mv.db"), s, "LAST_CHANGE");
            Path after = copy(dir, "after");
            s.execute("DROP USER LAST_CHANGE");

            assertTrue("a copy taken after " + changes + " change(s) opens with the last change",
                    opensAs(after, "LAST_CHANGE", "x"));
            Assume.assumeFalse("this H2 finds its newest chunk in a copy without help: the churn did not show what "
                    + "StoreHeader works around", opensAs(before, "LAST_CHANGE", "x"));
        }
    }

    @Test
    public void theDataCommittedBeforeIsInTheCopyToo() throws Exception {
        Path dir = tmp.newFolder("data").toPath();
        try (Connection c = open(dir.resolve("db") + ";WRITE_DELAY=0", "SA", "sa"); Statement s = c.createStatement()) {
            churn(s);
            s.execute("INSERT INTO T VALUES (-1, X'01')");
            s.execute("CREATE USER LAST_CHANGE PASSWORD 'x' ADMIN");
            s.execute("CHECKPOINT SYNC");
            StoreHeader.makeFindable(dir.resolve("db.mv.db"), s, "LAST_CHANGE");
            Path after = copy(dir, "after");
            try (Connection k = open(after.resolve("db").toString(), "LAST_CHANGE", "x");
                 Statement ks = k.createStatement();
                 ResultSet rs = ks.executeQuery("SELECT COUNT(*) FROM T WHERE ID = -1")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
        }
    }

    @Test
    public void aSmallGrowingDatabaseIsFoundThroughItsLastChunk() throws Exception {
        Path dir = tmp.newFolder("small").toPath();
        try (Connection c = open(dir.resolve("db") + ";WRITE_DELAY=0", "SA", "sa"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE T(ID INT PRIMARY KEY)");
            s.execute("INSERT INTO T VALUES (1)");
            s.execute("CREATE USER LAST_CHANGE PASSWORD 'x' ADMIN");
            s.execute("CHECKPOINT SYNC");
            int changes = StoreHeader.makeFindable(dir.resolve("db.mv.db"), s, "LAST_CHANGE");
            Path after = copy(dir, "after");
            assertTrue("a copy taken after " + changes + " change(s) opens with the last change",
                    opensAs(after, "LAST_CHANGE", "x"));
        }
    }

    /** Writes, rewrites and deletes rows with H2 allowed to reuse freed space at once. */
    private static void churn(Statement s) throws SQLException {
        s.execute("SET RETENTION_TIME 0");
        s.execute("CREATE TABLE T(ID INT PRIMARY KEY, D VARBINARY(600))");
        for (int i = 0; i < 3; i++) {
            s.execute("INSERT INTO T SELECT X + " + i * 2000 + ", SECURE_RAND(500) FROM SYSTEM_RANGE(1, 2000)");
        }
        for (int i = 0; i < 10; i++) {
            s.execute("UPDATE T SET D = SECURE_RAND(500) WHERE MOD(ID, 10) = " + i);
        }
        s.execute("DELETE FROM T WHERE MOD(ID, 3) = 0");
    }

    private Path copy(Path live, String name) throws Exception {
        Path to = tmp.newFolder(name).toPath();
        Files.copy(live.resolve("db.mv.db"), to.resolve("db.mv.db"));
        return to;
    }

    private static boolean opensAs(Path dir, String user, String password) {
        try (Connection ignored = open(dir.resolve("db") + ";IFEXISTS=TRUE", user, password)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static Connection open(String path, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return new org.h2.Driver().connect("jdbc:h2:" + path, p);
    }
}
