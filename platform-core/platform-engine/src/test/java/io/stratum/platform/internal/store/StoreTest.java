package io.stratum.platform.internal.store;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class StoreTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void migratesOnceAndKeepsDataAcrossReopen() throws Exception {
        try (Store store = new Store(tmp.getRoot().toPath(), 4)) {
            store.transact(c -> Sql.update(c, "INSERT INTO accounts(id, name, created_at) VALUES ('a1', 'acme', 1)"));
        }
        assertTrue(Files.exists(tmp.getRoot().toPath().resolve("store").resolve("stratum.mv.db")));
        try (Store store = new Store(tmp.getRoot().toPath(), 4)) {
            List<Integer> versions = store.query(c -> Sql.list(c, "SELECT version FROM schema_version",
                    rs -> rs.getInt(1)));
            assertEquals("each migration is applied once", List.of(1, 2, 3, 4), versions);
            Optional<String> name = store.query(c -> Sql.one(c, "SELECT name FROM accounts WHERE id = 'a1'",
                    rs -> rs.getString(1)));
            assertEquals(Optional.of("acme"), name);
        }
    }

    @Test
    public void migrationsCutShortByACrashRunAgainWhole() throws Exception {
        // DDL commits on its own: a crash after a script's statements but before its version row leaves exactly this
        try (Store store = new Store(tmp.getRoot().toPath(), 4)) {
            store.transact(c -> Sql.update(c, "INSERT INTO accounts(id, name, created_at) VALUES ('a1', 'acme', 1)"));
            store.transact(c -> Sql.update(c, "DELETE FROM schema_version WHERE version >= 1"));
        }
        try (Store store = new Store(tmp.getRoot().toPath(), 4)) {
            assertEquals(List.of(1, 2, 3, 4), store.query(c -> Sql.list(c, "SELECT version FROM schema_version "
                    + "ORDER BY version", rs -> rs.getInt(1))));
            assertEquals(Optional.of("acme"), store.query(c -> Sql.one(c, "SELECT name FROM accounts WHERE id = 'a1'",
                    rs -> rs.getString(1))));
        }
    }

    @Test
    public void transactionRollsBackWhenWorkThrows() {
        try (Store store = new Store(tmp.getRoot().toPath(), 4)) {
            try {
                store.transact(c -> {
                    Sql.update(c, "INSERT INTO accounts(id, name, created_at) VALUES ('a1', 'acme', 1)");
                    throw new IllegalStateException("boom");
                });
                fail("expected the exception to propagate");
            } catch (IllegalStateException expected) {
                assertEquals("boom", expected.getMessage());
            }
            int count = store.query(c -> Sql.one(c, "SELECT COUNT(*) FROM accounts", rs -> rs.getInt(1)).orElse(-1));
            assertEquals(0, count);
        }
    }

    @Test
    public void refusesAStoreWrittenByANewerVersion() {
        try (Store store = new Store(tmp.getRoot().toPath(), 4)) {
            store.transact(c -> Sql.update(c, "INSERT INTO schema_version(version, description, applied_at) "
                    + "VALUES (99, 'from the future', 0)"));
        }
        try {
            new Store(tmp.getRoot().toPath(), 4).close();
            fail("a newer schema must be refused");
        } catch (StoreException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("newer"));
        }
    }

    @Test
    public void survivesThreadsInterruptedWhileTheyWrite() throws Exception {
        // engine calls that time out are interrupted, and may be writing service properties at that moment
        try (Store store = new Store(tmp.getRoot().toPath(), 4)) {
            for (int round = 0; round < 8; round++) {
                Thread writer = new Thread(() -> {
                    for (int i = 0; i < 10_000 && !Thread.currentThread().isInterrupted(); i++) {
                        int n = i;
                        try {
                            store.transact(c -> Sql.update(c, "MERGE INTO accounts(id, name, created_at) KEY (id) "
                                    + "VALUES ('w', 'writer', ?)", n));
                        } catch (RuntimeException e) {
                            return; // the interrupted write may fail; the store must not
                        }
                    }
                });
                writer.start();
                Thread.sleep(5);
                writer.interrupt();
                writer.join();
            }
            store.transact(c -> Sql.update(c, "INSERT INTO accounts(id, name, created_at) VALUES ('a2', 'after', 1)"));
            assertEquals(Optional.of("after"), store.query(c -> Sql.one(c, "SELECT name FROM accounts WHERE id = 'a2'",
                    rs -> rs.getString(1))));
        }
    }

    @Test
    public void splitsScriptsIntoStatements() {
        List<String> statements = Migrations.statements("-- comment\nCREATE TABLE a (\n  x INT\n);\n\nINSERT INTO a VALUES (1);\n");
        assertEquals(2, statements.size());
        assertEquals("CREATE TABLE a (\n  x INT\n)", statements.get(0));
        assertEquals("INSERT INTO a VALUES (1)", statements.get(1));
    }

    @Test(expected = IllegalArgumentException.class)
    public void scriptWithoutFinalSemicolonIsAnError() {
        Migrations.statements("CREATE TABLE a (x INT)");
    }
}
