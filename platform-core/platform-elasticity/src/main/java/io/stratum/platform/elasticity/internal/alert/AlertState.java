package io.stratum.platform.elasticity.internal.alert;

/** The state of an alert. */
public enum AlertState {
    /** The condition does not hold. */
    OK,
    /** The condition holds. */
    ALARM,
    /** A windowed function has no sample in its window (or the alert has not been evaluated yet). */
    NO_DATA
}
