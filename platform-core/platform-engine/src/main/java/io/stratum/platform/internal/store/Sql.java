package io.stratum.platform.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Small helpers over plain JDBC: bind parameters, map rows. */
public final class Sql {

    private Sql() {
    }

    /**
     * Maps one row.
     *
     * @param <T> the row type
     */
    @FunctionalInterface
    public interface RowMapper<T> {
        /**
         * @param rs the result set, on the row
         * @return the mapped row
         * @throws SQLException on a database error
         */
        T map(ResultSet rs) throws SQLException;
    }

    /**
     * @param c a connection
     * @param sql a statement with {@code ?} parameters
     * @param args the parameters
     * @return the number of rows changed
     * @throws SQLException on a database error
     */
    public static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    /**
     * Inserts a row and returns the generated key of column {@code id}.
     *
     * @param c a connection
     * @param sql an insert statement
     * @param args the parameters
     * @return the generated id
     * @throws SQLException on a database error
     */
    public static long insertReturningId(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql, new String[] {"id"})) {
            bind(ps, args);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("no generated key for: " + sql);
                }
                return keys.getLong(1);
            }
        }
    }

    /**
     * @param <T> the row type
     * @param c a connection
     * @param sql a query
     * @param mapper maps each row
     * @param args the parameters
     * @return the mapped rows
     * @throws SQLException on a database error
     */
    public static <T> List<T> list(Connection c, String sql, RowMapper<T> mapper, Object... args)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
                return out;
            }
        }
    }

    /**
     * @param <T> the row type
     * @param c a connection
     * @param sql a query returning at most one row
     * @param mapper maps the row
     * @param args the parameters
     * @return the mapped row, if there is one
     * @throws SQLException on a database error
     */
    public static <T> Optional<T> one(Connection c, String sql, RowMapper<T> mapper, Object... args)
            throws SQLException {
        List<T> rows = list(c, sql, mapper, args);
        if (rows.size() > 1) {
            throw new SQLException("expected at most one row, got " + rows.size() + " for: " + sql);
        }
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /**
     * @param rs a result set
     * @param column a BIGINT column of epoch milliseconds
     * @return the instant, or {@code null} if the column is NULL
     * @throws SQLException on a database error
     */
    public static Instant instant(ResultSet rs, String column) throws SQLException {
        long ms = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(ms);
    }

    /**
     * @param instant an instant or {@code null}
     * @return its epoch milliseconds, or {@code null}
     */
    public static Long millis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object arg = args[i];
            if (arg == null) {
                ps.setNull(i + 1, Types.NULL);
            } else if (arg instanceof Instant instant) {
                ps.setLong(i + 1, instant.toEpochMilli());
            } else if (arg instanceof Enum<?> e) {
                ps.setString(i + 1, e.name());
            } else {
                ps.setObject(i + 1, arg);
            }
        }
    }
}
