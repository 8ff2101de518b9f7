package io.stratum.platform.rest;

import java.util.Optional;

/** Checks the credentials of an HTTP request (the OSGi service of {@link JaasAuthenticator}). */
public interface Authenticator {

    /**
     * @param user the user name offered
     * @param password the password offered (not kept; the caller clears it afterwards)
     * @return the user's name if the credentials are right and the user may use the API; empty otherwise, the same
     *     for an unknown user and a wrong password
     */
    Optional<String> authenticate(String user, char[] password);
}
