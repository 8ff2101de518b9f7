package io.stratum.platform.elasticity.internal.policy;

import io.stratum.platform.api.AccountVersionDTO;
import io.stratum.platform.api.AccountVersionDTO.ChangeDTO;
import io.stratum.platform.api.Caller;
import io.stratum.platform.internal.account.AccountHistory;
import io.stratum.platform.internal.store.DataStoreService;
import io.stratum.platform.internal.store.Sql;
import io.stratum.platform.internal.store.Store;
import io.stratum.platform.spi.AccountScopes;
import io.stratum.platform.spi.store.DataStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The real engine's store (H2 through the engine's own {@link Store}, migrations and account history) with one account,
 * {@code shop} (id {@code acc}), and the engine's versioning without its access checks (which the facade makes before
 * it calls a {@link PolicyBook}).
 */
final class EngineStore implements AutoCloseable {

    private final Path home;
    private Store store;
    private AccountHistory history;

    final AccountScopes scopes = new AccountScopes() {
        @Override
        public Scope resolve(Caller caller, String account, Need need, String what) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Scope> visible(Caller caller) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long recordOrigin(String accountId, Caller caller, String origin) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long recordVersion(Connection c, String accountId, Caller caller, String summary,
                List<ChangeDTO> changes) throws SQLException {
            return AccountHistory.record(c, accountId, caller, summary, changes);
        }
    };

    EngineStore(Path home) {
        this.home = home;
        open();
        store.transact(c -> Sql.update(c, "INSERT INTO accounts(id, name, created_at) VALUES (?, ?, ?)", "acc", "shop",
                0L));
    }

    /** Opens the store (again, after {@link #close()}). */
    void open() {
        store = new Store(home, 4);
        history = new AccountHistory(store);
    }

    DataStore data() {
        return new DataStoreService(store);
    }

    /** @return the account's versions, newest first */
    List<AccountVersionDTO> versions() {
        return history.list("acc", 0);
    }

    @Override
    public void close() {
        store.close();
    }
}
