package io.stratum.platform.internal.account;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.UserDTO;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Resolves a {@link Caller} into its {@link Access}: a system caller has full rights; a user caller has the
 * memberships the store holds for it now (so a grant or a revocation applies to the very next call).
 */
@Component(service = AccessControl.class)
public final class AccessControl {

    private final UserDirectory users;
    private final AccountManager accounts;

    /**
     * @param users the users
     * @param accounts the accounts
     */
    @Activate
    public AccessControl(@Reference UserDirectory users, @Reference AccountManager accounts) {
        this.users = users;
        this.accounts = accounts;
    }

    /**
     * @param caller who asks
     * @return what they may do
     * @throws PlatformException FORBIDDEN if the user no longer exists
     */
    public Access resolve(Caller caller) {
        if (caller.isSystem()) {
            return new Access(caller, true, Map.of(), accounts);
        }
        UserDTO user = users.find(caller.user()).orElseThrow(() -> new PlatformException(Reason.FORBIDDEN,
                "user '" + caller.user() + "' does not exist (any more); log in again"));
        return Access.of(caller, user, accounts);
    }
}
