package io.stratum.platform.internal.account;

import io.stratum.platform.api.AccountDTO;
import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.UserDTO;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * What one caller may do, resolved from the store when a facade call starts: the one place where calls are
 * scoped to accounts. An account the caller is not a member of is reported exactly as one that does not exist.
 */
public final class Access {

    private final Caller caller;
    private final boolean platformAdmin;
    private final Map<String, AccountRole> roles;
    private final AccountManager accounts;

    Access(Caller caller, boolean platformAdmin, Map<String, AccountRole> roles, AccountManager accounts) {
        this.caller = caller;
        this.platformAdmin = platformAdmin;
        this.roles = Map.copyOf(roles);
        this.accounts = accounts;
    }

    /** @return who asks */
    public Caller caller() {
        return caller;
    }

    /** @return whether the caller administers the whole platform */
    public boolean isPlatformAdmin() {
        return platformAdmin;
    }

    /**
     * @param account an account name
     * @return the caller's role in it, if any (platform admins: {@link AccountRole#ADMIN} everywhere)
     */
    public Optional<AccountRole> role(String account) {
        return platformAdmin ? Optional.of(AccountRole.ADMIN) : Optional.ofNullable(roles.get(account));
    }

    /**
     * @param account an account name, or {@code null}/blank for the caller's only account, else the default one
     * @return the account name meant
     */
    public String accountName(String account) {
        if (account != null && !account.isBlank()) {
            return account;
        }
        if (!platformAdmin && roles.size() == 1) {
            return roles.keySet().iterator().next();
        }
        return PlatformService.DEFAULT_ACCOUNT;
    }

    /**
     * @param c a connection
     * @param account an account name (see {@link #accountName})
     * @return the account, if the caller may see it
     * @throws SQLException on a store error
     * @throws PlatformException NOT_FOUND if it does not exist or is not the caller's
     */
    public AccountDTO readable(Connection c, String account) throws SQLException {
        String name = accountName(account);
        if (role(name).isEmpty()) {
            throw noAccount(name);
        }
        return accounts.find(c, name).orElseThrow(() -> noAccount(name));
    }

    /**
     * @param c a connection
     * @param account an account name (see {@link #accountName})
     * @param what what the caller wants to do, for the message
     * @return the account, if the caller may change its services and environments
     * @throws SQLException on a store error
     * @throws PlatformException NOT_FOUND, or FORBIDDEN for a viewer
     */
    public AccountDTO writable(Connection c, String account, String what) throws SQLException {
        AccountDTO a = readable(c, account);
        if (!role(a.name()).orElseThrow().canMutate()) {
            throw forbidden("you can only view account '" + a.name() + "', not " + what
                    + " (ask an admin of the account for the member role)");
        }
        return a;
    }

    /**
     * @param c a connection
     * @param account an account name
     * @param what what the caller wants to do, for the message
     * @return the account, if the caller administers it
     * @throws SQLException on a store error
     */
    public AccountDTO administrable(Connection c, String account, String what) throws SQLException {
        AccountDTO a = readable(c, account);
        if (role(a.name()).orElseThrow() != AccountRole.ADMIN) {
            throw forbidden("only admins of account '" + a.name() + "' can " + what);
        }
        return a;
    }

    /**
     * @param accountName the account of something found, e.g. a job's
     * @return whether the caller may see things of that account
     */
    public boolean canSee(String accountName) {
        return platformAdmin || (accountName != null && roles.containsKey(accountName));
    }

    /**
     * @param what what the caller wants to do, for the message
     * @throws PlatformException FORBIDDEN unless the caller is a platform admin
     */
    public void requirePlatformAdmin(String what) {
        if (!platformAdmin) {
            throw forbidden("only platform admins can " + what);
        }
    }

    /** @return the accounts the caller is a member of, with roles (empty for a platform admin: see all) */
    public Map<String, AccountRole> memberships() {
        return roles;
    }

    static Access of(Caller caller, UserDTO user, AccountManager accounts) {
        return new Access(caller, user.platformAdmin(), user.memberships(), accounts);
    }

    static PlatformException noAccount(String name) {
        return new PlatformException(Reason.NOT_FOUND, "no account '" + name + "' (see stratum:account-list)");
    }

    private static PlatformException forbidden(String message) {
        return new PlatformException(Reason.FORBIDDEN, message);
    }
}
