package io.stratum.platform.internal.service;

import io.stratum.platform.api.ServiceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One row of {@code environments}.
 *
 * @param id its id
 * @param accountId the owning account's id
 * @param accountName the owning account's name
 * @param name its name
 * @param spec its description, with the creation order
 * @param state CREATING, READY, FAILED or DELETING: what its last job left (see {@link #shown} for what users see)
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
    /** Shown for a READY environment one of whose services was deleted (see {@link #shown}). */
    public static final String INCOMPLETE = "INCOMPLETE";
    /** Shown for a READY environment one of whose services is not RUNNING (see {@link #shown}). */
    public static final String DEGRADED = "DEGRADED";

    /**
     * What an environment's state is to users: the state its last job left, except that a READY environment is
     * INCOMPLETE when one of its services was deleted, and DEGRADED when one is not RUNNING (stopped, failed,
     * or busy with a job). Every listing and every reading of one environment show this, so that they agree. (The
     * services' health is not looked at: that would ask each engine.)
     *
     * @param members the services of the environment that exist
     * @return the state and its message
     */
    public Shown shown(List<ServiceRecord> members) {
        if (!READY.equals(state)) {
            return new Shown(state, stateMessage);
        }
        Map<String, ServiceRecord> byName = members.stream()
                .collect(Collectors.toMap(ServiceRecord::name, Function.identity(), (a, b) -> a));
        List<String> absent = new ArrayList<>();
        List<String> notRunning = new ArrayList<>();
        for (List<String> level : spec.levels()) {
            for (String name : level) {
                ServiceRecord s = byName.get(name);
                if (s == null) {
                    absent.add(name);
                } else if (s.state() != ServiceState.RUNNING) {
                    notRunning.add(name + " " + s.state() + (s.stateMessage().isEmpty() ? "" : " (" + s.stateMessage()
                            + ")"));
                }
            }
        }
        List<String> parts = new ArrayList<>();
        if (!absent.isEmpty()) {
            parts.add("deleted: " + String.join(", ", absent));
        }
        if (!notRunning.isEmpty()) {
            parts.add("not running: " + String.join(", ", notRunning));
        }
        if (parts.isEmpty()) {
            return new Shown(state, stateMessage);
        }
        return new Shown(absent.isEmpty() ? DEGRADED : INCOMPLETE, String.join("; ", parts));
    }

    /**
     * An environment's state as users see it.
     *
     * @param state the state
     * @param message why, or empty
     */
    public record Shown(String state, String message) {
    }
}
