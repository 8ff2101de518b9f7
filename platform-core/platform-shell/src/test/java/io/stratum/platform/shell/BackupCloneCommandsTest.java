package io.stratum.platform.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.BackupAccess;
import io.stratum.platform.api.BackupDTO;
import io.stratum.platform.api.BackupScheduleDTO;
import io.stratum.platform.api.BackupService;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CloneAccess;
import io.stratum.platform.api.CloneService;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobPlanDTO;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.security.auth.Subject;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.support.CommandException;
import org.junit.Test;

/**
 * The backup, restore and clone commands as Karaf runs them: fields set, then execute(). The facades are stubs that
 * record the calls and answer what each test gives them.
 */
public class BackupCloneCommandsTest {

    private static final Instant TAKEN = Instant.parse("2024-03-01T02:00:07Z");

    private final List<String> calls = new ArrayList<>();
    private final List<Object[]> args = new ArrayList<>();
    private final Map<String, Function<Object[], Object>> answers = new HashMap<>();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private JobState end = JobState.SUCCEEDED;

    private static final JobPlanDTO PLAN = new JobPlanDTO("service.clone", "orders -> orders-copy",
            List.of(new JobPlanDTO.PhaseDTO("backup", List.of("lock orders", "back up orders", "unlock orders")),
                    new JobPlanDTO.PhaseDTO("create", List.of("provision orders-copy (database 2.0.1, plan small)")),
                    new JobPlanDTO.PhaseDTO("start", List.of())),
            List.of("orders", "orders-copy"), List.of("orders stays locked only while its data is saved"));

    private static final String PLAN_PRINTED = String.join(System.lineSeparator(),
            "Job plan (dry run)",
            "kind:    service.clone",
            "target:  orders -> orders-copy",
            "phases:",
            "  1. backup",
            "       - lock orders",
            "       - back up orders",
            "       - unlock orders",
            "  2. create",
            "       - provision orders-copy (database 2.0.1, plan small)",
            "  3. start",
            "       (no tasks)",
            "touches: orders, orders-copy",
            "notes:",
            "  - orders stays locked only while its data is saved",
            "Nothing was changed (dry run); run the command without --dry-run to do it.", "");

    private static JobDTO job(JobState state, int progress, String message) {
        Instant now = Instant.now();
        return new JobDTO(42, "backup", "default", "db1", "", state, "backup", "save", progress, 1, message,
                state == JobState.FAILED ? "backup/save failed: disk full" : "", now, now, now,
                state.isDone() ? now : null, List.of(), "alice", "shell", "");
    }

    @SuppressWarnings("unchecked")
    private <T> T stub(Class<T> type) {
        return (T) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, (proxy, method, a) -> {
            calls.add(method.getName());
            args.add(a == null ? new Object[0] : a);
            Function<Object[], Object> answer = answers.get(method.getName());
            if (answer != null) {
                return answer.apply(a);
            }
            switch (method.getName()) {
                case "awaitJob":
                    Consumer<JobDTO> onChange = (Consumer<JobDTO>) a[2];
                    onChange.accept(job(JobState.RUNNING, 50, "saving db1"));
                    JobDTO last = job(end, end == JobState.SUCCEEDED ? 100 : 50,
                            end == JobState.SUCCEEDED ? "backup b-20240301-0200-7f3a complete: 1 service, 12.5 MB"
                                    : "saving db1");
                    onChange.accept(last);
                    return last;
                case "backup":
                case "restore":
                case "verifyBackup":
                case "cloneService":
                case "cloneEnvironment":
                case "cloneAccount":
                    return job(JobState.QUEUED, 0, "");
                case "previewBackup":
                case "previewRestore":
                case "previewCloneService":
                case "previewCloneEnvironment":
                case "previewCloneAccount":
                    return PLAN;
                default:
                    throw new UnsupportedOperationException(method.getName());
            }
        });
    }

    private <T extends StratumCommand> T wire(T command) {
        command.platform = stub(PlatformService.class);
        command.out = new PrintStream(output, true, StandardCharsets.UTF_8);
        if (command instanceof BackupCommand b) {
            b.backups = stub(BackupService.class);
        }
        if (command instanceof CloneCommand c) {
            c.clones = stub(CloneService.class);
        }
        return command;
    }

    private String printed() {
        return output.toString(StandardCharsets.UTF_8);
    }

    private Object[] argsOf(String method) {
        int i = calls.indexOf(method);
        assertTrue(method + " was not called: " + calls, i >= 0);
        return args.get(i);
    }

    private static BackupDTO backup(List<BackupDTO.MemberDTO> members) {
        return new BackupDTO("b-20240301-0200-7f3a", "acme", "environment", "notes", TAKEN, TAKEN.plusSeconds(3),
                "alice", 42, 13_107_200, 524_288, members);
    }

    // --- dry runs ---------------------------------------------------------------------------------------------

    @Test
    public void aDryRunPrintsThePlanAndSubmitsNothing() throws Exception {
        BackupCreateCommand c = wire(new BackupCreateCommand());
        c.name = "db1";
        c.trailing = List.of("--dry-run", "--account", "acme");
        c.execute();
        assertEquals(PLAN_PRINTED, printed());
        assertEquals(List.of("previewBackup"), calls);
        assertEquals(Arrays.asList("acme", "service", "db1"), Arrays.asList(argsOf("previewBackup")));
    }

    @Test
    public void everyDryRunPrintsThePlanTheSameWay() throws Exception {
        RestoreCommand restore = wire(new RestoreCommand());
        restore.id = "b-1";
        restore.trailing = List.of("--service", "orders", "--into", "orders-test", "--dry-run", "--wait");
        ServiceCloneCommand service = wire(new ServiceCloneCommand());
        service.source = "orders";
        service.target = "orders-copy";
        service.trailing = List.of("--from-backup", "b-1", "--dry-run");
        EnvCloneCommand env = wire(new EnvCloneCommand());
        env.source = "notes";
        env.target = "notes2";
        env.dryRun = true;
        AccountCloneCommand account = wire(new AccountCloneCommand());
        account.source = "acme";
        account.target = "acme-v3";
        account.trailing = List.of("--version", "3", "--with-data", "--dry-run");
        for (StratumCommand c : List.of(restore, service, env, account)) {
            output.reset();
            c.execute();
            assertEquals(c.getClass().getSimpleName(), PLAN_PRINTED, printed());
        }
        assertEquals(List.of("previewRestore", "previewCloneService", "previewCloneEnvironment", "previewCloneAccount"),
                calls);
        assertEquals(Arrays.asList("b-1", "orders", "orders-test"), Arrays.asList(argsOf("previewRestore")));
        assertEquals(Arrays.asList(null, "orders", "orders-copy", "b-1"), Arrays.asList(argsOf("previewCloneService")));
        assertEquals(Arrays.asList(null, "notes", "notes2", null), Arrays.asList(argsOf("previewCloneEnvironment")));
        assertEquals(Arrays.asList("acme", "acme-v3", 3L, true), Arrays.asList(argsOf("previewCloneAccount")));
    }

    @Test
    public void aPlanWithoutPhasesTouchesOrNotesSaysSo() {
        Format.plan(new PrintStream(output, true, StandardCharsets.UTF_8),
                new JobPlanDTO("backup", "account acme", List.of(), List.of(), null));
        String[] lines = printed().split("\\R");
        assertEquals("  (none)", lines[4]);
        assertEquals("touches: nothing", lines[5]);
        assertFalse(printed(), printed().contains("notes:"));
        assertTrue(printed(), lines[6].startsWith("Nothing was changed"));
    }

    // --- backup-create ----------------------------------------------------------------------------------------

    @Test
    public void backupCreateWithWaitShowsProgressAndTheMessageNamingTheBackup() throws Exception {
        BackupCreateCommand c = wire(new BackupCreateCommand());
        c.name = "notes";
        c.trailing = List.of("-e", "-w");
        c.execute();
        assertEquals(Arrays.asList(null, "environment", "notes"), Arrays.asList(argsOf("backup")));
        assertTrue(printed(), printed().contains("Job 42 submitted: back up environment 'notes'"));
        assertTrue(printed(), printed().contains("[ 50%] RUNNING"));
        assertTrue(printed(), printed().contains("Job 42 SUCCEEDED"));
        assertTrue(printed(), printed().contains("backup b-20240301-0200-7f3a complete"));
    }

    @Test
    public void backupCreateOfAWholeAccountTakesNoName() throws Exception {
        BackupCreateCommand c = wire(new BackupCreateCommand());
        c.wholeAccount = true;
        c.account = "acme";
        c.execute();
        assertEquals(Arrays.asList("acme", "account", null), Arrays.asList(argsOf("backup")));
        assertTrue(printed(), printed().contains("back up account 'acme'"));
        assertTrue(printed(), printed().contains("stratum:job-wait 42"));
        assertFalse("no wait, no awaitJob", calls.contains("awaitJob"));
    }

    @Test
    public void backupCreateRefusesOptionsThatDoNotFitTogether() {
        BackupCreateCommand both = wire(new BackupCreateCommand());
        both.name = "notes";
        both.environment = true;
        both.wholeAccount = true;
        expectError(both, "give --environment or --whole-account, not both");
        BackupCreateCommand named = wire(new BackupCreateCommand());
        named.name = "db1";
        named.wholeAccount = true;
        expectError(named, "give no service or environment name, not 'db1'");
        BackupCreateCommand none = wire(new BackupCreateCommand());
        expectError(none, "name the service to back up");
        assertTrue("nothing was submitted: " + calls, calls.isEmpty());
    }

    @Test
    public void aFailedBackupJobFailsTheCommand() {
        end = JobState.FAILED;
        BackupCreateCommand c = wire(new BackupCreateCommand());
        c.name = "db1";
        c.wait = true;
        expectError(c, "job 42 FAILED: backup/save failed: disk full");
    }

    // --- missing bundles --------------------------------------------------------------------------------------

    @Test
    public void withoutTheBackupBundleTheCommandsSayWhatIsMissing() throws Exception {
        for (BackupCommand c : List.of(new BackupListCommand(), new BackupCreateCommand(), new RestoreCommand())) {
            c.platform = stub(PlatformService.class);
            c.out = new PrintStream(output, true, StandardCharsets.UTF_8);
            if (c instanceof BackupCreateCommand create) {
                create.name = "db1";
            }
            try {
                c.execute();
                fail(c.getClass().getSimpleName() + " ran without the backup bundle");
            } catch (CommandException failed) {
                Throwable e = failed.getCause();
                assertTrue(e.toString(), e instanceof PlatformException);
                assertEquals(PlatformException.Reason.UNAVAILABLE, ((PlatformException) e).reason());
                assertTrue(e.getMessage(), e.getMessage().startsWith("backups are not available: the backup bundle "
                        + "(io.stratum.platform-backup) is not installed or not active"));
            }
        }
    }

    @Test
    public void withoutTheCloneBundleTheCommandsSayWhatIsMissing() throws Exception {
        ServiceCloneCommand c = new ServiceCloneCommand();
        c.platform = stub(PlatformService.class);
        c.out = new PrintStream(output, true, StandardCharsets.UTF_8);
        c.source = "orders";
        c.target = "orders-copy";
        c.dryRun = true;
        try {
            c.execute();
            fail("ran without the clone bundle");
        } catch (CommandException e) {
            assertEquals(PlatformException.Reason.UNAVAILABLE, ((PlatformException) e.getCause()).reason());
            assertEquals(CloneCommand.CLONE_UNAVAILABLE, e.getMessage());
        }
    }

    @Test
    public void theBackupsAreAskedForAsTheSessionsUser() throws Exception {
        BackupListCommand c = wire(new BackupListCommand());
        c.backups = null;
        List<Caller> askedFor = new ArrayList<>();
        BackupService service = stub(BackupService.class);
        c.backupAccess = caller -> {
            askedFor.add(caller);
            return service;
        };
        answers.put("listBackups", a -> List.of());
        expectError(c, "this shell session has no authenticated user");
        assertTrue("no caller, no facade", askedFor.isEmpty());

        Subject alice = new Subject();
        alice.getPrincipals().add(new UserPrincipal("alice"));
        Subject.doAs(alice, (PrivilegedExceptionAction<Object>) c::execute);
        assertEquals(1, askedFor.size());
        assertEquals("alice", askedFor.get(0).user());
        assertEquals(Caller.VIA_SHELL, askedFor.get(0).via());
        assertTrue(calls.contains("listBackups"));
    }

    /**
     * Karaf registers a bundle's commands only once every required reference of every command is there: one
     * required reference to a facade of an optional bundle would take all stratum: commands away with it.
     */
    @Test
    public void referencesToTheBackupAndCloneFacadesAreOptionalEverywhere() throws Exception {
        Path classes = Path.of(StratumCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("io/stratum/platform/shell");
        List<String> checked = new ArrayList<>();
        try (Stream<Path> files = Files.list(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = f.getFileName().toString().replace(".class", "");
                Class<?> type = Class.forName("io.stratum.platform.shell." + name);
                for (Field field : type.getDeclaredFields()) {
                    Reference ref = field.getAnnotation(Reference.class);
                    if (ref != null && (field.getType() == BackupAccess.class || field.getType() == CloneAccess.class)) {
                        assertTrue(name + "." + field.getName() + " must be @Reference(optional = true)",
                                ref.optional());
                        checked.add(name);
                    }
                }
            }
        }
        assertTrue(checked.toString(), checked.containsAll(List.of("BackupCommand", "CloneCommand",
                "BackupIdCompleter")));
    }

    // --- tables -----------------------------------------------------------------------------------------------

    @Test
    public void backupListIsATableInUtc() throws Exception {
        answers.put("listBackups", a -> List.of(backup(List.of())));
        BackupListCommand c = wire(new BackupListCommand());
        c.account = "acme";
        c.execute();
        assertEquals(Arrays.asList("acme"), Arrays.asList(argsOf("listBackups")));
        String[] lines = printed().split("\\R");
        assertEquals(3, lines.length);
        assertEquals(List.of("Id", "Account", "Scope", "Source", "Taken at (UTC)", "Size MB", "New MB", "Requested by"),
                cells(lines[0]));
        assertEquals(List.of("b-20240301-0200-7f3a", "acme", "environment", "notes", "2024-03-01 02:00:07", "12.5",
                "0.5", "alice"), cells(lines[2]));
    }

    @Test
    public void anEmptyBackupListSaysHowToTakeOne() throws Exception {
        answers.put("listBackups", a -> List.of());
        BackupListCommand c = wire(new BackupListCommand());
        c.execute();
        assertNull(argsOf("listBackups")[0]);
        assertEquals("No backups. Take one with stratum:backup-create <service>.", printed().strip());
    }

    @Test
    public void backupInfoShowsTheBackupAndATableOfItsMembers() throws Exception {
        answers.put("getBackup", a -> backup(List.of(
                new BackupDTO.MemberDTO("s1", "notes-db", "database", "2.0.1", "small", 2, 10_485_760, 38, Map.of(), Map.of()),
                new BackupDTO.MemberDTO("s2", "notes-app", "appserver", "1.4.0", "medium", 3, 2_621_440, 12, Map.of(), Map.of()))));
        BackupInfoCommand c = wire(new BackupInfoCommand());
        c.id = "b-20240301-0200-7f3a";
        c.execute();
        String p = printed();
        assertTrue(p, p.contains("Scope:     environment 'notes'"));
        assertTrue(p, p.contains("Taken at:  2024-03-01 02:00:07 UTC"));
        assertTrue(p, p.contains("Size:      12.5 MB, 0.5 MB of it new"));
        List<String> lines = Arrays.asList(p.split("\\R"));
        int header = lines.indexOf(lines.stream().filter(l -> l.contains("Locked ms")).findFirst().orElseThrow());
        assertEquals(List.of("Service", "Type", "SDP version", "Plan", "Artifacts", "Size MB", "Locked ms"),
                cells(lines.get(header)));
        assertEquals(List.of("notes-db", "database", "2.0.1", "small", "2", "10.0", "38"), cells(lines.get(header + 2)));
        assertEquals(List.of("notes-app", "appserver", "1.4.0", "medium", "3", "2.5", "12"),
                cells(lines.get(header + 3)));
    }

    @Test
    public void backupDeletePrintsWhatWasDeleted() throws Exception {
        answers.put("deleteBackup", a -> backup(List.of(
                new BackupDTO.MemberDTO("s1", "notes-db", "database", "2.0.1", "small", 2, 10_485_760, 38, Map.of(), Map.of()))));
        BackupDeleteCommand c = wire(new BackupDeleteCommand());
        c.id = "b-20240301-0200-7f3a";
        c.execute();
        assertEquals("Deleted backup b-20240301-0200-7f3a: environment 'notes' of account 'acme', taken "
                + "2024-03-01 02:00:07 UTC by alice, 12.5 MB in 1 service; chunks no other backup uses were freed.",
                printed().strip());
    }

    @Test
    public void backupDeleteDryRunDeletesNothing() throws Exception {
        answers.put("getBackup", a -> backup(List.of()));
        BackupDeleteCommand c = wire(new BackupDeleteCommand());
        c.id = "b-20240301-0200-7f3a";
        c.trailing = List.of("--dry-run");
        c.execute();
        assertEquals(List.of("getBackup"), calls);
        assertTrue(printed(), printed().startsWith("Would delete backup b-20240301-0200-7f3a"));
        assertTrue(printed(), printed().contains("Nothing was changed"));
    }

    @Test
    public void backupVerifyIsAJob() throws Exception {
        BackupVerifyCommand c = wire(new BackupVerifyCommand());
        c.id = "b-1";
        c.trailing = List.of("--wait");
        c.execute();
        assertEquals(List.of("verifyBackup", "awaitJob"), calls);
        assertTrue(printed(), printed().contains("Job 42 submitted: verify backup 'b-1'"));
    }

    @Test
    public void restoreSubmitsWithItsOptions() throws Exception {
        RestoreCommand c = wire(new RestoreCommand());
        c.id = "b-1";
        c.trailing = List.of("-s", "orders", "--into=orders-test");
        c.execute();
        assertEquals(Arrays.asList("b-1", "orders", "orders-test"), Arrays.asList(argsOf("restore")));
        assertTrue(printed(), printed().contains("restore backup 'b-1' of 'orders' into 'orders-test'"));
    }

    // --- backup-schedule --------------------------------------------------------------------------------------

    private static BackupScheduleDTO schedule(String id, String account, Duration keepFor, Instant lastRun,
            String lastResult) {
        return new BackupScheduleDTO(id, account, "service", "db1", "0 2 * * *", 7, keepFor,
                Instant.parse("2024-03-02T02:00:00Z"), lastRun, lastResult);
    }

    @Test
    public void backupScheduleSetsWithRetention() throws Exception {
        answers.put("schedule", a -> new BackupScheduleDTO("sch-1", "default", (String) a[1], (String) a[2],
                (String) a[3], (int) a[4], (Duration) a[5], Instant.parse("2024-03-02T02:00:00Z"), null, ""));
        BackupScheduleCommand c = wire(new BackupScheduleCommand());
        c.name = "db1";
        c.trailing = List.of("--cron", "0 2 * * *", "--keep-last", "7", "--keep-for", "2w");
        c.execute();
        assertEquals(Arrays.asList(null, "service", "db1", "0 2 * * *", 7, Duration.ofDays(14)),
                Arrays.asList(argsOf("schedule")));
        assertTrue(printed(), printed().contains("Schedule sch-1 backs up service 'db1' of account 'default' at "
                + "'0 2 * * *' (UTC); retention: keep last 7, keep for 2w."));
        assertTrue(printed(), printed().contains("Next run: 2024-03-02 02:00:00 UTC"));
    }

    @Test
    public void backupScheduleRefusesABadDurationOrCronAndSchedulesNothing() {
        BackupScheduleCommand badDuration = wire(new BackupScheduleCommand());
        badDuration.name = "db1";
        badDuration.cron = "0 2 * * *";
        badDuration.keepFor = "7 days";
        expectError(badDuration, "--keep-for takes a duration such as 30m, 12h, 7d or 2w");
        BackupScheduleCommand badCron = wire(new BackupScheduleCommand());
        badCron.name = "db1";
        badCron.cron = "0 2 * *";
        expectError(badCron, "--cron takes five fields");
        BackupScheduleCommand noCron = wire(new BackupScheduleCommand());
        noCron.name = "db1";
        expectError(noCron, "give --cron with five fields");
        BackupScheduleCommand listWithName = wire(new BackupScheduleCommand());
        listWithName.name = "db1";
        listWithName.list = true;
        expectError(listWithName, "--list takes no name");
        assertTrue("nothing was asked of the backups: " + calls, calls.isEmpty());
    }

    @Test
    public void backupScheduleListIsATable() throws Exception {
        answers.put("listSchedules", a -> List.of(
                schedule("sch-1", "acme", Duration.ofDays(30), Instant.parse("2024-03-01T02:00:00Z"),
                        "job 42 SUCCEEDED"),
                schedule("sch-2", "acme", null, null, "")));
        BackupScheduleCommand c = wire(new BackupScheduleCommand());
        c.list = true;
        c.execute();
        String[] lines = printed().split("\\R");
        assertEquals(List.of("Id", "Account", "Scope", "Target", "Cron (UTC)", "Keep last", "Keep for",
                "Next run (UTC)", "Last run (UTC)", "Last result"), cells(lines[0]));
        assertEquals(List.of("sch-1", "acme", "service", "db1", "0 2 * * *", "7", "30d", "2024-03-02 02:00:00",
                "2024-03-01 02:00:00", "job 42 SUCCEEDED"), cells(lines[2]));
        assertEquals(List.of("sch-2", "acme", "service", "db1", "0 2 * * *", "7", "-", "2024-03-02 02:00:00", "-",
                "-"), cells(lines[3]));
    }

    @Test
    public void backupScheduleDeleteFindsTheSchedulesAccount() throws Exception {
        answers.put("listSchedules", a -> List.of(schedule("sch-9", "acme", null, null, "")));
        answers.put("deleteSchedule", a -> null);
        BackupScheduleCommand c = wire(new BackupScheduleCommand());
        c.delete = "sch-9";
        c.execute();
        assertEquals(Arrays.asList("acme", "sch-9"), Arrays.asList(argsOf("deleteSchedule")));
        assertEquals("Deleted schedule sch-9: it backed up service 'db1' of account 'acme' at '0 2 * * *' (UTC).",
                printed().strip());
    }

    // --- clones -----------------------------------------------------------------------------------------------

    @Test
    public void serviceCloneWithWaitSaysWhereTheCloneIs() throws Exception {
        ServiceCloneCommand c = wire(new ServiceCloneCommand());
        c.source = "orders";
        c.target = "orders-copy";
        c.trailing = List.of("-A", "acme", "-w");
        c.execute();
        assertEquals(Arrays.asList("acme", "orders", "orders-copy", null), Arrays.asList(argsOf("cloneService")));
        assertTrue(printed(), printed().contains("Job 42 submitted: clone service 'orders' to 'orders-copy'"));
        assertTrue(printed(), printed().contains("stratum:service-info orders-copy --account acme"));
    }

    @Test
    public void envCloneFromABackup() throws Exception {
        EnvCloneCommand c = wire(new EnvCloneCommand());
        c.source = "notes";
        c.target = "notes2";
        c.fromBackup = "b-1";
        c.execute();
        assertEquals(Arrays.asList(null, "notes", "notes2", "b-1"), Arrays.asList(argsOf("cloneEnvironment")));
        assertTrue(printed(), printed().contains("clone environment 'notes' to 'notes2' from backup 'b-1'"));
    }

    @Test
    public void accountCloneNeedsAVersion() throws Exception {
        AccountCloneCommand c = wire(new AccountCloneCommand());
        c.source = "acme";
        c.target = "acme-copy";
        expectError(c, "give --version <n>: the version of account 'acme' to clone (see stratum:account-history acme)");
        AccountCloneCommand bad = wire(new AccountCloneCommand());
        bad.source = "acme";
        bad.target = "acme-copy";
        bad.trailing = List.of("--version", "three");
        expectError(bad, "option --version takes a whole number, not 'three'");
        assertTrue("nothing was submitted: " + calls, calls.isEmpty());
        AccountCloneCommand good = wire(new AccountCloneCommand());
        good.source = "acme";
        good.target = "acme-copy";
        good.trailing = List.of("--version", "3");
        good.execute();
        assertEquals(Arrays.asList("acme", "acme-copy", 3L, false), Arrays.asList(argsOf("cloneAccount")));
    }

    // --- help -------------------------------------------------------------------------------------------------

    @Test
    public void everyNewCommandExplainsItselfAndItsOptions() {
        for (Class<?> type : List.of(BackupCreateCommand.class, BackupListCommand.class, BackupInfoCommand.class,
                BackupVerifyCommand.class, BackupDeleteCommand.class, BackupScheduleCommand.class, RestoreCommand.class,
                ServiceCloneCommand.class, EnvCloneCommand.class, AccountCloneCommand.class)) {
            Command command = type.getAnnotation(Command.class);
            assertNotNull(type.getSimpleName(), command);
            assertEquals("stratum", command.scope());
            assertTrue(type.getSimpleName(), command.description().length() > 40);
            for (Class<?> t = type; t != StratumCommand.class; t = t.getSuperclass()) {
                for (Field f : t.getDeclaredFields()) {
                    Option o = f.getAnnotation(Option.class);
                    Argument a = f.getAnnotation(Argument.class);
                    String description = o != null ? o.description() : a != null ? a.description() : null;
                    if (description != null) {
                        assertFalse(command.name() + " " + f.getName(), description.isBlank());
                    }
                    if (o != null && (o.name().equals("--account") || o.name().equals("--wait"))) {
                        assertEquals(command.name() + " " + o.name(), o.name().equals("--account") ? "-A" : "-w",
                                o.aliases()[0]);
                    }
                }
            }
        }
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    /** @return the cells of one line of a Karaf ShellTable */
    private static List<String> cells(String line) {
        return Arrays.stream(line.split("\\|")).map(String::strip).toList();
    }

    private static void expectError(StratumCommand c, String message) {
        try {
            c.execute();
            fail("expected: " + message);
        } catch (Exception e) {
            assertTrue(e.getMessage(), e.getMessage().contains(message));
        }
    }
}
