package io.stratum.platform.internal.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.h2.api.Trigger;

/**
 * Makes a real store refuse writes for a while, as a full disk does: an H2 trigger on every table throws on each
 * insert, update and delete while writes are refused, so every write transaction fails with a {@link StoreException}
 * and commits nothing. Reads keep working.
 * <p>
 * H2 creates the trigger objects itself; they find their switch by the key in their trigger's name.
 */
public final class FailingWrites {

    private static final Map<String, FailingWrites> INSTALLED = new ConcurrentHashMap<>();

    private final AtomicLong refusedUntilNanos = new AtomicLong(System.nanoTime());
    /** The tables whose writes are refused (upper case), or empty for all. */
    private volatile Set<String> tables = Set.of();
    private final AtomicInteger refuseNext = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    private FailingWrites() {
    }

    /**
     * Puts the triggers on every table of the store; writes succeed until told otherwise.
     *
     * @param store a migrated store
     * @return the switch
     */
    public static FailingWrites install(Store store) {
        FailingWrites writes = new FailingWrites();
        String key = UUID.randomUUID().toString().replace("-", "");
        INSTALLED.put(key, writes);
        store.transact(c -> {
            List<String> tables = Sql.list(c, "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES "
                    + "WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_TYPE = 'BASE TABLE'", rs -> rs.getString(1));
            try (Statement s = c.createStatement()) {
                for (String table : tables) {
                    s.execute("CREATE TRIGGER \"FAIL_" + key + "_" + table + "\" BEFORE INSERT, UPDATE, DELETE ON \""
                            + table + "\" FOR EACH ROW CALL '" + Refuser.class.getName() + "'");
                }
            }
        });
        return writes;
    }

    /**
     * Refuses every write from now for {@code d}.
     *
     * @param d how long
     * @return when writes are taken again ({@link System#nanoTime()})
     */
    public long refuseFor(Duration d) {
        return refuseFor(d, Set.of());
    }

    /**
     * Refuses writes to some tables from now for {@code d}.
     *
     * @param d how long
     * @param only the tables (e.g. {@code services}), or empty for all
     * @return when writes are taken again ({@link System#nanoTime()})
     */
    public long refuseFor(Duration d, Set<String> only) {
        tables = only.stream().map(t -> t.toUpperCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        long until = System.nanoTime() + d.toNanos();
        refusedUntilNanos.set(until);
        return until;
    }

    /**
     * Refuses the next {@code n} row writes.
     *
     * @param n how many
     */
    public void refuseNext(int n) {
        tables = Set.of();
        refuseNext.set(n);
    }

    /** @return how many row writes were refused so far */
    public int refused() {
        return refused.get();
    }

    private void check(String table) throws SQLException {
        Set<String> only = tables;
        if (!only.isEmpty() && !only.contains(table.toUpperCase(Locale.ROOT))) {
            return;
        }
        if (System.nanoTime() < refusedUntilNanos.get() || refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            refused.incrementAndGet();
            throw new SQLException("No space left on device (a test refuses writes to " + table + ")", "HY000");
        }
    }

    /** The trigger H2 instantiates, one per table. */
    public static final class Refuser implements Trigger {
        private FailingWrites writes;
        private String table;

        @Override
        public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before,
                int type) {
            String key = triggerName.substring("FAIL_".length(), "FAIL_".length() + 32);
            this.writes = INSTALLED.get(key);
            this.table = tableName;
        }

        @Override
        public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
            if (writes != null) {
                writes.check(table);
            }
        }
    }
}
