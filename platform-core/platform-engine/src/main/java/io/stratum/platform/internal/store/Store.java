package io.stratum.platform.internal.store;

import java.io.IOException;
import java.nio.file.Files;
import io.stratum.platform.internal.util.ConfigReader;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.jdbcx.JdbcConnectionPool;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one durable store of all platform state: an H2 file database under {@code ${karaf.data}/stratum}
 * by default, reached through plain JDBC. Its schema is brought up to date on activation.
 * <p>
 * Every write that the platform acknowledges to a user is committed before the acknowledgement; the H2
 * database is opened with {@code WRITE_DELAY=0} so a commit reaches the file system at once and survives
 * a crash of the platform process.
 * <p>
 * Secrets in the store (service passwords, bindings, runtime environments) are sealed value by value with a key
 * kept in a file of its own, beside the store's directory and not in it ({@link #secrets()}, {@link SecretBox}).
 */
@Component(service = Store.class, configurationPid = "io.stratum.store")
@Designate(ocd = Store.Config.class)
public final class Store implements AutoCloseable {

    /** Configuration of the store (PID {@code io.stratum.store}). */
    @ObjectClassDefinition(name = "Stratum store", description = "Where Stratum keeps its state.")
    public @interface Config {
        @AttributeDefinition(description = "Directory for Stratum's state (store, service data); empty: the "
                + "framework property stratum.home if set, else ${karaf.data}/stratum")
        String home() default "";

        @AttributeDefinition(description = "Most JDBC connections open at once")
        int maxConnections() default 16;

        @AttributeDefinition(description = "File of the key that seals the secrets in the store (service passwords, "
                + "bindings, runtime environments); created on the first start. Empty: <home>/keys/secrets.key. "
                + "Back it up apart from the store: without it those secrets cannot be read")
        String keyFile() default "";
    }

    private static final Logger LOG = LoggerFactory.getLogger(Store.class);

    private final Path home;
    private final String url;
    private final int maxConnections;
    /** Replaced only while the constructor runs, after a compaction (see {@link #compact()}). */
    private volatile JdbcConnectionPool pool;
    private final SecretBox secrets;
    /** Transactions and queries run, for tests and figures of how often a call goes to the store. */
    private final LongAdder roundTrips = new LongAdder();

    /**
     * Opens the store for the platform running in OSGi.
     *
     * @param properties the store's configuration (see {@link Config}); a bad {@code maxConnections} is refused
     *     with a warning and the default used, so a typo cannot take the platform down
     * @param context the engine bundle's context, for {@code karaf.data}
     */
    @Activate
    public Store(Map<String, Object> properties, BundleContext context) {
        this(resolveHome(text(properties, "home"), context.getProperty("stratum.home"),
                context.getProperty("karaf.data")),
                new ConfigReader("io.stratum.store", properties, LOG).intValue("maxConnections", 16, 16, 1, 1000),
                text(properties, "keyFile").isBlank() ? null : Path.of(text(properties, "keyFile")));
    }

    /** A text setting; what is not a text (none here can be) is read as its string form. */
    private static String text(Map<String, Object> properties, String key) {
        Object value = properties == null ? null : properties.get(key);
        return value == null ? "" : value.toString().strip();
    }

    /**
     * Opens (creating if needed) the H2 store under {@code home/store} and migrates it, with the secrets key in
     * {@code home/keys/secrets.key}.
     *
     * @param home the directory of Stratum's state
     * @param maxConnections most connections open at once
     */
    public Store(Path home, int maxConnections) {
        this(home, maxConnections, null);
    }

    /**
     * Opens (creating if needed) the H2 store under {@code home/store}, migrates it, reads (or creates) the secrets
     * key and seals any secret an earlier Stratum kept in plaintext.
     *
     * @param home the directory of Stratum's state
     * @param maxConnections most connections open at once
     * @param keyFile the secrets key file, or {@code null} for {@code home/keys/secrets.key}
     * @throws StoreException if the store cannot be opened, or the key is unusable (see {@link KeyFile})
     */
    public Store(Path home, int maxConnections, Path keyFile) {
        this.home = home.toAbsolutePath().normalize();
        try {
            // owner-only: the store holds every service's credentials (and no service's user may read it)
            ownerOnly(this.home.resolve("store"));
        } catch (IOException e) {
            throw new StoreException("cannot create the store directory " + this.home.resolve("store")
                    + ": " + e.getMessage() + " (check permissions and free disk space)", e);
        }
        // retry: H2 reopens its file channel when a writing thread is interrupted (engine calls that time out
        // are interrupted); plain file: would close the database for every thread
        String url = "jdbc:h2:retry:" + this.home.resolve("store").resolve("stratum")
                + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
        this.url = url;
        this.maxConnections = Math.max(2, maxConnections);
        this.pool = newPool();
        try {
            int version = new Migrations(Migrations.PLATFORM, Migrations.ALL).migrate(this);
            Path key = keyFile != null ? keyFile.toAbsolutePath().normalize() : defaultKeyFile(this.home);
            this.secrets = SecretColumns.open(this, key); // may rewrite the store's file, so its modes come after
            ownerOnlyFiles(this.home.resolve("store"));
            LOG.info("Store ready at {} (schema version {}; secrets key {})", this.home.resolve("store"), version, key);
        } catch (RuntimeException e) {
            pool.dispose();
            throw e;
        }
    }

    private JdbcConnectionPool newPool() {
        JdbcConnectionPool p = JdbcConnectionPool.create(url, "stratum", "");
        p.setMaxConnections(maxConnections);
        return p;
    }

    /**
     * Rewrites the store's file whole, so that nothing it no longer holds (e.g. plaintext secrets just sealed) is left
     * in the file's free space, where a copy of the file taken while the platform runs would still find it. Closes the
     * database, so only while the constructor runs, before anyone else holds a connection.
     */
    void compact() {
        query(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SHUTDOWN COMPACT");
            }
            return null;
        });
        pool.dispose();
        pool = newPool();
    }

    private static void ownerOnly(Path dir) throws IOException {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    /** The database's files, created by H2 with the process's umask, are made readable by their owner only. */
    private static void ownerOnlyFiles(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot make the store's files in {} owner-only: {}", dir, e.toString());
        }
    }

    private static Path resolveHome(String configured, String property, String karafData) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        if (karafData == null) {
            throw new StoreException("the framework property karaf.data is not set and io.stratum.store has no "
                    + "'home': set one of them to the directory Stratum keeps its state in", null);
        }
        return Path.of(karafData, "stratum");
    }

    /**
     * @param home the directory of Stratum's state
     * @return where the secrets key is kept unless configured: {@code home/keys/secrets.key}, beside the store's
     *     directory {@code home/store}, so a copy of that directory holds no key
     */
    public static Path defaultKeyFile(Path home) {
        return home.toAbsolutePath().normalize().resolve("keys").resolve("secrets.key");
    }

    /** @return the directory of Stratum's state on this node */
    public Path home() {
        return home;
    }

    /** @return what seals and opens the secrets this store keeps (see {@link SecretBox} for which values) */
    public SecretBox secrets() {
        return secrets;
    }

    /**
     * Runs work in one transaction: committed if it returns, rolled back if it throws.
     *
     * @param <T> the result type
     * @param work the work
     * @return what the work returned
     */
    public <T> T inTransaction(SqlWork<T> work) {
        roundTrips.increment();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("store error: " + e.getMessage(), e);
        }
    }

    /**
     * Runs work without a result in one transaction: committed if it returns, rolled back if it throws.
     *
     * @param work the work
     */
    public void transact(SqlAction work) {
        inTransaction(c -> {
            work.apply(c);
            return null;
        });
    }

    /**
     * Runs read-only (or single-statement) work on an auto-commit connection.
     *
     * @param <T> the result type
     * @param work the work
     * @return what the work returned
     */
    public <T> T query(SqlWork<T> work) {
        roundTrips.increment();
        try (Connection c = pool.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw new StoreException("store error: " + e.getMessage(), e);
        }
    }

    /**
     * @return how many transactions and queries ({@link #inTransaction}, {@link #transact}, {@link #query}) the store
     *     has run since it opened: what a test reads to tell how many round trips a call makes
     */
    public long roundTrips() {
        return roundTrips.sum();
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * Brings a part of the schema to its newest version (see {@link io.stratum.platform.spi.store.DataStore#migrate}).
     *
     * @param owner the part's owner
     * @param migrations all its migrations
     * @return its version now
     */
    public synchronized int migrate(String owner, List<io.stratum.platform.spi.store.Migration> migrations) {
        if (owner.equals(Migrations.PLATFORM)) {
            throw new IllegalArgumentException("'platform' is the engine's own part of the schema");
        }
        return new Migrations(owner, migrations).migrate(this);
    }

    /** Closes all connections. */
    @Deactivate
    @Override
    public void close() {
        pool.dispose();
    }

    /**
     * Work on a connection.
     *
     * @param <T> the result type
     */
    @FunctionalInterface
    public interface SqlWork<T> {
        /**
         * @param c the connection
         * @return a result
         * @throws SQLException on a database error
         */
        T apply(Connection c) throws SQLException;
    }

    /** Work on a connection without a result. */
    @FunctionalInterface
    public interface SqlAction {
        /**
         * @param c the connection
         * @throws SQLException on a database error
         */
        void apply(Connection c) throws SQLException;
    }
}
