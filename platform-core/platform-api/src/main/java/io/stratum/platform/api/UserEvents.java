package io.stratum.platform.api;

/**
 * OSGi EventAdmin topics the platform posts when a user's access changes, so interfaces that keep sessions (SSH,
 * later HTTP) can end the sessions a user should no longer have.
 */
public final class UserEvents {

    /** Posted (synchronously) when a user is deleted or their password is changed. */
    public static final String TOPIC_CHANGED = "io/stratum/user/CHANGED";
    /** Event property: the user's name. */
    public static final String USER = "user";
    /** Event property: what changed, {@link #DELETED} or {@link #PASSWORD}. */
    public static final String CHANGE = "change";
    /** The user no longer exists. */
    public static final String DELETED = "deleted";
    /** The user's password changed: sessions opened with the old one should end. */
    public static final String PASSWORD = "password";

    private UserEvents() {
    }
}
