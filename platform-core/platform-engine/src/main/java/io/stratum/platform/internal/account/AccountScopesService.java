package io.stratum.platform.internal.account;

import io.stratum.platform.api.AccountDTO;
import io.stratum.platform.api.AccountVersionDTO.ChangeDTO;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.internal.store.Sql;
import io.stratum.platform.internal.store.Store;
import io.stratum.platform.internal.store.StoreException;
import io.stratum.platform.spi.AccountScopes;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Scopes callers for other core bundles with the facade's own rules ({@link Access}). */
@Component(service = AccountScopes.class)
public final class AccountScopesService implements AccountScopes {

    private final AccessControl control;
    private final AccountManager accounts;
    private final Store store;

    /**
     * @param control resolves callers
     * @param accounts the accounts
     * @param store the store
     */
    @Activate
    public AccountScopesService(@Reference AccessControl control, @Reference AccountManager accounts,
            @Reference Store store) {
        this.control = control;
        this.accounts = accounts;
        this.store = store;
    }

    @Override
    public Scope resolve(Caller caller, String account, Need need, String what) {
        Access access = control.resolve(caller);
        if (need == Need.PLATFORM) {
            access.requirePlatformAdmin(what);
        }
        try {
            AccountDTO a = store.query(c -> switch (need) {
                case READ -> access.readable(c, account);
                case WRITE -> access.writable(c, account, what);
                case ADMIN, PLATFORM -> access.administrable(c, account, what);
            });
            return new Scope(a.id(), a.name());
        } catch (StoreException e) {
            throw new PlatformException(Reason.INTERNAL, "the platform's store failed: " + e.getMessage()
                    + " (see the Karaf log)", e);
        }
    }

    @Override
    public List<Scope> visible(Caller caller) {
        Access access = control.resolve(caller);
        return accounts.list().stream().filter(a -> access.canSee(a.name())).map(a -> new Scope(a.id(), a.name()))
                .toList();
    }

    @Override
    public long recordOrigin(String accountId, Caller caller, String origin) {
        try {
            return store.inTransaction(c -> {
                String name = Sql.one(c, "SELECT name FROM accounts WHERE id = ?", rs -> rs.getString("name"),
                        accountId).orElseThrow(() -> new PlatformException(Reason.NOT_FOUND, "no account with id "
                                + accountId));
                return AccountHistory.record(c, accountId, caller, "account '" + name + "' is a " + origin,
                        List.of(new ChangeDTO("account", name, "origin", null, origin)));
            });
        } catch (StoreException e) {
            throw new PlatformException(Reason.INTERNAL, "the platform's store failed: " + e.getMessage()
                    + " (see the Karaf log)", e);
        }
    }

    @Override
    public long recordVersion(Connection c, String accountId, Caller caller, String summary, List<ChangeDTO> changes)
            throws SQLException {
        return AccountHistory.record(c, accountId, caller, summary, changes);
    }
}
