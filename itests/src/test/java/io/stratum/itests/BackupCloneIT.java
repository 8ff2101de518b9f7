package io.stratum.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.AccountVersionDTO;
import io.stratum.platform.api.BackupAccess;
import io.stratum.platform.api.BackupDTO;
import io.stratum.platform.api.BackupService;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CloneAccess;
import io.stratum.platform.api.CloneService;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobQuery;
import io.stratum.platform.api.JobPlanDTO;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.QuotaDTO;
import io.stratum.platform.api.ServiceDTO;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Backups, restores and clones on the real distribution, real H2 servers and real HTTP: the rows of a backup point
 * come back exactly; a damaged chunk is reported and refused before anything is touched; a service clone and an
 * environment clone are independent copies, the environment's wired to its own database.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BackupCloneIT extends StratumTestSupport {

    @Inject
    protected BackupAccess backupAccess;

    @Inject
    protected CloneAccess cloneAccess;

    private BackupService backups() {
        return backupAccess.as(Caller.system("itest"));
    }

    private CloneService clones() {
        return cloneAccess.as(Caller.system("itest"));
    }

    private Connection connect(String service) throws Exception {
        ServiceDTO db = platform.getService(null, service, true);
        return jdbc(db.connection().url(), db.connection().user(), db.connection().password());
    }

    private List<String> rows(String service) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(service); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT text FROM notes ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private void sql(String service, String... statements) throws Exception {
        try (Connection c = connect(service); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private String backupId(JobDTO job) {
        JobDTO done = platform.getJob(job.id());
        String id = done.message().replaceAll("(?s).*backup (\\S+) \\(.*", "$1");
        assertTrue(done.message(), backups().listBackups(null).stream().anyMatch(b -> b.id().equals(id)));
        return id;
    }

    private JobDTO ended(JobDTO job) throws InterruptedException {
        return platform.awaitJob(job.id(), Duration.ofMinutes(2), null);
    }

    @Test
    public void aRestoreBringsBackExactlyTheRowsOfTheBackupAndADamagedChunkIsRefusedBeforeAnythingIsTouched()
            throws Exception {
        succeeded(platform.createService(new CreateServiceRequest(null, "database", "orders", null, null, Map.of())));
        sql("orders", "CREATE TABLE notes(id INT PRIMARY KEY, text VARCHAR(100))",
                "INSERT INTO notes SELECT X, 'row ' || X FROM SYSTEM_RANGE(1, 500)");

        JobPlanDTO preview = backups().previewBackup(null, BackupService.SERVICE, "orders");
        assertEquals(List.of("prepare", "lock", "backup", "unlock", "store", "cleanup"),
                preview.phases().stream().map(JobPlanDTO.PhaseDTO::name).toList());
        assertTrue("a dry run takes no backup", backups().listBackups(null).isEmpty());

        String id = backupId(succeeded(backups().backup(null, BackupService.SERVICE, "orders")));
        BackupDTO backup = backups().getBackup(id);
        assertEquals("orders", backup.source());
        assertEquals(1, backup.members().size());
        assertEquals("database", backup.members().get(0).serviceType());
        assertTrue(backup.logicalBytes() > 0);

        // more writes after the backup point, then the restore
        sql("orders", "INSERT INTO notes VALUES (501, 'after the backup')", "DELETE FROM notes WHERE id <= 10",
                "UPDATE notes SET text = 'changed' WHERE id = 100");
        succeeded(backups().restore(id, null, null));
        List<String> restored = rows("orders");
        assertEquals(500, restored.size());
        assertEquals("row 1", restored.get(0));
        assertEquals("row 100", restored.get(99));
        assertFalse(restored.contains("after the backup"));
        // the service is not left locked: it takes writes and other jobs
        sql("orders", "INSERT INTO notes VALUES (600, 'after the restore')");
        succeeded(platform.stopService(null, "orders"));
        succeeded(platform.startService(null, "orders"));
        assertEquals(501, rows("orders").size());

        JobDTO verified = succeeded(backups().verifyBackup(id));
        assertTrue(verified.message(), verified.message().contains("verified"));

        // flip one byte of one chunk: the middle byte of the first chunk a pack's index lists
        Path index;
        try (Stream<Path> files = Files.list(stratumHome().resolve("backups").resolve("packs"))) {
            index = files.filter(f -> f.getFileName().toString().endsWith(".idx")).findFirst().orElseThrow();
        }
        String[] first = Files.readAllLines(index).get(1).split(" "); // <sha256> <frame offset> <length> <size>
        String chunk = first[0];
        Path pack = index.resolveSibling(index.getFileName().toString().replace(".idx", ".pack"));
        long middle = Long.parseLong(first[1]) + Long.parseLong(first[2]) / 2;
        try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
            f.seek(middle);
            int b = f.read();
            f.seek(middle);
            f.write(b ^ 0xFF);
        }
        JobDTO badVerify = ended(backups().verifyBackup(id));
        assertEquals(JobState.FAILED, badVerify.state());
        assertTrue(badVerify.error(), badVerify.error().contains(chunk.substring(0, 12)));
        JobDTO badRestore = ended(backups().restore(id, null, null));
        assertEquals(JobState.FAILED, badRestore.state());
        assertTrue(badRestore.error(), badRestore.error().contains(id));
        assertEquals("the target is untouched", 501, rows("orders").size());
        assertTrue(rows("orders").contains("after the restore"));
        backups().deleteBackup(id);
        assertTrue(backups().listBackups(null).isEmpty());
    }

    @Test
    public void aServiceCloneIsAnIndependentCopyWithItsOwnLogin() throws Exception {
        succeeded(platform.createService(new CreateServiceRequest(null, "database", "src", null, null, Map.of())));
        sql("src", "CREATE TABLE notes(id INT PRIMARY KEY, text VARCHAR(100))",
                "INSERT INTO notes VALUES (1, 'before the clone')");
        JobPlanDTO preview = clones().previewCloneService(null, "src", "copy", null);
        assertEquals(List.of("backup", "create"), preview.phases().stream().map(JobPlanDTO.PhaseDTO::name).toList());
        assertTrue(platform.listServices(null).stream().noneMatch(s -> s.name().equals("copy")));

        succeeded(clones().cloneService(null, "src", "copy", null));
        assertEquals(List.of("before the clone"), rows("copy"));
        ServiceDTO src = platform.getService(null, "src", true);
        ServiceDTO copy = platform.getService(null, "copy", true);
        assertNotEquals(src.connection().url(), copy.connection().url());
        assertNotEquals(src.connection().password(), copy.connection().password());
        assertEquals(src.sdpVersion(), copy.sdpVersion());

        sql("copy", "INSERT INTO notes VALUES (2, 'only in the copy')");
        sql("src", "INSERT INTO notes VALUES (3, 'only in the source')");
        assertEquals(List.of("before the clone", "only in the copy"), rows("copy"));
        assertEquals(List.of("before the clone", "only in the source"), rows("src"));
    }

    @Test
    public void anEnvironmentCloneServesTheSourcesDataThroughItsOwnLoadBalancerAndDatabase() throws Exception {
        Path examples = Path.of(System.getProperty("karaf.base"), "examples");
        succeeded(platform.createEnvironment(new EnvironmentRequest(null,
                Files.readString(examples.resolve("notes-env.yaml")), examples.toString())));
        String lb = platform.getService(null, "notes-lb").connection().url();
        assertEquals(201, post(lb + "api/notes", "written before the clone"));

        succeeded(clones().cloneEnvironment(null, "notes", "copy", null));
        assertEquals("READY", platform.getEnvironment(null, "copy").state());
        ServiceDTO app = platform.getService(null, "copy-app");
        assertEquals("the copy's app uses the copy's database", "copy-db", app.providers().get("database"));
        assertEquals("copy-lb", app.providers().get("webtier"));
        String copyLb = platform.getService(null, "copy-lb").connection().url();
        assertNotEquals(lb, copyLb);
        assertTrue(get(copyLb + "api/notes").body().contains("written before the clone"));

        assertEquals(201, post(copyLb + "api/notes", "written to the copy"));
        assertTrue(get(copyLb + "api/notes").body().contains("written to the copy"));
        assertFalse("the copy's writes do not reach the source", get(lb + "api/notes").body().contains("written to the copy"));
        assertEquals(201, post(lb + "api/notes", "written to the source"));
        assertFalse(get(copyLb + "api/notes").body().contains("written to the source"));

        // a restore in place brings back the instance count of the backup, through a scale the restore asks for
        succeeded(platform.scaleService(null, "notes-app", 2));
        String backup = backupId(succeeded(backups().backup(null, BackupService.ENVIRONMENT, "notes")));
        succeeded(platform.scaleService(null, "notes-app", 1));
        assertEquals(1, platform.getService(null, "notes-app").runtimes().size());
        succeeded(backups().restore(backup, null, null));
        await("notes-app back at the 2 instances of its backup", Duration.ofSeconds(120), () -> {
            ServiceDTO restored = platform.getService(null, "notes-app");
            return restored.runtimes().size() == 2 && "2".equals(restored.configuration().get("instances"))
                    && platform.listJobs(new JobQuery(null, "notes-app", true, 10)).isEmpty();
        });
        assertTrue("the scale names the restore as its cause", platform.listJobs(new JobQuery(null, "notes-app",
                false, 10)).stream().anyMatch(j -> j.kind().equals("service.scale")
                        && String.valueOf(j.cause()).contains(backup)));
    }


    @Test
    public void anAccountCloneAtAnOlderVersionEqualsThatVersionFieldByFieldWithTheDataOfItsBackup() throws Exception {
        platform.createAccount("src");
        platform.createUser("carol", "a-long-enough-password-1".toCharArray(), false);
        platform.grant("src", "carol", AccountRole.MEMBER);
        platform.setQuota("src", new QuotaDTO(10, 20, 8192));
        succeeded(platform.createEnvironment(new EnvironmentRequest("src", "{\"name\": \"shop\", \"services\": ["
                + "{\"name\": \"shop-db\", \"type\": \"database\"}]}", null)));
        succeeded(platform.createService(new CreateServiceRequest("src", "database", "report", null, null, Map.of())));
        ServiceDTO db = platform.getService("src", "shop-db", true);
        try (Connection c = jdbc(db.connection().url(), db.connection().user(), db.connection().password());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes(id INT PRIMARY KEY, text VARCHAR(100))");
            s.execute("INSERT INTO notes VALUES (1, 'at version V')");
        }
        succeeded(backups().backup("src", BackupService.ACCOUNT, null));
        long v = platform.getAccount("src").version();

        // the source moves on
        try (Connection c = jdbc(db.connection().url(), db.connection().user(), db.connection().password());
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO notes VALUES (2, 'after version V')");
        }
        succeeded(platform.deleteService("src", "report"));
        succeeded(platform.createService(new CreateServiceRequest("src", "database", "temp", null, null, Map.of())));
        platform.setQuota("src", new QuotaDTO(5, 5, 1024));
        assertTrue(platform.getAccount("src").version() > v);

        JobPlanDTO preview = clones().previewCloneAccount("src", "copy", v, true);
        assertTrue(preview.touches().toString(), preview.touches().contains("service report (new)"));
        assertTrue(platform.listAccounts().stream().noneMatch(a -> a.name().equals("copy")));

        succeeded(clones().cloneAccount("src", "copy", v, true));
        long latest = platform.getAccount("copy").version();
        assertEquals("the copy's state is the source's at version " + v, state(platform.diffAccount("src", 0, v)),
                state(platform.diffAccount("copy", 0, latest)));
        assertTrue(platform.diffAccount("copy", 0, latest).stream().anyMatch(c -> c.entity().equals("account")
                && c.field().equals("origin") && c.after().contains("'src' at version " + v)));
        assertEquals(List.of("at version V"), rowsIn("copy", "shop-db"));
        assertEquals(List.of("at version V", "after version V"), rowsIn("src", "shop-db"));
        assertEquals("shop", platform.getEnvironment("copy", "shop").name());
    }

    @Test
    public void aScheduleBacksUpOnItsOwnAndSaysSo() throws Exception {
        succeeded(platform.createService(new CreateServiceRequest(null, "database", "nightly", null, null, Map.of())));
        var schedule = backups().schedule(null, BackupService.SERVICE, "nightly", "* * * * *", 3, null);
        assertTrue(schedule.nextRun().isAfter(java.time.Instant.now().minusSeconds(1)));
        await("a scheduled backup", Duration.ofSeconds(150), () -> backups().listBackups(null).stream()
                .anyMatch(b -> b.source().equals("nightly") && b.requestedBy().equals("system:backup-schedule")));
        var listed = backups().listSchedules(null).get(0);
        assertTrue(listed.lastResult(), listed.lastResult().matches("job \\d+ submitted"));
        assertTrue(listed.nextRun().isAfter(schedule.nextRun()));
        backups().deleteSchedule(null, listed.id());
        assertTrue(backups().listSchedules(null).isEmpty());
    }

    /** @return the state a diff from version 0 describes, without the account's own entry (name, origin) */
    private static java.util.Set<String> state(List<AccountVersionDTO.ChangeDTO> diff) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (AccountVersionDTO.ChangeDTO c : diff) {
            if (!c.entity().equals("account")) {
                out.add(c.entity() + " " + c.name() + " " + c.field() + " = " + c.after());
            }
        }
        return out;
    }

    private List<String> rowsIn(String account, String service) throws Exception {
        ServiceDTO db = platform.getService(account, service, true);
        List<String> out = new ArrayList<>();
        try (Connection c = jdbc(db.connection().url(), db.connection().user(), db.connection().password());
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT text FROM notes ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
