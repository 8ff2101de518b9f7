package io.stratum.platform.update.internal;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.MaintenanceWindowDTO;
import io.stratum.platform.api.MaintenanceWindowRequest;
import io.stratum.platform.api.PatchDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.SdpDTO;
import io.stratum.platform.api.SdpVersionDTO;
import io.stratum.platform.api.UpdateAccess;
import io.stratum.platform.api.UpdateDTO;
import io.stratum.platform.api.UpdateService;
import io.stratum.platform.spi.AccountScopes;
import io.stratum.platform.spi.AccountScopes.Need;
import io.stratum.platform.spi.AccountScopes.Scope;
import io.stratum.platform.spi.ManagedService;
import io.stratum.platform.spi.Services;
import io.stratum.sme.api.UpdateEngine;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The update manager's facade ({@link UpdateAccess}). Who may do what, decided here through {@link AccountScopes}:
 * <ul>
 * <li>reads of an account's updates, SDP versions' services and windows: READ (any role of the account);</li>
 * <li>asking for an update, running one now, cancelling one, setting a window: WRITE (a member who may change the
 * account's services);</li>
 * <li>the patch folder's listing ({@link UpdateService#patches()}, {@link UpdateService#patch}) and updates across
 * every account (no account and no service named): a platform admin. A member applies a patch to a service of an
 * account it may change by naming the patch.</li>
 * </ul>
 * What the caller may not see is NOT_FOUND, as what does not exist. An update is asked for now and recorded PENDING
 * with when it may run ({@link Windows#notBefore}: the next frame for a soft update, the chosen slot for a hard or
 * rolling one; now when forced); the {@link UpdateScheduler} runs it. How it runs is decided per service here: see
 * {@link UpdateRules#mode}. An upgrade goes to a newer installed version of the same major only (with no version
 * named: the newest installed of the service's own major); its configuration is
 * the service's without the keys the new version drops, with the new version's defaults for the keys it adds, and its
 * message says which. A forced update is handed to its job before the call returns (RUNNING with its job's id, or
 * PENDING with why, if its service is busy). A service with an update pending or running gets no second one
 * (CONCURRENCY, the API's "conflict").
 */
@Component(service = UpdateAccess.class)
public final class UpdateAccessImpl implements UpdateAccess {

    private static final Logger LOG = LoggerFactory.getLogger(UpdateAccessImpl.class);

    private final AccountScopes scopes;
    private final Services services;
    private final UpdateStore store;
    private final UpdateLedger ledger;
    private final UpdateScheduler scheduler;
    private final Windows windows;
    private final PatchFolder folder;
    private final SdpCatalog catalog;
    private final UpdateEngines engines;
    private final Clock clock;
    /** Held while updates are checked against those open and recorded, so that one service gets one at a time. */
    private final Object recording = new Object();

    /**
     * @param scopes scopes callers to accounts
     * @param services the services
     * @param store the updates
     * @param ledger records state changes
     * @param scheduler runs updates
     * @param windows maintenance windows
     * @param folder the patches
     * @param catalog SDP versions
     * @param engines update capabilities
     */
    @Activate
    public UpdateAccessImpl(@Reference AccountScopes scopes, @Reference Services services,
            @Reference UpdateStore store, @Reference UpdateLedger ledger, @Reference UpdateScheduler scheduler,
            @Reference Windows windows, @Reference PatchFolder folder, @Reference SdpCatalog catalog,
            @Reference UpdateEngines engines) {
        this(scopes, services, store, ledger, scheduler, windows, folder, catalog, engines, Clock.systemUTC());
    }

    /**
     * @param scopes scopes callers to accounts
     * @param services the services
     * @param store the updates
     * @param ledger records state changes
     * @param scheduler runs updates
     * @param windows maintenance windows
     * @param folder the patches
     * @param catalog SDP versions
     * @param engines update capabilities
     * @param clock the time
     */
    public UpdateAccessImpl(AccountScopes scopes, Services services, UpdateStore store, UpdateLedger ledger,
            UpdateScheduler scheduler, Windows windows, PatchFolder folder, SdpCatalog catalog, UpdateEngines engines,
            Clock clock) {
        this.scopes = scopes;
        this.services = services;
        this.store = store;
        this.ledger = ledger;
        this.scheduler = scheduler;
        this.windows = windows;
        this.folder = folder;
        this.catalog = catalog;
        this.engines = engines;
        this.clock = clock;
    }

    @Override
    public UpdateService as(Caller caller) {
        return new Scoped(Objects.requireNonNull(caller, "caller"));
    }

    /** The facade of one caller. */
    private final class Scoped implements UpdateService {

        private final Caller caller;

        Scoped(Caller caller) {
            this.caller = caller;
        }

        // -------------------------------------------------------------- access

        private boolean platformAdmin() {
            if (caller.isSystem()) {
                return true;
            }
            List<Scope> visible = scopes.visible(caller);
            if (visible.isEmpty()) {
                return false;
            }
            try {
                scopes.resolve(caller, visible.get(0).name(), Need.PLATFORM, "work across accounts");
                return true;
            } catch (PlatformException e) {
                return false;
            }
        }

        private void requireAdmin(String what) {
            if (!platformAdmin()) {
                throw new PlatformException(Reason.FORBIDDEN, "only a platform admin may " + what);
            }
        }

        /** @return the account, {@code null} meaning the caller's only account (else the default one) */
        private Scope account(String account, Need need, String what) {
            String name = account;
            if (name == null) {
                List<Scope> visible = scopes.visible(caller);
                if (visible.size() == 1) {
                    name = visible.get(0).name();
                }
            }
            return scopes.resolve(caller, name, need, what);
        }

        private ManagedService service(String account, String service, Need need, String what) {
            Scope scope = account(account, need, what);
            if (service == null || service.isBlank()) {
                throw new PlatformException(Reason.INVALID, "name a service of account '" + scope.name() + "'");
            }
            return services.find(scope.id(), service).orElseThrow(() -> new PlatformException(Reason.NOT_FOUND,
                    "no service '" + service + "' in account '" + scope.name() + "' (see stratum:service-list)"));
        }

        /** @return the update, if the caller may see it ({@code need} on its account) */
        private UpdateStore.Row row(String id, Need need, String what) {
            UpdateStore.Row r = store.find(id == null ? "" : id).orElseThrow(() -> noUpdate(id));
            try {
                scopes.resolve(caller, r.dto().account(), need, what);
            } catch (PlatformException e) {
                if (e.reason() == Reason.NOT_FOUND) {
                    throw noUpdate(id);
                }
                throw e;
            }
            return r;
        }

        private PlatformException noUpdate(String id) {
            return new PlatformException(Reason.NOT_FOUND, "no update '" + id + "' (see stratum:update-list)");
        }

        /** The services of a type that a bulk request names: every account's for an admin, else one account's. */
        private List<ManagedService> ofType(String account, String type, String what) {
            if (type == null || type.isBlank()) {
                throw new PlatformException(Reason.INVALID, "name a service, or a service type to " + what
                        + " every service of");
            }
            if (account == null && platformAdmin()) {
                return services.all().stream().filter(s -> s.serviceType().equals(type) && !s.external())
                        .sorted(Comparator.comparing(ManagedService::accountName).thenComparing(ManagedService::name))
                        .toList();
            }
            Scope scope = account(account, Need.WRITE, what);
            return services.ofAccount(scope.id()).stream().filter(s -> s.serviceType().equals(type)
                    && !s.external()).toList();
        }

        // -------------------------------------------------------------- versions and patches

        @Override
        public List<SdpVersionDTO> versions(String serviceType) {
            Set<String> visible = scopes.visible(caller).stream().map(Scope::id).collect(Collectors.toSet());
            List<ManagedService> all = services.all().stream().filter(s -> visible.contains(s.accountId())).toList();
            Map<String, String> newest = new HashMap<>();
            List<SdpCatalog.Entry> entries = catalog.entries().stream()
                    .filter(e -> serviceType == null || e.serviceType().equals(serviceType))
                    .sorted(Comparator.comparing(SdpCatalog.Entry::serviceType)
                            .thenComparing(SdpCatalog.Entry::osgiVersion, Comparator.reverseOrder())).toList();
            for (SdpCatalog.Entry e : entries) {
                if (e.state() == SdpDTO.State.AVAILABLE) {
                    newest.putIfAbsent(e.serviceType(), e.version());
                }
            }
            List<SdpVersionDTO> out = new ArrayList<>();
            for (SdpCatalog.Entry e : entries) {
                List<String> on = all.stream().filter(s -> s.serviceType().equals(e.serviceType())
                        && s.sdpVersion().equals(e.version())).map(s -> s.accountName() + "/" + s.name()).sorted()
                        .toList();
                out.add(new SdpVersionDTO(e.serviceType(), e.sdpName(), e.version(), e.state(),
                        e.version().equals(newest.get(e.serviceType())), on));
            }
            return out;
        }

        @Override
        public List<PatchDTO> patches() {
            requireAdmin("list the patch folder");
            return folder.list().stream().map(this::withKind).toList();
        }

        @Override
        public PatchDTO patch(String id) {
            requireAdmin("read the patch folder");
            return withKind(folder.find(id == null ? "" : id).orElseThrow(() -> noPatch(id)));
        }

        private PlatformException noPatch(String id) {
            return new PlatformException(Reason.NOT_FOUND, "no patch '" + id + "' in the patch folder "
                    + folder.folder() + " (see stratum:patch-list)");
        }

        /**
         * A patch's kind for listings: SOFT if the update capability of each installed version in its range changes
         * every key it sets live (asked with a service of that version), else HARD. Per service it is decided again
         * when the patch is applied.
         */
        private PatchDTO withKind(PatchDTO p) {
            String kind = UpdateJob.HARD;
            if (p.state() == PatchDTO.State.VALID) {
                VersionRange range = VersionRange.valueOf(p.sdpVersions());
                boolean allLive = false;
                for (ManagedService s : services.all()) {
                    if (s.serviceType().equals(p.serviceType()) && !s.external()
                            && range.includes(Version.parseVersion(s.sdpVersion()))) {
                        Set<String> live = live(s);
                        allLive = live.containsAll(p.configuration().keySet());
                        break;
                    }
                }
                kind = allLive ? UpdateJob.SOFT : UpdateJob.HARD;
            }
            return new PatchDTO(p.id(), p.file(), p.serviceType(), p.sdpVersions(), kind, p.title(), p.description(),
                    p.configuration(), p.sha256(), p.state(), p.reason(), p.foundAt());
        }

        private Set<String> live(ManagedService s) {
            Optional<UpdateEngine> e = engines.update(s.serviceType(), s.sdpVersion());
            if (e.isEmpty()) {
                return Set.of();
            }
            try {
                Set<String> live = e.get().liveSettings(services.context(s.id()));
                return live == null ? Set.of() : live;
            } catch (RuntimeException ex) {
                LOG.warn("The engine of '{}' could not say its live settings: {}", s.name(), ex.getMessage());
                return Set.of();
            }
        }

        // -------------------------------------------------------------- asking for updates

        @Override
        public List<UpdateDTO> upgrade(String account, String service, String serviceType, String toVersion,
                boolean force) {
            boolean single = service != null;
            List<ManagedService> targets = single ? List.of(service(account, service, Need.WRITE,
                    "upgrade services")) : ofType(account, serviceType, "upgrade");
            String type = single ? targets.get(0).serviceType() : serviceType;
            List<SdpCatalog.Entry> installed = catalog.available(type);
            if (installed.isEmpty()) {
                throw new PlatformException(Reason.NOT_FOUND, "no version of the SDP of type '" + type + "' is "
                        + "installed (see stratum:sdp-list)");
            }
            String versions = installed.stream().map(SdpCatalog.Entry::version).collect(Collectors.joining(", "));
            Optional<SdpCatalog.Entry> asked = toVersion == null ? Optional.empty() : Optional.of(installed.stream()
                    .filter(e -> e.version().equals(toVersion.strip())).findFirst()
                    .orElseThrow(() -> new PlatformException(Reason.NOT_FOUND, "version " + toVersion + " of "
                            + type + " is not installed (installed: " + versions + ")")));
            Map<String, Map<String, String>> schemas = new HashMap<>();
            List<UpdateStore.Row> rows = new ArrayList<>();
            Map<String, String> notify = new HashMap<>();
            for (ManagedService s : targets) {
                if (s.external()) {
                    throw new PlatformException(Reason.INVALID, "'" + s.name() + "' is an external service: the "
                            + "platform does not run it, so it cannot upgrade it");
                }
                Version from = Version.parseVersion(s.sdpVersion());
                // no version asked for: the newest of the service's own major
                SdpCatalog.Entry to = asked.orElseGet(() -> installed.stream()
                        .filter(e -> e.osgiVersion().getMajor() == from.getMajor()).findFirst().orElse(null));
                if (to == null || s.sdpVersion().equals(to.version())) {
                    continue;
                }
                Version next = to.osgiVersion();
                if (next.compareTo(from) < 0 || next.getMajor() != from.getMajor()) {
                    if (!single && next.compareTo(from) < 0) {
                        continue; // a bulk upgrade leaves services on a newer version alone
                    }
                    throw new PlatformException(Reason.INVALID, "'" + s.name() + "' runs " + type + " "
                            + s.sdpVersion() + ": it can move only to a newer version of the same major ("
                            + s.sdpVersion().replaceAll("\\..*", "") + ".x), not to " + to.version()
                            + " (installed: " + versions + ")");
                }
                if (busy(s, single) || stopped(s, UpdateJob.HARD, single)) {
                    continue;
                }
                if (engines.update(type, to.version()).isEmpty()) {
                    throw new PlatformException(Reason.UNAVAILABLE, "the engine of " + type + " " + to.version()
                            + " cannot move services to its version (it has no update capability, or is not "
                            + "running)");
                }
                Map<String, String> schema = schemas.computeIfAbsent(to.version(), v -> catalog.schema(type, v)
                        .orElseThrow(() -> new PlatformException(Reason.UNAVAILABLE, "the configuration schema of "
                                + type + " " + v + " cannot be read; see the Karaf log")));
                UpdateRules.Upgraded u = UpdateRules.upgrade(s.configuration(), schema);
                String mode = UpdateJob.HARD;
                rows.add(row(s, UpdateDTO.Type.UPGRADE, to.version(), null, mode, force, u.configuration(),
                        "upgrade " + s.sdpVersion() + " -> " + to.version() + " (" + mode + "): " + u.describe()));
                notify.put(s.id(), windows.notifyEmail(s));
            }
            return record(rows, notify, force);
        }

        @Override
        public List<UpdateDTO> applyPatch(String patchId, String account, String service, boolean force) {
            boolean single = service != null;
            // the caller's right to the service first: what the patch folder holds is for those who may patch
            ManagedService named = single ? service(account, service, Need.WRITE, "patch services") : null;
            if (!single && account != null) {
                scopes.resolve(caller, account, Need.WRITE, "patch services");
            }
            PatchDTO p = folder.find(patchId == null ? "" : patchId).orElseThrow(() -> noPatch(patchId));
            if (p.state() != PatchDTO.State.VALID) {
                throw new PlatformException(Reason.INVALID, "patch '" + p.id() + "' is refused: " + p.reason());
            }
            VersionRange range = VersionRange.valueOf(p.sdpVersions());
            List<ManagedService> targets;
            if (single) {
                ManagedService s = named;
                if (!s.serviceType().equals(p.serviceType())
                        || !range.includes(Version.parseVersion(s.sdpVersion()))) {
                    throw new PlatformException(Reason.INVALID, "patch '" + p.id() + "' applies to " + p.serviceType()
                            + " " + p.sdpVersions() + "; '" + s.name() + "' is " + s.serviceType() + " "
                            + s.sdpVersion());
                }
                if (s.external()) {
                    throw new PlatformException(Reason.INVALID, "'" + s.name() + "' is an external service: the "
                            + "platform does not run it, so it cannot patch it");
                }
                targets = List.of(s);
            } else {
                targets = ofType(account, p.serviceType(), "patch").stream()
                        .filter(s -> range.includes(Version.parseVersion(s.sdpVersion()))).toList();
            }
            List<UpdateStore.Row> rows = new ArrayList<>();
            Map<String, String> notify = new HashMap<>();
            for (ManagedService s : targets) {
                Map<String, String> after = new TreeMap<>(s.configuration());
                after.putAll(p.configuration());
                if (after.equals(new TreeMap<>(s.configuration()))) {
                    continue; // applied already
                }
                if (busy(s, single)) {
                    continue;
                }
                String mode = UpdateRules.mode(s, s.sdpVersion(), after, live(s),
                        engines.rolling(s.serviceType(), s.sdpVersion()));
                if (stopped(s, mode, single)) {
                    continue;
                }
                String keys = UpdatePlanner.changed(s.configuration(), after).keySet().stream().sorted()
                        .map(k -> UpdateRules.shown(k, after.get(k))).collect(Collectors.joining(", "));
                rows.add(row(s, UpdateDTO.Type.PATCH, s.sdpVersion(), p.id(), mode, force, after, "patch " + p.id()
                        + " (" + mode + "): sets " + keys));
                notify.put(s.id(), windows.notifyEmail(s));
            }
            return record(rows, notify, force);
        }

        /**
         * @return whether the service is not running and the update would restart it (HARD, ROLLING): INVALID for a
         *     single service, skipped in bulk (an update must not start a service its owner stopped)
         */
        private boolean stopped(ManagedService s, String mode, boolean single) {
            if (UpdateJob.SOFT.equals(mode) || s.state() == io.stratum.platform.api.ServiceState.RUNNING) {
                return false;
            }
            if (single) {
                throw new PlatformException(Reason.INVALID, "'" + s.name() + "' is " + s.state() + ": a " + mode
                        + " update restarts it, so it runs only on a running service; start it first");
            }
            LOG.info("Update of '{}/{}' not asked for: it is {}", s.accountName(), s.name(), s.state());
            return true;
        }

        /** @return whether the service has an open update: CONCURRENCY for a single service, skipped in bulk */
        private boolean busy(ManagedService s, boolean single) {
            Optional<UpdateStore.Row> open = store.open(s.id());
            if (open.isEmpty()) {
                return false;
            }
            if (single) {
                throw new PlatformException(Reason.CONCURRENCY, "'" + s.name() + "' has update " + open.get().id()
                        + " " + open.get().dto().state() + " (" + UpdateLedger.summary(open.get().dto())
                        + "); cancel it (stratum:update-cancel) or wait until it has run");
            }
            LOG.info("Update of '{}/{}' not asked for: update {} is {}", s.accountName(), s.name(), open.get().id(),
                    open.get().dto().state());
            return true;
        }

        private UpdateStore.Row row(ManagedService s, UpdateDTO.Type type, String toVersion, String patchId,
                String mode, boolean force, Map<String, String> after, String what) {
            Instant now = clock.instant();
            Instant notBefore = force ? now : windows.notBefore(s, mode);
            String message = what + (force ? "; runs now (forced)" : "; waits for its maintenance "
                    + (UpdateJob.SOFT.equals(mode) ? "frame" : "slot") + " at " + notBefore);
            UpdateDTO dto = new UpdateDTO(newId(), s.accountName(), s.name(), s.serviceType(),
                    type, s.sdpVersion(), toVersion, patchId, mode, UpdateDTO.State.PENDING, notBefore, force, null,
                    caller.user(), now, null, message);
            return new UpdateStore.Row(dto, s.accountId(), s.id(), caller.via(), UpdateJob.json(after),
                    UpdateJob.json(s.configuration()));
        }

        private List<UpdateDTO> record(List<UpdateStore.Row> rows, Map<String, String> notify, boolean force) {
            if (rows.isEmpty()) {
                return List.of();
            }
            synchronized (recording) { // two requests for one service at once: one of them is recorded
                List<UpdateStore.Row> free = new ArrayList<>();
                for (UpdateStore.Row r : rows) {
                    Optional<UpdateStore.Row> open = store.open(r.serviceId());
                    if (open.isEmpty()) {
                        free.add(r);
                    } else if (rows.size() == 1) {
                        throw new PlatformException(Reason.CONCURRENCY, "'" + r.dto().service() + "' has update "
                                + open.get().id() + " " + open.get().dto().state() + " (" + UpdateLedger.summary(
                                        open.get().dto()) + "); cancel it (stratum:update-cancel) or wait until it has "
                                + "run");
                    }
                }
                rows = free;
                ledger.scheduled(rows, notify);
            }
            if (force) {
                // handed to their jobs now, so that the caller gets each job's id (a busy service stays pending)
                rows.forEach(scheduler::submit);
            } else if (rows.stream().anyMatch(r -> !r.dto().notBefore().isAfter(clock.instant()))) {
                scheduler.wake();
            }
            return rows.stream().map(r -> store.find(r.id()).map(UpdateStore.Row::dto).orElse(r.dto())).toList();
        }

        // -------------------------------------------------------------- updates

        @Override
        public List<UpdateDTO> updates(String account, boolean all) {
            List<String> ids = account == null ? scopes.visible(caller).stream().map(Scope::id).toList()
                    : List.of(scopes.resolve(caller, account, Need.READ, "see updates").id());
            return store.list(ids, all).stream().map(UpdateStore.Row::dto).toList();
        }

        @Override
        public UpdateDTO update(String id) {
            return row(id, Need.READ, "see updates").dto();
        }

        @Override
        public UpdateDTO runNow(String id) {
            UpdateStore.Row r = row(id, Need.WRITE, "run updates");
            if (r.dto().state() != UpdateDTO.State.PENDING
                    || !store.reschedule(r.id(), clock.instant(), true, "run now by " + caller.user())) {
                throw new PlatformException(Reason.CONCURRENCY, "update " + id + " is " + store.find(id)
                        .map(x -> x.dto().state()).orElse(r.dto().state()) + ", not PENDING: only a pending update "
                        + "can be run now");
            }
            scheduler.submit(store.find(id).orElseThrow());
            return store.find(id).orElseThrow().dto();
        }

        @Override
        public UpdateDTO cancel(String id) {
            UpdateStore.Row r = row(id, Need.WRITE, "cancel updates");
            if (!ledger.endPending(r, UpdateDTO.State.CANCELLED, "cancelled by " + caller.user() + " before it ran")) {
                UpdateStore.Row now = store.find(id).orElse(r);
                throw new PlatformException(Reason.CONCURRENCY, "update " + id + " is " + now.dto().state()
                        + ", not PENDING" + (now.dto().state() == UpdateDTO.State.RUNNING ? ": cancel its job "
                                + now.dto().jobId() + " (stratum:job-cancel), which rolls the service back" : ""));
            }
            return store.find(id).orElseThrow().dto();
        }

        // -------------------------------------------------------------- windows

        @Override
        public MaintenanceWindowDTO window(String account, String service) {
            return windows.window(service(account, service, Need.READ, "see maintenance windows"));
        }

        @Override
        public MaintenanceWindowDTO setWindow(String account, String service, MaintenanceWindowRequest request) {
            ManagedService s = service(account, service, Need.WRITE, "set maintenance windows");
            MaintenanceWindowDTO w = windows.set(s, caller.user(), request);
            for (UpdateStore.Row r : store.pendingOf(s.id())) {
                Instant at = windows.notBefore(s, r.dto().mode());
                store.reschedule(r.id(), at, false, UpdateLedger.summary(r.dto()) + "; waits for its maintenance "
                        + (UpdateJob.SOFT.equals(r.dto().mode()) ? "frame" : "slot") + " at " + at
                        + " (window changed)");
            }
            return w;
        }
    }

    /**
     * @return a new update's id: {@code u-} and 8 hex digits, short enough to type (update-run u-77798673); unique
     *     among the few thousand updates a platform keeps (a clash fails the request, which may simply be asked again)
     */
    static String newId() {
        return "u-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
