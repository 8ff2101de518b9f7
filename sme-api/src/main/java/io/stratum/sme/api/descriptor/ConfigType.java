package io.stratum.sme.api.descriptor;

/** The type of a configuration value. Values travel as strings and are validated against the type. */
public enum ConfigType {
    /** Any text (or one of {@link ConfigProperty#allowedValues()}). */
    STRING,
    /** A whole number, within {@link ConfigProperty#minimum()} and {@link ConfigProperty#maximum()}. */
    INTEGER,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /**
     * The path of a file on the Stratum host, which the platform reads as its own user (e.g. an application archive
     * an engine copies). In a descriptor: {@code "type": "file"}.
     * <p>
     * The platform checks a value a user sets before anything is created: it must name a regular file the platform
     * can read, links followed; a user who is not a platform admin may name only files under the directories the
     * operator opened to tenants, and is refused otherwise. The service's configuration then holds the file's
     * absolute real path (no links, no {@code ..}), so an engine reads the very file that was checked. A relative
     * path is taken from the Stratum home; a {@code file:} URL is taken as the path it names. Defaults and plan
     * settings are the SDP's own and are not checked this way.
     *
     * @since 2.1
     */
    FILE
}
