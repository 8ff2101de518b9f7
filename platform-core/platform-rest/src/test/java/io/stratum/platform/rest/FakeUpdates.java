package io.stratum.platform.rest;

import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.MaintenanceWindowDTO;
import io.stratum.platform.api.MaintenanceWindowRequest;
import io.stratum.platform.api.PatchDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.SdpDTO;
import io.stratum.platform.api.SdpVersionDTO;
import io.stratum.platform.api.ServiceDTO;
import io.stratum.platform.api.UpdateAccess;
import io.stratum.platform.api.UpdateDTO;
import io.stratum.platform.api.UpdateService;
import io.stratum.platform.api.UserDTO;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * A hand-written fake of the update bundle's facade for the unit tests of the REST layer only (the facade itself is
 * tested in platform-update). Who may see and change what is the {@link FakePlatform}'s: a service the caller cannot
 * see is NOT_FOUND with the platform's own message, viewers are refused changes (FORBIDDEN), updates of other
 * accounts are NOT_FOUND. Database 1.0.0 and 1.1.0 are installed, blue/db1 and red/db2 run 1.0.0; the patch folder
 * holds {@code maxthreads} (valid, appserver) and {@code broken} (refused); blue/db1 has the pending update
 * {@code u-blue}, red/db2 {@code u-red}. {@link #state()} renders updates and windows, so a test can check that a
 * refused request changed nothing.
 */
final class FakeUpdates implements UpdateAccess {

    static final Instant NOT_BEFORE = FakePlatform.T0.plusSeconds(16 * 3600);
    private static final Pattern FRAME = Pattern.compile("(daily|[A-Z][a-z]{2}([-,][A-Z][a-z]{2})*) "
            + "\\d{2}:\\d{2}/\\d+[mh]");
    private static final List<String> SLOTS = List.of("Tue 02:00/2h", "Thu 02:00/2h", "Sat 02:00/2h");

    private final FakePlatform platform;
    private final Object lock = new Object();
    private final Map<String, UpdateDTO> updates = new TreeMap<>();
    private final Map<String, MaintenanceWindowDTO> windows = new TreeMap<>();
    private int next = 1;

    /** Every facade call, as "user via: method args". */
    final List<String> calls = new CopyOnWriteArrayList<>();

    FakeUpdates(FakePlatform platform) {
        this.platform = platform;
        updates.put("u-blue", pending("u-blue", "blue", "db1", false, "alice"));
        updates.put("u-red", pending("u-red", "red", "db2", false, "bob"));
    }

    private static UpdateDTO pending(String id, String account, String service, boolean force, String user) {
        return new UpdateDTO(id, account, service, "database", UpdateDTO.Type.UPGRADE, "1.0.0", "1.1.0", null, "HARD",
                UpdateDTO.State.PENDING, force ? FakePlatform.T0 : NOT_BEFORE, force, null, user, FakePlatform.T0,
                null, force ? "" : "waits for slot 1 (Tue 02:00/2h UTC)");
    }

    /** @return updates and windows, rendered; equal before and after a request that changed nothing */
    String state() {
        synchronized (lock) {
            return updates + "\n" + windows + "\n";
        }
    }

    @Override
    public UpdateService as(Caller caller) {
        return new Facade(caller);
    }

    private final class Facade implements UpdateService {
        private final Caller caller;

        Facade(Caller caller) {
            this.caller = caller;
        }

        private void call(String method, Object... args) {
            calls.add(caller.user() + " " + caller.via() + ": " + method + " " + Arrays.deepToString(args));
        }

        private PlatformService platform() {
            return platform.as(caller);
        }

        private UserDTO me() {
            return platform().whoAmI();
        }

        private boolean sees(String account) {
            UserDTO me = me();
            return me.platformAdmin() || me.memberships().containsKey(account);
        }

        /** @return the service; NOT_FOUND or FORBIDDEN as the platform decides */
        private ServiceDTO service(String account, String service, boolean change) {
            ServiceDTO s = platform().getService(account, service, false);
            UserDTO me = me();
            if (change && !me.platformAdmin() && me.memberships().get(s.account()) == AccountRole.VIEWER) {
                throw new PlatformException(Reason.FORBIDDEN, "viewers of account '" + s.account()
                        + "' cannot ask for updates or change maintenance windows");
            }
            return s;
        }

        @Override
        public List<SdpVersionDTO> versions(String serviceType) {
            call("versions", serviceType);
            if (serviceType != null && !serviceType.equals("database")) {
                return List.of();
            }
            List<String> on = new ArrayList<>();
            for (String a : List.of("blue", "red")) {
                if (sees(a)) {
                    platform().listServices(a).forEach(s -> on.add(a + "/" + s.name()));
                }
            }
            return List.of(new SdpVersionDTO("database", "Database", "1.1.0", SdpDTO.State.AVAILABLE, true, List.of()),
                    new SdpVersionDTO("database", "Database", "1.0.0", SdpDTO.State.AVAILABLE, false, on));
        }

        @Override
        public List<PatchDTO> patches() {
            call("patches");
            return List.of(find("broken"), find("maxthreads"));
        }

        @Override
        public PatchDTO patch(String id) {
            call("patch", id);
            return find(id);
        }

        private PatchDTO find(String id) {
            return switch (id) {
                case "maxthreads" -> new PatchDTO("maxthreads", "maxthreads.json", "appserver", "[1.0.0,2.0.0)",
                        "HARD", "Fewer Tomcat threads", "Sets maxThreads to 100", Map.of("maxThreads", "100"),
                        "9f86d081884c7d65", PatchDTO.State.VALID, "", FakePlatform.T0);
                case "broken" -> new PatchDTO("broken", "broken.json", "database", "[1.0.0,2.0.0)", "HARD", "", "",
                        Map.of(), "", PatchDTO.State.REFUSED, "checksum does not match broken.json.sha256",
                        FakePlatform.T0);
                default -> throw new PlatformException(Reason.NOT_FOUND, "no patch '" + id + "' in the patch folder");
            };
        }

        @Override
        public List<UpdateDTO> upgrade(String account, String service, String serviceType, String toVersion,
                boolean force) {
            call("upgrade", account, service, serviceType, toVersion, force);
            if (toVersion != null && !List.of("1.0.0", "1.1.0").contains(toVersion)) {
                throw new PlatformException(Reason.NOT_FOUND, "no SDP version " + toVersion + " of type database "
                        + "is installed");
            }
            synchronized (lock) {
                List<ServiceDTO> targets = new ArrayList<>();
                if (service != null) {
                    targets.add(service(account, service, true));
                } else {
                    if (account == null && !me().platformAdmin()) {
                        throw new PlatformException(Reason.FORBIDDEN, "only platform admins upgrade every account");
                    }
                    for (String a : account == null ? List.of("default", "blue", "red") : List.of(account)) {
                        platform().listServices(a).stream().filter(s -> s.serviceType().equals(serviceType))
                                .forEach(targets::add);
                    }
                }
                if ("1.0.0".equals(toVersion)) {
                    return List.of(); // every service runs it
                }
                List<UpdateDTO> out = new ArrayList<>();
                for (ServiceDTO s : targets) {
                    boolean busy = updates.values().stream().anyMatch(u -> u.account().equals(s.account())
                            && u.service().equals(s.name()) && u.state() == UpdateDTO.State.PENDING);
                    if (busy) {
                        throw new PlatformException(Reason.CONCURRENCY, "an update of '" + s.name() + "' is pending "
                                + "already (GET /updates)");
                    }
                }
                for (ServiceDTO s : targets) {
                    UpdateDTO u = pending("u-" + next++, s.account(), s.name(), force, caller.user());
                    updates.put(u.id(), u);
                    out.add(u);
                }
                return out;
            }
        }

        @Override
        public List<UpdateDTO> applyPatch(String patchId, String account, String service, boolean force) {
            call("applyPatch", patchId, account, service, force);
            PatchDTO p = find(patchId);
            if (p.state() == PatchDTO.State.REFUSED) {
                throw new PlatformException(Reason.INVALID, "patch " + patchId + " is refused: " + p.reason());
            }
            if (service != null) {
                ServiceDTO s = service(account, service, true);
                if (!s.serviceType().equals(p.serviceType())) {
                    throw new PlatformException(Reason.INVALID, "patch " + patchId + " patches " + p.serviceType()
                            + " services, and '" + service + "' is a " + s.serviceType());
                }
            }
            return List.of(); // the fixture has no appserver
        }

        @Override
        public List<UpdateDTO> updates(String account, boolean all) {
            call("updates", account, all);
            synchronized (lock) {
                return updates.values().stream().filter(u -> sees(u.account()))
                        .filter(u -> account == null || u.account().equals(account))
                        .filter(u -> all || u.state() == UpdateDTO.State.PENDING
                                || u.state() == UpdateDTO.State.RUNNING)
                        .sorted((a, b) -> b.id().compareTo(a.id())).toList();
            }
        }

        private UpdateDTO visible(String id) {
            UpdateDTO u = updates.get(id);
            if (u == null || !sees(u.account())) {
                throw new PlatformException(Reason.NOT_FOUND, "no update '" + id + "' (GET /updates lists them)");
            }
            return u;
        }

        @Override
        public UpdateDTO update(String id) {
            call("update", id);
            synchronized (lock) {
                return visible(id);
            }
        }

        private UpdateDTO pendingForChange(String id) {
            UpdateDTO u = visible(id);
            service(u.account(), u.service(), true);
            if (u.state() != UpdateDTO.State.PENDING) {
                throw new PlatformException(Reason.CONCURRENCY, "update " + id + " is " + u.state() + ", not PENDING");
            }
            return u;
        }

        @Override
        public UpdateDTO runNow(String id) {
            call("runNow", id);
            synchronized (lock) {
                UpdateDTO u = pendingForChange(id);
                long job = platform.submitJob(caller.user(), "update.service", u.account(), u.service());
                UpdateDTO running = new UpdateDTO(u.id(), u.account(), u.service(), u.serviceType(), u.type(),
                        u.fromVersion(), u.toVersion(), u.patchId(), u.mode(), UpdateDTO.State.RUNNING, FakePlatform.T0,
                        true, job, u.requestedBy(), u.requestedAt(), null, "running");
                updates.put(id, running);
                return running;
            }
        }

        @Override
        public UpdateDTO cancel(String id) {
            call("cancel", id);
            synchronized (lock) {
                UpdateDTO u = pendingForChange(id);
                UpdateDTO cancelled = new UpdateDTO(u.id(), u.account(), u.service(), u.serviceType(), u.type(),
                        u.fromVersion(), u.toVersion(), u.patchId(), u.mode(), UpdateDTO.State.CANCELLED,
                        u.notBefore(), u.forced(), null, u.requestedBy(), u.requestedAt(), FakePlatform.T0,
                        "cancelled by " + caller.user());
                updates.put(id, cancelled);
                return cancelled;
            }
        }

        @Override
        public MaintenanceWindowDTO window(String account, String service) {
            call("window", account, service);
            ServiceDTO s = service(account, service, false);
            synchronized (lock) {
                return windows.getOrDefault(s.account() + "/" + s.name(), new MaintenanceWindowDTO(s.name(),
                        "daily 02:00/2h", "UTC", SLOTS, 1, true, "", FakePlatform.T0.plusSeconds(16 * 3600),
                        FakePlatform.T0.plusSeconds(3 * 86400 + 16 * 3600), true));
            }
        }

        @Override
        public MaintenanceWindowDTO setWindow(String account, String service, MaintenanceWindowRequest request) {
            call("setWindow", account, service, request);
            ServiceDTO s = service(account, service, true);
            if (request.frame() != null && !FRAME.matcher(request.frame()).matches()) {
                throw new PlatformException(Reason.INVALID, "frame '" + request.frame() + "' is not '<days> "
                        + "HH:mm/<length>', e.g. 'daily 02:00/2h'");
            }
            if (request.zone() != null) {
                try {
                    ZoneId.of(request.zone());
                } catch (DateTimeException e) {
                    throw new PlatformException(Reason.INVALID, "no time zone '" + request.zone() + "'");
                }
            }
            if (request.chosenSlot() != null && (request.chosenSlot() < 1 || request.chosenSlot() > 3)) {
                throw new PlatformException(Reason.INVALID, "chosenSlot is 1, 2 or 3, not " + request.chosenSlot());
            }
            synchronized (lock) {
                MaintenanceWindowDTO w = window(account, service);
                MaintenanceWindowDTO set = new MaintenanceWindowDTO(s.name(),
                        request.frame() != null ? request.frame() : w.frame(),
                        request.zone() != null ? request.zone() : w.zone(),
                        request.slots() != null ? request.slots() : w.slots(),
                        request.chosenSlot() != null ? request.chosenSlot() : w.chosenSlot(),
                        request.chosenSlot() == null && w.slotAssigned(),
                        request.notifyEmail() != null ? request.notifyEmail() : w.notifyEmail(), w.nextFrame(),
                        w.nextSlot(), false);
                windows.put(s.account() + "/" + s.name(), set);
                return set;
            }
        }
    }
}
