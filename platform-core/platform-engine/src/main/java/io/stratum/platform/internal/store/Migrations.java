package io.stratum.platform.internal.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations. Each migration is an SQL script in this package, applied once, in order,
 * and recorded in {@code schema_version}. Scripts are plain SQL that H2 and PostgreSQL both accept;
 * statements end with a semicolon at the end of a line. A migration that has been released is never
 * edited: add a new one.
 */
final class Migrations {

    /**
     * One migration script.
     *
     * @param version its version, from 1 without gaps
     * @param description what it does
     * @param resource the script's file name in this package
     */
    record Migration(int version, String description, String resource) {
    }

    /** Every migration, in order. */
    static final List<Migration> ALL = List.of(
            new Migration(1, "accounts, services, jobs, runtimes", "V1__initial.sql"),
            new Migration(2, "provider associations, environments, external services",
                    "V2__providers_and_environments.sql"),
            new Migration(3, "associations reserved when a create is submitted", "V3__reserved_associations.sql"),
            new Migration(4, "users, memberships, quotas, account history, job requesters",
                    "V4__users_quotas_history.sql"),
            new Migration(5, "service homes: directories and process uids", "V5__runtime_isolation.sql"));

    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private final List<Migration> migrations;

    Migrations(List<Migration> migrations) {
        for (int i = 0; i < migrations.size(); i++) {
            if (migrations.get(i).version() != i + 1) {
                throw new IllegalArgumentException("migration versions must run 1, 2, 3, ...: " + migrations);
            }
        }
        this.migrations = migrations;
    }

    /**
     * Applies what is missing.
     *
     * @param store the store
     * @return the schema version now
     */
    int migrate(Store store) {
        store.transact(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                        + "version INT PRIMARY KEY, description VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL)");
            }
        });
        int current = store.query(c -> Sql.one(c, "SELECT MAX(version) AS v FROM schema_version",
                rs -> rs.getInt("v")).orElse(0));
        if (current > migrations.size()) {
            throw new StoreException("the store's schema version " + current + " is newer than this platform knows ("
                    + migrations.size() + "): it was written by a newer Stratum; run that version or restore a backup",
                    null);
        }
        for (Migration m : migrations.subList(current, migrations.size())) {
            String script = load(m.resource());
            store.transact(c -> {
                for (String statement : statements(script)) {
                    try (Statement s = c.createStatement()) {
                        s.execute(statement);
                    }
                }
                Sql.update(c, "INSERT INTO schema_version(version, description, applied_at) VALUES (?, ?, ?)",
                        m.version(), m.description(), System.currentTimeMillis());
            });
            LOG.info("Store schema migrated to version {}: {}", m.version(), m.description());
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
