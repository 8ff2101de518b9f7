package io.stratum.platform.api;

/**
 * OSGi EventAdmin topics and properties of the platform's job and service events. Events are posted
 * (asynchronously), each job's and each service's in the order they happened; subscribe with a topic ending in
 * {@code *} to get every state, e.g. {@code io/stratum/job/*}. The store stays the truth: an event may be missed
 * by a subscriber that was not there, never reported before its change is durable.
 */
public final class PlatformEvents {

    /** Topic prefix of job events: the job's {@link JobState} follows, e.g. {@code io/stratum/job/SUCCEEDED}. */
    public static final String JOB_TOPIC_PREFIX = "io/stratum/job/";
    /** Topic of every job event, for subscriptions. */
    public static final String JOB_TOPIC_ALL = JOB_TOPIC_PREFIX + "*";
    /** Job event property: the job's id (Long). */
    public static final String JOB_ID = "job.id";
    /** Job event property: its kind, e.g. {@code backup.create}. */
    public static final String JOB_KIND = "job.kind";
    /** Job event property: what it works on. */
    public static final String JOB_TARGET = "job.target";
    /** Job event property: its state's name. */
    public static final String JOB_STATE = "job.state";
    /** Job event property: its progress, 0 to 100 (Integer). */
    public static final String JOB_PROGRESS = "job.progress";
    /** Job event property: its error, or empty. */
    public static final String JOB_ERROR = "job.error";

    /**
     * Topic prefix of service events: the service's new {@link ServiceState} follows, e.g.
     * {@code io/stratum/service/RUNNING}; posted when a job ends having changed the service's state.
     */
    public static final String SERVICE_TOPIC_PREFIX = "io/stratum/service/";
    /** Topic of every service event, for subscriptions. */
    public static final String SERVICE_TOPIC_ALL = SERVICE_TOPIC_PREFIX + "*";
    /** Service event property: its id. */
    public static final String SERVICE_ID = "service.id";
    /** Service event property: its name. */
    public static final String SERVICE_NAME = "service.name";
    /** Service event property: its service type. */
    public static final String SERVICE_TYPE = "service.type";
    /** Service event property: its state's name. */
    public static final String SERVICE_STATE = "service.state";

    /**
     * Topic prefix of update events: {@code SCHEDULED} (asked for, waiting for its window), {@code STARTED},
     * {@code SUCCEEDED}, {@code FAILED} or {@code CANCELLED} follows, e.g. {@code io/stratum/update/SCHEDULED}.
     */
    public static final String UPDATE_TOPIC_PREFIX = "io/stratum/update/";
    /** Topic of every update event, for subscriptions. */
    public static final String UPDATE_TOPIC_ALL = UPDATE_TOPIC_PREFIX + "*";
    /** Update event property: the update's id. */
    public static final String UPDATE_ID = "update.id";
    /** Update event property: when it may run (an ISO-8601 instant). */
    public static final String UPDATE_NOT_BEFORE = "update.notBefore";
    /** Update event property: one line saying what it changes, e.g. {@code upgrade 1.0.0 -> 1.1.0 (HARD)}. */
    public static final String UPDATE_SUMMARY = "update.summary";

    /** Event property (jobs and services): the account's name, or empty. */
    public static final String ACCOUNT = "account";

    private PlatformEvents() {
    }
}
