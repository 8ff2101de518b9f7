package io.stratum.sme.api.descriptor;

/** The type of a configuration value. Values travel as strings and are validated against the type. */
public enum ConfigType {
    /** Any text (or one of {@link ConfigProperty#allowedValues()}). */
    STRING,
    /** A whole number, within {@link ConfigProperty#minimum()} and {@link ConfigProperty#maximum()}. */
    INTEGER,
    /** {@code true} or {@code false}. */
    BOOLEAN
}
