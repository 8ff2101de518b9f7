package io.stratum.platform.internal.runtime;

import io.stratum.platform.internal.store.Json;
import io.stratum.platform.internal.store.SecretBox;
import io.stratum.platform.internal.store.Sql;
import io.stratum.platform.internal.store.Store;
import io.stratum.sme.api.runtime.RuntimeInfo;
import io.stratum.sme.api.runtime.RuntimeState;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SQL for the {@code runtimes} table. The values of a runtime's environment are sealed in the store
 * ({@link SecretBox}): they carry the credentials of its service's bindings (e.g. {@code DATABASE_PASSWORD}).
 */
final class RuntimeRepository {

    private final Store store;
    private final SecretBox secrets;

    RuntimeRepository(Store store) {
        this.store = store;
        this.secrets = store.secrets();
    }

    Optional<RuntimeRecord> find(String serviceId, String name) {
        return store.query(c -> Sql.one(c, "SELECT * FROM runtimes WHERE service_id = ? AND name = ?",
                this::map, serviceId, name));
    }

    Optional<RuntimeRecord> byId(String id) {
        return store.query(c -> Sql.one(c, "SELECT * FROM runtimes WHERE id = ?", this::map, id));
    }

    List<RuntimeRecord> ofService(String serviceId) {
        return store.query(c -> Sql.list(c, "SELECT * FROM runtimes WHERE service_id = ? ORDER BY name",
                this::map, serviceId));
    }

    /**
     * What a service's runtimes show (no spec: nothing is parsed or unsealed that a listing does not show).
     *
     * @param serviceId a service
     * @return its runtimes in name order
     */
    List<RuntimeInfo> infosOfService(String serviceId) {
        return store.query(c -> Sql.list(c, "SELECT " + INFO_COLUMNS + " FROM runtimes WHERE service_id = ? "
                + "ORDER BY name", RuntimeRepository::info, serviceId));
    }

    /**
     * What the runtimes of every service of an account show, in one query (for listings).
     *
     * @param accountId an account
     * @return the runtimes by service id, each list in name order
     */
    Map<String, List<RuntimeInfo>> infosOfAccount(String accountId) {
        Map<String, List<RuntimeInfo>> out = new HashMap<>();
        store.query(c -> Sql.list(c, "SELECT service_id, " + INFO_COLUMNS + " FROM runtimes WHERE service_id IN "
                + "(SELECT id FROM services WHERE account_id = ?) ORDER BY service_id, name", rs -> {
                    out.computeIfAbsent(rs.getString("service_id"), k -> new ArrayList<>()).add(info(rs));
                    return null;
                }, accountId));
        return out;
    }

    private static final String INFO_COLUMNS = "name, state, pid, pid_started, ports, work_dir, log_file, restarts, "
            + "message";

    /** The same as {@link RuntimeRecord#toInfo()} of the row's record, read from the columns it needs. */
    private static RuntimeInfo info(ResultSet rs) throws SQLException {
        long pid = rs.getLong("pid");
        Long pidOrNull = rs.wasNull() ? null : pid;
        long started = rs.getLong("pid_started");
        Long startedOrNull = rs.wasNull() ? null : started;
        return RuntimeRecord.info(rs.getString("name"), RuntimeState.valueOf(rs.getString("state")), pidOrNull,
                startedOrNull, Json.readIntMap(rs.getString("ports")), Path.of(rs.getString("work_dir")),
                Path.of(rs.getString("log_file")), rs.getInt("restarts"), rs.getString("message"));
    }

    List<RuntimeRecord> all() {
        return store.query(c -> Sql.list(c, "SELECT * FROM runtimes ORDER BY created_at", this::map));
    }

    List<Integer> allPorts() {
        return all().stream().flatMap(r -> r.ports().values().stream()).toList();
    }

    void insert(RuntimeRecord r) {
        long now = System.currentTimeMillis();
        store.transact(c -> Sql.update(c, "INSERT INTO runtimes(id, service_id, name, state, desired, spec, ports, "
                + "work_dir, log_file, pid, pid_started, restarts, restart_times, next_restart_at, message, "
                + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                r.id(), r.serviceId(), r.name(), r.state(), r.desired(), Json.write(StoredSpec.of(r.spec(), secrets)),
                Json.write(r.ports()), r.workDir().toString(), r.logFile().toString(), r.pid(), r.pidStarted(),
                r.restarts(), Json.write(r.restartTimes()), r.nextRestartAt(), r.message(), now, now));
    }

    void update(RuntimeRecord r) {
        store.transact(c -> Sql.update(c, "UPDATE runtimes SET state = ?, desired = ?, spec = ?, ports = ?, "
                + "pid = ?, pid_started = ?, restarts = ?, restart_times = ?, next_restart_at = ?, message = ?, "
                + "updated_at = ? WHERE id = ?",
                r.state(), r.desired(), Json.write(StoredSpec.of(r.spec(), secrets)), Json.write(r.ports()), r.pid(),
                r.pidStarted(), r.restarts(), Json.write(r.restartTimes()), r.nextRestartAt(),
                truncate(r.message()), System.currentTimeMillis(), r.id()));
    }

    void delete(String id) {
        store.transact(c -> Sql.update(c, "DELETE FROM runtimes WHERE id = ?", id));
    }

    private static String truncate(String s) {
        return s.length() <= 4000 ? s : s.substring(0, 3997) + "...";
    }

    private RuntimeRecord map(ResultSet rs) throws SQLException {
        long pid = rs.getLong("pid");
        Long pidOrNull = rs.wasNull() ? null : pid;
        long started = rs.getLong("pid_started");
        Long startedOrNull = rs.wasNull() ? null : started;
        long next = rs.getLong("next_restart_at");
        Long nextOrNull = rs.wasNull() ? null : next;
        return new RuntimeRecord(rs.getString("id"), rs.getString("service_id"), rs.getString("name"),
                RuntimeState.valueOf(rs.getString("state")), RuntimeState.valueOf(rs.getString("desired")),
                Json.read(rs.getString("spec"), StoredSpec.class).toSpec(secrets), Json.readIntMap(rs.getString("ports")),
                Path.of(rs.getString("work_dir")), Path.of(rs.getString("log_file")), pidOrNull, startedOrNull,
                rs.getInt("restarts"), Json.readLongList(rs.getString("restart_times")), nextOrNull,
                rs.getString("message"));
    }
}
