package io.stratum.platform.internal.account;

import io.stratum.platform.api.AccountDTO;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.internal.store.Sql;
import io.stratum.platform.internal.store.Store;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Accounts (tenants). Every service belongs to exactly one account; the {@code default} account always
 * exists. Users, roles and versioned administrative state will hang off the account id.
 */
@Component(service = AccountManager.class)
public final class AccountManager {

    /** Names of accounts and services: lower-case letters, digits and dashes, starting with a letter. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    private final Store store;

    /**
     * @param store the store
     */
    @Activate
    public AccountManager(@Reference Store store) {
        this.store = store;
        store.transact(c -> {
            if (find(c, PlatformService.DEFAULT_ACCOUNT).isEmpty()) {
                insert(c, PlatformService.DEFAULT_ACCOUNT);
            }
        });
    }

    /** @return all accounts by name */
    public List<AccountDTO> list() {
        return store.query(c -> Sql.list(c, "SELECT * FROM accounts ORDER BY name", AccountManager::map));
    }

    /**
     * @param name a new account's name
     * @return the account
     */
    public AccountDTO create(String name) {
        checkName("account", name);
        return store.inTransaction(c -> {
            if (find(c, name).isPresent()) {
                throw new PlatformException(Reason.ALREADY_EXISTS, "account '" + name + "' already exists");
            }
            return insert(c, name);
        });
    }

    /**
     * @param c a connection
     * @param name an account name
     * @return the account
     * @throws SQLException on a store error
     * @throws PlatformException NOT_FOUND if there is none
     */
    public AccountDTO require(Connection c, String name) throws SQLException {
        return find(c, name).orElseThrow(() -> new PlatformException(Reason.NOT_FOUND,
                "no account '" + name + "' (see stratum:account-list)"));
    }

    /**
     * @param name an account name
     * @return the account
     */
    public AccountDTO require(String name) {
        return store.query(c -> require(c, name));
    }

    /**
     * @param kind what is named ("account", "service")
     * @param name the name to check
     * @throws PlatformException INVALID if the name is not allowed
     */
    public static void checkName(String kind, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new PlatformException(Reason.INVALID, "invalid " + kind + " name '" + name
                    + "': use 1 to 63 lower-case letters, digits and dashes, starting with a letter");
        }
    }

    private static Optional<AccountDTO> find(Connection c, String name) throws SQLException {
        return Sql.one(c, "SELECT * FROM accounts WHERE name = ?", AccountManager::map, name);
    }

    private static AccountDTO insert(Connection c, String name) throws SQLException {
        AccountDTO account = new AccountDTO(UUID.randomUUID().toString(), name, Instant.now());
        Sql.update(c, "INSERT INTO accounts(id, name, created_at) VALUES (?, ?, ?)",
                account.id(), account.name(), account.createdAt());
        return account;
    }

    private static AccountDTO map(ResultSet rs) throws SQLException {
        return new AccountDTO(rs.getString("id"), rs.getString("name"), Sql.instant(rs, "created_at"));
    }
}
