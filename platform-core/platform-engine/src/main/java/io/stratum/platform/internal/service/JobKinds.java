package io.stratum.platform.internal.service;

/** The kinds of service lifecycle jobs. */
public final class JobKinds {

    /** Create (provision and start) a service. */
    public static final String CREATE = "service.create";
    /** Start a stopped service. */
    public static final String START = "service.start";
    /** Stop a running service, keeping its data. */
    public static final String STOP = "service.stop";
    /** Delete a service: runtimes, data and record. */
    public static final String DELETE = "service.delete";

    /** Job parameter: the state a service was in before the job (start). */
    public static final String PARAM_PREVIOUS_STATE = "previousState";
    /** Job parameter: delete even without an engine (delete). */
    public static final String PARAM_FORCE = "force";

    private JobKinds() {
    }
}
