package io.stratum.platform.rest;

/**
 * A parameter of a route: in its path ({@code {name}} in the template) or in its query string. Query parameters a
 * route does not declare are refused (400), so a misspelt {@code ?dryrun=true} never runs the real thing.
 *
 * @param name its name
 * @param type how its value is read
 * @param description what it means, for the OpenAPI document
 * @param required whether it must be given (path parameters always are)
 */
record Param(String name, Type type, String description, boolean required) {

    /** How a parameter's text is read; anything else is a 400 naming the parameter. */
    enum Type {
        /** Any text. */
        STRING,
        /** {@code true} or {@code false}; given without a value ({@code ?force}) it is {@code true}. */
        BOOLEAN,
        /** A whole number. */
        INTEGER,
        /** A duration: {@code 30} (seconds), {@code 30s}, {@code 2m}, {@code 1h}, or ISO-8601 {@code PT30S}. */
        DURATION
    }

    static Param string(String name, String description) {
        return new Param(name, Type.STRING, description, false);
    }

    static Param flag(String name, String description) {
        return new Param(name, Type.BOOLEAN, description, false);
    }

    static Param integer(String name, String description) {
        return new Param(name, Type.INTEGER, description, false);
    }

    static Param duration(String name, String description) {
        return new Param(name, Type.DURATION, description, false);
    }

    /** @return this parameter, required */
    Param asRequired() {
        return new Param(name, type, description, true);
    }
}
