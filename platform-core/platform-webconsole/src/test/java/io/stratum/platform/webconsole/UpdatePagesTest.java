package io.stratum.platform.webconsole;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.UpdateDTO;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The update pages of the console plugin (the updates of the user's accounts with when each runs and its job's live
 * progress, patches, SDP versions; a service's maintenance window with its forms) in a real servlet container over
 * real HTTP, in front of hand-written fakes of the platform and of the update bundle's facade ({@link FakeUpdates}).
 */
public class UpdatePagesTest {

    private static final String WINDOW = "/window?account=default&name=orders-db";
    private static final String WINDOW_PAGE = "/system/console/stratum/window?account=default&name=orders-db";

    private FakePlatform fake;
    private FakeUpdates updates;
    private ConsoleServer server;

    @Before
    public void start() throws Exception {
        fake = new FakePlatform();
        updates = new FakeUpdates(fake);
        server = new ConsoleServer(plugin(true), new TestRealm().security());
    }

    private StratumConsolePlugin plugin(boolean withUpdates) {
        StratumConsolePlugin plugin = new StratumConsolePlugin(fake, "/opt/stratum/deploy",
                Clock.fixed(FakeUpdates.NOW, ZoneOffset.UTC));
        plugin.backupAccess = fake.backupAccess;
        plugin.cloneAccess = fake.cloneAccess;
        plugin.updateAccess = withUpdates ? updates : null;
        return plugin;
    }

    @After
    public void stop() {
        server.close();
    }

    private Browser browser(String user) {
        return new Browser(server).as(user, TestRealm.password(user));
    }

    private static HttpResponse<String> ok(HttpResponse<String> r) {
        assertEquals(r.uri() + " answered " + r.statusCode() + ":\n" + r.body(), 200, r.statusCode());
        return r;
    }

    private static void contains(HttpResponse<String> r, String... parts) {
        for (String part : parts) {
            assertTrue(r.uri() + " lacks '" + part + "':\n" + r.body(), r.body().contains(part));
        }
    }

    private static void lacks(HttpResponse<String> r, String... parts) {
        for (String part : parts) {
            assertFalse(r.uri() + " has '" + part + "':\n" + r.body(), r.body().contains(part));
        }
    }

    private static String location(HttpResponse<String> r) {
        assertEquals(r.body(), 303, r.statusCode());
        return r.headers().firstValue("Location").orElseThrow();
    }

    @Test
    public void theUpdatesPageShowsWhenEachRunsInItsWindowsZoneTheLiveJobPatchesAndVersions() throws Exception {
        HttpResponse<String> page = ok(browser("alice").get("/updates"));
        contains(page, "id=\"tab-updates\"", "<li class=\"active\"><a id=\"tab-updates\"",
                // pending: when, in the window's zone, and how far off; run and cancel
                "data-update=\"u-1\" data-state=\"PENDING\"", "2026-11-22 15:12 Europe/Berlin",
                "in 3 h 12 min", "1.0.0 \u2192 1.1.0", "id=\"update-run-form-u-1\"", "id=\"update-cancel-form-u-1\"",
                "href=\"/system/console/stratum/window?account=default&amp;name=orders-db\"",
                // running: its job, followed live by the page's script
                "data-update=\"u-2\" data-state=\"RUNNING\"", "href=\"/system/console/stratum/jobs/2\"",
                "data-live-job-url=\"/system/console/stratum/jobs/2.json\"",
                "src=\"/system/console/stratum/res/updates.js\"",
                // recent
                "id=\"updates-recent\"", "data-update=\"u-3\" data-state=\"SUCCEEDED\"",
                // patches, the refusal escaped; versions side by side with their services
                "data-patch=\"maxthreads\" data-state=\"VALID\"", "<code>maxThreads = 100</code>",
                "id=\"patch-apply-form-maxthreads\"", "checksum &lt;b&gt;mismatch&lt;/b&gt;",
                "data-version=\"1.1.0\"", "(newest: new services get it)", ">default/orders-db</a>");
        lacks(page, "u-9", "secret-update", "secret-db", "id=\"patch-apply-form-broken\"");
        HttpResponse<String> admin = ok(browser("admin").get("/updates"));
        contains(admin, "data-update=\"u-9\"", ">other/secret-db</a>");
        // one account only
        lacks(ok(browser("admin").get("/updates?account=default")), "data-update=\"u-9\"");
        // the running update's job snapshot the script reads
        contains(ok(browser("alice").get("/jobs/2.json")), "\"progress\":35");
    }

    @Test
    public void runningAndCancellingAPendingUpdateAndViewersMayNot() throws Exception {
        Browser victor = browser("victor");
        String vt = Browser.token(ok(victor.get("/updates")));
        String back = location(victor.post("/updates/cancel", "csrf", vt, "id", "u-1"));
        assertEquals("/system/console/stratum/updates#pending", back);
        contains(ok(victor.get("/updates")), "viewers of account &#39;default&#39; may not ask for updates");
        assertEquals(List.of(), updates.changes);

        Browser alice = browser("alice");
        String token = Browser.token(ok(alice.get("/updates")));
        assertEquals("/system/console/stratum/jobs/2", location(alice.post("/updates/run", "csrf", token, "id",
                "u-1")));
        assertEquals(List.of("runNow u-1 by alice"), updates.changes);
        contains(ok(alice.get("/jobs/2")), "Update u-1 of &#39;orders-db&#39; (1.0.0 \u2192 1.1.0) runs now as job 2.");
        // not pending any more: the platform's refusal is shown
        location(alice.post("/updates/cancel", "csrf", token, "id", "u-1"));
        contains(ok(alice.get("/updates")), "update u-1 is RUNNING");
        // another account's update is not there
        location(alice.post("/updates/cancel", "csrf", token, "id", "u-9"));
        contains(ok(alice.get("/updates")), "no update &#39;u-9&#39;");
        assertEquals(UpdateDTO.State.PENDING, updates.updates.get("u-9").state());
        // without the form token nothing is done
        assertEquals(403, alice.post("/updates/cancel", "id", "u-9").statusCode());
    }

    @Test
    public void aServicesWindowPageShowsTheChosenSlotAndItsFormsSetTheWindowAndAskForAnUpgrade() throws Exception {
        Browser alice = browser("alice");
        HttpResponse<String> page = ok(alice.get(WINDOW));
        contains(page, "<li class=\"active\"><a id=\"tab-updates\"", "Maintenance window of <span id=\"window-service\"",
                "data-field=\"zone\">Europe/Berlin<", "data-test=\"chosen-slot\"><th>Slot 1</th>",
                "assigned by the update manager", "data-field=\"nextSlot\">2026-11-22 15:12 Europe/Berlin",
                "in 3 h 12 min", "id=\"window-form\"", "name=\"slot2\" size=\"20\" value=\"Thu 02:00/2h\"",
                "value=\"1\" checked", "id=\"upgrade-form\"", "<option value=\"1.1.0\">1.1.0 (newest)</option>",
                "id=\"service-updates-table\"", "data-update=\"u-1\"");
        // the service's page links here
        contains(ok(alice.get("/service?account=default&name=orders-db")), "data-test=\"service-window\"");

        String token = Browser.token(page);
        String saved = location(alice.post("/updates/window", "csrf", token, "account", "default", "name",
                "orders-db", "frame", "Mon-Fri 22:30/90m", "zone", "UTC", "slot1", "Tue 02:00/2h", "slot2",
                "Wed 23:00/2h", "slot3", "Sat 02:00/2h", "chosenSlot", "2", "notifyEmail", "ops@example.com"));
        assertEquals(WINDOW_PAGE, saved);
        assertEquals(List.of("setWindow default/orders-db MaintenanceWindowRequest[frame=Mon-Fri 22:30/90m, zone=UTC,"
                + " slots=[Tue 02:00/2h, Wed 23:00/2h, Sat 02:00/2h], chosenSlot=2, notifyEmail=ops@example.com] by "
                + "alice"), updates.changes);
        HttpResponse<String> after = ok(alice.get(WINDOW));
        contains(after, "Maintenance window of &#39;orders-db&#39; saved.",
                "data-test=\"chosen-slot\"><th>Slot 2</th><td data-field=\"slot2\">Wed 23:00/2h", "ops@example.com");
        lacks(after, "assigned by the update manager");

        // a refusal keeps what was typed
        location(alice.post("/updates/window", "csrf", token, "account", "default", "name", "orders-db", "zone",
                "Mars/Olympus", "slot1", "Tue 02:00/2h", "slot2", "Wed 23:00/2h", "slot3", "Sat 02:00/2h"));
        contains(ok(alice.get(WINDOW)), "no time zone &#39;Mars/Olympus&#39;", "value=\"Mars/Olympus\"");
        assertEquals(1, updates.changes.size());

        String upgraded = location(alice.post("/updates/upgrade", "csrf", token, "account", "default", "name",
                "legacy-db", "toVersion", "1.1.0"));
        assertEquals("/system/console/stratum/window?account=default&name=legacy-db#service-updates", upgraded);
        assertEquals("upgrade default/legacy-db 1.1.0 false by alice", updates.changes.get(1));
    }

    @Test
    public void withoutTheUpdateBundleThePagesSaySoAndTheRestWorks() throws Exception {
        server.close();
        server = new ConsoleServer(plugin(false), new TestRealm().security());
        Browser alice = browser("alice");
        HttpResponse<String> page = ok(alice.get("/updates"));
        contains(page, "data-test=\"updates-unavailable\"", "io.stratum.platform-update");
        contains(ok(alice.get(WINDOW)), "data-test=\"updates-unavailable\"");
        lacks(ok(alice.get("/service?account=default&name=orders-db")), "service-window");
        String token = Browser.token(ok(alice.get("/services")));
        location(alice.post("/updates/cancel", "csrf", token, "id", "u-1"));
        contains(ok(alice.get("/updates")), "need the update bundle");
        assertEquals(List.of(), updates.changes);
    }
}
