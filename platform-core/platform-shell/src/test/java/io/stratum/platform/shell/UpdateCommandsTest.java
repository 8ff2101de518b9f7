package io.stratum.platform.shell;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.MaintenanceWindowDTO;
import io.stratum.platform.api.MaintenanceWindowRequest;
import io.stratum.platform.api.PatchDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.SdpDTO;
import io.stratum.platform.api.SdpVersionDTO;
import io.stratum.platform.api.UpdateDTO;
import io.stratum.platform.api.UpdateService;
import io.stratum.platform.api.UserDTO;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.support.CommandException;
import org.junit.Test;

/** The SDP version, patch, update and window commands as Karaf runs them, over a facade stub that records calls. */
public class UpdateCommandsTest {

    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
    private static final MaintenanceWindowDTO WINDOW = new MaintenanceWindowDTO("db1", "daily 02:00/2h",
            "Europe/Berlin", List.of("Tue 02:00/2h", "Thu 02:00/2h", "Sat 02:00/2h"), 1, true, "", T0.plusSeconds(
                    15 * 3600), T0.plusSeconds(4 * 86400 + 15 * 3600), false);

    private final List<Object[]> calls = new ArrayList<>();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private UserDTO me = new UserDTO("alice", false, Map.of("acme", AccountRole.ADMIN), T0);

    private static UpdateDTO pending(String id, String service, Instant notBefore) {
        return new UpdateDTO(id, "acme", service, "database", UpdateDTO.Type.UPGRADE, "1.0.0", "1.1.0", null, "HARD",
                UpdateDTO.State.PENDING, notBefore, false, null, "alice", T0, null, "waits for slot 1");
    }

    private UpdateService facade() {
        return (UpdateService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {UpdateService.class}, (proxy, method, args) -> {
                    calls.add(new Object[] {method.getName(), args});
                    switch (method.getName()) {
                        case "versions":
                            return List.of(new SdpVersionDTO("database", "Database", "1.1.0", SdpDTO.State.AVAILABLE,
                                    true, List.of("acme/db2")), new SdpVersionDTO("database", "Database", "1.0.0",
                                            SdpDTO.State.AVAILABLE, false, List.of("acme/db1", "acme/db3")));
                        case "updates":
                            return List.of(pending("u1", "db1", T0.plus(Duration.ofMinutes(3 * 60 + 12))));
                        case "upgrade":
                            return args[1] == null ? List.of() : List.of(pending("u2", (String) args[1], T0));
                        case "applyPatch":
                            return List.of(new UpdateDTO("u3", "acme", "app", "appserver", UpdateDTO.Type.PATCH,
                                    "1.0.0", "1.0.0", (String) args[0], "ROLLING", UpdateDTO.State.RUNNING, T0, true,
                                    7L, "alice", T0, null, ""));
                        case "patch":
                            if (!args[0].equals("maxthreads")) {
                                throw new PlatformException(PlatformException.Reason.NOT_FOUND, "no patch '" + args[0]
                                        + "' in the patch folder (stratum:patch-list lists them)");
                            }
                            return new PatchDTO("maxthreads", "maxthreads.json", "appserver", "[1.0.0,2.0.0)", "HARD",
                                    "Fewer Tomcat threads", "Sets maxThreads to 100", Map.of("maxThreads", "100"),
                                    "ab12", PatchDTO.State.VALID, "", T0);
                        case "runNow":
                            UpdateDTO u = pending((String) args[0], "db1", T0);
                            return new UpdateDTO(u.id(), u.account(), u.service(), u.serviceType(), u.type(),
                                    u.fromVersion(), u.toVersion(), null, "HARD", UpdateDTO.State.RUNNING, T0, false,
                                    42L, "alice", T0, null, "");
                        case "update":
                            return pending((String) args[0], "db1", T0.plusSeconds(3 * 86400));
                        case "cancel":
                            UpdateDTO p = pending((String) args[0], "db1", T0);
                            return new UpdateDTO(p.id(), p.account(), p.service(), p.serviceType(), p.type(),
                                    p.fromVersion(), p.toVersion(), null, "HARD", UpdateDTO.State.CANCELLED, T0,
                                    false, null, "alice", T0, T0, "cancelled by alice");
                        case "window":
                            return WINDOW;
                        case "setWindow":
                            MaintenanceWindowRequest r = (MaintenanceWindowRequest) args[2];
                            return new MaintenanceWindowDTO("db1", WINDOW.frame(), r.zone() == null ? WINDOW.zone()
                                    : r.zone(), r.slots() == null ? WINDOW.slots() : r.slots(),
                                    r.chosenSlot() == null ? 1 : r.chosenSlot(), r.chosenSlot() == null, "",
                                    WINDOW.nextFrame(), WINDOW.nextSlot(), false);
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private <T extends UpdateCommand> T wire(T command) {
        command.updates = facade();
        command.platform = (PlatformService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PlatformService.class}, (p, m, a) -> {
                    if (m.getName().equals("whoAmI")) {
                        return me;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        command.out = new PrintStream(output, true, StandardCharsets.UTF_8);
        command.clock = Clock.fixed(T0, ZoneOffset.UTC);
        return command;
    }

    private String printed() {
        return output.toString(StandardCharsets.UTF_8).replaceAll(" *\t *", "\t");
    }

    private Object[] call(String name) {
        return calls.stream().filter(c -> c[0].equals(name)).map(c -> (Object[]) c[1]).findFirst()
                .orElseThrow(() -> new AssertionError("no call of " + name + ": " + calls));
    }

    @Test
    public void updateListShowsWhenEachRunsInItsWindowsZoneAndHowFarOff() throws Exception {
        UpdateListCommand c = wire(new UpdateListCommand());
        c.noFormat = true;
        c.execute();
        // 13:12 UTC is 14:12 in Berlin in December
        assertTrue(printed(), printed().contains("u1\tacme\tdb1\tdatabase\t1.0.0 -> 1.1.0\tHARD\tPENDING\t"
                + "2026-12-03 14:12 Europe/Berlin\tin 3 h 12 min\t-\twaits for slot 1"));
        assertArrayEquals(new Object[] {null, false}, call("updates"));
        assertArrayEquals(new Object[] {"acme", "db1"}, call("window"));
    }

    @Test
    public void relativeTimesReadAsPeopleSayThem() {
        assertEquals("in 3 h 12 min", UpdateCommand.relative(T0.plusSeconds(3 * 3600 + 12 * 60), T0));
        assertEquals("in 3 h", UpdateCommand.relative(T0.plusSeconds(3 * 3600), T0));
        assertEquals("in 1 min", UpdateCommand.relative(T0.plusSeconds(61 - 1), T0));
        assertEquals("in 2 min", UpdateCommand.relative(T0.plusSeconds(61), T0));
        assertEquals("in 45 s", UpdateCommand.relative(T0.plusSeconds(45), T0));
        assertEquals("in 2 d 4 h", UpdateCommand.relative(T0.plusSeconds(52 * 3600), T0));
        assertEquals("now", UpdateCommand.relative(T0.minusSeconds(5), T0));
    }

    @Test
    public void sdpVersionsShowsTheServicesOnEachVersionSideBySide() throws Exception {
        SdpVersionsCommand c = wire(new SdpVersionsCommand());
        c.type = "database";
        c.noFormat = true;
        c.execute();
        assertTrue(printed(), printed().contains("database\t1.1.0\t*\tDatabase\tAVAILABLE\t1\tacme/db2"));
        assertTrue(printed(), printed().contains("database\t1.0.0\t\tDatabase\tAVAILABLE\t2\tacme/db1, acme/db3"));
        assertArrayEquals(new Object[] {"database"}, call("versions"));
    }

    @Test
    public void serviceUpgradeOfOneServiceSendsItsNameVersionAndForce() throws Exception {
        ServiceUpgradeCommand c = wire(new ServiceUpgradeCommand());
        c.name = "db1";
        c.trailing = List.of("--to", "1.1.0", "--force");
        c.execute();
        assertArrayEquals(new Object[] {null, "db1", null, "1.1.0", true}, call("upgrade"));
        assertTrue(printed(), printed().contains("Upgrading 'db1' to version 1.1.0: 1 update running now."));
    }

    @Test
    public void serviceUpgradeOfATypeMeansTheCallersAccountUnlessAllAccounts() throws Exception {
        ServiceUpgradeCommand c = wire(new ServiceUpgradeCommand());
        c.trailing = List.of("--type", "database");
        c.execute();
        assertArrayEquals(new Object[] {"acme", null, "database", null, false}, call("upgrade"));
        assertTrue(printed(), printed().contains("Nothing to do: the database services of account 'acme' already "
                + "run the newest version."));
        calls.clear();
        me = new UserDTO("root", true, Map.of(), T0);
        ServiceUpgradeCommand all = wire(new ServiceUpgradeCommand());
        all.trailing = List.of("--type", "database", "--all-accounts");
        all.execute();
        assertArrayEquals(new Object[] {null, null, "database", null, false}, call("upgrade"));
    }

    @Test
    public void serviceUpgradeRefusesContradictoryTargets() throws Exception {
        for (List<String> bad : List.of(List.<String>of(), List.of("db1", "--type", "database"),
                List.of("--type", "database", "--all-accounts", "--account", "acme"),
                List.of("db1", "--all-accounts"))) {
            ServiceUpgradeCommand c = wire(new ServiceUpgradeCommand());
            if (!bad.isEmpty() && !bad.get(0).startsWith("-")) {
                c.name = bad.get(0);
                c.trailing = bad.subList(1, bad.size());
            } else {
                c.trailing = bad;
            }
            try {
                c.execute();
                fail("accepted " + bad);
            } catch (CommandException e) {
                assertTrue(bad + ": " + e.getCause(), e.getCause() instanceof UsageException);
            }
        }
        assertTrue(calls.toString(), calls.isEmpty());
    }

    @Test
    public void patchInfoAndApply() throws Exception {
        PatchInfoCommand info = wire(new PatchInfoCommand());
        info.id = "maxthreads";
        info.execute();
        assertTrue(printed(), printed().contains("Applies to:    appserver [1.0.0,2.0.0)"));
        assertTrue(printed(), printed().contains("  maxThreads = 100"));
        PatchApplyCommand apply = wire(new PatchApplyCommand());
        apply.id = "maxthreads";
        apply.service = "app";
        apply.trailing = List.of("--force", "--no-format");
        apply.execute();
        assertArrayEquals(new Object[] {"maxthreads", null, "app", true}, call("applyPatch"));
        assertTrue(printed(), printed().contains("u3\tacme\tapp\tappserver\tpatch maxthreads (1.0.0)\tROLLING\t"
                + "RUNNING\trunning (job 7)\t-\t7"));
    }

    @Test
    public void anUnknownPatchIsOneClearLine() throws Exception {
        PatchInfoCommand info = wire(new PatchInfoCommand());
        info.id = "nope";
        try {
            info.execute();
            fail();
        } catch (CommandException e) {
            assertTrue(e.getMessage(), e.getMessage().endsWith("no patch 'nope' in the patch folder (stratum:"
                    + "patch-list lists them)"));
        }
    }

    @Test
    public void updateRunSaysWhichJobRunsIt() throws Exception {
        UpdateRunCommand c = wire(new UpdateRunCommand());
        c.id = "u1";
        c.execute();
        assertTrue(printed(), printed().contains("Running update u1 of 'db1' (1.0.0 -> 1.1.0, HARD) now as job 42."));
        assertTrue(printed(), printed().contains("stratum:job-wait 42"));
    }

    @Test
    public void updateInfoSaysWhenAPendingUpdateRunsAndHowToRunOrWithdrawIt() throws Exception {
        UpdateInfoCommand c = wire(new UpdateInfoCommand());
        c.id = "u7";
        c.execute();
        String out = printed();
        assertTrue(out, out.contains("Mode:          HARD (lockout, backup, restart; runs in the chosen slot)"));
        assertTrue(out, out.contains("Runs at:       2026-12-06 11:00 Europe/Berlin (in 3 d)"));
        assertTrue(out, out.contains("stratum:update-run u7, withdraw it with stratum:update-cancel u7."));
    }

    @Test
    public void updateCancelSaysTheServiceStaysOnItsVersion() throws Exception {
        UpdateCancelCommand c = wire(new UpdateCancelCommand());
        c.id = "u1";
        c.execute();
        assertTrue(printed(), printed().contains("Update u1 of 'db1' (1.0.0 -> 1.1.0) CANCELLED; the service stays on "
                + "1.0.0."));
    }

    @Test
    public void windowShowPrintsTheChosenSlotAndWhenFrameAndSlotBegin() throws Exception {
        WindowShowCommand c = wire(new WindowShowCommand());
        c.service = "db1";
        c.execute();
        String out = printed();
        assertTrue(out, out.contains("Slot 1:      Tue 02:00/2h   <- hard updates, assigned by the update manager"));
        assertTrue(out, out.contains("Next frame:  2026-12-04 02:00 Europe/Berlin (in 15 h)"));
        assertTrue(out, out.contains("Next slot:   2026-12-08 02:00 Europe/Berlin (in 4 d 15 h)"));
    }

    @Test
    public void windowSetChangesOnlyTheSlotsGivenAndClearsTheAddressWithNone() throws Exception {
        WindowSetCommand c = wire(new WindowSetCommand());
        c.service = "db1";
        c.trailing = List.of("--slot2", "Wed 23:00/2h", "--choose", "2", "--notify", "none");
        c.execute();
        MaintenanceWindowRequest sent = (MaintenanceWindowRequest) call("setWindow")[2];
        assertEquals(new MaintenanceWindowRequest(null, null, List.of("Tue 02:00/2h", "Wed 23:00/2h", "Sat 02:00/2h"),
                2, ""), sent);
        assertTrue(printed(), printed().contains("Slot 2:      Wed 23:00/2h   <- hard updates, chosen"));
    }

    @Test
    public void windowSetRefusesNothingToChangeAndASlotOutOfRange() throws Exception {
        for (List<String> bad : List.of(List.<String>of(), List.of("--choose", "4"))) {
            WindowSetCommand c = wire(new WindowSetCommand());
            c.service = "db1";
            c.trailing = bad;
            try {
                c.execute();
                fail("accepted " + bad);
            } catch (CommandException e) {
                assertTrue(bad + ": " + e.getCause(), e.getCause() instanceof UsageException);
            }
        }
        assertTrue(calls.toString(), calls.isEmpty());
    }

    @Test
    public void withoutTheUpdateBundleTheCommandsSaySo() throws Exception {
        UpdateListCommand c = wire(new UpdateListCommand());
        c.updates = null;
        try {
            c.execute();
            fail();
        } catch (CommandException e) {
            assertEquals(PlatformException.Reason.UNAVAILABLE, ((PlatformException) e.getCause()).reason());
            assertTrue(e.getMessage(), e.getMessage().contains("update bundle (io.stratum.platform-update)"));
        }
    }
}
