package io.stratum.platform.osb.internal;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.MaintenanceWindowDTO;
import io.stratum.platform.api.MaintenanceWindowRequest;
import io.stratum.platform.api.PatchDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.SdpVersionDTO;
import io.stratum.platform.api.UpdateAccess;
import io.stratum.platform.api.UpdateDTO;
import io.stratum.platform.api.UpdateService;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The update manager as the broker uses it (a fake for the broker's tests): a forced upgrade starts an
 * {@code update.service} job on the {@link FakePlatform} at once, or with {@link #defer} only when {@link #start} is
 * called (an update not yet handed to its job). Every call is recorded with its caller.
 */
final class FakeUpdates implements UpdateAccess {

    private final FakePlatform platform;
    private final Map<String, UpdateDTO> updates = new TreeMap<>();
    private int next = 1;
    /** Every call, as "caller: method args". */
    final List<String> calls = new CopyOnWriteArrayList<>();
    /** Whether a forced upgrade waits for {@link #start} before it has a job. */
    volatile boolean defer;

    FakeUpdates(FakePlatform platform) {
        this.platform = platform;
    }

    /** Hands a deferred update to its job. */
    synchronized long start(String id, Caller caller) {
        UpdateDTO u = updates.get(id);
        long job = platform.upgradeJob(caller, u.account(), u.service(), u.toVersion());
        updates.put(id, with(u, UpdateDTO.State.RUNNING, job));
        return job;
    }

    private static UpdateDTO with(UpdateDTO u, UpdateDTO.State state, Long job) {
        return new UpdateDTO(u.id(), u.account(), u.service(), u.serviceType(), u.type(), u.fromVersion(),
                u.toVersion(), u.patchId(), u.mode(), state, u.notBefore(), u.forced(), job, u.requestedBy(),
                u.requestedAt(), u.endedAt(), u.message());
    }

    @Override
    public UpdateService as(Caller caller) {
        return new UpdateService() {
            @Override
            public List<UpdateDTO> upgrade(String account, String service, String serviceType, String toVersion,
                    boolean force) {
                calls.add(caller.user() + ": upgrade " + account + " " + service + " " + serviceType + " "
                        + toVersion + " " + force);
                synchronized (FakeUpdates.this) {
                    if (updates.values().stream().anyMatch(u -> u.service().equals(service)
                            && u.account().equals(account) && u.state() == UpdateDTO.State.PENDING)) {
                        throw new PlatformException(Reason.CONCURRENCY, "an update of '" + service + "' is pending");
                    }
                    UpdateDTO u = new UpdateDTO("u" + next++, account, service, "appcache", UpdateDTO.Type.UPGRADE,
                            "2.0.0", toVersion, null, "HARD", UpdateDTO.State.PENDING, Instant.EPOCH, force, null,
                            caller.user(), Instant.EPOCH, null, "");
                    updates.put(u.id(), u);
                    if (defer) {
                        return List.of(u);
                    }
                    long job = start(u.id(), caller);
                    return List.of(updates.get(u.id()));
                }
            }

            @Override
            public synchronized UpdateDTO update(String id) {
                calls.add(caller.user() + ": update " + id);
                synchronized (FakeUpdates.this) {
                    UpdateDTO u = updates.get(id);
                    if (u == null) {
                        throw new PlatformException(Reason.NOT_FOUND, "no update '" + id + "'");
                    }
                    return u;
                }
            }

            @Override
            public List<SdpVersionDTO> versions(String serviceType) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<PatchDTO> patches() {
                throw new UnsupportedOperationException();
            }

            @Override
            public PatchDTO patch(String id) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<UpdateDTO> applyPatch(String patchId, String account, String service, boolean force) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<UpdateDTO> updates(String account, boolean all) {
                throw new UnsupportedOperationException();
            }

            @Override
            public UpdateDTO runNow(String id) {
                throw new UnsupportedOperationException();
            }

            @Override
            public UpdateDTO cancel(String id) {
                throw new UnsupportedOperationException();
            }

            @Override
            public MaintenanceWindowDTO window(String account, String service) {
                throw new UnsupportedOperationException();
            }

            @Override
            public MaintenanceWindowDTO setWindow(String account, String service, MaintenanceWindowRequest request) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
