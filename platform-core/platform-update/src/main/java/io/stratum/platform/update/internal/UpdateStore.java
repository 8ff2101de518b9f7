package io.stratum.platform.update.internal;

import io.stratum.platform.api.UpdateDTO;
import io.stratum.platform.spi.store.DataStore;
import io.stratum.platform.spi.store.Migration;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The update manager's tables in the platform's store (owner {@value #OWNER}): {@code update_updates}, one row per
 * update with the configurations it moves between, and {@code update_windows}, the maintenance window a service's
 * owner set (services without a row have the configured default). State changes are conditional
 * ({@code WHERE state = ...}), so that two threads never both move one update on.
 */
@Component(service = UpdateStore.class)
public final class UpdateStore {

    /** The store's owner of these tables. */
    static final String OWNER = "platform-update";

    static final List<Migration> MIGRATIONS = List.of(new Migration(1, "updates and maintenance windows", """
            CREATE TABLE IF NOT EXISTS update_updates (
              id VARCHAR(36) PRIMARY KEY,
              account_id VARCHAR(36) NOT NULL,
              account_name VARCHAR(64) NOT NULL,
              service_id VARCHAR(36) NOT NULL,
              service_name VARCHAR(64) NOT NULL,
              service_type VARCHAR(64) NOT NULL,
              type VARCHAR(8) NOT NULL,
              from_version VARCHAR(32) NOT NULL,
              to_version VARCHAR(32) NOT NULL,
              patch_id VARCHAR(100),
              mode VARCHAR(8) NOT NULL,
              state VARCHAR(10) NOT NULL,
              not_before BIGINT NOT NULL,
              forced BOOLEAN NOT NULL,
              job_id BIGINT,
              requested_by VARCHAR(200) NOT NULL,
              requested_via VARCHAR(20) NOT NULL,
              requested_at BIGINT NOT NULL,
              ended_at BIGINT,
              message VARCHAR(4000) NOT NULL,
              configuration CLOB NOT NULL,
              before_configuration CLOB NOT NULL
            );
            CREATE INDEX IF NOT EXISTS update_updates_state ON update_updates(state, not_before);
            CREATE INDEX IF NOT EXISTS update_updates_service ON update_updates(service_id, state);
            CREATE TABLE IF NOT EXISTS update_windows (
              service_id VARCHAR(36) PRIMARY KEY,
              account_id VARCHAR(36) NOT NULL,
              frame VARCHAR(200) NOT NULL,
              zone VARCHAR(64) NOT NULL,
              slot1 VARCHAR(200) NOT NULL,
              slot2 VARCHAR(200) NOT NULL,
              slot3 VARCHAR(200) NOT NULL,
              chosen_slot INT NOT NULL,
              slot_assigned BOOLEAN NOT NULL,
              notify_email VARCHAR(320) NOT NULL,
              set_by VARCHAR(200) NOT NULL,
              set_at BIGINT NOT NULL
            );
            """));

    /**
     * An update as recorded.
     *
     * @param dto what users see
     * @param accountId the account's id
     * @param serviceId the service's id
     * @param requestedVia the interface it was asked through
     * @param configuration the service's whole new effective configuration, as JSON
     * @param before its configuration when the update was asked for, as JSON
     */
    public record Row(UpdateDTO dto, String accountId, String serviceId, String requestedVia, String configuration,
            String before) {
        /** @return the id */
        public String id() {
            return dto.id();
        }
    }

    /**
     * A service's own maintenance window as recorded.
     *
     * @param serviceId the service
     * @param accountId its account
     * @param frame the frame
     * @param zone the zone
     * @param slots the three slots
     * @param chosenSlot 1 to 3
     * @param slotAssigned whether the update manager chose it
     * @param notifyEmail the address told of hard updates, or empty
     */
    public record WindowRow(String serviceId, String accountId, String frame, String zone, List<String> slots,
            int chosenSlot, boolean slotAssigned, String notifyEmail) {
        /** Copies. */
        public WindowRow {
            slots = List.copyOf(slots);
        }
    }

    private final DataStore store;

    /** @param store the store (the tables are migrated here) */
    @Activate
    public UpdateStore(@Reference DataStore store) {
        this.store = store;
        store.migrate(OWNER, MIGRATIONS);
    }

    // ------------------------------------------------------------------ updates

    /**
     * Records new updates, all or none.
     *
     * @param rows the updates
     */
    public void insert(List<Row> rows) {
        store.inTransaction(c -> {
            for (Row r : rows) {
                UpdateDTO u = r.dto();
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO update_updates(id, account_id, "
                        + "account_name, service_id, service_name, service_type, type, from_version, to_version, "
                        + "patch_id, mode, state, not_before, forced, job_id, requested_by, requested_via, "
                        + "requested_at, ended_at, message, configuration, before_configuration) VALUES (?, ?, ?, ?, "
                        + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    int i = 1;
                    ps.setString(i++, u.id());
                    ps.setString(i++, r.accountId());
                    ps.setString(i++, u.account());
                    ps.setString(i++, r.serviceId());
                    ps.setString(i++, u.service());
                    ps.setString(i++, u.serviceType());
                    ps.setString(i++, u.type().name());
                    ps.setString(i++, u.fromVersion());
                    ps.setString(i++, u.toVersion());
                    ps.setString(i++, u.patchId());
                    ps.setString(i++, u.mode());
                    ps.setString(i++, u.state().name());
                    ps.setLong(i++, u.notBefore().toEpochMilli());
                    ps.setBoolean(i++, u.forced());
                    if (u.jobId() == null) {
                        ps.setNull(i++, Types.BIGINT);
                    } else {
                        ps.setLong(i++, u.jobId());
                    }
                    ps.setString(i++, u.requestedBy());
                    ps.setString(i++, r.requestedVia());
                    ps.setLong(i++, u.requestedAt().toEpochMilli());
                    if (u.endedAt() == null) {
                        ps.setNull(i++, Types.BIGINT);
                    } else {
                        ps.setLong(i++, u.endedAt().toEpochMilli());
                    }
                    ps.setString(i++, clip(u.message()));
                    // sealed at rest, as the platform seals services' configurations: they may hold passwords
                    ps.setString(i++, store.seal(r.configuration()));
                    ps.setString(i, store.seal(r.before()));
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /**
     * @param id an update's id
     * @return it, if recorded
     */
    public Optional<Row> find(String id) {
        List<Row> rows = query("WHERE id = ?", id);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /**
     * @param accountIds the accounts
     * @param all with updates that ended
     * @return their updates, newest first
     */
    public List<Row> list(List<String> accountIds, boolean all) {
        if (accountIds.isEmpty()) {
            return List.of();
        }
        String in = String.join(", ", accountIds.stream().map(a -> "?").toList());
        return query("WHERE account_id IN (" + in + ")" + (all ? "" : " AND state IN ('PENDING', 'RUNNING')")
                + " ORDER BY requested_at DESC, id", accountIds.toArray());
    }

    /**
     * @param serviceId a service
     * @return its update that is pending or running, if any
     */
    public Optional<Row> open(String serviceId) {
        List<Row> rows = query("WHERE service_id = ? AND state IN ('PENDING', 'RUNNING')", serviceId);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /**
     * @param now the time now
     * @return the pending updates whose time has come, oldest first
     */
    public List<Row> due(Instant now) {
        return query("WHERE state = 'PENDING' AND not_before <= ? ORDER BY not_before, requested_at, id",
                now.toEpochMilli());
    }

    /** @return every running update */
    public List<Row> running() {
        return query("WHERE state = 'RUNNING' ORDER BY requested_at, id");
    }

    /**
     * @param serviceId a service
     * @return its pending updates that are not forced
     */
    public List<Row> pendingOf(String serviceId) {
        return query("WHERE service_id = ? AND state = 'PENDING' AND forced = FALSE", serviceId);
    }

    /**
     * Moves a pending update to RUNNING with its job.
     *
     * @param id the update
     * @param jobId its job
     * @param message what it does
     * @return whether it was pending
     */
    public boolean started(String id, long jobId, String message) {
        return update("UPDATE update_updates SET state = 'RUNNING', job_id = ?, message = ? WHERE id = ? "
                + "AND state = 'PENDING'", jobId, clip(message), id) == 1;
    }

    /**
     * Ends a running (or pending) update.
     *
     * @param id the update
     * @param state SUCCEEDED, FAILED or CANCELLED
     * @param at when
     * @param message what happened
     * @param jobId its job, if it had one (recorded if the job ended before its start was recorded)
     * @return whether it had not ended yet
     */
    public boolean ended(String id, UpdateDTO.State state, Instant at, String message, Long jobId) {
        if (jobId == null) {
            return update("UPDATE update_updates SET state = ?, ended_at = ?, message = ? WHERE id = ? "
                    + "AND state IN ('PENDING', 'RUNNING')", state.name(), at.toEpochMilli(), clip(message), id) == 1;
        }
        return update("UPDATE update_updates SET state = ?, ended_at = ?, message = ?, job_id = COALESCE(job_id, ?) "
                + "WHERE id = ? AND state IN ('PENDING', 'RUNNING')", state.name(), at.toEpochMilli(), clip(message),
                jobId, id) == 1;
    }

    /**
     * Changes when a pending update runs.
     *
     * @param id the update
     * @param notBefore when it may run
     * @param forced whether it was forced
     * @param message what it waits for
     * @return whether it was pending
     */
    public boolean reschedule(String id, Instant notBefore, boolean forced, String message) {
        return update("UPDATE update_updates SET not_before = ?, forced = ?, message = ? WHERE id = ? "
                + "AND state = 'PENDING'", notBefore.toEpochMilli(), forced, clip(message), id) == 1;
    }

    /**
     * Records what a pending update waits for.
     *
     * @param id the update
     * @param message the message
     */
    public void message(String id, String message) {
        update("UPDATE update_updates SET message = ? WHERE id = ?", clip(message), id);
    }

    private int update(String sql, Object... args) {
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, args);
                return ps.executeUpdate();
            }
        });
    }

    private List<Row> query(String where, Object... args) {
        return store.inTransaction(c -> query(c, where, args));
    }

    private List<Row> query(Connection c, String where, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM update_updates " + where)) {
            bind(ps, args);
            List<Row> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(row(rs));
                }
            }
            return rows;
        }
    }

    private Row row(ResultSet rs) throws SQLException {
        long job = rs.getLong("job_id");
        Long jobId = rs.wasNull() ? null : job;
        long ended = rs.getLong("ended_at");
        Instant endedAt = rs.wasNull() ? null : Instant.ofEpochMilli(ended);
        UpdateDTO dto = new UpdateDTO(rs.getString("id"), rs.getString("account_name"), rs.getString("service_name"),
                rs.getString("service_type"), UpdateDTO.Type.valueOf(rs.getString("type")),
                rs.getString("from_version"), rs.getString("to_version"), rs.getString("patch_id"),
                rs.getString("mode"), UpdateDTO.State.valueOf(rs.getString("state")),
                Instant.ofEpochMilli(rs.getLong("not_before")), rs.getBoolean("forced"), jobId,
                rs.getString("requested_by"), Instant.ofEpochMilli(rs.getLong("requested_at")), endedAt,
                rs.getString("message"));
        return new Row(dto, rs.getString("account_id"), rs.getString("service_id"), rs.getString("requested_via"),
                store.open(rs.getString("configuration")), store.open(rs.getString("before_configuration")));
    }

    /**
     * Records the configurations an update moves between, as its job found the service (sealed at rest).
     *
     * @param id the update's id
     * @param before the service's configuration when the job began, as JSON
     * @param configuration what the update makes it, as JSON
     */
    public void rebase(String id, String before, String configuration) {
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE update_updates SET configuration = ?, "
                    + "before_configuration = ? WHERE id = ?")) {
                ps.setString(1, store.seal(configuration));
                ps.setString(2, store.seal(before));
                ps.setString(3, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    // ------------------------------------------------------------------ windows

    /**
     * @param serviceId a service
     * @return the window its owner set, if one was
     */
    public Optional<WindowRow> window(String serviceId) {
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM update_windows WHERE service_id = ?")) {
                ps.setString(1, serviceId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new WindowRow(rs.getString("service_id"), rs.getString("account_id"),
                            rs.getString("frame"), rs.getString("zone"), List.of(rs.getString("slot1"),
                                    rs.getString("slot2"), rs.getString("slot3")), rs.getInt("chosen_slot"),
                            rs.getBoolean("slot_assigned"), rs.getString("notify_email")));
                }
            }
        });
    }

    /**
     * Records a service's window, replacing the one it had.
     *
     * @param w the window
     * @param setBy who set it
     * @param at when
     */
    public void saveWindow(WindowRow w, String setBy, Instant at) {
        store.inTransaction(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM update_windows WHERE service_id = ?")) {
                del.setString(1, w.serviceId());
                del.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO update_windows(service_id, account_id, frame, "
                    + "zone, slot1, slot2, slot3, chosen_slot, slot_assigned, notify_email, set_by, set_at) VALUES "
                    + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bind(ps, new Object[] {w.serviceId(), w.accountId(), w.frame(), w.zone(), w.slots().get(0),
                    w.slots().get(1), w.slots().get(2), w.chosenSlot(), w.slotAssigned(), w.notifyEmail(), setBy,
                    at.toEpochMilli()});
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * @param accountId an account
     * @return the ids of the services it has windows or updates of
     */
    public List<String> servicesOf(String accountId) {
        return store.inTransaction(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT service_id FROM update_windows WHERE account_id = ? "
                    + "UNION SELECT service_id FROM update_updates WHERE account_id = ?")) {
                ps.setString(1, accountId);
                ps.setString(2, accountId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return ids;
        });
    }

    /**
     * Forgets everything kept of a service that no longer exists: its window and its updates.
     *
     * @param serviceId the service
     */
    public void forget(String serviceId) {
        store.inTransaction(c -> {
            for (String table : List.of("update_windows", "update_updates")) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE service_id = ?")) {
                    ps.setString(1, serviceId);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }

    private static String clip(String s) {
        String t = s == null ? "" : s;
        return t.length() <= 4000 ? t : t.substring(0, 3997) + "...";
    }
}
