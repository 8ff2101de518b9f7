package io.stratum.platform.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An environment: a named set of services of one account with dependency edges.
 *
 * @param id its immutable id
 * @param account the owning account's name
 * @param name its name
 * @param state {@code CREATING}, {@code READY}, {@code FAILED} or {@code DELETING}; a created environment is
 *     {@code INCOMPLETE} while one of its services is deleted ({@code ABSENT}), and {@code DEGRADED} while one is not
 *     {@code RUNNING}
 * @param stateMessage why it is in that state (for INCOMPLETE and DEGRADED: which services), or empty
 * @param members its services, in creation order
 * @param levels the creation order: services of one level are created in parallel, after the levels before
 * @param activeJobId the job working on it, or 0
 * @param createdAt when it was created
 */
public record EnvironmentDTO(
        String id,
        String account,
        String name,
        String state,
        String stateMessage,
        List<Member> members,
        List<List<String>> levels,
        long activeJobId,
        Instant createdAt) {

    /**
     * A member service.
     *
     * @param name the service's name
     * @param serviceType its type
     * @param plan its plan
     * @param state its state, or {@code ABSENT} while it is not created
     * @param providers provider type to provider name (its dependency edges)
     */
    public record Member(String name, String serviceType, String plan, String state, Map<String, String> providers) {
    }
}
