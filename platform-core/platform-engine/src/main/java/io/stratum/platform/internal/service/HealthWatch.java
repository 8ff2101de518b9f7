package io.stratum.platform.internal.service;

import io.stratum.platform.api.ServiceState;
import io.stratum.platform.internal.util.ConfigReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the health of every service that should be serving (running, or whose last job failed while it may still
 * run, and external ones) every {@code healthWatchSeconds} (PID {@value ServiceManager#PID}; 0: never), so that
 * listings show a health at most that old ({@link LastHealth}) without asking any engine while they list. A sweep
 * checks a few services at once; each check is bounded by the health-check time limit, and the next sweep starts
 * when the last one has ended.
 */
@Component(service = HealthWatch.class, configurationPid = ServiceManager.PID, immediate = true)
public final class HealthWatch {

    /** Default seconds between sweeps. */
    public static final int DEFAULT_SECONDS = 15;
    /** Services checked at once. */
    static final int PARALLEL = 4;

    private static final Logger LOG = LoggerFactory.getLogger(HealthWatch.class);
    /** States of services that should be serving. */
    private static final Set<ServiceState> SERVING = Set.of(ServiceState.RUNNING, ServiceState.FAILED);

    private final ServiceManager services;
    private final ScheduledExecutorService timer;
    private final ExecutorService checks;
    private ScheduledFuture<?> sweeps;
    private int seconds = -1;

    /**
     * @param services the service manager (whose health checks record what they see)
     * @param properties the configuration ({@code healthWatchSeconds})
     */
    @Activate
    public HealthWatch(@Reference ServiceManager services, Map<String, Object> properties) {
        this(services, read(properties, DEFAULT_SECONDS));
    }

    /**
     * @param services the service manager
     * @param seconds seconds between sweeps; 0: no sweeps
     */
    public HealthWatch(ServiceManager services, int seconds) {
        this.services = services;
        this.timer = Executors.newSingleThreadScheduledExecutor(threads("stratum-health-watch"));
        this.checks = Executors.newFixedThreadPool(PARALLEL, threads("stratum-health-check-"));
        schedule(seconds);
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name.endsWith("-") ? name + n.incrementAndGet() : name);
            t.setDaemon(true);
            return t;
        };
    }

    private static int read(Map<String, ?> properties, int kept) {
        return new ConfigReader(ServiceManager.PID, properties, LOG).intValue("healthWatchSeconds", DEFAULT_SECONDS,
                kept, 0, 86_400);
    }

    /**
     * Takes a new interval without a restart.
     *
     * @param properties the new configuration
     */
    @Modified
    public void modified(Map<String, Object> properties) {
        schedule(read(properties, seconds));
    }

    private synchronized void schedule(int every) {
        if (every == seconds) {
            return;
        }
        if (sweeps != null) {
            sweeps.cancel(false);
        }
        seconds = every;
        sweeps = every == 0 ? null : timer.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.SECONDS);
    }

    /** Stops sweeping; a check under way ends within its time limit. */
    @Deactivate
    public void deactivate() {
        timer.shutdownNow();
        checks.shutdownNow();
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warn("Health checks of the services failed: {}", e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Checks every service that should be serving, a few at once, and forgets what was seen of deleted ones.
     *
     * @throws InterruptedException if stopped meanwhile
     */
    void sweep() throws InterruptedException {
        List<ServiceRecord> all = services.repository().all();
        services.lastHealth().retain(all.stream().map(ServiceRecord::id).collect(Collectors.toSet()));
        List<Future<?>> pending = new ArrayList<>();
        for (ServiceRecord s : all) {
            if (watched(s)) {
                pending.add(checks.submit(() -> services.health(s))); // never throws: failures are a health
            }
        }
        for (Future<?> f : pending) {
            try {
                f.get();
            } catch (ExecutionException e) {
                LOG.debug("A health check failed", e.getCause());
            }
        }
    }

    /**
     * @param s a service
     * @return whether sweeps check it: external ones, and those running or whose last job failed
     */
    static boolean watched(ServiceRecord s) {
        return s.external() || SERVING.contains(s.state());
    }
}
