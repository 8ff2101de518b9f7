package io.stratum.platform.internal.service;

import io.stratum.platform.api.ServiceState;
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
import java.util.concurrent.ConcurrentHashMap;
import io.stratum.sme.api.descriptor.SdpDescriptor;
import java.util.Optional;

/**
 * SQL for {@code services} and {@code service_properties}. Every property value and every value of a service's
 * configuration is sealed in the store ({@link SecretBox}): engines keep generated passwords in properties, and an
 * external service's configuration is its credentials.
 */
public final class ServiceRepository {

    private static final String SELECT = "SELECT s.*, a.name AS account_name FROM services s "
            + "JOIN accounts a ON a.id = s.account_id ";

    private final Store store;
    private final SecretBox secrets;

    /** Descriptors of services: they never change, so they are read once. */
    private final Map<String, SdpDescriptor> descriptors = new ConcurrentHashMap<>();

    /**
     * @param store the store
     */
    public ServiceRepository(Store store) {
        this.store = store;
        this.secrets = store.secrets();
    }

    /**
     * @param id a service id
     * @return the service
     */
    public Optional<ServiceRecord> byId(String id) {
        return store.query(c -> byId(c, id));
    }

    Optional<ServiceRecord> byId(Connection c, String id) throws SQLException {
        return Sql.one(c, SELECT + "WHERE s.id = ?", this::map, id);
    }

    Optional<ServiceRecord> byName(Connection c, String accountId, String name) throws SQLException {
        return Sql.one(c, SELECT + "WHERE s.account_id = ? AND s.name = ?", this::map, accountId, name);
    }

    List<ServiceRecord> ofAccount(String accountId) {
        return store.query(c -> Sql.list(c, SELECT + "WHERE s.account_id = ? ORDER BY s.name",
                this::map, accountId));
    }

    List<ServiceRecord> ofEnvironment(String environmentId) {
        return store.query(c -> Sql.list(c, SELECT + "WHERE s.environment_id = ? ORDER BY s.name",
                this::map, environmentId));
    }

    List<ServiceRecord> all() {
        return store.query(c -> Sql.list(c, SELECT + "ORDER BY a.name, s.name", this::map));
    }

    void insert(Connection c, ServiceRecord s) throws SQLException {
        Sql.update(c, "INSERT INTO services(id, account_id, name, service_type, sdp_name, sdp_version, plan, config, "
                + "state, state_message, active_job_id, created_at, updated_at, environment_id, external) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
                s.id(), s.accountId(), s.name(), s.serviceType(), s.sdpName(), s.sdpVersion(), s.plan(),
                Json.write(secrets.sealValues(s.config())), s.state(), s.stateMessage(), s.createdAt(), s.updatedAt(), s.environmentId(),
                s.external());
    }

    static void setState(Connection c, String id, ServiceState state, String message) throws SQLException {
        Sql.update(c, "UPDATE services SET state = ?, state_message = ?, updated_at = ? WHERE id = ?",
                state, message == null ? "" : cut(message), Instant.now(), id);
    }

    /**
     * Takes the row lock of a service that is to become a provider, unless it is being deleted: a delete submitted
     * at the same time (which marks it DELETING, then looks for dependants) waits for this transaction, and sees the
     * association it records.
     *
     * @return whether the service exists and is not being deleted
     */
    void setConfig(Connection c, String id, Map<String, String> config) throws SQLException {
        Sql.update(c, "UPDATE services SET config = ?, updated_at = ? WHERE id = ?",
                Json.write(secrets.sealValues(config)), Instant.now(), id);
    }

    /**
     * Records the descriptor of the SDP version a service is created with.
     *
     * @param c the creating transaction
     * @param id the service's id
     * @param descriptor the descriptor
     * @throws SQLException on a store error
     */
    void setDescriptor(Connection c, String id, SdpDescriptor descriptor) throws SQLException {
        Sql.update(c, "UPDATE services SET descriptor = ? WHERE id = ?", Json.write(descriptor), id);
        descriptors.remove(id);
    }

    /**
     * @param id a service's id
     * @return the descriptor of the SDP version it was created with, if recorded (services created before the
     *     platform kept it have none: theirs is the catalog's descriptor of that version)
     */
    Optional<SdpDescriptor> descriptor(String id) {
        SdpDescriptor known = descriptors.get(id);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<SdpDescriptor> stored = store.query(c -> Sql.one(c, "SELECT COALESCE(descriptor, '') AS d FROM "
                + "services WHERE id = ?", rs -> rs.getString("d"), id)).filter(text -> !text.isEmpty())
                .map(text -> Json.read(text, SdpDescriptor.class));
        stored.ifPresent(d -> descriptors.put(id, d));
        return stored;
    }

    static boolean lockUnlessDeleting(Connection c, String id) throws SQLException {
        return Sql.update(c, "UPDATE services SET updated_at = updated_at WHERE id = ? AND state <> ?", id,
                ServiceState.DELETING) == 1;
    }

    static boolean delete(Connection c, String id) throws SQLException {
        Sql.update(c, "DELETE FROM service_properties WHERE service_id = ?", id);
        Sql.update(c, "DELETE FROM consumers WHERE provider_id = ?", id);
        return Sql.update(c, "DELETE FROM services WHERE id = ?", id) > 0;
    }

    Optional<String> property(String serviceId, String key) {
        return store.query(c -> Sql.one(c, "SELECT prop_value FROM service_properties WHERE service_id = ? "
                + "AND prop_key = ?", rs -> secrets.open(rs.getString(1)), serviceId, key));
    }

    void putProperty(String serviceId, String key, String plaintext) {
        String value = secrets.seal(plaintext);
        store.transact(c -> {
            if (Sql.update(c, "UPDATE service_properties SET prop_value = ? WHERE service_id = ? AND prop_key = ?",
                    value, serviceId, key) == 0) {
                Sql.update(c, "INSERT INTO service_properties(service_id, prop_key, prop_value) VALUES (?, ?, ?)",
                        serviceId, key, value);
            }
        });
    }

    void removeProperty(String serviceId, String key) {
        store.transact(c -> Sql.update(c, "DELETE FROM service_properties WHERE service_id = ? AND prop_key = ?",
                serviceId, key));
    }

    List<String[]> properties(String serviceId) {
        return store.query(c -> Sql.list(c, "SELECT prop_key, prop_value FROM service_properties WHERE service_id = ? "
                + "ORDER BY prop_key", rs -> new String[] {rs.getString(1), secrets.open(rs.getString(2))}, serviceId));
    }

    private static String cut(String s) {
        return s.length() <= 4000 ? s : s.substring(0, 3997) + "...";
    }

    private ServiceRecord map(ResultSet rs) throws SQLException {
        long job = rs.getLong("active_job_id");
        if (rs.wasNull()) {
            job = 0;
        }
        return new ServiceRecord(rs.getString("id"), rs.getString("account_id"), rs.getString("account_name"),
                rs.getString("name"), rs.getString("service_type"), rs.getString("sdp_name"),
                rs.getString("sdp_version"), rs.getString("plan"),
                secrets.openValues(Json.readStringMap(rs.getString("config"))),
                ServiceState.valueOf(rs.getString("state")), rs.getString("state_message"), job,
                Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"), rs.getString("environment_id"),
                rs.getBoolean("external"));
    }
}
