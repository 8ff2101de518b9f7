package io.stratum.sme.api;

import java.util.Map;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Durable key/value state an engine keeps about one service, such as generated credentials. A value is
 * written to the platform's store before {@link #put} returns, so it survives a crash of the platform.
 * Deleted with the service.
 */
@ProviderType
public interface ServiceProperties {

    /**
     * @param key the key
     * @return the value stored under the key, if any
     */
    Optional<String> get(String key);

    /**
     * Stores a value durably, replacing any previous one.
     *
     * @param key the key, at most 200 characters
     * @param value the value, not {@code null}
     */
    void put(String key, String value);

    /**
     * Removes a value; does nothing if there is none.
     *
     * @param key the key
     */
    void remove(String key);

    /** @return a snapshot of all values of the service */
    Map<String, String> asMap();
}
