package io.stratum.platform.api;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The way into the platform: the OSGi service every interface (shell, REST, OSB, web console) uses. It
 * authenticates users against the platform's store and hands out the {@link PlatformService} of one
 * {@link Caller}, which checks that caller's accounts and roles on every call. There is no unscoped facade.
 */
@ProviderType
public interface PlatformAccess {

    /**
     * @param caller who asks
     * @return the facade acting for that caller (cheap; make one per request or session)
     */
    PlatformService as(Caller caller);

    /**
     * Checks a user's password. Wrong user and wrong password are not told apart.
     *
     * @param user a user name
     * @param password the password offered (not kept)
     * @return the user, if the password is right and the user may log in
     */
    Optional<UserDTO> authenticate(String user, char[] password);
}
