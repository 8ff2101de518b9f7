package io.stratum.platform.internal.runtime;

/**
 * Whether the runtime platform runs each service's processes under a user id of their own, and why (for the
 * log, the launcher and the console).
 *
 * @param active whether services' processes run under their own uids
 * @param mode the configured mode: {@code auto}, {@code off} or {@code required}
 * @param description one sentence saying what is the case and, when isolation is off, why and what it means
 */
public record IsolationStatus(boolean active, String mode, String description) {
}
