package io.stratum.platform.shell;

import io.stratum.platform.api.ServiceDTO;
import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * How the shell describes a service, the same in every command: {@code service-info}'s fields (which
 * {@code service-register} prints too), and the state and health a listing shows. A service Stratum does not run
 * (external) has no lifecycle of Stratum's: its state reads {@code EXTERNAL}, and its health is what Stratum can see
 * of it. A password is printed only when asked for with {@code --credentials}; otherwise it is masked, whatever the
 * platform answered.
 */
final class ServiceDetails {

    /** What a password not asked for is shown as. */
    static final String MASK = "********";
    /** The state shown for a service Stratum does not run. */
    static final String EXTERNAL = "EXTERNAL";

    private ServiceDetails() {
    }

    /** @return the state to show: {@value #EXTERNAL} for an external service, else its lifecycle state */
    static String state(ServiceDTO s) {
        return s.external() ? EXTERNAL : s.state().name();
    }

    /**
     * @param s a service
     * @param max the longest reason shown
     * @return its health for a table: the state, and why unless it is healthy or stopped (shortened)
     */
    static String health(ServiceDTO s, int max) {
        boolean plain = s.healthMessage().isEmpty() || s.health().equals("HEALTHY") || s.health().equals("STOPPED");
        return plain ? s.health() : s.health() + ": " + Format.cut(s.healthMessage(), max);
    }

    /**
     * Prints a service's fields, one per line.
     *
     * @param out where to
     * @param s the service, as {@code getService} answered
     * @param credentials whether its password was asked for (and may be shown)
     * @param unmask how to see a masked password, shown beside it (e.g. "shown with --credentials")
     */
    static void print(PrintStream out, ServiceDTO s, boolean credentials, String unmask) {
        line(out, "Name", s.name());
        line(out, "Account", s.account());
        if (s.external()) {
            line(out, "Type", s.serviceType() + " (external)");
            line(out, "State", EXTERNAL + " - registered by URL; Stratum does not run it"
                    + (s.stateMessage().isEmpty() ? "" : " (" + s.stateMessage() + ")"));
        } else {
            line(out, "Type", s.serviceType() + " (SDP " + s.sdpName() + " " + s.sdpVersion() + ")");
            line(out, "Plan", s.plan());
            line(out, "State", s.state() + (s.stateMessage().isEmpty() ? "" : " - " + s.stateMessage()));
        }
        line(out, "Health", s.health() + (s.healthMessage().isEmpty() ? "" : " - " + s.healthMessage()));
        if (!s.engineAvailable()) {
            line(out, "Engine", "not installed: the service keeps running, unmanaged, until its SDP returns");
        }
        if (s.activeJobId() != 0) {
            line(out, "Job", s.activeJobId() + " is working on it (stratum:job-info " + s.activeJobId() + ")");
        }
        if (!s.environment().isEmpty()) {
            line(out, "Env", s.environment());
        }
        if (!s.providers().isEmpty()) {
            line(out, "Providers", s.providers().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(", ")));
        }
        if (!s.dependants().isEmpty()) {
            line(out, "Used by", String.join(", ", s.dependants()));
        }
        line(out, "Created", Format.time(s.createdAt()));
        if (s.connection() != null) {
            line(out, "URL", s.connection().url());
            if (s.connection().user() != null) {
                line(out, "User", s.connection().user());
            }
            if (s.connection().password() != null) {
                line(out, "Password", credentials ? s.connection().password() : MASK + "   (" + unmask + ")");
            }
            for (Map.Entry<String, String> e : s.connection().properties().entrySet()) {
                line(out, e.getKey(), e.getValue());
            }
        }
        if (!s.configuration().isEmpty()) {
            line(out, "Config", new TreeMap<>(s.configuration()).toString());
        }
    }

    private static void line(PrintStream out, String key, String value) {
        out.printf("%-10s %s%n", key + ":", value);
    }
}
