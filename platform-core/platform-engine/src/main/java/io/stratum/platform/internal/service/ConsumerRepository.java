package io.stratum.platform.internal.service;

import io.stratum.platform.api.ConsumerDTO;
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

/**
 * SQL for {@code consumers}: applications Stratum does not run, bound to a provider service. Every value of a
 * consumer's binding is sealed in the store ({@link SecretBox}); its parameters are not secret (they are what it asked
 * of the provider, e.g. backends).
 */
public final class ConsumerRepository {

    /**
     * One row.
     *
     * @param id its id (the provider's engine knows it by this id)
     * @param accountId its account
     * @param providerId the provider service
     * @param name its name
     * @param parameters what it asked of the provider
     * @param binding what the provider handed it (opened)
     * @param state where its binding stands
     * @param stateMessage why, or empty
     * @param createdAt when it was asked for
     */
    public record Consumer(String id, String accountId, String providerId, String name, Map<String, String> parameters,
            Map<String, String> binding, ConsumerDTO.State state, String stateMessage, Instant createdAt) {

        /** Copies. */
        public Consumer {
            parameters = Map.copyOf(parameters);
            binding = Map.copyOf(binding);
        }
    }

    private final Store store;
    private final SecretBox secrets;

    /**
     * @param store the store
     */
    public ConsumerRepository(Store store) {
        this.store = store;
        this.secrets = store.secrets();
    }

    static void insert(Connection c, String id, String accountId, String providerId, String name,
            Map<String, String> parameters) throws SQLException {
        long now = System.currentTimeMillis();
        Sql.update(c, "INSERT INTO consumers(id, account_id, provider_id, name, parameters, binding, state, "
                + "state_message, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?)", id, accountId,
                providerId, name, Json.write(parameters), Json.write(Map.of()), ConsumerDTO.State.BINDING, now, now);
    }

    Optional<Consumer> byId(String id) {
        return store.query(c -> byId(c, id));
    }

    Optional<Consumer> byId(Connection c, String id) throws SQLException {
        return Sql.one(c, "SELECT * FROM consumers WHERE id = ?", this::map, id);
    }

    Optional<Consumer> byName(Connection c, String accountId, String name) throws SQLException {
        return Sql.one(c, "SELECT * FROM consumers WHERE account_id = ? AND name = ?", this::map, accountId, name);
    }

    static boolean nameTaken(Connection c, String accountId, String name) throws SQLException {
        return Sql.one(c, "SELECT id FROM consumers WHERE account_id = ? AND name = ?", rs -> rs.getString(1),
                accountId, name).isPresent();
    }

    /**
     * @param providerId a service
     * @return the consumers bound to it (in any state), by name
     */
    public List<Consumer> ofProvider(String providerId) {
        return store.query(c -> ofProvider(c, providerId));
    }

    List<Consumer> ofProvider(Connection c, String providerId) throws SQLException {
        return Sql.list(c, "SELECT * FROM consumers WHERE provider_id = ? ORDER BY name", this::map, providerId);
    }

    void bound(String id, Map<String, String> binding) {
        String json = Json.write(secrets.sealValues(binding));
        store.transact(c -> Sql.update(c, "UPDATE consumers SET binding = ?, state = ?, state_message = '', "
                + "updated_at = ? WHERE id = ?", json, ConsumerDTO.State.BOUND, System.currentTimeMillis(), id));
    }

    static void setState(Connection c, String id, ConsumerDTO.State state, String message) throws SQLException {
        Sql.update(c, "UPDATE consumers SET state = ?, state_message = ?, updated_at = ? WHERE id = ?", state,
                message.length() > 4000 ? message.substring(0, 4000) : message, System.currentTimeMillis(), id);
    }

    static boolean delete(Connection c, String id) throws SQLException {
        return Sql.update(c, "DELETE FROM consumers WHERE id = ?", id) == 1;
    }

    private Consumer map(ResultSet rs) throws SQLException {
        return new Consumer(rs.getString("id"), rs.getString("account_id"), rs.getString("provider_id"),
                rs.getString("name"), Json.readStringMap(rs.getString("parameters")),
                secrets.openValues(Json.readStringMap(rs.getString("binding"))),
                ConsumerDTO.State.valueOf(rs.getString("state")), rs.getString("state_message"),
                Sql.instant(rs, "created_at"));
    }
}
