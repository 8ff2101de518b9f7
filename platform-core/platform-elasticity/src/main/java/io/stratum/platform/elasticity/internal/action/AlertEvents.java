package io.stratum.platform.elasticity.internal.action;

/**
 * The OSGi EventAdmin topic and properties of the events the {@code event} alert action posts (see
 * {@link EventAction}); subscribe to {@value #TOPIC_ALL} for every state.
 */
public final class AlertEvents {

    /** Topic prefix: the alert's new state follows, e.g. {@code io/stratum/alert/ALARM}. */
    public static final String TOPIC_PREFIX = "io/stratum/alert/";
    /** Topic of every alert event, for subscriptions. */
    public static final String TOPIC_ALL = TOPIC_PREFIX + "*";
    /** Property: the account's name. */
    public static final String ACCOUNT = "account";
    /** Property: the account's id. */
    public static final String ACCOUNT_ID = "account.id";
    /** Property: the service's name. */
    public static final String SERVICE = "service";
    /** Property: the service's id. */
    public static final String SERVICE_ID = "service.id";
    /** Property: the alert's name. */
    public static final String ALERT = "alert";
    /** Property: the alert's expression. */
    public static final String EXPRESSION = "expression";
    /** Property: the state before ({@code OK}, {@code ALARM}, {@code NO_DATA}). */
    public static final String FROM = "from";
    /** Property: the state now (also the topic's last level). */
    public static final String TO = "to";
    /**
     * Property: the values the expression saw, a {@code Map<String, String>} from each value's name to the number
     * as text ({@code 62.5}, {@code 1}, {@code NaN}), ordered by name.
     */
    public static final String VALUES = "values";
    /** Property: when the state changed, ISO-8601 in UTC ({@code 2026-05-04T10:15:30Z}). */
    public static final String AT = "at";

    private AlertEvents() {
    }
}
