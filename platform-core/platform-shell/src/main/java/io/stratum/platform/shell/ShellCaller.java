package io.stratum.platform.shell;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import java.security.AccessController;
import java.util.Optional;
import javax.security.auth.Subject;
import org.apache.karaf.jaas.boot.principal.ClientPrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;

/**
 * The caller of a shell command: the user the Karaf session authenticated (its JAAS subject, set by the SSH login).
 * The local console of a Stratum started in the foreground ({@code ./stratum}) is the operator at the platform's own
 * terminal, who could read every file anyway: it acts as the system caller {@code system:local-console}. Never a
 * session variable: those the user can set.
 */
final class ShellCaller {

    private ShellCaller() {
    }

    /** @return the session's user as a caller, if the command runs for an authenticated user */
    @SuppressWarnings("removal") // Karaf 4.4 runs commands inside Subject.doAs; this is how its own ACLs read it
    static Optional<Caller> current() {
        Subject subject = Subject.getSubject(AccessController.getContext());
        if (subject == null) {
            return Optional.empty();
        }
        boolean local = subject.getPrincipals(ClientPrincipal.class).stream().anyMatch(p -> "local".equals(p.getMethod()));
        if (local) {
            return Optional.of(Caller.system("local-console"));
        }
        return subject.getPrincipals(UserPrincipal.class).stream().findFirst()
                .map(p -> Caller.user(p.getName(), Caller.VIA_SHELL));
    }

    /**
     * @return the session's user as a caller
     * @throws PlatformException FORBIDDEN when the session has no authenticated user
     */
    static Caller require() {
        return current().orElseThrow(() -> new PlatformException(Reason.FORBIDDEN, "this shell session has no "
                + "authenticated user; log in over SSH (./stratum client) to use stratum: commands"));
    }
}
