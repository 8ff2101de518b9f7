package io.stratum.platform.clone.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.stratum.platform.api.BackupDTO;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CloneService;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.JobPlanDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.spi.JobInfo;
import io.stratum.platform.spi.JobPlan;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.Before;
import org.junit.Test;

/**
 * An account clone at a version against a platform in memory ({@link FakePlatform}): what the submission refuses
 * (changing nothing), and what the job asks of the platform, in which order.
 */
public class AccountCloneTest {

    private static final Caller ADMIN = Caller.user("admin", Caller.VIA_SHELL);

    private FakePlatform world;
    private AccountClonePlanner planner;
    private CloneService clones;

    /**
     * Account {@code shop}: 1 created, 2 alice MEMBER, 3 bob VIEWER, 4 quota of 10 services, 5 external {@code legacy},
     * 6 {@code lb}, 7 environment {@code shop}, 8 {@code shop-db}, 9 {@code shop-app} (uses shop-db and lb), 10
     * {@code report} (uses shop-db), 11 {@code old} (uses legacy), 12 shop-app scaled to 2, 13 {@code temp}. Bob
     * no longer exists; {@code legacy} and {@code shop-app} are still there, with their secrets.
     */
    @Before
    public void setUp() {
        world = new FakePlatform();
        world.account("shop", new Histories().account("shop")
                .change("member", "alice", "role", null, "MEMBER")
                .change("member", "bob", "role", null, "VIEWER")
                .change("quota", "quota", "maxServices", "-1", "10")
                .external("legacy", "database", Map.of("url", "jdbc:h2:tcp://u:********@10.0.0.1/x", "user", "u",
                        "password", "********", "schema", "s1"))
                .service("lb", "webtier", "1.0.0", "small", Map.of("port", "0"))
                .environment("shop", "shop-app,shop-db")
                .service("shop-db", "database", "1.0.0", "large", Map.of("heapMb", "512"))
                .service("shop-app", "appserver", "1.0.0", "small", Map.of("instances", "1", "war", "/w/shop.war",
                        "admin.password", "********"), "database", "shop-db", "webtier", "lb")
                .service("report", "appserver", "1.0.0", "small", Map.of("war", "/w/r.war"), "database", "shop-db")
                .service("old", "appserver", "1.0.0", "small", Map.of("war", "/w/o.war"), "database", "legacy")
                .change("service", "shop-app", "config.instances", "1", "2")
                .service("temp", "database", "2.0.0", "small", Map.of())
                .list());
        world.users.add("admin");
        world.users.add("alice");
        world.sdps.addAll(List.of("webtier 1.0.0", "database 1.0.0", "appserver 1.0.0"));
        world.service("shop", "legacy", "database", "0.0.0", Map.of("url", "jdbc:h2:tcp://u:pw@10.0.0.1/x", "user",
                "u", "password", "pw", "schema", "s1"), true);
        world.service("shop", "shop-app", "appserver", "1.0.0", Map.of("instances", "2", "war", "/w/shop.war",
                "admin.password", "live-pw"), false);
        planner = new AccountClonePlanner(world.jobs(), world.servicesSpi(), world.backupAccess(), world.access(),
                world.scopes());
        world.planner = planner;
        clones = new CloneAccessImpl(world.scopes(), world.jobs(), world.servicesSpi(), world.access(),
                world.backupAccess()).as(ADMIN);
    }

    /** A backup taken while version 12 was current (before version 13) of every service the clone makes. */
    private void backupAtVersion12() {
        world.backups.add(new BackupDTO("b-12", "shop", "account", "shop", Histories.at(12).plusSeconds(5),
                Histories.at(12).plusSeconds(6), "admin", 7, 100, 100, List.of(
                        member("lb", "webtier"), member("shop-db", "database"), member("report", "appserver"),
                        member("old", "appserver"),
                        new BackupDTO.MemberDTO("id-shop-app", "shop-app", "appserver", "1.0.0", "small", 1, 10, 1,
                                Map.of("instances", "2", "war", "/w/shop.war", "admin.password", "backup-pw"),
                                Map.of()))));
    }

    private static BackupDTO.MemberDTO member(String name, String type) {
        return new BackupDTO.MemberDTO("id-" + name, name, type, "1.0.0", "small", 1, 10, 1, Map.of(), Map.of());
    }

    /** Submits the clone through the facade, then runs its plan's tasks in order, as the engine would. */
    private FakePlatform.Context run(long version, boolean withData) throws Exception {
        clones.cloneAccount("shop", "copy", version, withData);
        assertEquals(1, world.submitted.size());
        JobInfo job = FakePlatform.cloneJob(40, world.submitted.get(0));
        FakePlatform.Context ctx = new FakePlatform.Context(job);
        for (JobPlan.Step step : planner.plan(job).steps()) {
            step.task().action().run(ctx);
        }
        return ctx;
    }

    @Test
    public void theCloneRecreatesTheVersionInDependencyOrderWithItsBackups() throws Exception {
        backupAtVersion12();
        FakePlatform.Context ctx = run(12, true);

        assertEquals(List.of(
                "resolve shop PLATFORM",
                "createAccount copy",
                "recordOrigin copy: clone of account 'shop' at version 12 (job 40)",
                "register copy/legacy database jdbc:h2:tcp://u:pw@10.0.0.1/x u pw {schema=s1}",
                "create copy/lb", "create copy/old",
                "createEnvironment copy/shop",
                "create copy/report",
                "setQuota copy 10 -1 -1",
                "grant copy alice MEMBER"), world.calls);
        assertEquals(new CreateServiceRequest("copy", "appserver", "report", "small", "1.0.0", Map.of("war",
                "/w/r.war"), Map.of("database", "shop-db"), false), world.creates.get("report"));
        assertEquals(Map.of("contributions", "backup.restore", "restore.backup", "b-12", "restore.member", "id-report"),
                world.createParams.get("report"));

        JsonNode env = ClonePlanner.JSON.readTree(world.environmentDocuments.get("shop"));
        assertEquals("shop", env.get("name").asText());
        JsonNode app = env.get("services").get(0);
        assertEquals("shop-app", app.get("name").asText());
        assertEquals("1.0.0", app.get("version").asText());
        assertEquals("small", app.get("plan").asText());
        assertEquals("the backup's secret: the one of the data's point in time", "backup-pw",
                app.get("config").get("admin.password").asText());
        assertEquals("2", app.get("config").get("instances").asText());
        assertEquals("shop-db", app.get("providers").get("database").asText());
        assertEquals("lb", app.get("providers").get("webtier").asText());
        assertEquals("shop-db", env.get("services").get(1).get("name").asText());
        assertEquals(Map.of("shop-app", Map.of("contributions", "backup.restore", "restore.backup", "b-12",
                "restore.member", "id-shop-app"), "shop-db", Map.of("contributions", "backup.restore",
                        "restore.backup", "b-12", "restore.member", "id-shop-db")), world.environmentParams.get("shop"));

        assertEquals("account 'copy' is a clone of account 'shop' at version 12 (job 40)", ctx.notes.get("origin"));
        assertTrue(ctx.notes.toString(), ctx.notes.get("member:bob").contains("user 'bob' (VIEWER at version 12) no "
                + "longer exists"));
        assertFalse("nothing of a later version", world.creates.containsKey("temp"));
    }

    @Test
    public void withoutDataMaskedValuesComeFromTheLiveServicesAndNothingIsRestored() throws Exception {
        run(12, false);

        JsonNode app = ClonePlanner.JSON.readTree(world.environmentDocuments.get("shop")).get("services").get(0);
        assertEquals("live-pw", app.get("config").get("admin.password").asText());
        assertEquals(Map.of(), world.createParams.get("report"));
        assertEquals(Map.of(), world.environmentParams.get("shop"));
    }

    @Test
    public void anOlderVersionHasOnlyWhatWasThere() throws Exception {
        run(9, false);

        assertEquals(List.of("resolve shop PLATFORM", "createAccount copy",
                "recordOrigin copy: clone of account 'shop' at version 9 (job 40)",
                "register copy/legacy database jdbc:h2:tcp://u:pw@10.0.0.1/x u pw {schema=s1}",
                "create copy/lb", "createEnvironment copy/shop", "setQuota copy 10 -1 -1",
                "grant copy alice MEMBER"), world.calls);
        JsonNode app = ClonePlanner.JSON.readTree(world.environmentDocuments.get("shop")).get("services").get(0);
        assertEquals("instances as at version 9", "1", app.get("config").get("instances").asText());
    }

    @Test
    public void aResumedCloneWaitsForTheJobsItSubmittedInsteadOfSubmittingAgain() throws Exception {
        FakePlatform.Context ctx = run(12, false);
        int calls = world.calls.size();
        JobInfo job = ctx.job();

        for (JobPlan.Step step : planner.plan(job).steps()) {
            step.task().action().run(ctx); // the same context: as after a crash, with what the tasks recorded
        }

        List<String> again = world.calls.subList(calls, world.calls.size());
        assertEquals("only the idempotent quota and grant run again", List.of("setQuota copy 10 -1 -1",
                "grant copy alice MEMBER"), again);
    }

    @Test
    public void aJobSubmittedButNotRecordedBeforeACrashIsAdopted() throws Exception {
        clones.cloneAccount("shop", "copy", 12, false);
        JobInfo job = FakePlatform.cloneJob(40, world.submitted.get(0));
        FakePlatform.Context ctx = new FakePlatform.Context(job);
        List<JobPlan.Step> steps = planner.plan(job).steps();
        steps.get(0).task().action().run(ctx);
        steps.get(1).task().action().run(ctx);
        steps.get(2).task().action().run(ctx); // level 0: lb, old
        ctx.values.remove("job:service:old"); // as if the platform stopped between its submission and the record
        long oldJob = world.jobs.values().stream().filter(j -> j.target().equals("old")).findFirst().orElseThrow()
                .id();

        steps.get(2).task().action().run(ctx);

        assertEquals(1, world.calls.stream().filter(c -> c.equals("create copy/old")).count());
        assertEquals(Long.toString(oldJob), ctx.values.get("job:service:old"));
    }

    @Test
    public void aChildJobThatFailsFailsTheCloneWithItsError() throws Exception {
        clones.cloneAccount("shop", "copy", 12, false);
        JobInfo job = FakePlatform.cloneJob(40, world.submitted.get(0));
        FakePlatform.Context ctx = new FakePlatform.Context(job);
        List<JobPlan.Step> steps = planner.plan(job).steps();
        steps.get(0).task().action().run(ctx);
        steps.get(1).task().action().run(ctx);
        world.childErrors.put("old", "plan 'small' of appserver 1.0.0 needs 'war'"); // of level 0: lb, old
        try {
            steps.get(2).task().action().run(ctx);
            fail("old's create failed");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("creating old (job "));
            assertTrue(e.getMessage(), e.getMessage().contains("ended FAILED: plan 'small' of appserver 1.0.0 needs "
                    + "'war'"));
            assertTrue(e.getMessage(), e.getMessage().contains("Account 'copy' keeps what the clone made before"));
        }
    }

    @Test
    public void thePlanShowsEveryLevelAndThePreviewEverythingItWouldCreate() {
        backupAtVersion12();
        JobPlanDTO p = clones.previewCloneAccount("shop", "copy", 12, true);

        assertEquals(List.of(
                new JobPlanDTO.PhaseDTO("account", List.of("create account copy")),
                new JobPlanDTO.PhaseDTO("external services", List.of("register legacy")),
                new JobPlanDTO.PhaseDTO("services", List.of("create lb, old", "create environment shop",
                        "create report")),
                new JobPlanDTO.PhaseDTO("finish", List.of("set the quota", "grant alice MEMBER, bob VIEWER"))),
                p.phases());
        assertEquals(List.of("account shop (read, as of version 12)", "account copy (new)",
                "external service legacy (new)", "service lb (new)", "service old (new)", "environment shop (new)",
                "service shop-app (new)", "service shop-db (new)", "service report (new)"), p.touches());
        assertTrue(p.notes().toString(), p.notes().contains("'shop-app' would be restored from backup b-12 before it "
                + "starts"));
        assertTrue(p.notes().toString(), p.notes().stream().anyMatch(n -> n.startsWith("user 'bob'")));
        assertEquals("a dry run submits nothing", List.of(), world.submitted);
        assertFalse(world.calls.stream().anyMatch(c -> !c.startsWith("resolve ")));
    }

    // ------------------------------------------------------------------ refusals: nothing submitted

    private void refused(Reason reason, String expected, Runnable call) {
        try {
            call.run();
            fail("should have been refused: " + expected);
        } catch (PlatformException e) {
            assertEquals(e.getMessage(), reason, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains(expected));
        }
        assertEquals(List.of(), world.submitted);
    }

    @Test
    public void onlyPlatformAdminsClone() {
        CloneService alice = new CloneAccessImpl(world.scopes(), world.jobs(), world.servicesSpi(), world.access(),
                world.backupAccess()).as(Caller.user("alice", Caller.VIA_SHELL));
        refused(Reason.FORBIDDEN, "only platform admins", () -> alice.cloneAccount("shop", "copy", 12, false));
    }

    @Test
    public void aVersionTheSourceDoesNotHaveOrATakenNameIsRefused() {
        refused(Reason.INVALID, "account 'shop' has versions 1 to 13", () -> clones.cloneAccount("shop", "copy", 14,
                false));
        refused(Reason.INVALID, "has versions 1 to 13", () -> clones.cloneAccount("shop", "copy", 0, false));
        refused(Reason.NOT_FOUND, "no account 'nope'", () -> clones.cloneAccount("nope", "copy", 1, false));
        refused(Reason.INVALID, "invalid account name 'Copy!'", () -> clones.cloneAccount("shop", "Copy!", 12, false));
        world.account("copy", new Histories().account("copy").list());
        refused(Reason.ALREADY_EXISTS, "account 'copy' already exists", () -> clones.cloneAccount("shop", "copy", 12,
                false));
    }

    @Test
    public void anSdpVersionThatIsNotInstalledIsRefused() {
        world.sdps.remove("appserver 1.0.0");
        refused(Reason.INVALID, "SDP appserver 1.0.0 (of [old, report, shop-app]) is not installed",
                () -> clones.cloneAccount("shop", "copy", 12, false));
        clones.cloneAccount("shop", "copy", 6, false); // version 6 had no appserver
        assertEquals(1, world.submitted.size());
    }

    @Test
    public void withDataEveryServiceNeedsABackupFromWhileTheVersionWasCurrent() {
        world.backups.add(new BackupDTO("b-late", "shop", "account", "shop", Histories.at(13).plusSeconds(1),
                Histories.at(13).plusSeconds(2), "admin", 7, 1, 1, List.of(member("lb", "webtier"),
                        member("report", "appserver"))));
        world.backups.add(new BackupDTO("b-lb", "shop", "service", "lb", Histories.at(12).plusSeconds(1),
                Histories.at(12).plusSeconds(2), "admin", 8, 1, 1, List.of(member("lb", "webtier"))));
        refused(Reason.INVALID, "holds [old, report, shop-app, shop-db] with the same service type and SDP version",
                () -> clones.cloneAccount("shop", "copy", 12, true));
    }

    @Test
    public void aMaskedValueNoSourceHasIsRefusedNamingServiceAndKey() {
        world.services.remove("id-shop/shop-app");
        refused(Reason.INVALID, "the masked configuration [admin.password] of 'shop-app' cannot be recovered",
                () -> clones.cloneAccount("shop", "copy", 12, false));
        backupAtVersion12();
        clones.cloneAccount("shop", "copy", 12, true); // the backup has it
        assertEquals(1, world.submitted.size());
    }

    @Test
    public void anExternalServiceWhoseSecretsAreGoneIsRefusedWhenUsedAndLeftOutOtherwise() throws Exception {
        world.services.remove("id-shop/legacy");
        refused(Reason.INVALID, "the masked binding [password, url] of external service 'legacy' cannot be recovered",
                () -> clones.cloneAccount("shop", "copy", 12, false));
        assertTrue(world.calls.stream().noneMatch(c -> c.startsWith("register")));

        FakePlatform.Context ctx = run(10, false); // 'old' (its user) came at version 11
        assertTrue(world.calls.stream().noneMatch(c -> c.startsWith("register")));
        assertTrue(ctx.notes.toString(), ctx.notes.get("external:legacy").contains("was not registered"));
    }

    @Test
    public void theCloneOfAnAccountMadeSinceItWasSubmittedFails() throws Exception {
        clones.cloneAccount("shop", "copy", 12, false);
        JobInfo job = FakePlatform.cloneJob(40, world.submitted.get(0));
        world.account("copy", new Histories().account("copy").list());
        try {
            planner.plan(job).steps().get(0).task().action().run(new FakePlatform.Context(job));
            fail("someone else's account");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("account 'copy' was created after this clone was "
                    + "submitted"));
        }
        assertTrue(world.calls.stream().noneMatch(c -> c.startsWith("recordOrigin")));
        assertEquals(Instant.EPOCH, world.accounts.get("copy").createdAt());
    }
}
