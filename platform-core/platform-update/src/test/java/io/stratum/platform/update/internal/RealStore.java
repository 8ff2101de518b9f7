package io.stratum.platform.update.internal;

import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.AccountVersionDTO;
import io.stratum.platform.internal.account.AccessControl;
import io.stratum.platform.internal.account.AccountHistory;
import io.stratum.platform.internal.account.AccountManager;
import io.stratum.platform.internal.account.AccountScopesService;
import io.stratum.platform.internal.account.Passwords;
import io.stratum.platform.internal.account.UserDirectory;
import io.stratum.platform.internal.store.DataStoreService;
import io.stratum.platform.internal.store.Store;
import io.stratum.platform.spi.AccountScopes;
import io.stratum.platform.spi.store.DataStore;
import java.nio.file.Path;
import java.util.List;

/**
 * The platform's real store (H2 through the engine's own classes), with its accounts, users and account scoping, as
 * the elasticity bundle finds them in the service registry.
 */
public final class RealStore implements AutoCloseable {

    /** The engine's store. */
    public final Store store;
    /** The store as core bundles see it. */
    public final DataStore data;
    /** Account scoping as core bundles see it. */
    public final AccountScopes scopes;
    private final AccountManager accounts;
    private final UserDirectory users;
    private final AccountHistory history;

    /** @param home a temporary directory */
    public RealStore(Path home) {
        store = new Store(home, 4);
        accounts = new AccountManager(store);
        users = new UserDirectory(store, new Passwords(1000));
        scopes = new AccountScopesService(new AccessControl(users, accounts), accounts, store);
        data = new DataStoreService(store);
        history = new AccountHistory(store);
    }

    /**
     * @param name a new account's name
     * @return its id
     */
    public String account(String name) {
        return store.inTransaction(c -> accounts.create(c, name)).id();
    }

    /**
     * Makes a user with a role in an account.
     *
     * @param name the user's name
     * @param accountId the account
     * @param role the role
     */
    public void user(String name, String accountId, AccountRole role) {
        store.transact(c -> {
            if (users.find(c, name).isEmpty()) {
                users.create(c, name, "a-long-test-password".toCharArray(), false);
            }
            users.setRole(c, accountId, name, role);
        });
    }

    /**
     * Makes a platform admin.
     *
     * @param name the user's name
     */
    public void admin(String name) {
        store.transact(c -> users.create(c, name, "a-long-test-password".toCharArray(), true));
    }

    /**
     * @param accountId an account
     * @return its versions, newest first
     */
    public List<AccountVersionDTO> versions(String accountId) {
        return history.list(accountId, 0);
    }

    @Override
    public void close() {
        store.close();
    }
}
