package io.stratum.platform.webconsole;

import javax.servlet.http.HttpServletRequest;

/**
 * The part of the web console a logged-in user may open, as {@link ConsoleSecurity} decided it for the request: it
 * puts it in the request attribute {@value #ATTRIBUTE}, which only the server sets (never a header, parameter or
 * cookie), so the pages can leave out what the user cannot open.
 */
enum ConsoleScope {

    /** Every page of the console: platform admins. */
    CONSOLE,
    /** Only the Stratum pages (and the console's static resources and logout): every other Stratum user. */
    STRATUM;

    /** The request attribute that holds the scope of the request's user. */
    static final String ATTRIBUTE = "io.stratum.webconsole.scope";

    /**
     * @param request a request the console admitted
     * @return the scope its user was admitted with; {@link #CONSOLE} when no Stratum login decided it (Karaf's own
     *     security provider, which admits only platform admins)
     */
    static ConsoleScope of(HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof ConsoleScope scope ? scope : CONSOLE;
    }
}
