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
    /** Change the number of instances of a scalable service. */
    public static final String SCALE = "service.scale";
    /** Bind a consumer (an application Stratum does not run) to a provider service. */
    public static final String BIND = "service.bind";
    /** Unbind a consumer from its provider service. */
    public static final String UNBIND = "service.unbind";
    /** Create the services of an environment in dependency order. */
    public static final String ENV_CREATE = "environment.create";
    /** Delete the services of an environment in reverse dependency order. */
    public static final String ENV_DELETE = "environment.delete";

    /** Job parameter: the state a service was in before the job (start, stop). */
    public static final String PARAM_PREVIOUS_STATE = "previousState";
    /** Job parameter: the state message a service had before the job (stop). */
    public static final String PARAM_PREVIOUS_MESSAGE = "previousStateMessage";
    /** Job parameter: delete even without an engine, or while others use the service (delete). */
    public static final String PARAM_FORCE = "force";
    /** Job parameter: provider type to provider service id, as a JSON object (create). */
    public static final String PARAM_PROVIDERS = "providers";
    /** Job parameter: the number of instances before the job (scale). */
    public static final String PARAM_PREVIOUS_INSTANCES = "previousInstances";
    /** Job parameter: the wanted number of instances (scale). */
    public static final String PARAM_INSTANCES = "instances";
    /**
     * Job parameter: the environment's members in dependency order, as a JSON list of lists of names (environment
     * create; fixed at submission, so its plan depends on its parameters only).
     */
    public static final String PARAM_LEVELS = "levels";
    /** Job parameter: the id of the consumer a job works on (bind, unbind). */
    public static final String PARAM_CONSUMER = "consumer";
    /** Job parameter: the environment a job works on (environment jobs). */
    public static final String PARAM_ENVIRONMENT = "environment";

    private JobKinds() {
    }
}
