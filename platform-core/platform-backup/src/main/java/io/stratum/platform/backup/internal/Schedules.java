package io.stratum.platform.backup.internal;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.stratum.platform.api.BackupScheduleDTO;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.backup.internal.repo.Manifest;
import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.spi.AccountScopes;
import io.stratum.platform.spi.AccountScopes.Scope;
import io.stratum.platform.spi.Jobs;
import io.stratum.platform.spi.store.DataStore;
import io.stratum.platform.spi.store.Migration;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backup schedules and the retention of their backups. A schedule is a cron expression (five fields, UTC) on a
 * service, an environment or an account; each time it is due, a backup job is submitted for it (asked for by
 * {@code system:backup-schedule}, its cause naming the schedule). Retention deletes the schedule's backups that are
 * not among its newest {@code keepLast} and older than {@code keepFor}. Kept in the store (its own migrations), so a
 * restart keeps every schedule; a run missed while the platform was down happens once at the next check.
 */
@Component(service = Schedules.class)
public final class Schedules {

    static final List<Migration> MIGRATIONS = List.of(new Migration(1, "backup schedules", """
            CREATE TABLE IF NOT EXISTS backup_schedules (
              id VARCHAR(36) PRIMARY KEY,
              account_id VARCHAR(36) NOT NULL,
              scope VARCHAR(16) NOT NULL,
              target VARCHAR(200) NOT NULL,
              cron VARCHAR(200) NOT NULL,
              keep_last INT NOT NULL,
              keep_for_ms BIGINT,
              next_run BIGINT NOT NULL,
              last_run BIGINT,
              last_result VARCHAR(4000) NOT NULL,
              created_by VARCHAR(200) NOT NULL,
              created_at BIGINT NOT NULL,
              CONSTRAINT backup_schedules_target UNIQUE (account_id, scope, target)
            );
            """));

    private static final Logger LOG = LoggerFactory.getLogger(Schedules.class);
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    /** Who scheduled backups are asked for by. */
    static final Caller SCHEDULER = Caller.system("backup-schedule");

    private final DataStore store;
    private final Backups backups;
    private final Clock clock;
    private final ScheduledExecutorService ticker;

    /** The parts a backup facade is made of, for the scheduler's own (set when the component activates). */
    private volatile BackupAccessImpl access;

    /**
     * @param store the store (the schedules' table is migrated here)
     * @param backups the backups
     * @param scopes scopes callers
     * @param jobs the engine
     * @param platform the platform's facade (for job views)
     */
    @Activate
    public Schedules(@Reference DataStore store, @Reference Backups backups, @Reference AccountScopes scopes,
            @Reference Jobs jobs, @Reference PlatformAccess platform) {
        this(store, backups, Clock.systemUTC(), true);
        // the scheduler's own facade: not the registered one, which needs this component (no reference cycle)
        this.access = new BackupAccessImpl(backups, scopes, jobs, platform, this);
    }

    Schedules(DataStore store, Backups backups, Clock clock, boolean tick) {
        this.store = store;
        this.backups = backups;
        this.clock = clock;
        store.migrate("backup", MIGRATIONS);
        if (tick) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "stratum-backup-schedules");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleWithFixedDelay(this::tickQuietly, 5, 5, TimeUnit.SECONDS);
        } else {
            ticker = null;
        }
    }

    /** Stops the checks. */
    @Deactivate
    public void deactivate() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }

    /** For tests without OSGi. */
    void access(BackupAccessImpl a) {
        this.access = a;
    }

    /**
     * @param cron a cron expression
     * @param after a point in time
     * @return the next time it is due after that point
     * @throws PlatformException INVALID if it is not a five-field cron expression, with why
     */
    static Instant next(String cron, Instant after) {
        try {
            return ExecutionTime.forCron(CRON.parse(cron)).nextExecution(ZonedDateTime.ofInstant(after, ZoneOffset.UTC))
                    .map(ZonedDateTime::toInstant).orElseThrow(() -> new IllegalArgumentException("it is never due"));
        } catch (IllegalArgumentException e) {
            throw new PlatformException(Reason.INVALID, "'" + cron + "' is not a schedule: " + e.getMessage()
                    + " (five fields, UTC: minute hour day-of-month month day-of-week, e.g. '0 2 * * *' for 02:00 "
                    + "every day, '*/15 * * * *' for every 15 minutes)");
        }
    }

    BackupScheduleDTO put(Scope account, String scope, String target, String cron, int keepLast, Duration keepFor,
            Caller by) {
        if (keepLast < 0 || keepLast > 10000) {
            throw new PlatformException(Reason.INVALID, "--keep-last is 0 (no count limit) to 10000, not " + keepLast);
        }
        if (keepFor != null && (keepFor.isNegative() || keepFor.isZero())) {
            throw new PlatformException(Reason.INVALID, "--keep-for must be longer than zero");
        }
        Instant next = next(cron, clock.instant());
        String id = store.inTransaction(c -> {
            Optional<String> existing = one(c, "SELECT id FROM backup_schedules WHERE account_id = ? AND scope = ? "
                    + "AND target = ?", account.id(), scope, target);
            String sid = existing.orElse(UUID.randomUUID().toString());
            if (existing.isPresent()) {
                update(c, "UPDATE backup_schedules SET cron = ?, keep_last = ?, keep_for_ms = ?, next_run = ? "
                        + "WHERE id = ?", cron, keepLast, keepFor == null ? null : keepFor.toMillis(),
                        next.toEpochMilli(), sid);
            } else {
                update(c, "INSERT INTO backup_schedules(id, account_id, scope, target, cron, keep_last, keep_for_ms, "
                        + "next_run, last_run, last_result, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                        + "NULL, '', ?, ?)", sid, account.id(), scope, target, cron, keepLast,
                        keepFor == null ? null : keepFor.toMillis(), next.toEpochMilli(), by.user(),
                        clock.millis());
            }
            return sid;
        });
        LOG.info("Backup schedule {} of {} '{}' in account '{}': '{}', keep last {}, keep for {} (by {})", id, scope,
                target, account.name(), cron, keepLast, keepFor, by);
        return list(List.of(account)).stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    List<BackupScheduleDTO> list(List<Scope> accounts) {
        Set<String> ids = accounts.stream().map(Scope::id).collect(Collectors.toSet());
        return store.inTransaction(c -> {
            List<BackupScheduleDTO> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT * FROM backup_schedules ORDER BY account_id, "
                    + "scope, target"); ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (!ids.contains(rs.getString("account_id"))) {
                        continue;
                    }
                    String accountName = accounts.stream().filter(a -> {
                        try {
                            return a.id().equals(rs.getString("account_id"));
                        } catch (SQLException e) {
                            return false;
                        }
                    }).map(Scope::name).findFirst().orElse("?");
                    long keepFor = rs.getLong("keep_for_ms");
                    Duration kf = rs.wasNull() ? null : Duration.ofMillis(keepFor);
                    long last = rs.getLong("last_run");
                    Instant lastRun = rs.wasNull() ? null : Instant.ofEpochMilli(last);
                    out.add(new BackupScheduleDTO(rs.getString("id"), accountName, rs.getString("scope"),
                            rs.getString("target"), rs.getString("cron"), rs.getInt("keep_last"), kf,
                            Instant.ofEpochMilli(rs.getLong("next_run")), lastRun, rs.getString("last_result")));
                }
            }
            return out;
        });
    }

    /**
     * @param accountId an account's id
     * @return its schedules, each as {@code id (scope 'target')}, by scope and target
     */
    List<String> ofAccount(String accountId) {
        return store.inTransaction(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id, scope, target FROM backup_schedules WHERE "
                    + "account_id = ? ORDER BY scope, target")) {
                s.setString(1, accountId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1) + " (" + rs.getString(2) + " '" + rs.getString(3) + "')");
                    }
                }
            }
            return out;
        });
    }

    void delete(Scope account, String id) {
        int n = store.inTransaction(c -> update(c, "DELETE FROM backup_schedules WHERE id = ? AND account_id = ?", id,
                account.id()));
        if (n == 0) {
            throw new PlatformException(Reason.NOT_FOUND, "no backup schedule '" + id + "' in account '"
                    + account.name() + "' (see stratum:backup-schedule --list)");
        }
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("Backup schedules could not be checked: {}", e.getMessage(), e);
        }
    }

    /** Submits the backups that are due, and applies every schedule's retention. */
    void tick() {
        BackupAccessImpl a = access;
        if (a == null) {
            return;
        }
        Instant now = clock.instant();
        record Due(String id, String accountId, String scope, String target, String cron) {
        }
        List<Due> due = store.inTransaction(c -> {
            List<Due> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id, account_id, scope, target, cron FROM "
                    + "backup_schedules WHERE next_run <= ?")) {
                s.setLong(1, now.toEpochMilli());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Due(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5)));
                    }
                }
            }
            return out;
        });
        for (Due d : due) {
            String result;
            try {
                String accountName = accountName(d.accountId());
                BackupServiceImpl service = new BackupServiceImpl(a, SCHEDULER.because("backup schedule " + d.id()));
                long job = a.jobs.submit(service.backupRequest(accountName, d.scope(), d.target(), d.id())).id();
                result = "job " + job + " submitted";
                LOG.info("Backup schedule {}: {} '{}' backup submitted as job {}", d.id(), d.scope(), d.target(), job);
            } catch (RuntimeException e) {
                result = "not run: " + e.getMessage();
                LOG.warn("Backup schedule {} could not run: {}", d.id(), e.getMessage());
            }
            String r = result.length() > 4000 ? result.substring(0, 3997) + "..." : result;
            Instant next;
            try {
                next = next(d.cron(), now);
            } catch (PlatformException e) {
                next = now.plus(Duration.ofDays(1));
            }
            long nextMs = next.toEpochMilli();
            store.inTransaction(c -> update(c, "UPDATE backup_schedules SET next_run = ?, last_run = ?, last_result = ? "
                    + "WHERE id = ?", nextMs, now.toEpochMilli(), r, d.id()));
        }
        applyRetention();
    }

    private String accountName(String accountId) {
        return store.inTransaction(c -> one(c, "SELECT name FROM accounts WHERE id = ?", accountId)).orElseThrow(
                () -> new PlatformException(Reason.NOT_FOUND, "the schedule's account no longer exists"));
    }

    /** Deletes the backups of each schedule that its retention no longer keeps. */
    void applyRetention() {
        record Rule(String id, int keepLast, Long keepForMs) {
        }
        List<Rule> rules = store.inTransaction(c -> {
            List<Rule> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id, keep_last, keep_for_ms FROM backup_schedules");
                    ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long kf = rs.getLong(3);
                    out.add(new Rule(rs.getString(1), rs.getInt(2), rs.wasNull() ? null : kf));
                }
            }
            return out;
        });
        try {
            List<Manifest> all = backups.repository().list();
            int deleted = 0;
            for (Rule rule : rules) {
                if (rule.keepLast() == 0 && rule.keepForMs() == null) {
                    continue;
                }
                List<Manifest> mine = all.stream().filter(m -> rule.id().equals(m.properties().get(Backups.SCHEDULE)))
                        .sorted(Comparator.comparing(Schedules::takenAt).reversed()).toList();
                for (int i = 0; i < mine.size(); i++) {
                    Manifest m = mine.get(i);
                    boolean beyondCount = rule.keepLast() > 0 && i >= rule.keepLast();
                    boolean tooOld = rule.keepForMs() != null
                            && takenAt(m).isBefore(clock.instant().minusMillis(rule.keepForMs()));
                    boolean expired = rule.keepForMs() == null ? beyondCount
                            : tooOld && (rule.keepLast() == 0 || beyondCount);
                    if (expired && backups.repository().delete(m.id())) {
                        deleted++;
                        LOG.info("Backup {} deleted by the retention of schedule {}", m.id(), rule.id());
                    }
                }
            }
            if (deleted > 0) {
                backups.repository().collectGarbage();
            }
        } catch (IOException e) {
            LOG.warn("Backup retention could not run: {}", e.getMessage());
        }
    }

    private static Instant takenAt(Manifest m) {
        return Instant.ofEpochMilli(Long.parseLong(m.properties().getOrDefault(Backups.TAKEN_AT,
                Long.toString(m.createdAt().toEpochMilli()))));
    }

    private static Optional<String> one(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            return s.executeUpdate();
        }
    }
}
