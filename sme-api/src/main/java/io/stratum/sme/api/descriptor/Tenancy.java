package io.stratum.sme.api.descriptor;

/** How services of a type share runtimes. */
public enum Tenancy {
    /** Each service has runtimes of its own. */
    DEDICATED,
    /** Services of the type share runtimes (isolated by the engine, e.g. one schema each). */
    SHARED
}
