package io.stratum.platform.osb.internal;

import io.stratum.platform.spi.store.DataStore;
import io.stratum.platform.spi.store.Migration;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The broker's own tables in Stratum's store (owner {@value #OWNER}): which Stratum service each instance id is and
 * which consumer each binding id is, the digest of the request that made each (to tell a repeated request from a
 * different one) and the job of its last operation. The Stratum service, consumer and jobs stay the truth about
 * state; these rows only map ids to them. No parameter values are kept here (they may hold secrets): only their names.
 */
final class BrokerStore {

    static final String OWNER = "osb";

    static final List<Migration> MIGRATIONS = List.of(new Migration(1, "instances, bindings, spaces, catalog namespace",
            """
            CREATE TABLE IF NOT EXISTS osb_settings (
              name VARCHAR(64) PRIMARY KEY,
              val VARCHAR(400) NOT NULL
            );
            CREATE TABLE IF NOT EXISTS osb_spaces (
              account VARCHAR(64) PRIMARY KEY,
              platform VARCHAR(200) NOT NULL,
              organization_guid VARCHAR(200) NOT NULL,
              space_guid VARCHAR(200) NOT NULL,
              created_at BIGINT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS osb_instances (
              instance_id VARCHAR(200) PRIMARY KEY,
              service_id VARCHAR(200) NOT NULL,
              plan_id VARCHAR(200) NOT NULL,
              account VARCHAR(64) NOT NULL,
              service_name VARCHAR(64) NOT NULL,
              digest VARCHAR(64) NOT NULL,
              parameter_names VARCHAR(4000) NOT NULL,
              last_job BIGINT,
              last_kind VARCHAR(16) NOT NULL,
              last_digest VARCHAR(64) NOT NULL,
              created_at BIGINT NOT NULL,
              updated_at BIGINT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS osb_bindings (
              instance_id VARCHAR(200) NOT NULL,
              binding_id VARCHAR(200) NOT NULL,
              consumer VARCHAR(64) NOT NULL,
              digest VARCHAR(64) NOT NULL,
              bind_job BIGINT,
              unbind_job BIGINT,
              created_at BIGINT NOT NULL,
              updated_at BIGINT NOT NULL,
              PRIMARY KEY (instance_id, binding_id)
            );
            """));

    /** What the last operation on an instance was. */
    enum Kind {
        PROVISION, UPDATE, DEPROVISION
    }

    /**
     * An instance's row.
     *
     * @param instanceId the platform's id
     * @param serviceId the catalog's service offering id
     * @param planId the catalog's plan id
     * @param account the Stratum account
     * @param serviceName the Stratum service
     * @param digest of the provision request's attributes
     * @param parameterNames the names of the parameters it was provisioned with, comma-separated
     * @param lastJob the job of its last operation, or {@code null} (a provision whose submission did not complete)
     * @param lastKind what that operation was
     * @param lastDigest of the request of that operation
     */
    record Instance(String instanceId, String serviceId, String planId, String account, String serviceName,
            String digest, String parameterNames, Long lastJob, Kind lastKind, String lastDigest) {
    }

    /**
     * A binding's row.
     *
     * @param instanceId the instance
     * @param bindingId the platform's id
     * @param consumer the Stratum consumer
     * @param digest of the bind request's attributes
     * @param bindJob the bind job, or {@code null}
     * @param unbindJob the unbind job, or {@code null}
     */
    record Binding(String instanceId, String bindingId, String consumer, String digest, Long bindJob, Long unbindJob) {
    }

    private final DataStore store;

    BrokerStore(DataStore store) {
        this.store = store;
        store.migrate(OWNER, MIGRATIONS);
    }

    /** @return the namespace of catalog ids: made once, then the same for ever */
    UUID namespace() {
        return store.inTransaction(c -> {
            Optional<String> found = one(c, "SELECT val FROM osb_settings WHERE name = 'namespace'",
                    rs -> rs.getString(1));
            if (found.isPresent()) {
                return UUID.fromString(found.get());
            }
            UUID made = UUID.randomUUID();
            update(c, "INSERT INTO osb_settings(name, val) VALUES ('namespace', ?)", made.toString());
            return made;
        });
    }

    void space(String account, String platform, String organizationGuid, String spaceGuid) {
        store.inTransaction(c -> {
            if (one(c, "SELECT account FROM osb_spaces WHERE account = ?", rs -> rs.getString(1), account).isEmpty()) {
                update(c, "INSERT INTO osb_spaces(account, platform, organization_guid, space_guid, created_at) "
                        + "VALUES (?, ?, ?, ?, ?)", account, platform, organizationGuid, spaceGuid,
                        System.currentTimeMillis());
            }
            return null;
        });
    }

    Optional<Instance> instance(String instanceId) {
        return store.inTransaction(c -> one(c, "SELECT * FROM osb_instances WHERE instance_id = ?", BrokerStore::instance,
                instanceId));
    }

    /** Writes an instance's row (a new one, or one that replaces a row of an instance that is gone). */
    void put(Instance i) {
        store.inTransaction(c -> {
            long now = System.currentTimeMillis();
            update(c, "DELETE FROM osb_instances WHERE instance_id = ?", i.instanceId());
            update(c, "INSERT INTO osb_instances(instance_id, service_id, plan_id, account, service_name, digest, "
                    + "parameter_names, last_job, last_kind, last_digest, created_at, updated_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", i.instanceId(), i.serviceId(), i.planId(),
                    i.account(), i.serviceName(), i.digest(), i.parameterNames(), i.lastJob(), i.lastKind().name(),
                    i.lastDigest(), now, now);
            return null;
        });
    }

    void deleteInstance(String instanceId) {
        store.inTransaction(c -> {
            update(c, "DELETE FROM osb_bindings WHERE instance_id = ?", instanceId);
            return update(c, "DELETE FROM osb_instances WHERE instance_id = ?", instanceId);
        });
    }

    Optional<Binding> binding(String instanceId, String bindingId) {
        return store.inTransaction(c -> one(c, "SELECT * FROM osb_bindings WHERE instance_id = ? AND binding_id = ?",
                BrokerStore::binding, instanceId, bindingId));
    }

    void put(Binding b) {
        store.inTransaction(c -> {
            long now = System.currentTimeMillis();
            update(c, "DELETE FROM osb_bindings WHERE instance_id = ? AND binding_id = ?", b.instanceId(),
                    b.bindingId());
            update(c, "INSERT INTO osb_bindings(instance_id, binding_id, consumer, digest, bind_job, unbind_job, "
                    + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", b.instanceId(), b.bindingId(),
                    b.consumer(), b.digest(), b.bindJob(), b.unbindJob(), now, now);
            return null;
        });
    }

    void deleteBinding(String instanceId, String bindingId) {
        store.inTransaction(c -> update(c, "DELETE FROM osb_bindings WHERE instance_id = ? AND binding_id = ?",
                instanceId, bindingId));
    }

    /** @return every row of the broker's tables, for tests that check a refused request changed nothing */
    List<String> dump() {
        return store.inTransaction(c -> {
            List<String> out = new ArrayList<>();
            out.addAll(list(c, "SELECT * FROM osb_instances ORDER BY instance_id", rs -> instance(rs).toString()));
            out.addAll(list(c, "SELECT * FROM osb_bindings ORDER BY instance_id, binding_id",
                    rs -> binding(rs).toString()));
            out.addAll(list(c, "SELECT account FROM osb_spaces ORDER BY account", rs -> "space " + rs.getString(1)));
            return out;
        });
    }

    private static Instance instance(ResultSet rs) throws SQLException {
        long job = rs.getLong("last_job");
        Long lastJob = rs.wasNull() ? null : job;
        return new Instance(rs.getString("instance_id"), rs.getString("service_id"), rs.getString("plan_id"),
                rs.getString("account"), rs.getString("service_name"), rs.getString("digest"),
                rs.getString("parameter_names"), lastJob, Kind.valueOf(rs.getString("last_kind")),
                rs.getString("last_digest"));
    }

    private static Binding binding(ResultSet rs) throws SQLException {
        long bind = rs.getLong("bind_job");
        Long bindJob = rs.wasNull() ? null : bind;
        long unbind = rs.getLong("unbind_job");
        Long unbindJob = rs.wasNull() ? null : unbind;
        return new Binding(rs.getString("instance_id"), rs.getString("binding_id"), rs.getString("consumer"),
                rs.getString("digest"), bindJob, unbindJob);
    }

    @FunctionalInterface
    private interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    private static <T> List<T> list(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row.map(rs));
                }
            }
            return out;
        }
    }

    private static <T> Optional<T> one(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        List<T> rows = list(c, sql, row, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                ps.setNull(i + 1, Types.BIGINT);
            } else {
                ps.setObject(i + 1, args[i]);
            }
        }
    }
}
