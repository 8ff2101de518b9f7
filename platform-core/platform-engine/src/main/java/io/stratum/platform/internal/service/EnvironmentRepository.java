package io.stratum.platform.internal.service;

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
import java.util.function.UnaryOperator;

/**
 * SQL for {@code environments}. The values of each member's configuration are sealed in the store
 * ({@link SecretBox}), as they are in the member's service row.
 */
public final class EnvironmentRepository {

    private static final String SELECT = "SELECT e.*, a.name AS account_name FROM environments e "
            + "JOIN accounts a ON a.id = e.account_id ";

    private final Store store;
    private final SecretBox secrets;

    /**
     * @param store the store
     */
    public EnvironmentRepository(Store store) {
        this.store = store;
        this.secrets = store.secrets();
    }

    Optional<EnvironmentRecord> byId(String id) {
        return store.query(c -> Sql.one(c, SELECT + "WHERE e.id = ?", this::map, id));
    }

    Optional<EnvironmentRecord> byName(Connection c, String accountId, String name) throws SQLException {
        return Sql.one(c, SELECT + "WHERE e.account_id = ? AND e.name = ?", this::map, accountId, name);
    }

    Optional<EnvironmentRecord> byName(String accountId, String name) {
        return store.query(c -> byName(c, accountId, name));
    }

    List<EnvironmentRecord> ofAccount(String accountId) {
        return store.query(c -> Sql.list(c, SELECT + "WHERE e.account_id = ? ORDER BY e.name",
                this::map, accountId));
    }

    void insert(Connection c, String id, String accountId, String name, EnvironmentSpec spec) throws SQLException {
        Instant now = Instant.now();
        Sql.update(c, "INSERT INTO environments(id, account_id, name, spec, state, state_message, active_job_id, "
                + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, '', NULL, ?, ?)", id, accountId, name,
                Json.write(withConfig(spec, secrets::sealValues)),
                EnvironmentRecord.CREATING, now, now);
    }

    static void setState(Connection c, String id, String state, String message) throws SQLException {
        Sql.update(c, "UPDATE environments SET state = ?, state_message = ?, updated_at = ? WHERE id = ?", state,
                message.length() <= 4000 ? message : message.substring(0, 3997) + "...", Instant.now(), id);
    }

    static boolean delete(Connection c, String id) throws SQLException {
        return Sql.update(c, "DELETE FROM environments WHERE id = ?", id) > 0;
    }

    private static EnvironmentSpec withConfig(EnvironmentSpec spec,
            UnaryOperator<Map<String, String>> f) {
        return new EnvironmentSpec(spec.name(), spec.account(), spec.services().stream()
                .map(m -> new EnvironmentSpec.Member(m.name(), m.type(), m.plan(), m.version(), f.apply(m.config()),
                        m.providers(), m.params())).toList(), spec.levels());
    }

    private EnvironmentRecord map(ResultSet rs) throws SQLException {
        long job = rs.getLong("active_job_id");
        if (rs.wasNull()) {
            job = 0;
        }
        return new EnvironmentRecord(rs.getString("id"), rs.getString("account_id"), rs.getString("account_name"),
                rs.getString("name"), withConfig(Json.read(rs.getString("spec"), EnvironmentSpec.class), secrets::openValues),
                rs.getString("state"),
                rs.getString("state_message"), job, Sql.instant(rs, "created_at"));
    }
}
