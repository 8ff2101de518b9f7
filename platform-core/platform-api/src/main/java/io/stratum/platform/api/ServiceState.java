package io.stratum.platform.api;

/** The lifecycle state of a service. */
public enum ServiceState {
    /** Being created. */
    PROVISIONING,
    /** Created and started. */
    RUNNING,
    /** Being started. */
    STARTING,
    /** Being stopped. */
    STOPPING,
    /** Stopped; its data is kept. */
    STOPPED,
    /** Being deleted. */
    DELETING,
    /** Its last job failed; see the state message. Start, stop or delete it again. */
    FAILED
}
