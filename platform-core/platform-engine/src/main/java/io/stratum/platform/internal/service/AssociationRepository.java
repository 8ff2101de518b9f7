package io.stratum.platform.internal.service;

import io.stratum.platform.internal.store.Json;
import io.stratum.platform.internal.store.SecretBox;
import io.stratum.platform.internal.store.Sql;
import io.stratum.platform.internal.store.Store;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL for {@code associations}. Every value of a binding is sealed in the store ({@link SecretBox}). */
public final class AssociationRepository {

    private final Store store;
    private final SecretBox secrets;

    /**
     * @param store the store
     */
    public AssociationRepository(Store store) {
        this.store = store;
        this.secrets = store.secrets();
    }

    /**
     * @param dependantId a service id
     * @return its associations with its providers, by provider type
     */
    public List<Association> providersOf(String dependantId) {
        return store.query(c -> Sql.list(c, "SELECT * FROM associations WHERE dependant_id = ? ORDER BY provider_type",
                this::map, dependantId));
    }

    /**
     * @param accountId an account id
     * @return every association whose dependant or provider is a service of the account, in one query (for
     *     listings)
     */
    public List<Association> ofAccount(String accountId) {
        return store.query(c -> Sql.list(c, "SELECT * FROM associations WHERE dependant_id IN "
                + "(SELECT id FROM services WHERE account_id = ?) OR provider_id IN "
                + "(SELECT id FROM services WHERE account_id = ?) ORDER BY provider_type, dependant_id", this::map,
                accountId, accountId));
    }

    /**
     * @param providerId a service id
     * @return the associations of the services that use it as their provider
     */
    public List<Association> dependantsOf(String providerId) {
        return store.query(c -> dependantsOf(c, providerId));
    }

    List<Association> dependantsOf(Connection c, String providerId) throws SQLException {
        return Sql.list(c, "SELECT * FROM associations WHERE provider_id = ? ORDER BY dependant_id",
                this::map, providerId);
    }

    /**
     * Records, when a create job is submitted, that the new service will use a provider (with no binding yet: its
     * associate task asks the provider for one), so that the provider cannot be deleted from under the job.
     */
    static void reserve(Connection c, String dependantId, String providerType, String providerId) throws SQLException {
        insert(c, dependantId, providerType, providerId, Json.write(Map.of()), false, System.currentTimeMillis());
    }

    private static void insert(Connection c, String dependantId, String providerType, String providerId,
            String bindingJson, boolean bound, long now) throws SQLException {
        Sql.update(c, "INSERT INTO associations(dependant_id, provider_type, provider_id, binding, bound, created_at, "
                + "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", dependantId, providerType, providerId, bindingJson, bound,
                now, now);
    }

    Optional<Association> find(String dependantId, String providerType) {
        return store.query(c -> Sql.one(c, "SELECT * FROM associations WHERE dependant_id = ? AND provider_type = ?",
                this::map, dependantId, providerType));
    }

    void save(String dependantId, String providerType, String providerId, Map<String, String> binding) {
        long now = System.currentTimeMillis();
        String json = Json.write(secrets.sealValues(binding));
        store.transact(c -> {
            if (Sql.update(c, "UPDATE associations SET provider_id = ?, binding = ?, bound = TRUE, updated_at = ? "
                    + "WHERE dependant_id = ? AND provider_type = ?", providerId, json, now, dependantId,
                    providerType) == 0) {
                insert(c, dependantId, providerType, providerId, json, true, now);
            }
        });
    }

    void delete(String dependantId, String providerType) {
        store.transact(c -> Sql.update(c, "DELETE FROM associations WHERE dependant_id = ? AND provider_type = ?",
                dependantId, providerType));
    }

    private Association map(ResultSet rs) throws SQLException {
        return new Association(rs.getString("dependant_id"), rs.getString("provider_type"),
                rs.getString("provider_id"), secrets.openValues(Json.readStringMap(rs.getString("binding"))),
                rs.getBoolean("bound"));
    }
}
