package io.stratum.platform.internal.service;

import java.time.Instant;

/**
 * One row of {@code environments}.
 *
 * @param id its id
 * @param accountId the owning account's id
 * @param accountName the owning account's name
 * @param name its name
 * @param spec its description, with the creation order
 * @param state CREATING, READY, FAILED or DELETING
 * @param stateMessage why it is in that state
 * @param activeJobId the job holding its lock, or 0
 * @param createdAt created at
 */
public record EnvironmentRecord(String id, String accountId, String accountName, String name, EnvironmentSpec spec,
        String state, String stateMessage, long activeJobId, Instant createdAt) {

    /** States of an environment. */
    public static final String CREATING = "CREATING";
    /** States of an environment. */
    public static final String READY = "READY";
    /** States of an environment. */
    public static final String FAILED = "FAILED";
    /** States of an environment. */
    public static final String DELETING = "DELETING";
}
