package io.stratum.sme.database;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * JDBC access to H2 from inside the SDP bundle, through the H2 driver embedded in it (no DriverManager, so
 * nothing depends on which drivers other bundles registered).
 */
final class H2Database {

    /** The database name inside a service's database directory; the URL path of its JDBC URL. */
    static final String NAME = "db";

    private H2Database() {
    }

    static Connection connect(String url, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        Connection c = new org.h2.Driver().connect(url, props);
        if (c == null) {
            throw new SQLException("the H2 driver does not accept " + url);
        }
        return c;
    }

    /** @return whether the database file exists in the directory */
    static boolean exists(Path dir) {
        return Files.exists(dir.resolve(NAME + ".mv.db"));
    }

    /**
     * Creates the database file with its administrator, and sets the persistent settings the plan asks for.
     * Done in-process, before the server starts, so the server never needs to allow remote creation.
     */
    static void create(Path dir, String user, String password, int cacheSizeMb) throws SQLException {
        String url = "jdbc:h2:file:" + dir.resolve(NAME).toAbsolutePath();
        try (Connection c = connect(url, user, password); Statement s = c.createStatement()) {
            s.execute("SET WRITE_DELAY 0");
            s.execute("SET CACHE_SIZE " + cacheSizeMb * 1024L);
        }
    }

    /**
     * @return the server's answer to {@code SELECT 1}, or throws if it does not answer
     */
    static void ping(String url, String user, String password) throws SQLException {
        try (Connection c = connect(url, user, password); Statement s = c.createStatement()) {
            s.setQueryTimeout(2);
            s.executeQuery("SELECT 1").close();
        }
    }
}
