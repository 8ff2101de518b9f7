package io.stratum.sme.database;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * JDBC access to H2 from inside the SDP bundle, through the H2 driver embedded in it (no DriverManager, so
 * nothing depends on which drivers other bundles registered).
 * <p>
 * Every connection to a server has a network timeout (H2's {@code NETWORK_TIMEOUT}, the socket read timeout of
 * that one connection): a server that stops answering (a hung or {@code SIGSTOP}ped process accepts the TCP
 * connection in the kernel and then never replies) fails the call after that time instead of blocking its
 * thread for ever. Opening the socket is bounded by H2's own connect timeout ({@code h2.socketConnectTimeout},
 * 2 s by default).
 */
final class H2Database {

    /** The database name inside a service's database directory; the URL path of its JDBC URL. */
    static final String NAME = "db";

    /** How long a health or readiness probe waits for any one answer of the server. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    /**
     * How often a server that is starting is looked at, in ms: until its port accepts connections ({@link #accepts}),
     * which costs next to nothing while it does not.
     */
    static final long PORT_POLL_MS = 10;

    /** The address every server binds to ({@code h2.bindAddress}). */
    static final InetAddress LOOPBACK = loopback();

    /** How long an administrative statement (users, schemas, rotation) may wait for the server's answer. */
    static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);

    private H2Database() {
    }

    /**
     * @param url a JDBC URL of H2
     * @param user the user
     * @param password its password
     * @param networkTimeout how long any one read from the server may block (ignored for an in-process URL)
     * @return an open connection
     * @throws SQLException if H2 refuses or the server does not answer in time
     */
    static Connection connect(String url, String user, String password, Duration networkTimeout) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("NETWORK_TIMEOUT", Long.toString(networkTimeout.toMillis()));
        Connection c = new org.h2.Driver().connect(url, props);
        if (c == null) {
            throw new SQLException("the H2 driver does not accept " + url);
        }
        return c;
    }

    /**
     * Whether a server listens on a port of 127.0.0.1 yet: a TCP connection is opened and closed at once. Refused, it
     * fails at once; H2's driver, by contrast, retries a refused connection by itself with growing pauses (up to a
     * quarter of a second each, for about 1.5 s), so a JDBC connection made too early answers late.
     *
     * @param port the port
     * @return whether a connection was accepted (within {@link #PROBE_TIMEOUT})
     */
    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LOOPBACK, port), (int) PROBE_TIMEOUT.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // not for a literal address
        }
    }

    /** @return whether the database file exists in the directory */
    static boolean exists(Path dir) {
        return Files.exists(dir.resolve(NAME + ".mv.db"));
    }

    /**
     * Creates the database file with its administrator. Done in-process, before the server starts, so the server
     * never needs to allow remote creation; the database is closed again before this returns, so the server
     * process can open it. Settings are made by the engine through the server at each start (H2 takes some of
     * them, such as {@code WRITE_DELAY}, from whoever opens the database, not from the file).
     */
    static void create(Path dir, String user, String password) throws SQLException {
        String url = "jdbc:h2:file:" + dir.resolve(NAME).toAbsolutePath();
        connect(url, user, password, ADMIN_TIMEOUT).close();
    }

    /**
     * Asks the server for {@code SELECT 1} on a connection opened with {@link #PROBE_TIMEOUT}: returns or throws
     * within about that time whatever state the server is in.
     *
     * @throws SQLException if it does not answer
     */
    static void probe(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.setQueryTimeout((int) PROBE_TIMEOUT.toSeconds());
            s.executeQuery("SELECT 1").close();
        }
    }
}
