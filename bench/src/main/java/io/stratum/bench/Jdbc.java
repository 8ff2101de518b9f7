package io.stratum.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** A plain JDBC client, as any user's program: connect and run one query. */
final class Jdbc {

    private Jdbc() {
    }

    /** Connects and runs {@code SELECT 1}; throws if either fails. */
    static void query(String url, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        try (Connection c = new org.h2.Driver().connect(url, p); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
        }
    }

    /** Retries {@link #query} until it works; returns false if it did not within the timeout. */
    static boolean awaitQuery(String url, String user, String password, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            try {
                query(url, user, password);
                return true;
            } catch (SQLException e) {
                Thread.sleep(10);
            }
        }
        return false;
    }
}
