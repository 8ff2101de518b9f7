package io.stratum.platform.webconsole;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpSession;

/**
 * The per-session token every form of the console carries and every POST must return: the web console logs in with
 * HTTP Basic, which browsers send with any request to the console, including one a foreign page makes them send; the
 * token is what such a page cannot know. It is bound to the session and to the user it was issued to, compared in
 * constant time, and never logged.
 */
final class CsrfTokens {

    /** The form field that carries the token. */
    static final String FIELD = "csrf";

    private static final String ATTRIBUTE = CsrfTokens.class.getName();

    private final SecureRandom random = new SecureRandom();

    /** A token and the user it was issued to. */
    private record Issued(String user, String token) implements Serializable {
    }

    /**
     * @param request a request of the user
     * @param user the logged-in user
     * @return the session's token for that user (a new session and token if there is none, or if the session's
     *     token was issued to someone else)
     */
    String issue(HttpServletRequest request, String user) {
        HttpSession session = request.getSession(true);
        synchronized (this) {
            if (session.getAttribute(ATTRIBUTE) instanceof Issued issued && issued.user().equals(user)) {
                return issued.token();
            }
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            Issued issued = new Issued(user, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
            session.setAttribute(ATTRIBUTE, issued);
            return issued.token();
        }
    }

    /**
     * @param request a POST
     * @param user the logged-in user
     * @return whether it carries the token its session issued to that user
     */
    boolean check(HttpServletRequest request, String user) {
        HttpSession session = request.getSession(false);
        String offered = request.getParameter(FIELD);
        if (session == null || offered == null || !(session.getAttribute(ATTRIBUTE) instanceof Issued issued)
                || !issued.user().equals(user)) {
            return false;
        }
        return MessageDigest.isEqual(issued.token().getBytes(StandardCharsets.US_ASCII),
                offered.getBytes(StandardCharsets.UTF_8));
    }
}
