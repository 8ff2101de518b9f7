package io.stratum.platform.spi.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** The platform's store (registered by the platform). Nothing is acknowledged before it is durable. */
@ProviderType
public interface DataStore {

    /**
     * @return the directory of Stratum's state (the store, service data); a core bundle keeps its own files in a
     *     directory of its own under it (e.g. {@code backups/}), readable by the platform's user only
     */
    Path home();

    /** Work in one transaction. */
    @FunctionalInterface
    interface Work<T> {
        /**
         * @param c the transaction's connection (do not commit, roll back or close it)
         * @return a result
         * @throws SQLException on a store error (the transaction is rolled back)
         */
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs work in one transaction, committed when it returns, rolled back when it throws.
     *
     * @param work the work
     * @param <T> its result's type
     * @return its result
     * @throws io.stratum.platform.api.PlatformException UNAVAILABLE if the store cannot be reached or written;
     *     what {@code work} throws otherwise (an {@link SQLException} wrapped)
     */
    <T> T inTransaction(Work<T> work);

    /**
     * Brings a bundle's part of the schema to its newest version: applies, in order, the migrations newer than the
     * version recorded for {@code owner}. Call it when the bundle's component activates, before it uses its tables;
     * calling it again is harmless.
     *
     * @param owner the bundle's part, e.g. {@code backup}; {@code platform} is the engine's own
     * @param migrations all its migrations, versions 1..n
     * @throws io.stratum.platform.api.PlatformException UNAVAILABLE if a migration fails (with its version and why)
     */
    void migrate(String owner, List<Migration> migrations);

    /**
     * Seals a value that must not be readable at rest (a configuration that may hold passwords), with the key the
     * platform seals its own secrets with (kept beside the store, not in it). Store what this returns; the same
     * value sealed twice gives different texts.
     *
     * @param plaintext the value
     * @return the sealed text
     */
    String seal(String plaintext);

    /**
     * @param stored a text {@link #seal} returned, or a value stored unsealed (returned as it is)
     * @return the value
     * @throws io.stratum.platform.api.PlatformException UNAVAILABLE if it was sealed with another key
     */
    String open(String stored);
}
