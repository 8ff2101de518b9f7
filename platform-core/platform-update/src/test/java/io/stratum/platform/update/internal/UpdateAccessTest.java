package io.stratum.platform.update.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.JobPlanDTO;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.MaintenanceWindowDTO;
import io.stratum.platform.api.MaintenanceWindowRequest;
import io.stratum.platform.api.PatchDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.SdpDTO;
import io.stratum.platform.api.SdpVersionDTO;
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.api.UpdateDTO;
import io.stratum.platform.api.UpdateService;
import io.stratum.platform.spi.JobInfo;
import io.stratum.platform.spi.JobRequest;
import io.stratum.platform.spi.Jobs;
import io.stratum.platform.spi.ManagedService;
import io.stratum.platform.spi.StepContributor;
import io.stratum.sme.api.ServiceManagementEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * The update facade on the platform's real store and account scoping, with fake services, engines and job engine:
 * what each request records, how each update runs, when, and who may ask.
 */
public class UpdateAccessTest {

    /** A Thursday. */
    private static final Instant NOW = Instant.parse("2026-12-03T17:00:00Z");

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private RealStore real;
    private Fakes f;
    private UpdateStore store;
    private UpdateLedger ledger;
    private UpdateScheduler scheduler;
    private PatchFolder folder;
    private UpdateAccessImpl access;
    private String shop;
    private final List<JobRequest> submitted = Collections.synchronizedList(new ArrayList<>());
    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    private volatile PlatformException refuseWith;
    private Path patches;

    private final SdpCatalog catalog = new SdpCatalog() {
        @Override
        public List<Entry> entries() {
            return List.of(new Entry("database", "database", "1.0.0", SdpDTO.State.AVAILABLE),
                    new Entry("database", "database", "1.1.0", SdpDTO.State.AVAILABLE),
                    new Entry("database", "database", "2.0.0", SdpDTO.State.AVAILABLE),
                    new Entry("appserver", "appserver", "1.0.0", SdpDTO.State.AVAILABLE));
        }

        @Override
        public Optional<Map<String, String>> schema(String serviceType, String version) {
            Map<String, String> m = new HashMap<>();
            if (serviceType.equals("appserver")) {
                m.put("maxThreads", "200");
                m.put("sessionTimeoutS", "1800");
            } else {
                m.put("heapMb", "64");
                if (!version.equals("1.0.0")) {
                    m.put("lockTimeoutMs", "10000");
                }
            }
            return Optional.of(m);
        }
    };

    private final Jobs jobs = new Jobs() {
        private long next = 100;

        @Override
        public synchronized JobInfo submit(JobRequest request) {
            if (refuseWith != null) {
                throw refuseWith;
            }
            submitted.add(request);
            return Fakes.job(next++, request.kind(), request.serviceId(), request.params(), JobState.QUEUED, "", "");
        }

        @Override
        public JobPlanDTO preview(JobRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<JobInfo> find(long id) {
            return Optional.empty();
        }

        @Override
        public JobInfo await(long id, Duration timeout) {
            throw new UnsupportedOperationException();
        }
    };

    @Before
    public void setUp() throws Exception {
        real = new RealStore(tmp.newFolder("home").toPath());
        shop = real.account("shop");
        String other = real.account("other");
        real.user("alice", shop, AccountRole.MEMBER);
        real.user("vic", shop, AccountRole.VIEWER);
        real.user("olga", other, AccountRole.MEMBER);
        real.admin("root");
        f = new Fakes();
        add("db", "database", "1.0.0", 1, Map.of("heapMb", "64"));
        add("app", "appserver", "1.0.0", 3, Map.of("maxThreads", "200", "sessionTimeoutS", "1800"));
        add("solo", "appserver", "1.0.0", 1, Map.of("maxThreads", "200", "sessionTimeoutS", "1800"));
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        store = new UpdateStore(real.data);
        ledger = new UpdateLedger(store, clock);
        ledger.bindEvents(new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                events.add(event);
            }

            @Override
            public void sendEvent(Event event) {
                events.add(event);
            }
        });
        scheduler = new UpdateScheduler(jobs, store, ledger, clock, "", 0, r -> Instant.MIN);
        Windows windows = new Windows(store, clock, "daily 02:00/2h", "UTC", List.of("Tue 02:00/2h",
                "Thu 02:00/2h", "Sat 02:00/2h"));
        patches = tmp.newFolder("patches").toPath();
        folder = new PatchFolder(patches, catalog, clock, 0);
        UpdateEngines engines = new UpdateEngines();
        Fakes.Engine dbEngine = f.new Engine(Set.of("lockTimeoutMs"), List.of("i1"));
        Fakes.Engine appEngine = f.new Engine(Set.of("sessionTimeoutS"), List.of("i1", "i2", "i3"));
        for (String v : List.of("1.0.0", "1.1.0", "2.0.0")) {
            engines.bindUpdate(dbEngine, Map.of(ServiceManagementEngine.SERVICE_TYPE, "database",
                    ServiceManagementEngine.SDP_VERSION, v));
        }
        engines.bindUpdate(appEngine, Map.of(ServiceManagementEngine.SERVICE_TYPE, "appserver",
                ServiceManagementEngine.SDP_VERSION, "1.0.0"));
        engines.bindRolling(appEngine, Map.of(ServiceManagementEngine.SERVICE_TYPE, "appserver",
                ServiceManagementEngine.SDP_VERSION, "1.0.0"));
        access = new UpdateAccessImpl(real.scopes, f.servicesView, store, ledger, scheduler, windows, folder, catalog,
                engines, clock);
    }

    @After
    public void tearDown() {
        scheduler.deactivate();
        folder.deactivate();
        ledger.deactivate();
        real.close();
    }

    private void add(String name, String type, String version, int instances, Map<String, String> config) {
        ManagedService s = f.service("id-" + name, name, type, version, instances, config, Map.of());
        f.services.put(s.id(), new ManagedService(s.id(), shop, "shop", name, type, type, version, "small", config,
                instances, ServiceState.RUNNING, null, Map.of(), false));
    }

    private UpdateService as(String user) {
        return access.as(Caller.user(user, Caller.VIA_SHELL));
    }

    private void patch(String id, String type, String config) throws Exception {
        Path p = patches.resolve(id + ".json");
        Files.writeString(p, "{\"id\": \"" + id + "\", \"serviceType\": \"" + type + "\", \"sdpVersions\": "
                + "\"[1.0.0,2.0.0)\", \"configuration\": " + config + "}");
        Files.writeString(patches.resolve(id + ".json.sha256"), PatchFolder.sha256(Files.readAllBytes(p)) + "  " + id
                + ".json\n");
        folder.refresh();
    }

    private static PlatformException refused(Reason reason, Executable call) {
        PlatformException e = assertThrows(PlatformException.class, () -> call.run());
        assertEquals(e.getMessage(), reason, e.reason());
        return e;
    }

    /** A call that may throw. */
    private interface Executable {
        void run() throws Throwable;
    }

    private List<String> topics() {
        return events.stream().map(Event::getTopic).toList();
    }

    // ------------------------------------------------------------------ upgrades

    @Test
    public void anUpgradeWaitsForTheSlotAndSaysWhatTheNewVersionAddsAndDrops() {
        f.recorded.put("id-db", Map.of("heapMb", "64"));
        List<UpdateDTO> u = as("alice").upgrade("shop", "db", null, "1.1.0", false);
        assertEquals(1, u.size());
        UpdateDTO d = u.get(0);
        assertEquals(UpdateDTO.State.PENDING, d.state());
        assertEquals("HARD", d.mode());
        assertEquals(UpdateDTO.Type.UPGRADE, d.type());
        assertEquals("1.0.0", d.fromVersion());
        assertEquals("1.1.0", d.toVersion());
        // slot 1 (Tue 02:00) is assigned: the next Tuesday after Thursday 2026-12-03
        assertEquals(Instant.parse("2026-12-08T02:00:00Z"), d.notBefore());
        assertTrue(d.message(), d.message().contains("adds lockTimeoutMs=10000 (defaults of the new version)"));
        assertEquals("alice", d.requestedBy());
        assertEquals(List.of("io/stratum/update/SCHEDULED"), topics());
        assertEquals("upgrade 1.0.0 -> 1.1.0 (HARD)", events.get(0).getProperty("update.summary"));
        scheduler.tick();
        assertTrue("not due yet", submitted.isEmpty());
    }

    @Test
    public void theNewestVersionOfTheSameMajorIsTheDefaultAndOtherMajorsAreRefused() {
        PlatformException e = refused(Reason.INVALID, () -> as("alice").upgrade("shop", "db", null, "2.0.0", false));
        assertTrue(e.getMessage(), e.getMessage().contains("only to a newer version of the same major (1.x), not to "
                + "2.0.0 (installed: 2.0.0, 1.1.0, 1.0.0)"));
        e = refused(Reason.NOT_FOUND, () -> as("alice").upgrade("shop", "db", null, "1.5.0", false));
        assertTrue(e.getMessage(), e.getMessage().contains("version 1.5.0 of database is not installed (installed: "
                + "2.0.0, 1.1.0, 1.0.0)"));
        assertTrue(as("alice").updates("shop", true).isEmpty());
    }

    @Test
    public void aForcedUpgradeRunsAtOnceAsAJobOfTheServiceWithTheBackupGuard() {
        UpdateDTO u = as("alice").upgrade("shop", "db", null, "1.1.0", true).get(0);
        assertEquals(NOW, u.notBefore());
        assertTrue(u.forced());
        assertEquals("handed to its job at once", UpdateDTO.State.RUNNING, u.state());
        assertEquals(Long.valueOf(100), u.jobId());
        scheduler.tick();
        assertEquals(1, submitted.size());
        JobRequest r = submitted.get(0);
        assertEquals(UpdateJob.KIND, r.kind());
        assertEquals("id-db", r.serviceId());
        assertEquals(shop, r.accountId());
        assertEquals("HARD", r.params().get(UpdateJob.MODE));
        assertEquals(UpdateJob.BACKUP_GUARD, r.params().get(StepContributor.REQUIRED));
        // the job carries the update's id only; the configurations are in the update's record, sealed at rest
        assertEquals(u.id(), r.params().get(UpdateJob.UPDATE));
        assertTrue(r.params().toString(), r.params().values().stream().noneMatch(v -> v.contains("heapMb")));
        UpdateStore.Row row = store.find(u.id()).orElseThrow();
        assertEquals(Map.of("heapMb", "64", "lockTimeoutMs", "10000"), UpdateJob.map(row.configuration()));
        assertEquals(Map.of("heapMb", "64"), UpdateJob.map(row.before()));
        String atRest = real.data.inTransaction(c -> {
            try (var st = c.prepareStatement("SELECT configuration FROM update_updates WHERE id = ?")) {
                st.setString(1, u.id());
                try (var rs = st.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
        assertTrue("sealed at rest: " + atRest, !atRest.contains("heapMb"));
        assertEquals("alice", r.requester().user());
        UpdateDTO running = as("alice").update(u.id());
        assertEquals(UpdateDTO.State.RUNNING, running.state());
        assertEquals(Long.valueOf(100), running.jobId());
        ledger.jobEnded(Fakes.job(100, UpdateJob.KIND, "id-db", r.params(), JobState.SUCCEEDED, "done", ""));
        UpdateDTO done = as("alice").update(u.id());
        assertEquals(UpdateDTO.State.SUCCEEDED, done.state());
        assertEquals(NOW, done.endedAt());
        assertEquals(List.of("io/stratum/update/SCHEDULED", "io/stratum/update/STARTED",
                "io/stratum/update/SUCCEEDED"), topics());
        // ended twice (the engine may call onEnd again): recorded once
        ledger.jobEnded(Fakes.job(100, UpdateJob.KIND, "id-db", r.params(), JobState.FAILED, "", "x"));
        assertEquals(UpdateDTO.State.SUCCEEDED, as("alice").update(u.id()).state());
    }

    @Test
    public void aFailedJobFailsTheUpdateWithTheJobsError() {
        UpdateDTO u = as("alice").upgrade("shop", "db", null, null, true).get(0);
        assertEquals("1.1.0", u.toVersion());
        scheduler.tick();
        ledger.jobEnded(Fakes.job(100, UpdateJob.KIND, "id-db", submitted.get(0).params(), JobState.FAILED, "",
                "migrate/migrate failed: injected failure at migrate; rolled back"));
        UpdateDTO failed = as("alice").update(u.id());
        assertEquals(UpdateDTO.State.FAILED, failed.state());
        assertTrue(failed.message(), failed.message().contains("injected failure at migrate"));
        assertTrue(topics().contains("io/stratum/update/FAILED"));
    }

    @Test
    public void aBusyServiceLeavesTheUpdatePendingUntilItIsFree() {
        refuseWith = new PlatformException(Reason.CONCURRENCY, "'db' is busy with job 7 (backup.create)");
        UpdateDTO u = as("alice").upgrade("shop", "db", null, "1.1.0", true).get(0);
        scheduler.tick();
        UpdateDTO waiting = as("alice").update(u.id());
        assertEquals(UpdateDTO.State.PENDING, waiting.state());
        assertTrue(waiting.message(), waiting.message().contains("waits: 'db' is busy with job 7"));
        refuseWith = null;
        scheduler.tick();
        assertEquals(UpdateDTO.State.RUNNING, as("alice").update(u.id()).state());
    }

    @Test
    public void aSecondUpdateOfTheSameServiceIsAConflict() {
        as("alice").upgrade("shop", "db", null, "1.1.0", false);
        PlatformException e = refused(Reason.CONCURRENCY, () -> as("alice").upgrade("shop", "db", null, "1.1.0",
                false));
        assertTrue(e.getMessage(), e.getMessage().contains("PENDING (upgrade 1.0.0 -> 1.1.0 (HARD))"));
    }

    // ------------------------------------------------------------------ patches

    @Test
    public void aPatchOfLiveKeysIsSoftAndWaitsForTheFrame() throws Exception {
        patch("sessions", "appserver", "{\"sessionTimeoutS\": \"600\"}");
        UpdateDTO u = as("alice").applyPatch("sessions", "shop", "app", false).get(0);
        assertEquals("SOFT", u.mode());
        assertEquals(Instant.parse("2026-12-04T02:00:00Z"), u.notBefore());
        assertEquals(UpdateDTO.Type.PATCH, u.type());
        assertEquals("sessions", u.patchId());
        assertTrue(u.message(), u.message().contains("sets sessionTimeoutS=600"));
    }

    @Test
    public void aPatchOfOtherKeysRollsSeveralInstancesAndIsHardForOne() throws Exception {
        patch("threads", "appserver", "{\"maxThreads\": \"100\"}");
        List<UpdateDTO> all = as("alice").applyPatch("threads", "shop", null, false);
        Map<String, String> modes = new HashMap<>();
        all.forEach(x -> modes.put(x.service(), x.mode()));
        assertEquals(Map.of("app", "ROLLING", "solo", "HARD"), modes);
        // applied already (pending counts as asked for): nothing new
        assertTrue(as("alice").applyPatch("threads", "shop", null, false).isEmpty());
    }

    @Test
    public void aRefusedOrInapplicablePatchIsInvalid() throws Exception {
        Files.writeString(patches.resolve("bad.json"), "{");
        folder.refresh();
        PlatformException e = refused(Reason.INVALID, () -> as("alice").applyPatch("bad", "shop", "app", false));
        assertTrue(e.getMessage(), e.getMessage().contains("patch 'bad' is refused: "));
        patch("threads", "appserver", "{\"maxThreads\": \"100\"}");
        e = refused(Reason.INVALID, () -> as("alice").applyPatch("threads", "shop", "db", false));
        assertTrue(e.getMessage(), e.getMessage().contains("applies to appserver [1.0.0,2.0.0); 'db' is database"));
        refused(Reason.NOT_FOUND, () -> as("alice").applyPatch("nope", "shop", "app", false));
    }

    @Test
    public void onlyAPlatformAdminListsThePatchFolder() throws Exception {
        patch("sessions", "appserver", "{\"sessionTimeoutS\": \"600\"}");
        refused(Reason.FORBIDDEN, () -> as("alice").patches());
        List<PatchDTO> listed = as("root").patches();
        assertEquals(1, listed.size());
        assertEquals("SOFT", listed.get(0).kind());
        assertEquals(PatchDTO.State.VALID, as("root").patch("sessions").state());
    }

    // ------------------------------------------------------------------ who may do what

    @Test
    public void viewersReadAndOthersSeeNothing() {
        UpdateDTO u = as("alice").upgrade("shop", "db", null, "1.1.0", false).get(0);
        assertEquals(u.id(), as("vic").update(u.id()).id());
        refused(Reason.FORBIDDEN, () -> as("vic").cancel(u.id()));
        refused(Reason.FORBIDDEN, () -> as("vic").upgrade("shop", "app", null, null, false));
        PlatformException e = refused(Reason.NOT_FOUND, () -> as("olga").update(u.id()));
        assertEquals("no update '" + u.id() + "' (see stratum:update-list)", e.getMessage());
        assertTrue(as("olga").updates(null, true).isEmpty());
        assertEquals(1, as("root").updates(null, false).size());
    }

    @Test
    public void aPendingUpdateIsCancelledOnceOrRunNow() {
        UpdateDTO u = as("alice").upgrade("shop", "db", null, "1.1.0", false).get(0);
        assertEquals(UpdateDTO.State.CANCELLED, as("alice").cancel(u.id()).state());
        PlatformException e = refused(Reason.CONCURRENCY, () -> as("alice").cancel(u.id()));
        assertTrue(e.getMessage(), e.getMessage().contains("is CANCELLED, not PENDING"));
        assertTrue(topics().contains("io/stratum/update/CANCELLED"));
        UpdateDTO again = as("alice").upgrade("shop", "db", null, "1.1.0", false).get(0);
        UpdateDTO ran = as("alice").runNow(again.id());
        assertEquals(UpdateDTO.State.RUNNING, ran.state());
        assertTrue(ran.forced());
        assertEquals(1, submitted.size());
        refused(Reason.CONCURRENCY, () -> as("alice").runNow(again.id()));
    }

    // ------------------------------------------------------------------ windows

    @Test
    public void theDefaultWindowUntilOneIsSetAndPendingUpdatesMoveWithIt() {
        MaintenanceWindowDTO w = as("vic").window("shop", "db");
        assertTrue(w.isDefault());
        assertEquals("daily 02:00/2h", w.frame());
        assertEquals(List.of("Tue 02:00/2h", "Thu 02:00/2h", "Sat 02:00/2h"), w.slots());
        assertEquals(1, w.chosenSlot());
        assertTrue(w.slotAssigned());
        UpdateDTO u = as("alice").upgrade("shop", "db", null, "1.1.0", false).get(0);
        MaintenanceWindowDTO set = as("alice").setWindow("shop", "db", new MaintenanceWindowRequest(null,
                "Europe/Berlin", null, 3, "ops@example.com"));
        assertFalse(set.isDefault());
        assertEquals(3, set.chosenSlot());
        assertFalse(set.slotAssigned());
        // Sat 02:00 in Berlin (winter) is 01:00 UTC
        assertEquals(Instant.parse("2026-12-05T01:00:00Z"), set.nextSlot());
        assertEquals(set.nextSlot(), as("alice").update(u.id()).notBefore());
    }

    @Test
    public void aBadWindowIsRefusedNamingEveryProblemAndTheGrammar() {
        PlatformException e = refused(Reason.INVALID, () -> as("alice").setWindow("shop", "db",
                new MaintenanceWindowRequest("Mon 26:00/2h", "Mars/Base", List.of("Tue 02:00/2h"), 4, "nobody")));
        String m = e.getMessage();
        assertTrue(m, m.contains("frame: 'Mon 26:00/2h' is not a maintenance frame: 26:00 is not a time of day"));
        assertTrue(m, m.contains("write <days> HH:mm/<length>"));
        assertTrue(m, m.contains("zone: 'Mars/Base' is not a time zone"));
        assertTrue(m, m.contains("slots: give three frames, not 1"));
        assertTrue(m, m.contains("chosenSlot: choose slot 1, 2 or 3, not 4"));
        assertTrue(m, m.contains("notifyEmail: 'nobody' is not an email address"));
        assertTrue(as("alice").window("shop", "db").isDefault());
        refused(Reason.FORBIDDEN, () -> as("vic").setWindow("shop", "db", new MaintenanceWindowRequest(null, null,
                null, 2, null)));
    }

    // ------------------------------------------------------------------ versions

    @Test
    public void versionsAreNewestFirstWithTheServicesOnEach() {
        List<SdpVersionDTO> v = as("alice").versions("database");
        assertEquals(List.of("2.0.0", "1.1.0", "1.0.0"), v.stream().map(SdpVersionDTO::version).toList());
        assertTrue(v.get(0).newest());
        assertEquals(List.of("shop/db"), v.get(2).services());
        assertTrue(as("olga").versions("database").get(2).services().isEmpty());
    }

    // ------------------------------------------------------------------ notifications and account contents

    @Test
    public void aScheduledHardUpdateIsMailedWhenTheWindowSaysWhere() throws Exception {
        List<io.stratum.platform.spi.AlertAction.Firing> mailed = Collections.synchronizedList(new ArrayList<>());
        ledger.bindEmail(new io.stratum.platform.spi.AlertAction() {
            @Override
            public void validate(String argument) {
            }

            @Override
            public void run(Firing firing) {
                mailed.add(firing);
            }
        });
        patch("sessions", "appserver", "{\"sessionTimeoutS\": \"600\"}");
        as("alice").setWindow("shop", "db", new MaintenanceWindowRequest(null, null, null, null, "ops@example.com"));
        as("alice").setWindow("shop", "app", new MaintenanceWindowRequest(null, null, null, null, "ops@example.com"));
        as("alice").applyPatch("sessions", "shop", "app", false); // soft: not mailed
        UpdateDTO u = as("alice").upgrade("shop", "db", null, "1.1.0", false).get(0);
        long until = System.currentTimeMillis() + 10_000;
        while (mailed.isEmpty() && System.currentTimeMillis() < until) {
            Thread.sleep(20);
        }
        assertEquals(1, mailed.size());
        io.stratum.platform.spi.AlertAction.Firing m = mailed.get(0);
        assertEquals("ops@example.com", m.argument());
        assertEquals("db", m.service());
        assertEquals("update " + u.id(), m.alert());
        assertTrue(m.summary(), m.summary().contains("upgrade 1.0.0 -> 1.1.0 (HARD) scheduled for "
                + "2026-12-08T02:00:00Z"));
    }

    @Test
    public void anAccountWithOpenUpdatesSaysSoAndWhatIsLeftOfGoneServicesIsForgotten() {
        UpdateAccountContents contents = new UpdateAccountContents(store, f.servicesView);
        assertTrue(contents.remaining(shop).isEmpty());
        UpdateDTO u = as("alice").upgrade("shop", "db", null, "1.1.0", false).get(0);
        as("alice").setWindow("shop", "app", new MaintenanceWindowRequest(null, null, null, 2, null));
        List<String> left = contents.remaining(shop);
        assertEquals(List.of("updates '" + u.id() + "' (db, PENDING) (stratum:update-cancel)"), left);
        f.services.remove("id-db");
        f.services.remove("id-app");
        assertTrue(contents.remaining(shop).isEmpty());
        assertTrue(store.window("id-app").isEmpty());
        assertTrue(store.find(u.id()).isEmpty());
    }

    @Test
    public void aHardUpdateOfAStoppedServiceIsRefusedSinceItWouldStartIt() {
        ManagedService s = f.services.get("id-db");
        f.services.put(s.id(), new ManagedService(s.id(), s.accountId(), s.accountName(), s.name(), s.serviceType(),
                s.sdpName(), s.sdpVersion(), s.plan(), s.configuration(), s.instances(), ServiceState.STOPPED,
                s.environmentId(), s.providers(), s.external()));
        PlatformException e = refused(Reason.INVALID, () -> as("alice").upgrade("shop", "db", null, "1.1.0", true));
        assertTrue(e.getMessage(), e.getMessage().contains("'db' is STOPPED: a HARD update restarts it"));
        assertTrue("nothing recorded", as("alice").updates("shop", true).isEmpty());
    }
}
