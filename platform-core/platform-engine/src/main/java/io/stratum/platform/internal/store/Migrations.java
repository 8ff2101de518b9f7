package io.stratum.platform.internal.store;

import io.stratum.platform.spi.store.Migration;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations. Each migration is an SQL script in this package, applied once, in order,
 * and recorded in {@code schema_version}. Scripts are plain SQL that H2 and PostgreSQL both accept;
 * statements end with a semicolon at the end of a line. A migration that has been released is never
 * edited: add a new one.
 */
final class Migrations {

    /** The engine's own part of the schema, recorded in the table {@code schema_version} (from before owners). */
    static final String PLATFORM = "platform";

    /** Every migration of the engine's own part, in order. */
    static final List<Migration> ALL = List.of(
            platform(1, "accounts, services, jobs, runtimes", "V1__initial.sql"),
            platform(2, "provider associations, environments, external services",
                    "V2__providers_and_environments.sql"),
            platform(3, "associations reserved when a create is submitted", "V3__reserved_associations.sql"),
            platform(4, "users, memberships, quotas, account history, job requesters",
                    "V4__users_quotas_history.sql"),
            platform(5, "service homes: directories and process uids", "V5__runtime_isolation.sql"),
            platform(6, "jobs lock sets of resources (accounts too); services keep their SDP descriptor",
                    "V6__resource_locks_and_descriptors.sql"),
            platform(7, "consumers: applications outside Stratum bound to a provider", "V7__consumers.sql"));

    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    private static final Pattern OWNER = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");

    private final String owner;
    private final List<Migration> migrations;

    Migrations(String owner, List<Migration> migrations) {
        if (!OWNER.matcher(owner).matches()) {
            throw new IllegalArgumentException("a migration owner is 1 to 64 of a-z, 0-9, '_', '.', '-', starting "
                    + "with a letter: '" + owner + "'");
        }
        for (int i = 0; i < migrations.size(); i++) {
            if (migrations.get(i).version() != i + 1) {
                throw new IllegalArgumentException("migration versions of '" + owner + "' must run 1, 2, 3, ...: "
                        + migrations.stream().map(Migration::version).toList());
            }
        }
        this.owner = owner;
        this.migrations = List.copyOf(migrations);
    }

    private static Migration platform(int version, String description, String resource) {
        return new Migration(version, description, load(resource));
    }

    /**
     * Applies what is missing.
     *
     * @param store the store
     * @return the schema version of this owner's part now
     */
    int migrate(Store store) {
        boolean platform = owner.equals(PLATFORM);
        store.transact(c -> {
            try (Statement s = c.createStatement()) {
                if (platform) {
                    s.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                            + "version INT PRIMARY KEY, description VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL)");
                } else {
                    s.execute("CREATE TABLE IF NOT EXISTS bundle_schema_version (owner VARCHAR(64) NOT NULL, "
                            + "version INT NOT NULL, description VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL, "
                            + "PRIMARY KEY (owner, version))");
                }
            }
        });
        int current = store.query(c -> platform
                ? Sql.one(c, "SELECT MAX(version) AS v FROM schema_version", rs -> rs.getInt("v")).orElse(0)
                : Sql.one(c, "SELECT MAX(version) AS v FROM bundle_schema_version WHERE owner = ?",
                        rs -> rs.getInt("v"), owner).orElse(0));
        if (current > migrations.size()) {
            throw new StoreException("the store's schema version of '" + owner + "' is " + current + ", newer than "
                    + "this platform knows (" + migrations.size() + "): it was written by a newer Stratum; run that "
                    + "version or restore a backup", null);
        }
        for (Migration m : migrations.subList(current, migrations.size())) {
            store.transact(c -> {
                for (String statement : statements(m.script())) {
                    try (Statement s = c.createStatement()) {
                        s.execute(statement);
                    }
                }
                if (platform) {
                    Sql.update(c, "INSERT INTO schema_version(version, description, applied_at) VALUES (?, ?, ?)",
                            m.version(), m.description(), System.currentTimeMillis());
                } else {
                    Sql.update(c, "INSERT INTO bundle_schema_version(owner, version, description, applied_at) "
                            + "VALUES (?, ?, ?, ?)", owner, m.version(), m.description(), System.currentTimeMillis());
                }
            });
            LOG.info("Store schema of '{}' migrated to version {}: {}", owner, m.version(), m.description());
            current = m.version();
        }
        return current;
    }

    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String statement = current.toString().strip();
                out.add(statement.substring(0, statement.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalArgumentException("migration script ends without ';': " + current);
        }
        return out;
    }

    private static String load(String resource) {
        try (InputStream in = Migrations.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new StoreException("migration script " + resource + " is missing from the bundle", null);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StoreException("cannot read migration script " + resource, e);
        }
    }
}
