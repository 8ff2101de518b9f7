package io.stratum.platform.api;

import java.util.Objects;

/**
 * Who asks: every call on the platform is made for a caller, obtained from {@link PlatformAccess#as(Caller)}.
 * A user caller names a user of the platform's store and the interface the request came through; the platform
 * checks that user's accounts and roles on every call. A system caller is a platform component acting on its own
 * (an alert, a schedule, an update window) with full rights; it names itself, and that name is recorded in the
 * audit trail of every job it starts.
 * <p>
 * Callers are immutable values. Only code inside the framework can make one: the trust boundary is the OSGi
 * framework itself (tenants reach Stratum through its interfaces, which authenticate them first).
 */
public final class Caller {

    /** The interface a request came through, recorded in the audit trail. */
    public static final String VIA_SHELL = "shell";
    /** The REST API. */
    public static final String VIA_REST = "rest";
    /** The Open Service Broker API. */
    public static final String VIA_OSB = "osb";
    /** The web console. */
    public static final String VIA_CONSOLE = "console";
    /** A platform component acting on its own. */
    public static final String VIA_SYSTEM = "system";

    private final String user;
    private final String via;
    private final String cause;
    private final boolean system;

    private Caller(String user, String via, String cause, boolean system) {
        this.user = requireText(user, "user");
        this.via = requireText(via, "via");
        this.cause = cause == null ? "" : cause;
        this.system = system;
    }

    /**
     * @param user the authenticated user's name
     * @param via the interface the request came through, e.g. {@link #VIA_SHELL}
     * @return a caller acting as that user, with that user's rights
     */
    public static Caller user(String user, String via) {
        return new Caller(user, via, "", false);
    }

    /**
     * @param component the platform component acting, e.g. {@code elasticity}
     * @return a caller with full rights, recorded as {@code system:<component>}
     */
    public static Caller system(String component) {
        return new Caller("system:" + requireText(component, "component"), VIA_SYSTEM, "", true);
    }

    /**
     * A platform component acting on its own for an interface that authenticated a client of its own, e.g. the Open
     * Service Broker acting for a platform such as Cloud Foundry: full rights, recorded as {@code system:<component>}
     * via that interface. The interface limits what it asks for (the broker names only the accounts it made).
     *
     * @param component the platform component acting, e.g. {@code osb}
     * @param via the interface the request came through, e.g. {@link #VIA_OSB}
     * @return a caller with full rights
     */
    public static Caller system(String component, String via) {
        return new Caller("system:" + requireText(component, "component"), via, "", true);
    }

    /**
     * @param why what else started the request (an alert, a schedule, a broker's originating identity)
     * @return this caller with that cause recorded in the audit trail of the jobs it starts
     */
    public Caller because(String why) {
        return new Caller(user, via, why, system);
    }

    /** @return the user's name ({@code system:<component>} for a system caller) */
    public String user() {
        return user;
    }

    /** @return the interface the request came through */
    public String via() {
        return via;
    }

    /** @return what else started the request, or empty */
    public String cause() {
        return cause;
    }

    /** @return whether this is a platform component with full rights rather than a user */
    public boolean isSystem() {
        return system;
    }

    private static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a caller needs a " + what);
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Caller c && user.equals(c.user) && via.equals(c.via) && cause.equals(c.cause)
                && system == c.system;
    }

    @Override
    public int hashCode() {
        return Objects.hash(user, via, cause, system);
    }

    @Override
    public String toString() {
        return user + " (" + via + (cause.isEmpty() ? "" : ", " + cause) + ")";
    }
}
