package io.stratum.sme.api;

/** The health of a service as its engine sees it through the service's own protocol. */
public enum HealthState {
    /** The service answers its protocol (a database answers a query, a web tier forwards a request). */
    HEALTHY,
    /** The service's runtimes are starting and do not answer yet. */
    STARTING,
    /** The service's runtimes run but it does not answer as it should. */
    UNHEALTHY,
    /** The service is stopped on purpose. */
    STOPPED,
    /** The health cannot be told (for example: the engine is not installed). */
    UNKNOWN
}
