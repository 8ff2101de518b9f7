package io.stratum.platform.spi;

import io.stratum.platform.api.Caller;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Scopes a caller to an account: the one place that decides, for the facade and for every core bundle, who may see
 * or change what (registered by the platform).
 */
@ProviderType
public interface AccountScopes {

    /** What a caller needs to do. */
    enum Need {
        /** See (any role of the account). */
        READ,
        /** Change its services (member or admin of the account). */
        WRITE,
        /** Change the account itself (admin of the account). */
        ADMIN,
        /** What only platform admins do. */
        PLATFORM
    }

    /**
     * An account, as the caller may use it.
     *
     * @param id its id
     * @param name its name
     */
    record Scope(String id, String name) {
    }

    /**
     * @param caller who asks
     * @param account an account's name ({@code null}: the default account)
     * @param need what the caller wants to do
     * @param what a few words for the error (e.g. "back up services")
     * @return the account
     * @throws io.stratum.platform.api.PlatformException NOT_FOUND if the caller may not see it (the same message as
     *     for an account that does not exist), FORBIDDEN if the caller sees it but may not do that
     */
    Scope resolve(Caller caller, String account, Need need, String what);

    /**
     * @param caller who asks
     * @return the accounts the caller may see
     */
    List<Scope> visible(Caller caller);

    /**
     * Records where an account came from as a new version of its administrative state, with the one change
     * {@code account <name> origin} (from none to {@code origin}), made by {@code caller}. The caller is not checked:
     * check it first.
     *
     * @param accountId the account's id
     * @param caller who made the account
     * @param origin what it came from, for users (e.g. {@code clone of account 'shop' at version 12 (job 40)}); no
     *     secrets
     * @return the new version
     * @throws io.stratum.platform.api.PlatformException NOT_FOUND if there is no such account
     */
    long recordOrigin(String accountId, Caller caller, String origin);

    /**
     * Records a change that a core bundle makes to an account's administrative state (an alert, a scaling policy) as
     * a new version of the account, in the transaction that makes the change. The caller is not checked: check it
     * first.
     *
     * @param c the {@link io.stratum.platform.spi.store.DataStore} transaction that makes the change
     * @param accountId the account's id
     * @param caller who made the change
     * @param summary what changed, in one line, for users; no secrets
     * @param changes the changed fields ({@code entity} e.g. {@code alert}, {@code name}, {@code field}, values
     *     before and after; {@code field} {@code *} with {@code after} null: the entity was removed); no secrets
     * @return the new version
     * @throws java.sql.SQLException on a store error (the transaction then rolls back)
     */
    long recordVersion(java.sql.Connection c, String accountId, Caller caller, String summary,
            List<io.stratum.platform.api.AccountVersionDTO.ChangeDTO> changes) throws java.sql.SQLException;
}
