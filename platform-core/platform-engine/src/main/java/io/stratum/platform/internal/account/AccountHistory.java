package io.stratum.platform.internal.account;

import com.fasterxml.jackson.core.type.TypeReference;
import io.stratum.platform.api.AccountVersionDTO;
import io.stratum.platform.api.AccountVersionDTO.ChangeDTO;
import io.stratum.platform.api.Caller;
import io.stratum.platform.internal.store.Json;
import io.stratum.platform.internal.store.Sql;
import io.stratum.platform.internal.store.Store;
import io.stratum.platform.spi.Secrets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The versioned administrative state of accounts. Every change (a service created, scaled or deleted, an
 * environment, a quota, a member) is one new version: a row with who, when, a one-line summary and the changed
 * fields with their values before and after, written in the transaction that makes the change. A version is a
 * row and a diff, never a copy; replaying the changes of versions 1..n rebuilds the account's state at n.
 * Secrets are never recorded: a secret field's values are {@value #MASK}.
 */
@Component(service = AccountHistory.class)
public final class AccountHistory {

    /** What a secret value is recorded as. */
    public static final String MASK = Secrets.MASK;

    private static final TypeReference<List<ChangeDTO>> CHANGES = new TypeReference<>() {
    };

    private final Store store;

    /**
     * @param store the store
     */
    @Activate
    public AccountHistory(@Reference Store store) {
        this.store = store;
    }

    /**
     * Records a new version of an account.
     *
     * @param c the transaction making the change
     * @param accountId the account
     * @param caller who made it
     * @param summary what changed, in one line
     * @param changes the changed fields
     * @return the new version
     * @throws SQLException on a store error
     */
    public static long record(Connection c, String accountId, Caller caller, String summary, List<ChangeDTO> changes)
            throws SQLException {
        Sql.update(c, "UPDATE accounts SET version = version + 1 WHERE id = ?", accountId);
        long version = Sql.one(c, "SELECT version FROM accounts WHERE id = ?", rs -> rs.getLong(1), accountId)
                .orElseThrow(() -> new SQLException("account " + accountId + " vanished"));
        Sql.update(c, "INSERT INTO account_versions(account_id, version, at, user_name, via, summary, changes) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)", accountId, version, Instant.now(), caller.user(),
                caller.via(), cut(summary, 1000), Json.write(changes));
        return version;
    }

    /**
     * @param accountId an account
     * @param limit at most this many, newest first (0 or less: all)
     * @return its versions, newest first
     */
    public List<AccountVersionDTO> list(String accountId, int limit) {
        return store.query(c -> Sql.list(c, "SELECT * FROM account_versions WHERE account_id = ? ORDER BY version DESC"
                + (limit > 0 ? " LIMIT " + limit : ""), rs -> new AccountVersionDTO(rs.getLong("version"),
                        Sql.instant(rs, "at"), rs.getString("user_name"), rs.getString("via"), rs.getString("summary"),
                        changes(rs.getString("changes"))), accountId));
    }

    /**
     * @param accountId an account
     * @param from the earlier version (0: before the account existed)
     * @param to the later version
     * @return each field changed after {@code from} up to {@code to}, once, with its value at both versions;
     *     fields that came back to their value are left out
     */
    public List<ChangeDTO> diff(String accountId, long from, long to) {
        Map<String, ChangeDTO> folded = new LinkedHashMap<>();
        List<AccountVersionDTO> versions = store.query(c -> Sql.list(c, "SELECT * FROM account_versions "
                + "WHERE account_id = ? AND version > ? AND version <= ? ORDER BY version",
                rs -> new AccountVersionDTO(rs.getLong("version"), Sql.instant(rs, "at"), rs.getString("user_name"),
                        rs.getString("via"), rs.getString("summary"),
                        changes(rs.getString("changes"))), accountId, from, to));
        for (AccountVersionDTO v : versions) {
            for (ChangeDTO ch : v.changes()) {
                if (ch.field().equals("*") && ch.after() == null) {
                    // removed: every field it had ends, also those its removal did not list
                    String prefix = ch.entity() + "\0" + ch.name() + "\0";
                    folded.replaceAll((k, earlier) -> k.startsWith(prefix) && earlier.after() != null
                            ? new ChangeDTO(earlier.entity(), earlier.name(), earlier.field(), earlier.before(), null)
                            : earlier);
                }
                String key = ch.entity() + "\0" + ch.name() + "\0" + ch.field();
                ChangeDTO earlier = folded.get(key);
                folded.put(key, earlier == null ? ch
                        : new ChangeDTO(ch.entity(), ch.name(), ch.field(), earlier.before(), ch.after()));
            }
        }
        List<ChangeDTO> out = new ArrayList<>();
        for (ChangeDTO ch : folded.values()) {
            if (!Objects.equals(ch.before(), ch.after())) {
                out.add(ch);
            }
        }
        return out;
    }

    /**
     * The changes that describe a thing coming into existence (or, with {@code removed}, going away): one change of
     * the whole thing ({@code *}) and one per field.
     *
     * @param entity what kind of thing
     * @param name its name
     * @param fields its fields and values
     * @param removed whether it went away rather than came
     * @return the changes
     */
    public static List<ChangeDTO> whole(String entity, String name, Map<String, String> fields, boolean removed) {
        List<ChangeDTO> out = new ArrayList<>();
        out.add(new ChangeDTO(entity, name, "*", removed ? "exists" : null, removed ? null : "exists"));
        fields.forEach((k, v) -> out.add(new ChangeDTO(entity, name, k, removed ? v : null, removed ? null : v)));
        return out;
    }

    private static List<ChangeDTO> changes(String json) {
        try {
            return Json.MAPPER.readValue(json, CHANGES);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable account history row: " + e.getMessage(), e);
        }
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
