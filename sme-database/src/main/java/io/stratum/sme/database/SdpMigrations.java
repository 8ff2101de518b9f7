package io.stratum.sme.database;

import io.stratum.sme.api.descriptor.SdpDescriptor;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the database SDP keeps in a service's database from version 1.1.0 on, and the migration that brings a
 * database of version 1.0.x there. Everything lives in the schema {@value #SCHEMA}, owned by the platform's
 * administrator; the tenant's and the dependants' schemas are not touched.
 * <ul>
 * <li>{@code 1.1.0/01-migrations}: the table {@value #SCHEMA}.{@value #TABLE}, one row per migration applied to this
 * database (its id, what it did, the SDP version that applied it, the version the data had before, or
 * {@code NULL} for a database created at that version, and when).</li>
 * <li>{@code 1.1.0/02-default-lock-timeout}: H2's {@code DEFAULT_LOCK_TIMEOUT}, kept in the database file, set to the
 * service's {@code lockTimeoutMs} (version 1.0.x left H2's default). The engine sets it again at every start and on
 * every change of {@code lockTimeoutMs}; the row records when the database first got it.</li>
 * </ul>
 * Applying is idempotent: a migration whose row exists is skipped, and a migration runs before its row is written,
 * so one interrupted between the two runs again (each is harmless to repeat).
 */
final class SdpMigrations {

    /** The schema of the SDP's own bookkeeping. */
    static final String SCHEMA = "STRATUM_SDP";
    /** The table of applied migrations. */
    static final String TABLE = "MIGRATIONS";
    /** The configuration key of version 1.1.0: H2's {@code DEFAULT_LOCK_TIMEOUT}, in ms. */
    static final String LOCK_TIMEOUT = "lockTimeoutMs";
    /** The first version that keeps {@value #SCHEMA}. */
    static final int[] KEEPS_MIGRATIONS = {1, 1, 0};
    private static final Pattern VERSION = Pattern.compile("(\\d{1,9})\\.(\\d{1,9})\\.(\\d{1,9})(\\.[\\w-]+)?");

    /** One migration: its id and what it does, for the row. */
    record Migration(String id, String description) {
    }

    static final Migration MIGRATIONS_TABLE = new Migration("1.1.0/01-migrations",
            "table " + SCHEMA + "." + TABLE + " records the migrations applied to this database");
    static final Migration DEFAULT_LOCK_TIMEOUT = new Migration("1.1.0/02-default-lock-timeout",
            "H2 DEFAULT_LOCK_TIMEOUT kept in the database file, set from lockTimeoutMs (version 1.0 left H2's default)");

    private SdpMigrations() {
    }

    /** @return whether a service of this descriptor keeps {@value #SCHEMA} (version 1.1.0 and later) */
    static boolean keptBy(SdpDescriptor descriptor) {
        int[] v = version(descriptor.version());
        return v != null && compare(v, KEEPS_MIGRATIONS) >= 0;
    }

    /**
     * @param text a version {@code major.minor.micro} (a qualifier after it is ignored)
     * @return its three numbers, or {@code null} if it is not such a version
     */
    static int[] version(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = VERSION.matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
    }

    /** @return the order of two versions of {@link #version} */
    static int compare(int[] a, int[] b) {
        return Arrays.compare(a, b);
    }

    /**
     * Applies every migration the database lacks, on an administrator's connection.
     *
     * @param s a statement of the administrator, auto-commit on
     * @param sdpVersion the SDP version that applies them (the service's new version)
     * @param fromVersion the version the data had, or {@code null} for a database this version created (or one whose
     *     previous version is unknown)
     * @param lockTimeoutMs the service's {@code lockTimeoutMs}
     * @return the ids of the migrations applied now (empty if the database had them all)
     * @throws SQLException if H2 refuses
     */
    static List<String> apply(Statement s, String sdpVersion, String fromVersion, int lockTimeoutMs)
            throws SQLException {
        List<String> applied = new ArrayList<>();
        s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA + " AUTHORIZATION " + H2DatabaseEngine.ADMIN);
        s.execute("CREATE TABLE IF NOT EXISTS " + SCHEMA + "." + TABLE + " ("
                + "ID VARCHAR(64) PRIMARY KEY, DESCRIPTION VARCHAR(400) NOT NULL, SDP_VERSION VARCHAR(32) NOT NULL, "
                + "FROM_VERSION VARCHAR(32), APPLIED_AT TIMESTAMP WITH TIME ZONE NOT NULL)");
        if (record(s, MIGRATIONS_TABLE, sdpVersion, fromVersion)) {
            applied.add(MIGRATIONS_TABLE.id());
        }
        if (!recorded(s, DEFAULT_LOCK_TIMEOUT)) {
            s.execute("SET DEFAULT_LOCK_TIMEOUT " + lockTimeoutMs);
            record(s, DEFAULT_LOCK_TIMEOUT, sdpVersion, fromVersion);
            applied.add(DEFAULT_LOCK_TIMEOUT.id());
        }
        return applied;
    }

    private static boolean recorded(Statement s, Migration m) throws SQLException {
        try (PreparedStatement p = s.getConnection().prepareStatement(
                "SELECT 1 FROM " + SCHEMA + "." + TABLE + " WHERE ID = ?")) {
            p.setString(1, m.id());
            try (ResultSet rs = p.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** @return whether the row was written now (it was missing) */
    private static boolean record(Statement s, Migration m, String sdpVersion, String fromVersion)
            throws SQLException {
        try (PreparedStatement p = s.getConnection().prepareStatement("MERGE INTO " + SCHEMA + "." + TABLE
                + " T USING (VALUES (CAST(? AS VARCHAR(64)))) V(ID) ON T.ID = V.ID WHEN NOT MATCHED THEN "
                + "INSERT (ID, DESCRIPTION, SDP_VERSION, FROM_VERSION, APPLIED_AT) "
                + "VALUES (V.ID, ?, ?, ?, CURRENT_TIMESTAMP)")) {
            p.setString(1, m.id());
            p.setString(2, m.description());
            p.setString(3, sdpVersion);
            p.setString(4, fromVersion);
            return p.executeUpdate() == 1;
        }
    }
}
