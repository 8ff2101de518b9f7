package io.stratum.platform.internal.account;

import io.stratum.platform.api.AccountDTO;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.QuotaDTO;
import io.stratum.platform.internal.store.Json;
import io.stratum.platform.internal.store.SecretBox;
import io.stratum.platform.internal.store.Sql;
import io.stratum.platform.internal.store.Store;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Accounts (tenants) and their quotas. Every service belongs to exactly one account; the {@code default} account
 * always exists. Who may act on an account is {@link AccessControl}'s business; what changed in it, version by
 * version, is {@link AccountHistory}'s.
 * <p>
 * Usage, in a quota's terms: every service counts (external ones too); a service Stratum runs counts its runtimes
 * (at least its configured {@code instances}, else 1) as instances, and each instance its configured
 * {@code heapMb} as memory.
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

    /** @return all accounts by name, with their usage */
    public List<AccountDTO> list() {
        return store.query(c -> {
            List<AccountDTO> out = new java.util.ArrayList<>();
            for (AccountDTO a : Sql.list(c, "SELECT * FROM accounts ORDER BY name", AccountManager::map)) {
                out.add(withUsage(c, a));
            }
            return out;
        });
    }

    /**
     * @param c the transaction
     * @param name a new account's name
     * @return the account
     * @throws SQLException on a store error
     */
    public AccountDTO create(Connection c, String name) throws SQLException {
        checkName("account", name);
        if (find(c, name).isPresent()) {
            throw new PlatformException(Reason.ALREADY_EXISTS, "account '" + name + "' already exists");
        }
        return insert(c, name);
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

    /**
     * @param c a connection
     * @param name an account name
     * @return the account, if it exists
     * @throws SQLException on a store error
     */
    public Optional<AccountDTO> find(Connection c, String name) throws SQLException {
        Optional<AccountDTO> a = Sql.one(c, "SELECT * FROM accounts WHERE name = ?", AccountManager::map, name);
        return a.isPresent() ? Optional.of(withUsage(c, a.get())) : a;
    }

    /**
     * @param c the transaction
     * @param name the account
     * @param quota its new limits
     * @return the account before the change
     * @throws SQLException on a store error
     */
    public AccountDTO setQuota(Connection c, String name, QuotaDTO quota) throws SQLException {
        if (quota.maxServices() < -1 || quota.maxInstances() < -1 || quota.maxMemoryMb() < -1) {
            throw new PlatformException(Reason.INVALID, "a quota is a number of 0 or more, or -1 for no limit");
        }
        AccountDTO before = require(c, name);
        Sql.update(c, "UPDATE accounts SET max_services = ?, max_instances = ?, max_memory_mb = ? WHERE id = ?",
                quota.maxServices(), quota.maxInstances(), quota.maxMemoryMb(), before.id());
        return before;
    }

    /**
     * What {@link #delete} removed with an account.
     *
     * @param account the account as it was
     * @param memberships the memberships of users it had (the users stay)
     * @param versions the versions of its history
     */
    public record Deleted(AccountDTO account, int memberships, int versions) {
    }

    /**
     * Deletes an account with its quota, its users' memberships and its history. Refused while anything of it is
     * left that would be lost or orphaned: services, environments, consumers, or a job that has not ended. It takes
     * the account's row lock first, as {@link #checkQuota} does, so a service or environment created at the same
     * time either is there to refuse the delete or finds the account gone.
     *
     * @param c the transaction
     * @param name the account's name
     * @param elsewhere what other bundles keep of it (see {@link io.stratum.platform.spi.AccountContents}), each
     *     naming the things and how to remove them; the delete is refused unless empty
     * @return what went with it
     * @throws SQLException on a store error
     * @throws PlatformException NOT_FOUND if there is no such account; INVALID for the default account, and while
     *     it has services, environments, consumers, unfinished jobs or anything {@code elsewhere} (each named)
     */
    public Deleted delete(Connection c, String name, List<String> elsewhere) throws SQLException {
        if (PlatformService.DEFAULT_ACCOUNT.equals(name)) {
            throw new PlatformException(Reason.INVALID, "the '" + PlatformService.DEFAULT_ACCOUNT + "' account cannot "
                    + "be deleted: it always exists, and commands use it when no account is named");
        }
        AccountDTO a = require(c, name);
        Sql.update(c, "UPDATE accounts SET version = version WHERE id = ?", a.id()); // row lock, as checkQuota
        Optional<Long> locked = Sql.one(c, "SELECT active_job_id FROM accounts WHERE id = ?", rs -> rs.getLong(1),
                a.id()).filter(id -> id != 0); // getLong: 0 for NULL
        List<String> left = new java.util.ArrayList<>();
        names(left, "services", "stratum:service-delete", Sql.list(c, "SELECT name FROM services WHERE account_id = ? "
                + "ORDER BY name", rs -> rs.getString(1), a.id()));
        names(left, "environments", "stratum:env-delete", Sql.list(c, "SELECT name FROM environments WHERE "
                + "account_id = ? ORDER BY name", rs -> rs.getString(1), a.id()));
        names(left, "consumers", "stratum:consumer-unbind", Sql.list(c, "SELECT name FROM consumers WHERE "
                + "account_id = ? ORDER BY name", rs -> rs.getString(1), a.id()));
        List<String> jobs = new java.util.ArrayList<>(Sql.list(c, "SELECT id, kind FROM jobs WHERE account_id = ? AND "
                + "state NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED') ORDER BY id", rs -> rs.getLong(1) + " ("
                + rs.getString(2) + ")", a.id()));
        locked.filter(id -> jobs.stream().noneMatch(j -> j.startsWith(id + " "))).ifPresent(id -> jobs.add(0,
                Long.toString(id)));
        if (!jobs.isEmpty()) {
            left.add("unfinished jobs " + String.join(", ", jobs) + " (wait for them with stratum:job-wait)");
        }
        left.addAll(elsewhere);
        if (!left.isEmpty()) {
            throw new PlatformException(Reason.INVALID, "account '" + name + "' still has " + String.join("; ", left)
                    + "; an account is deleted only when nothing is left in it");
        }
        int memberships = Sql.update(c, "DELETE FROM memberships WHERE account_id = ?", a.id());
        int versions = Sql.update(c, "DELETE FROM account_versions WHERE account_id = ?", a.id());
        Sql.update(c, "DELETE FROM accounts WHERE id = ?", a.id());
        return new Deleted(a, memberships, versions);
    }

    /** Adds e.g. "services 'a', 'b' (stratum:service-delete)" when there are any: ten named at most, more counted. */
    private static void names(List<String> out, String what, String how, List<String> names) {
        if (names.isEmpty()) {
            return;
        }
        String shown = names.stream().limit(10).map(n -> "'" + n + "'").collect(java.util.stream.Collectors.joining(
                ", ")) + (names.size() > 10 ? " and " + (names.size() - 10) + " more" : "");
        out.add(what + " " + shown + " (" + how + ")");
    }

    /**
     * Refuses a request that would take an account over its quota. Call it in the transaction that records the
     * request: it locks the account's row, so two requests cannot both pass on the same room.
     *
     * @param c the transaction
     * @param secrets what opens the sealed configuration values
     * @param accountId the account
     * @param what the request, for the message (e.g. "creating 'shop'")
     * @param services services the request adds
     * @param instances runtime instances it adds
     * @param memoryMb memory it adds, in MiB
     * @throws SQLException on a store error
     * @throws PlatformException QUOTA_EXCEEDED with the numbers
     */
    public static void checkQuota(Connection c, SecretBox secrets, String accountId, String what, int services,
            int instances, long memoryMb) throws SQLException {
        Sql.update(c, "UPDATE accounts SET version = version WHERE id = ?", accountId); // row lock
        AccountDTO a = withUsage(c, Sql.one(c, "SELECT * FROM accounts WHERE id = ?", AccountManager::map, accountId)
                .orElseThrow(() -> new PlatformException(Reason.NOT_FOUND, "the account no longer exists")), secrets);
        List<String> over = new java.util.ArrayList<>();
        over(over, "services", a.quota().maxServices(), a.usage().maxServices(), services);
        over(over, "instances", a.quota().maxInstances(), a.usage().maxInstances(), instances);
        over(over, "memory (MiB)", a.quota().maxMemoryMb(), a.usage().maxMemoryMb(), memoryMb);
        if (!over.isEmpty()) {
            throw new PlatformException(Reason.QUOTA_EXCEEDED, what + " would exceed the quota of account '"
                    + a.name() + "': " + String.join("; ", over) + " (a platform admin can raise it with "
                    + "stratum:account-quota)");
        }
    }

    private static void over(List<String> out, String what, long limit, long used, long adding) {
        if (limit >= 0 && adding > 0 && used + adding > limit) {
            out.add(what + ": " + used + " used + " + adding + " asked = " + (used + adding) + " > limit " + limit);
        }
    }

    /**
     * @param config a service's effective configuration
     * @return how many instances it asks for (its {@code instances}, else 1)
     */
    public static int instancesOf(Map<String, String> config) {
        try {
            return Math.max(1, Integer.parseInt(config.getOrDefault("instances", "1")));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /**
     * @param config a service's effective configuration
     * @return the memory each of its instances is given, in MiB (its {@code heapMb}, else 0)
     */
    public static long memoryOf(Map<String, String> config) {
        try {
            return Math.max(0, Long.parseLong(config.getOrDefault("heapMb", "0")));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private AccountDTO withUsage(Connection c, AccountDTO a) throws SQLException {
        return withUsage(c, a, store.secrets());
    }

    private static AccountDTO withUsage(Connection c, AccountDTO a, SecretBox secrets) throws SQLException {
        long[] used = new long[3];
        Sql.list(c, "SELECT s.config, s.external, (SELECT COUNT(*) FROM runtimes r WHERE r.service_id = s.id) AS n "
                + "FROM services s WHERE s.account_id = ?", rs -> {
                    used[0]++;
                    if (!rs.getBoolean("external")) {
                        Map<String, String> config = secrets.openValues(Json.readStringMap(rs.getString("config")));
                        int instances = Math.max(rs.getInt("n"), instancesOf(config));
                        used[1] += instances;
                        used[2] += instances * memoryOf(config);
                    }
                    return null;
                }, a.id());
        return new AccountDTO(a.id(), a.name(), a.createdAt(), a.version(), a.quota(),
                new QuotaDTO((int) used[0], (int) used[1], used[2]));
    }

    private static AccountDTO insert(Connection c, String name) throws SQLException {
        AccountDTO account = new AccountDTO(UUID.randomUUID().toString(), name, Instant.now(), 0, QuotaDTO.UNLIMITED,
                new QuotaDTO(0, 0, 0));
        Sql.update(c, "INSERT INTO accounts(id, name, created_at) VALUES (?, ?, ?)",
                account.id(), account.name(), account.createdAt());
        return account;
    }

    private static AccountDTO map(ResultSet rs) throws SQLException {
        return new AccountDTO(rs.getString("id"), rs.getString("name"), Sql.instant(rs, "created_at"),
                rs.getLong("version"), new QuotaDTO(rs.getInt("max_services"), rs.getInt("max_instances"),
                        rs.getLong("max_memory_mb")), QuotaDTO.UNLIMITED);
    }
}
