package io.stratum.platform.webconsole;

import io.stratum.platform.api.Caller;
import java.util.Optional;
import javax.security.auth.Subject;
import javax.servlet.http.HttpServletRequest;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;

/**
 * The user the web console authenticated for a request, as the {@link Caller} every platform call of that request
 * is made for. Only what the server itself put on the request counts (request attributes, the container's remote
 * user), never a header, parameter or cookie the browser sends. A request without an authenticated user gets no
 * caller at all: the console never acts as a system caller for a browser.
 */
final class ConsoleUser {

    /**
     * Where the console's security provider ({@link ConsoleSecurity}, or Karaf's own) puts the logged-in subject
     * (KarafOsgiManager.SUBJECT_RUN_AS).
     */
    static final String KARAF_SUBJECT = "karaf.subject.runas";
    /** Where a web console security provider puts the user name (HttpContext.REMOTE_USER of the OSGi HTTP service). */
    static final String REMOTE_USER = "org.osgi.service.http.authentication.remote.user";

    private ConsoleUser() {
    }

    /**
     * Finds the user, in this order: the {@link UserPrincipal} of the JAAS subject Karaf's security provider logged
     * in (the name the login module gave, so it is the platform's own spelling), the user name the security provider
     * recorded as the remote user, the container's {@link HttpServletRequest#getRemoteUser()}.
     *
     * @param request the request
     * @return the caller ({@link Caller#VIA_CONSOLE}), or empty when nobody is logged in
     */
    static Optional<Caller> of(HttpServletRequest request) {
        return name(request).map(user -> Caller.user(user, Caller.VIA_CONSOLE));
    }

    private static Optional<String> name(HttpServletRequest request) {
        if (request.getAttribute(KARAF_SUBJECT) instanceof Subject subject) {
            Optional<String> principal = subject.getPrincipals(UserPrincipal.class).stream()
                    .map(UserPrincipal::getName).filter(ConsoleUser::present).findFirst();
            if (principal.isPresent()) {
                return principal;
            }
        }
        if (request.getAttribute(REMOTE_USER) instanceof String user && present(user)) {
            return Optional.of(user);
        }
        return Optional.ofNullable(request.getRemoteUser()).filter(ConsoleUser::present);
    }

    private static boolean present(String name) {
        return name != null && !name.isBlank();
    }
}
