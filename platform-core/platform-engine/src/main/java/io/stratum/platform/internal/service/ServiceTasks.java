package io.stratum.platform.internal.service;

import io.stratum.platform.api.ServiceState;
import io.stratum.platform.internal.orchestration.JobContext;
import io.stratum.platform.internal.orchestration.JobRecord;
import io.stratum.platform.internal.sdp.SdpEntry;
import io.stratum.sme.api.HealthState;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.ServiceHealth;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.SmeException;
import io.stratum.sme.api.TaskMonitor;
import io.stratum.sme.api.runtime.RuntimeInfo;
import io.stratum.sme.api.runtime.RuntimeState;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The task bodies the service lifecycle plans are made of. */
final class ServiceTasks {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceTasks.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final ServiceManager services;

    ServiceTasks(ServiceManager services) {
        this.services = services;
    }

    ServiceRecord record(JobContext job) throws SmeException {
        return services.repository().byId(job.job().serviceId()).orElseThrow(() -> new SmeException(
                "service '" + job.job().target() + "' no longer exists"));
    }

    /** Waits (bounded) for the engine of the job's service. */
    void findEngine(JobContext job) throws Exception {
        ServiceRecord s = record(job);
        job.message("looking for the engine of " + s.serviceType() + " " + s.sdpVersion());
        SdpEntry sdp = services.awaitEngine(s);
        job.message("engine: " + sdp.descriptor().name() + " " + sdp.descriptor().version());
    }

    void provision(JobContext job) throws Exception {
        call(job, "provision", services.settings().provision(), ServiceManagementEngine::provision);
    }

    void start(JobContext job) throws Exception {
        call(job, "start", lifecycleTimeout(), ServiceManagementEngine::start);
    }

    void stop(JobContext job) throws Exception {
        call(job, "stop", lifecycleTimeout(), ServiceManagementEngine::stop);
    }

    /** A lifecycle method of an engine. */
    @FunctionalInterface
    private interface Lifecycle {
        void apply(ServiceManagementEngine engine, ServiceContext service, TaskMonitor monitor) throws SmeException;
    }

    /** Calls a lifecycle method of the engine of the job's service, in isolation. */
    private void call(JobContext job, String operation, Duration timeout, Lifecycle method) throws Exception {
        ServiceRecord s = record(job);
        SdpEntry sdp = services.awaitEngine(s);
        services.invoke(s, sdp, operation, timeout, job.monitor(), (e, c, m) -> {
            method.apply(e, c, m);
            return null;
        });
    }

    /**
     * Removes a service's runtimes and data through its engine; without an engine only when {@code force}
     * (killing its runtimes and deleting its files).
     */
    void unprovision(JobContext job, boolean force) throws Exception {
        Optional<ServiceRecord> found = services.repository().byId(job.job().serviceId());
        if (found.isEmpty()) {
            return;
        }
        ServiceRecord s = found.get();
        Optional<SdpEntry> sdp = services.engineFor(s);
        if (sdp.isEmpty() && !force) {
            sdp = Optional.of(services.awaitEngine(s));
        }
        if (sdp.isPresent()) {
            call(job, "unprovision", lifecycleTimeout(), ServiceManagementEngine::unprovision);
        } else {
            LOG.warn("No engine for {} ({} {}): removing its runtimes and files without it", s.label(),
                    s.serviceType(), s.sdpVersion());
            job.message("no engine installed: removing runtimes and files without it");
        }
        removeRuntimesAndFiles(job);
    }

    void removeRuntimesAndFiles(JobContext job) throws Exception {
        String id = job.job().serviceId();
        services.runtimes().removeAll(id, STOP_TIMEOUT);
        services.deleteFiles(id);
    }

    /** Deletes the service's record (its runtimes must be gone). */
    void forget(JobContext job) {
        services.store().transact(c -> {
            ServiceRepository.delete(c, job.job().serviceId());
        });
    }

    /** Waits until the engine reports the service healthy; fails early if a runtime failed for good. */
    void awaitHealthy(JobContext job) throws Exception {
        ServiceRecord s = record(job);
        long timeoutMs = services.settings().healthy().toMillis();
        long start = System.currentTimeMillis();
        long pause = 100;
        ServiceHealth health = null;
        while (true) {
            job.checkCancelled();
            health = services.health(s);
            if (health.state() == HealthState.HEALTHY) {
                job.monitor().progress(100, "healthy: " + health.message());
                return;
            }
            for (RuntimeInfo r : services.runtimes().list(s.id())) {
                if (r.state() == RuntimeState.FAILED) {
                    throw new SmeException("runtime '" + r.name() + "' failed: " + r.message() + " (log: "
                            + r.logFile() + ")");
                }
            }
            long elapsed = System.currentTimeMillis() - start;
            if (elapsed > timeoutMs) {
                throw new SmeException("'" + s.name() + "' did not become healthy within "
                        + services.settings().healthy().toSeconds() + " s: " + health.message() + " (logs: "
                        + services.serviceDirectory(s.id()).resolve("logs") + ")");
            }
            job.monitor().progress((int) (100 * elapsed / timeoutMs), "waiting to become healthy: " + health.message());
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 1000);
        }
    }

    private Duration lifecycleTimeout() {
        return services.settings().lifecycle();
    }

    /** Records a service's state at the end of a job, if the service still exists. */
    static void endState(Connection c, JobRecord job, ServiceState state, String message) throws SQLException {
        ServiceRepository.setState(c, job.serviceId(), state, message);
    }
}
