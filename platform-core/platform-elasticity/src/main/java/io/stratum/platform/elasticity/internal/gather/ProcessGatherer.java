package io.stratum.platform.elasticity.internal.gather;

import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.metrics.MetricGatherer;
import io.stratum.sme.api.metrics.MetricInfo;
import io.stratum.sme.api.metrics.Sample;
import io.stratum.sme.api.runtime.RuntimeInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CPU and resident memory of every service's processes, as the OS counts them: for each service it is asked about,
 * the processes of its runtimes ({@link RuntimeInfo#pid()} of each runtime of
 * {@link ServiceContext#runtimes()}{@code .list()} that has one) are read from Linux's {@code /proc}. Asked about
 * every service (no {@value MetricGatherer#SERVICE_TYPE}), every {@value #INTERVAL_SECONDS} s.
 * <ul>
 * <li>{@value #COUNT} (processes): how many of its runtimes have a live process.</li>
 * <li>{@value #RSS} (bytes): their resident memory ({@code VmRSS}), added up.</li>
 * <li>{@value #CPU} (%, of one core): the CPU time (user and system, all threads) its processes used since the
 * previous call, divided by the time between the two calls, added up over its processes: 100 is one core kept
 * busy, 250 two and a half.</li>
 * <li>{@value #CPU_PER_INSTANCE} (%, of one core): {@value #CPU} divided by {@value #COUNT}, the average process.</li>
 * </ul>
 * CPU is a difference between two calls, so a service's CPU is reported from the second call that sees all its
 * processes: a process seen for the first time (a new instance, a restarted one, or the first call after the
 * platform started) has no previous reading, and the service's CPU is left out of that one call rather than
 * reported too low. A service with no live process reports 0 processes, 0 bytes and 0 %. Only the runtime's own
 * process is counted, not processes it starts. A process is known by its pid and its start time, so a reused pid is
 * not mistaken for the process that had it. What it keeps between calls is one reading per process: a process no
 * longer among its service's runtimes, or not seen for {@value #FORGET_AFTER_SECONDS} s, is forgotten.
 * <p>
 * On an OS without {@code /proc} (anything but Linux) it reports nothing, and logs that once. A service one of whose
 * processes cannot be read (e.g. {@code /proc} mounted with {@code hidepid}, or a process of another user it may not
 * read) is left out, since any sum would be too low; that is logged once per process.
 */
@Component(service = MetricGatherer.class)
public final class ProcessGatherer implements MetricGatherer {

    static final String CPU = "process.cpu";
    static final String CPU_PER_INSTANCE = "process.cpu.per_instance";
    static final String RSS = "process.memory.rss";
    static final String COUNT = "process.count";
    static final long INTERVAL_SECONDS = 5;
    static final long FORGET_AFTER_SECONDS = 120;

    private static final Logger LOG = LoggerFactory.getLogger(ProcessGatherer.class);
    private static final List<MetricInfo> METRICS = List.of(
            new MetricInfo(CPU, "%", "CPU used by the service's processes, in percent of one core (100 = one core "
                    + "busy), added up over its processes"),
            new MetricInfo(CPU_PER_INSTANCE, "%", "CPU used by the service's processes, in percent of one core, "
                    + "on average per process"),
            new MetricInfo(RSS, "bytes", "resident memory of the service's processes, added up"),
            new MetricInfo(COUNT, "processes", "how many of the service's runtimes have a live process"));

    private final ProcFs proc;
    private final LongSupplier nanoTime;
    private final AtomicBoolean toldUnsupported = new AtomicBoolean();
    /** The last reading of each process, by pid; guarded by {@code this}. */
    private final Map<Long, Reading> previous = new HashMap<>();
    /** Pids whose files could not be read, logged once each; guarded by {@code this}. */
    private final Set<Long> unreadable = new HashSet<>();

    /** Reads this machine's {@code /proc}, timed by {@link System#nanoTime()}. */
    @Activate
    public ProcessGatherer() {
        this(ProcFs.system().orElse(null), System::nanoTime);
    }

    /**
     * @param proc where processes are read, or {@code null} when this OS has no {@code /proc}
     * @param nanoTime a monotonic clock in nanoseconds (the time between two calls divides the CPU time)
     */
    ProcessGatherer(ProcFs proc, LongSupplier nanoTime) {
        this.proc = proc;
        this.nanoTime = nanoTime;
    }

    @Override
    public List<MetricInfo> metrics() {
        return METRICS;
    }

    @Override
    public Duration interval() {
        return Duration.ofSeconds(INTERVAL_SECONDS);
    }

    @Override
    public List<Sample> gather(List<ServiceContext> services) {
        if (proc == null) {
            if (toldUnsupported.compareAndSet(false, true)) {
                LOG.info("Process CPU and memory are read from /proc, which this OS ({}) does not have: {}, {}, {} "
                        + "and {} will have no data", System.getProperty("os.name"), CPU, CPU_PER_INSTANCE, RSS, COUNT);
            }
            return List.of();
        }
        List<Sample> out = new ArrayList<>();
        synchronized (this) {
            long now = nanoTime.getAsLong();
            Set<String> asked = new HashSet<>();
            Set<Long> seen = new HashSet<>();
            for (ServiceContext service : services) {
                List<RuntimeInfo> runtimes;
                try {
                    runtimes = service.runtimes().list();
                } catch (RuntimeException e) {
                    LOG.debug("Cannot list the runtimes of '{}' ({}): left out", service.name(), e.toString());
                    continue;
                }
                asked.add(service.serviceId());
                sample(service, runtimes, now, seen, out);
            }
            // forget processes that left their service, and those of services no longer asked about
            previous.entrySet().removeIf(e -> !seen.contains(e.getKey()) && (asked.contains(e.getValue().serviceId)
                    || now - e.getValue().atNanos > Duration.ofSeconds(FORGET_AFTER_SECONDS).toNanos()));
            unreadable.retainAll(previous.keySet());
        }
        return out;
    }

    /** Adds the samples of one service; remembers the reading of each of its processes. */
    private void sample(ServiceContext service, List<RuntimeInfo> runtimes, long now, Set<Long> seen,
            List<Sample> out) {
        int count = 0;
        long rss = 0;
        double cpu = 0;
        boolean allMeasured = true;
        boolean unknown = false;
        for (RuntimeInfo r : runtimes) {
            long pid = r.pid();
            if (pid <= 0 || seen.contains(pid)) {
                continue;
            }
            Optional<ProcFs.Stat> stat;
            Optional<Long> resident;
            try {
                stat = proc.stat(pid);
                resident = stat.isPresent() ? proc.residentBytes(pid) : Optional.empty();
            } catch (IOException e) {
                if (unreadable.add(pid)) {
                    LOG.warn("Cannot read process {} of '{}' (runtime {}) in /proc: {}; its CPU and memory are left out",
                            pid, service.name(), r.name(), e.toString());
                }
                previous.put(pid, new Reading(service.serviceId(), -1, -1, now));
                seen.add(pid);
                unknown = true;
                continue;
            }
            if (stat.isEmpty() || resident.isEmpty()) {
                continue; // gone, or a zombie: no live process
            }
            count++;
            rss += resident.get();
            Reading before = previous.get(pid);
            ProcFs.Stat s = stat.get();
            if (before != null && before.startTicks == s.startTicks() && now > before.atNanos) {
                double cpuSeconds = Math.max(0, s.cpuTicks() - before.cpuTicks) / (double) proc.ticksPerSecond();
                cpu += 100.0 * cpuSeconds / ((now - before.atNanos) / 1e9);
            } else {
                allMeasured = false;
            }
            previous.put(pid, new Reading(service.serviceId(), s.cpuTicks(), s.startTicks(), now));
            seen.add(pid);
        }
        if (unknown) {
            return; // some of its processes cannot be read: any sum would be too low
        }
        out.add(new Sample(service.account(), service.name(), COUNT, count));
        out.add(new Sample(service.account(), service.name(), RSS, rss));
        if (allMeasured) {
            out.add(new Sample(service.account(), service.name(), CPU, cpu));
            out.add(new Sample(service.account(), service.name(), CPU_PER_INSTANCE, count == 0 ? 0 : cpu / count));
        }
    }

    /** @return how many processes it holds a reading of */
    synchronized int tracked() {
        return previous.size();
    }

    /** The last reading of one process. */
    private record Reading(String serviceId, long cpuTicks, long startTicks, long atNanos) {
    }
}
