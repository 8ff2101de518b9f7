package io.stratum.platform.backup.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.BackupScheduleDTO;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.backup.internal.repo.BackupWriter;
import io.stratum.platform.backup.internal.repo.Manifest;
import io.stratum.platform.spi.AccountScopes.Scope;
import io.stratum.platform.spi.store.DataStore;
import io.stratum.platform.spi.store.Migration;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Schedules: cron expressions, their table, and the retention of their backups, on a real repository. */
public class SchedulesTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Connection h2;
    private Backups backups;
    private final Instant now = Instant.parse("2026-12-03T10:00:00Z");
    private Schedules schedules;

    /** The store's contract over one in-memory H2 connection (a unit test of this class, not of the store). */
    private final DataStore store = new DataStore() {
        @Override
        public Path home() {
            return tmp.getRoot().toPath();
        }

        @Override
        public String seal(String plaintext) {
            return plaintext; // this test's store keeps nothing secret
        }

        @Override
        public String open(String stored) {
            return stored;
        }

        @Override
        public synchronized <T> T inTransaction(Work<T> work) {
            try {
                T t = work.run(h2);
                h2.commit();
                return t;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void migrate(String owner, List<Migration> migrations) {
            inTransaction(c -> {
                for (Migration m : migrations) {
                    try (Statement s = c.createStatement()) {
                        s.execute(m.script());
                    }
                }
                return null;
            });
        }
    };

    @Before
    public void setUp() throws Exception {
        h2 = DriverManager.getConnection("jdbc:h2:mem:schedules-" + System.nanoTime());
        h2.setAutoCommit(false);
        try (Statement s = h2.createStatement()) {
            s.execute("CREATE TABLE accounts(id VARCHAR(36) PRIMARY KEY, name VARCHAR(64))");
            s.execute("INSERT INTO accounts VALUES ('acc', 'default')");
        }
        backups = new Backups(tmp.newFolder("repo").toPath(), tmp.newFolder("staging").toPath(), null,
                new BackupEngines());
        schedules = new Schedules(store, backups, Clock.fixed(now, ZoneOffset.UTC), false);
    }

    @After
    public void tearDown() throws Exception {
        h2.close();
    }

    @Test
    public void aCronExpressionGivesTheNextRunAndABadOneSaysHowToWriteIt() {
        assertEquals(Instant.parse("2026-12-04T02:00:00Z"), Schedules.next("0 2 * * *", now));
        assertEquals(Instant.parse("2026-12-03T10:15:00Z"), Schedules.next("*/15 * * * *", now));
        try {
            Schedules.next("every day", now);
            fail();
        } catch (PlatformException e) {
            assertEquals(PlatformException.Reason.INVALID, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("'0 2 * * *'"));
        }
    }

    @Test
    public void aScheduleIsKeptPerTargetAndSettingItAgainReplacesIt() {
        Scope acc = new Scope("acc", "default");
        BackupScheduleDTO first = schedules.put(acc, "service", "db", "0 2 * * *", 7, null, Caller.system("t"));
        BackupScheduleDTO again = schedules.put(acc, "service", "db", "30 3 * * *", 3, Duration.ofDays(2),
                Caller.system("t"));
        assertEquals(first.id(), again.id());
        List<BackupScheduleDTO> all = schedules.list(List.of(acc));
        assertEquals(1, all.size());
        assertEquals("30 3 * * *", all.get(0).cron());
        assertEquals(Instant.parse("2026-12-04T03:30:00Z"), all.get(0).nextRun());
        assertEquals(Duration.ofDays(2), all.get(0).keepFor());
        assertTrue(schedules.list(List.of(new Scope("other", "other"))).isEmpty());
        schedules.delete(acc, first.id());
        assertTrue(schedules.list(List.of(acc)).isEmpty());
    }

    @Test
    public void retentionKeepsTheNewestAndDeletesOnlyWhatIsBothBeyondTheCountAndTooOld() throws Exception {
        Scope acc = new Scope("acc", "default");
        String id = schedules.put(acc, "service", "db", "0 2 * * *", 2, Duration.ofDays(3), Caller.system("t")).id();
        for (int day = 0; day < 6; day++) {
            backup("b" + day, id, now.minus(Duration.ofDays(day)));
        }
        backup("manual", null, now.minus(Duration.ofDays(30)));
        schedules.applyRetention();
        List<String> left = backups.repository().list().stream().map(Manifest::id).sorted().toList();
        // newest two kept by count, b2 and b3 are not older than 3 days, b4 and b5 go; a backup of no schedule stays
        assertEquals(List.of("b0", "b1", "b2", "b3", "manual"), left);
    }

    /** An account with backups or schedules is not deleted: they are named, with how to remove them. */
    @Test
    public void theBackupsAndSchedulesOfAnAccountAreWhatItHasLeft() throws Exception {
        BackupAccountContents contents = new BackupAccountContents(backups, schedules);
        assertEquals(List.of(), contents.remaining("acc"));
        Scope acc = new Scope("acc", "default");
        String id = schedules.put(acc, "account", "default", "0 2 * * *", 2, null, Caller.system("t")).id();
        backup("b-mine", null, now, "acc");
        backup("b-other", null, now, "other");
        assertEquals(List.of("backups 'b-mine' (stratum:backup-delete)", "backup schedules " + id + " (account "
                + "'default') (stratum:backup-schedule --delete ID)"), contents.remaining("acc"));
        assertEquals(List.of("backups 'b-other' (stratum:backup-delete)"), contents.remaining("other"));

        schedules.delete(acc, id);
        for (int i = 0; i < 11; i++) {
            backup("b" + i, null, now, "many");
        }
        assertEquals(List.of("backups 'b0', 'b1', 'b10', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8' and 1 more "
                + "(stratum:backup-delete)"), contents.remaining("many"));
    }

    private void backup(String id, String schedule, Instant takenAt, String accountId) throws Exception {
        try (BackupWriter w = backups.repository().begin(id)) {
            try (OutputStream out = w.artifact("m", "data")) {
                out.write(("data of " + id).getBytes(StandardCharsets.UTF_8));
            }
            w.commit(Map.of(Backups.TAKEN_AT, Long.toString(takenAt.toEpochMilli()), Backups.ACCOUNT_ID, accountId),
                    Map.of("m", Map.of()));
        }
    }

    private void backup(String id, String schedule, Instant takenAt) throws Exception {
        try (BackupWriter w = backups.repository().begin(id)) {
            try (OutputStream out = w.artifact("m", "data")) {
                out.write(("data of " + id).getBytes(StandardCharsets.UTF_8));
            }
            Map<String, String> props = schedule == null
                    ? Map.of(Backups.TAKEN_AT, Long.toString(takenAt.toEpochMilli()))
                    : Map.of(Backups.TAKEN_AT, Long.toString(takenAt.toEpochMilli()), Backups.SCHEDULE, schedule);
            w.commit(props, Map.of("m", Map.of()));
        }
    }
}
