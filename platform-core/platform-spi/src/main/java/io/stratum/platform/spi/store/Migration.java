package io.stratum.platform.spi.store;

import java.util.Objects;

/**
 * One version of a bundle's part of the schema. Statements are separated by lines ending in {@code ;}; each may run
 * twice (write {@code CREATE TABLE IF NOT EXISTS}): DDL commits on its own, so a migration cut short by a crash
 * runs again whole.
 *
 * @param version its number, from 1, without gaps
 * @param description a few words, logged when it is applied
 * @param script its SQL
 */
public record Migration(int version, String description, String script) {

    /** Checks. */
    public Migration {
        if (version < 1) {
            throw new IllegalArgumentException("migration versions start at 1: " + version);
        }
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(script, "script");
    }
}
