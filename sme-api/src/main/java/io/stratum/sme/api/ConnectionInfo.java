package io.stratum.sme.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a client connects to a service. For a database: a JDBC URL, user and password; for a web tier: its
 * URL and no credentials.
 *
 * @param url the URL a client uses, e.g. {@code jdbc:h2:tcp://127.0.0.1:40123/db}
 * @param user the user name, or {@code null} if none is needed
 * @param password the password, or {@code null} if none is needed
 * @param properties further type-specific details (host, port, database name, ...)
 */
public record ConnectionInfo(String url, String user, String password, Map<String, String> properties) {

    /**
     * @param url the URL a client uses, not {@code null}
     * @param user the user name, or {@code null}
     * @param password the password, or {@code null}
     * @param properties further details, {@code null} becomes empty; their order is kept
     */
    public ConnectionInfo {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("a connection URL is required");
        }
        properties = properties == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }
}
