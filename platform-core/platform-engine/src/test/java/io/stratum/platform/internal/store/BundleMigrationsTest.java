package io.stratum.platform.internal.store;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.PlatformException;
import io.stratum.platform.spi.store.Migration;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Migrations contributed per bundle to the one store. */
public class BundleMigrationsTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void eachOwnerGetsItsVersionsOnceAndInOrderAndAReopenedStoreKeepsThem() {
        Migration one = new Migration(1, "notes", "CREATE TABLE IF NOT EXISTS x_notes (id INT PRIMARY KEY);");
        Migration two = new Migration(2, "text", "ALTER TABLE x_notes ADD COLUMN IF NOT EXISTS text VARCHAR(10);\n"
                + "INSERT INTO x_notes(id, text) VALUES (1, 'a');");
        try (Store store = TestStores.open(tmp.getRoot().toPath())) {
            DataStoreService data = new DataStoreService(store);
            data.migrate("x", List.of(one));
            data.migrate("x", List.of(one, two));
            data.migrate("x", List.of(one, two)); // again: nothing to do (the insert would fail twice)
            assertEquals(1L, (long) data.inTransaction(c -> Sql.one(c, "SELECT COUNT(*) AS n FROM x_notes",
                    rs -> rs.getLong("n")).orElseThrow()));
        }
        try (Store store = TestStores.open(tmp.getRoot().toPath())) {
            DataStoreService data = new DataStoreService(store);
            try {
                data.migrate("x", List.of(one));
                fail("the store is newer than these migrations");
            } catch (PlatformException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("newer"));
            }
            try {
                data.migrate("y", List.of(two));
                fail("versions start at 1");
            } catch (PlatformException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("1, 2, 3"));
            }
        }
    }
}
