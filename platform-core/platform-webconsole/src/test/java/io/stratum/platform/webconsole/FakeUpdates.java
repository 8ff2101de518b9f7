package io.stratum.platform.webconsole;

import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.MaintenanceWindowDTO;
import io.stratum.platform.api.MaintenanceWindowRequest;
import io.stratum.platform.api.PatchDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.SdpDTO;
import io.stratum.platform.api.SdpVersionDTO;
import io.stratum.platform.api.ServiceDTO;
import io.stratum.platform.api.UpdateAccess;
import io.stratum.platform.api.UpdateDTO;
import io.stratum.platform.api.UpdateService;
import io.stratum.platform.api.UserDTO;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A hand-written fake of the update bundle's facade for the console's tests, over the accounts and services of a
 * {@link FakePlatform} and its visibility rules: updates of accounts the user is not a member of are NOT_FOUND and not
 * listed, viewers may not change anything. Fixture ({@link #NOW} is the console's clock): default/orders-db has the
 * pending hard update {@code u-1} (its window in Europe/Berlin, its slot 3 h 12 min after NOW), default/shop-app the
 * running {@code u-2} (the fake platform's running job 2), default/legacy-db the succeeded {@code u-3}, other/secret-db
 * the pending {@code u-9}; the patch folder holds {@code maxthreads} (valid) and {@code broken} (refused); database
 * 1.0.0 and 1.1.0 are installed.
 */
final class FakeUpdates implements UpdateAccess {

    static final Instant NOW = FakeElasticity.NOW;
    static final Instant SLOT = NOW.plus(Duration.ofMinutes(3 * 60 + 12));

    private final FakePlatform platform;
    final Map<String, UpdateDTO> updates = new ConcurrentHashMap<>();
    final Map<String, MaintenanceWindowDTO> windows = new ConcurrentHashMap<>();
    /** Every call that changes something, as {@code method args by user}. */
    final List<String> changes = new CopyOnWriteArrayList<>();

    FakeUpdates(FakePlatform platform) {
        this.platform = platform;
        updates.put("u-1", update("u-1", "default", "orders-db", UpdateDTO.State.PENDING, null, "waits for slot 1"));
        updates.put("u-2", update("u-2", "default", "shop-app", UpdateDTO.State.RUNNING, 2L, "running"));
        updates.put("u-3", update("u-3", "default", "legacy-db", UpdateDTO.State.SUCCEEDED, 1L, "done"));
        updates.put("u-9", update("u-9", "other", "secret-db", UpdateDTO.State.PENDING, null, "secret-update"));
        windows.put("default/orders-db", new MaintenanceWindowDTO("orders-db", "daily 02:00/2h", "Europe/Berlin",
                List.of("Tue 02:00/2h", "Thu 02:00/2h", "Sat 02:00/2h"), 1, true, "", NOW.plusSeconds(60), SLOT,
                false));
    }

    private static UpdateDTO update(String id, String account, String service, UpdateDTO.State state, Long job,
            String message) {
        return new UpdateDTO(id, account, service, "database", UpdateDTO.Type.UPGRADE, "1.0.0", "1.1.0", null, "HARD",
                state, SLOT, false, job, "alice", NOW, state == UpdateDTO.State.SUCCEEDED ? NOW : null, message);
    }

    private static UpdateDTO with(UpdateDTO u, UpdateDTO.State state, Long job) {
        return new UpdateDTO(u.id(), u.account(), u.service(), u.serviceType(), u.type(), u.fromVersion(),
                u.toVersion(), u.patchId(), u.mode(), state, u.notBefore(), u.forced(), job, u.requestedBy(),
                u.requestedAt(), u.endedAt(), u.message());
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

        private UserDTO me() {
            return platform.users.get(caller.user());
        }

        private boolean sees(String account) {
            UserDTO me = me();
            return me.platformAdmin() || me.memberships().containsKey(account);
        }

        private void mayChange(String account) {
            UserDTO me = me();
            if (!me.platformAdmin() && me.memberships().get(account) == AccountRole.VIEWER) {
                throw new PlatformException(Reason.FORBIDDEN, "viewers of account '" + account + "' may not ask for "
                        + "updates or change maintenance windows");
            }
        }

        private ServiceDTO service(String account, String name) {
            return platform.as(caller).getService(account, name);
        }

        private UpdateDTO visible(String id) {
            UpdateDTO u = updates.get(id);
            if (u == null || !sees(u.account())) {
                throw new PlatformException(Reason.NOT_FOUND, "no update '" + id + "'");
            }
            return u;
        }

        @Override
        public List<SdpVersionDTO> versions(String serviceType) {
            if (serviceType != null && !serviceType.equals("database")) {
                return List.of();
            }
            List<String> on = new ArrayList<>();
            platform.services.values().stream().filter(s -> s.serviceType().equals("database") && sees(s.account()))
                    .forEach(s -> on.add(s.account() + "/" + s.name()));
            on.sort(null);
            return List.of(new SdpVersionDTO("database", "h2-database", "1.1.0", SdpDTO.State.AVAILABLE, true,
                    List.of()), new SdpVersionDTO("database", "h2-database", "1.0.0", SdpDTO.State.AVAILABLE, false,
                            on));
        }

        @Override
        public List<PatchDTO> patches() {
            return List.of(new PatchDTO("broken", "broken.json", "database", "[1.0.0,2.0.0)", "HARD", "", "",
                    Map.of(), "", PatchDTO.State.REFUSED, "checksum <b>mismatch</b>", NOW),
                    new PatchDTO("maxthreads", "maxthreads.json", "appserver", "[1.0.0,2.0.0)", "HARD",
                            "Fewer Tomcat threads", "Sets maxThreads to 100", Map.of("maxThreads", "100"), "ab",
                            PatchDTO.State.VALID, "", NOW));
        }

        @Override
        public PatchDTO patch(String id) {
            return patches().stream().filter(p -> p.id().equals(id)).findFirst()
                    .orElseThrow(() -> new PlatformException(Reason.NOT_FOUND, "no patch '" + id + "'"));
        }

        @Override
        public List<UpdateDTO> upgrade(String account, String service, String serviceType, String toVersion,
                boolean force) {
            ServiceDTO s = service(account, service);
            mayChange(s.account());
            changes.add("upgrade " + s.account() + "/" + s.name() + " " + toVersion + " " + force + " by "
                    + caller.user());
            UpdateDTO u = new UpdateDTO("u-" + (updates.size() + 10), s.account(), s.name(), s.serviceType(),
                    UpdateDTO.Type.UPGRADE, s.sdpVersion(), toVersion, null, "HARD", force ? UpdateDTO.State.RUNNING
                            : UpdateDTO.State.PENDING, SLOT, force, force ? 2L : null, caller.user(), NOW, null, "");
            updates.put(u.id(), u);
            return List.of(u);
        }

        @Override
        public List<UpdateDTO> applyPatch(String patchId, String account, String service, boolean force) {
            PatchDTO p = patch(patchId);
            if (service != null) {
                mayChange(service(account, service).account());
            }
            changes.add("applyPatch " + patchId + " " + account + " " + service + " " + force + " by "
                    + caller.user());
            return List.of();
        }

        @Override
        public List<UpdateDTO> updates(String account, boolean all) {
            if (account != null && !sees(account)) {
                throw new PlatformException(Reason.NOT_FOUND, "account '" + account + "' does not exist");
            }
            return updates.values().stream().filter(u -> sees(u.account()))
                    .filter(u -> account == null || u.account().equals(account))
                    .filter(u -> all || u.state() == UpdateDTO.State.PENDING || u.state() == UpdateDTO.State.RUNNING)
                    .sorted((a, b) -> b.id().compareTo(a.id())).toList();
        }

        @Override
        public UpdateDTO update(String id) {
            return visible(id);
        }

        @Override
        public UpdateDTO runNow(String id) {
            UpdateDTO u = visible(id);
            mayChange(u.account());
            if (u.state() != UpdateDTO.State.PENDING) {
                throw new PlatformException(Reason.CONCURRENCY, "update " + id + " is " + u.state());
            }
            changes.add("runNow " + id + " by " + caller.user());
            UpdateDTO running = with(u, UpdateDTO.State.RUNNING, 2L);
            updates.put(id, running);
            return running;
        }

        @Override
        public UpdateDTO cancel(String id) {
            UpdateDTO u = visible(id);
            mayChange(u.account());
            if (u.state() != UpdateDTO.State.PENDING) {
                throw new PlatformException(Reason.CONCURRENCY, "update " + id + " is " + u.state());
            }
            changes.add("cancel " + id + " by " + caller.user());
            UpdateDTO cancelled = with(u, UpdateDTO.State.CANCELLED, null);
            updates.put(id, cancelled);
            return cancelled;
        }

        @Override
        public MaintenanceWindowDTO window(String account, String service) {
            ServiceDTO s = service(account, service);
            return windows.getOrDefault(s.account() + "/" + s.name(), new MaintenanceWindowDTO(s.name(),
                    "daily 02:00/2h", "UTC", List.of("Tue 02:00/2h", "Thu 02:00/2h", "Sat 02:00/2h"), 1, true, "",
                    NOW.plusSeconds(60), SLOT, true));
        }

        @Override
        public MaintenanceWindowDTO setWindow(String account, String service, MaintenanceWindowRequest r) {
            ServiceDTO s = service(account, service);
            mayChange(s.account());
            if (r.zone() != null) {
                try {
                    ZoneId.of(r.zone());
                } catch (DateTimeException e) {
                    throw new PlatformException(Reason.INVALID, "no time zone '" + r.zone() + "'");
                }
            }
            if (r.chosenSlot() != null && (r.chosenSlot() < 1 || r.chosenSlot() > 3)) {
                throw new PlatformException(Reason.INVALID, "the chosen slot is 1, 2 or 3");
            }
            changes.add("setWindow " + s.account() + "/" + s.name() + " " + r + " by " + caller.user());
            MaintenanceWindowDTO w = window(account, service);
            MaintenanceWindowDTO set = new MaintenanceWindowDTO(s.name(), r.frame() != null ? r.frame() : w.frame(),
                    r.zone() != null ? r.zone() : w.zone(), r.slots() != null ? r.slots() : w.slots(),
                    r.chosenSlot() != null ? r.chosenSlot() : w.chosenSlot(), r.chosenSlot() == null
                            && w.slotAssigned(), r.notifyEmail() != null ? r.notifyEmail() : w.notifyEmail(),
                    w.nextFrame(), w.nextSlot(), false);
            windows.put(s.account() + "/" + s.name(), set);
            return set;
        }
    }
}
