package io.stratum.sme.api.runtime;

/** The state of one runtime. */
public enum RuntimeState {
    /** Being launched. */
    STARTING,
    /** Its process runs. */
    RUNNING,
    /** It died on its own and will be restarted by its restart policy. */
    RESTARTING,
    /** Stopped on purpose. */
    STOPPED,
    /** It died and its restart policy gave up (or it could not be launched). */
    FAILED
}
