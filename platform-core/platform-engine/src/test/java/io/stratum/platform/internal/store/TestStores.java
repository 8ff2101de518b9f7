package io.stratum.platform.internal.store;

import io.stratum.platform.internal.account.AccountManager;
import java.nio.file.Path;
import java.util.UUID;

/** Stores and service rows for tests. */
public final class TestStores {

    private TestStores() {
    }

    /**
     * @param home a temporary directory
     * @return a migrated store with the default account
     */
    public static Store open(Path home) {
        Store store = new Store(home, 8);
        new AccountManager(store);
        return store;
    }

    /**
     * Inserts a service row (state RUNNING) into the default account.
     *
     * @param store the store
     * @param name the service's name
     * @return its id
     */
    public static String insertService(Store store, String name) {
        String id = UUID.randomUUID().toString();
        store.transact(c -> Sql.update(c, "INSERT INTO services(id, account_id, name, service_type, sdp_name, "
                + "sdp_version, plan, config, state, state_message, created_at, updated_at) "
                + "SELECT ?, id, ?, 'test', 'test-sdp', '1.0.0', 'small', '{}', 'RUNNING', '', 0, 0 FROM accounts "
                + "WHERE name = 'default'", id, name));
        return id;
    }
}
