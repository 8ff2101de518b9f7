package io.stratum.platform.internal.service;

import io.stratum.sme.api.ServiceHealth;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last health the platform saw of each service, and when: every health check ({@link ServiceManager#health})
 * records its answer here, whoever asked for it ({@code service-info}, a job waiting for a service to become healthy,
 * the {@link HealthWatch}). Listings show it without asking any engine. Kept in memory only: after a restart a
 * service's health is unknown until its first check.
 */
final class LastHealth {

    /**
     * A health seen.
     *
     * @param health what the check answered
     * @param at when
     */
    record Seen(ServiceHealth health, Instant at) {
    }

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final Clock clock;

    LastHealth(Clock clock) {
        this.clock = clock;
    }

    /** Records what a check of a service answered, now. */
    void record(String serviceId, ServiceHealth health) {
        seen.put(serviceId, new Seen(health, clock.instant()));
    }

    /** @return the last health seen of a service, if any */
    Optional<Seen> of(String serviceId) {
        return Optional.ofNullable(seen.get(serviceId));
    }

    /** Forgets the services not among these (deleted ones). */
    void retain(Set<String> serviceIds) {
        seen.keySet().retainAll(serviceIds);
    }
}
