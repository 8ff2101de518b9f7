package io.stratum.platform.elasticity.internal.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The recent recommendations of one service's policy, for its scale-down stabilization (as the Kubernetes HPA keeps
 * them): a scale down goes only to the highest recommendation of the window. It starts with the service's instance
 * count at the moment observation began, as if that count had been recommended then: until the evaluator has watched
 * a service for a whole window (after a platform restart, or when a policy is enabled) it does not scale it down on
 * recommendations it has not seen. Thread-safe; kept in memory only.
 */
final class Stabilization {

    /** Most recommendations kept, whatever the window (a window of hours at a tick of 1 s stays bounded). */
    static final int MAX_ENTRIES = 10_000;

    private record Entry(Instant at, int recommended) {
    }

    private final Deque<Entry> entries = new ArrayDeque<>();

    /**
     * @param since when observation began
     * @param instances the service's instance count then
     */
    Stabilization(Instant since, int instances) {
        entries.add(new Entry(since, instances));
    }

    /**
     * Keeps a recommendation and forgets those older than {@code keep}.
     *
     * @param at when it was made
     * @param recommended the instances recommended
     * @param keep the stabilization window
     */
    synchronized void add(Instant at, int recommended, Duration keep) {
        entries.addLast(new Entry(at, recommended));
        Instant oldest = at.minus(keep);
        while (entries.size() > MAX_ENTRIES || entries.size() > 1 && entries.peekFirst().at().isBefore(oldest)) {
            entries.removeFirst();
        }
    }

    /**
     * @param from the window's start
     * @return the highest recommendation made at or after {@code from}; the newest one if none was
     */
    synchronized int highestSince(Instant from) {
        int highest = Integer.MIN_VALUE;
        for (Entry e : entries) {
            if (!e.at().isBefore(from)) {
                highest = Math.max(highest, e.recommended());
            }
        }
        return highest == Integer.MIN_VALUE ? entries.peekLast().recommended() : highest;
    }
}
