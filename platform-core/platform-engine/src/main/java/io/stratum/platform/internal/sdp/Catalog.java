package io.stratum.platform.internal.sdp;

import io.stratum.platform.api.SdpDTO.State;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.descriptor.SdpDescriptor;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.osgi.framework.Version;

/**
 * The state of the SDP catalog, free of OSGi so it can be tested alone: SDP bundles come and go, engines come
 * and go, and each SDP is AVAILABLE (valid descriptor, engine registered), PENDING (valid, waiting for its
 * engine) or REFUSED (bad descriptor, duplicate, or no engine within the grace period).
 * <p>
 * Rules: an SDP is identified by name and version, and a second bundle with the same name and version is
 * refused; a service type is offered by one SDP name (several versions side by side), and a bundle offering
 * the type under another name is refused. When a bundle leaves, bundles it blocked are checked again.
 * <p>
 * Thread-safe; listeners are called without the lock held.
 */
public final class Catalog implements SdpCatalog {

    /**
     * Comparator: service type, then version (newest last), then bundle. A refused entry may have a descriptor that
     * lacks any of these (it is refused for that): it sorts as the empty type and version, first.
     */
    private static final Comparator<SdpEntry> ORDER = Comparator
            .comparing((SdpEntry e) -> e.descriptor() == null || e.descriptor().serviceType() == null
                    ? "" : e.descriptor().serviceType())
            .thenComparing(e -> e.descriptor() == null ? Version.emptyVersion : parse(e.descriptor().version()))
            .thenComparingLong(SdpEntry::bundleId);

    private final DescriptorReader reader;
    private volatile Duration engineGrace;
    private final Clock clock;
    private final Consumer<SdpEntry> onChange;

    /** Bundle id to the bundle's descriptor, as it was read; insertion order = install order. Guarded by this. */
    private final Map<Long, Candidate> candidates = new LinkedHashMap<>();
    /** Bundle id to its registered engine. Guarded by this. */
    private final Map<Long, EngineRegistration> engines = new HashMap<>();
    /** Bundle id to when its engine went away (while the bundle stayed). Guarded by this. */
    private final Map<Long, Instant> engineLostAt = new HashMap<>();
    /** Current entries by bundle id. Guarded by this. */
    private final Map<Long, SdpEntry> entries = new LinkedHashMap<>();

    private record Candidate(long bundleId, String bsn, DescriptorReader.Result read, Instant addedAt) {
    }

    private record EngineRegistration(ServiceManagementEngine engine, String serviceType) {
    }

    /**
     * @param reader reads and checks descriptors
     * @param engineGrace how long a valid SDP may wait for its engine before it is refused
     * @param clock the clock
     * @param onChange told about each entry whose state changed (for logging), outside the lock
     */
    public Catalog(DescriptorReader reader, Duration engineGrace, Clock clock, Consumer<SdpEntry> onChange) {
        this.reader = reader;
        this.engineGrace = engineGrace;
        this.clock = clock;
        this.onChange = onChange;
    }

    /**
     * An SDP bundle became active.
     *
     * @param bundleId its id
     * @param bsn its symbolic name
     * @param descriptorPath the path its manifest header names
     * @param descriptor the descriptor's content, or {@code null} if the path does not exist in the bundle
     */
    public void bundleAdded(long bundleId, String bsn, String descriptorPath, InputStream descriptor) {
        DescriptorReader.Result read = descriptor == null
                ? new DescriptorReader.Result(null, List.of("the descriptor " + descriptorPath
                        + " named by the Stratum-SDP header is not in the bundle"))
                : reader.read(descriptor);
        if (!read.isValid() && read.descriptor() == null) {
            read = new DescriptorReader.Result(null, prefix(descriptorPath, read.problems()));
        } else if (!read.isValid()) {
            read = new DescriptorReader.Result(read.descriptor(), prefix(descriptorPath, read.problems()));
        }
        List<SdpEntry> changed;
        synchronized (this) {
            candidates.put(bundleId, new Candidate(bundleId, bsn, read, clock.instant()));
            changed = reevaluate();
        }
        publish(changed);
    }

    /**
     * A bundle with an SDP header did not become active within the grace period (it does not resolve, or nobody
     * started it): it is refused with the reason, until it becomes active ({@link #bundleAdded}) or leaves.
     *
     * @param bundleId its id
     * @param bsn its symbolic name
     * @param reason why it is not active, and what to do
     */
    public void bundleInactive(long bundleId, String bsn, String reason) {
        List<SdpEntry> changed;
        synchronized (this) {
            Candidate before = candidates.get(bundleId);
            if (before != null && before.read().descriptor() == null
                    && before.read().problems().equals(List.of(reason))) {
                return;
            }
            candidates.put(bundleId, new Candidate(bundleId, bsn, new DescriptorReader.Result(null, List.of(reason)),
                    clock.instant()));
            changed = reevaluate();
        }
        publish(changed);
    }

    private static List<String> prefix(String path, List<String> problems) {
        return problems.stream().map(p -> p.startsWith(path) ? p : path + ": " + p).toList();
    }

    /**
     * An SDP bundle stopped or was uninstalled: its type leaves the catalog (its services keep running).
     *
     * @param bundleId its id
     */
    public void bundleRemoved(long bundleId) {
        List<SdpEntry> changed;
        synchronized (this) {
            if (candidates.remove(bundleId) == null) {
                return;
            }
            entries.remove(bundleId);
            engineLostAt.remove(bundleId);
            changed = reevaluate();
        }
        publish(changed);
    }

    /**
     * A bundle registered an engine.
     *
     * @param bundleId the registering bundle's id
     * @param serviceType the engine's {@value ServiceManagementEngine#SERVICE_TYPE} property
     * @param engine the engine
     */
    public void engineAdded(long bundleId, String serviceType, ServiceManagementEngine engine) {
        List<SdpEntry> changed;
        synchronized (this) {
            engines.putIfAbsent(bundleId, new EngineRegistration(engine, serviceType));
            engineLostAt.remove(bundleId);
            changed = reevaluate();
        }
        publish(changed);
    }

    /**
     * A bundle's engine went away.
     *
     * @param bundleId the registering bundle's id
     * @param engine the engine
     */
    public void engineRemoved(long bundleId, ServiceManagementEngine engine) {
        List<SdpEntry> changed;
        synchronized (this) {
            EngineRegistration current = engines.get(bundleId);
            if (current == null || current.engine() != engine) {
                return;
            }
            engines.remove(bundleId);
            engineLostAt.put(bundleId, clock.instant());
            changed = reevaluate();
        }
        publish(changed);
    }

    /** @param grace how long a valid SDP may wait for its engine from now on */
    public void engineGrace(Duration grace) {
        this.engineGrace = grace;
    }

    /** Refuses SDPs whose engine did not come within the grace period; call periodically. */
    public void checkPending() {
        List<SdpEntry> changed;
        synchronized (this) {
            boolean overdue = entries.values().stream().anyMatch(e -> e.state() == State.PENDING
                    && !e.since().plus(engineGrace).isAfter(clock.instant()));
            if (!overdue) {
                return;
            }
            changed = reevaluate();
        }
        publish(changed);
    }

    /** @return every entry, by service type and version */
    @Override
    public synchronized List<SdpEntry> entries() {
        List<SdpEntry> out = new ArrayList<>(entries.values());
        out.sort(ORDER);
        return out;
    }

    /**
     * @param serviceType a service type
     * @return the newest available version
     */
    @Override
    public synchronized Optional<SdpEntry> newest(String serviceType) {
        return available(serviceType).reduce((a, b) -> b);
    }

    /**
     * @param serviceType a service type
     * @param version a version
     * @return the available SDP of exactly that version
     */
    @Override
    public synchronized Optional<SdpEntry> exact(String serviceType, String version) {
        return available(serviceType).filter(e -> e.descriptor().version().equals(version)).findFirst();
    }

    /**
     * @param serviceType a service type
     * @param version the version a service was created with
     * @return that version, else the newest available one of the same major version
     */
    @Override
    public synchronized Optional<SdpEntry> engineFor(String serviceType, String version) {
        Optional<SdpEntry> exact = exact(serviceType, version);
        if (exact.isPresent()) {
            return exact;
        }
        int major = parse(version).getMajor();
        return available(serviceType).filter(e -> parse(e.descriptor().version()).getMajor() == major)
                .reduce((a, b) -> b);
    }

    /**
     * @param serviceType a service type
     * @param version the version a service was created with
     * @param timeout how long to wait at most
     * @return the engine's SDP, if one came in time
     * @throws InterruptedException if interrupted
     */
    @Override
    public synchronized Optional<SdpEntry> awaitEngine(String serviceType, String version, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<SdpEntry> found = engineFor(serviceType, version);
            long left = deadline - System.nanoTime();
            if (found.isPresent() || left <= 0) {
                return found;
            }
            wait(Math.max(1, Math.min(left / 1_000_000, 1000)));
        }
    }

    private java.util.stream.Stream<SdpEntry> available(String serviceType) {
        return entries.values().stream()
                .filter(SdpEntry::isAvailable)
                .filter(e -> e.descriptor().serviceType().equals(serviceType))
                .sorted(ORDER);
    }

    /** Recomputes every entry from candidates and engines, in install order. Caller holds the lock. */
    private List<SdpEntry> reevaluate() {
        Instant now = clock.instant();
        Map<Long, SdpEntry> next = new LinkedHashMap<>();
        List<Candidate> holders = new ArrayList<>();
        for (Candidate c : candidates.values()) {
            next.put(c.bundleId(), evaluate(c, holders, now));
        }
        List<SdpEntry> changed = new ArrayList<>();
        for (SdpEntry e : next.values()) {
            SdpEntry before = entries.get(e.bundleId());
            if (before == null || before.state() != e.state() || !before.reason().equals(e.reason())
                    || before.engine() != e.engine()) {
                changed.add(e);
            } else {
                next.put(e.bundleId(), before);
            }
        }
        entries.clear();
        entries.putAll(next);
        notifyAll();
        return changed;
    }

    /**
     * Decides one bundle's state. {@code holders} are the earlier bundles whose valid descriptors hold their
     * SDP name, version and service type; a valid candidate joins them (whether or not its engine is there).
     */
    private SdpEntry evaluate(Candidate c, List<Candidate> holders, Instant now) {
        if (!c.read().isValid()) {
            return entry(c, State.REFUSED, String.join("; ", c.read().problems()), null, now);
        }
        SdpDescriptor d = c.read().descriptor();
        for (Candidate holder : holders) {
            SdpDescriptor o = holder.read().descriptor();
            if (o.name().equals(d.name()) && o.version().equals(d.version())) {
                return entry(c, State.REFUSED, "duplicate: SDP " + d.name() + " " + d.version()
                        + " is already installed from bundle " + holder.bundleId() + " (" + holder.bsn()
                        + "); uninstall one of them", null, now);
            }
            if (o.serviceType().equals(d.serviceType()) && !o.name().equals(d.name())) {
                return entry(c, State.REFUSED, "service type '" + d.serviceType() + "' is already offered by SDP '"
                        + o.name() + "' (bundle " + holder.bundleId() + "); a service type is offered by one SDP",
                        null, now);
            }
        }
        holders.add(c);
        EngineRegistration engine = engines.get(c.bundleId());
        if (engine != null) {
            if (!d.serviceType().equals(engine.serviceType())) {
                return entry(c, State.REFUSED, "its engine is registered with " + ServiceManagementEngine.SERVICE_TYPE
                        + "=" + engine.serviceType() + " but the descriptor declares service type '"
                        + d.serviceType() + "'", null, now);
            }
            return entry(c, State.AVAILABLE, "", engine.engine(), now);
        }
        Instant waitingSince = waitingSince(c);
        if (!waitingSince.plus(engineGrace).isAfter(now)) {
            return entry(c, State.REFUSED, "no engine: the bundle registered no "
                    + ServiceManagementEngine.class.getSimpleName() + " service within " + engineGrace.toSeconds()
                    + " s (check its components with scr:list and its log); it becomes available as soon as it "
                    + "registers one", null, now);
        }
        return entry(c, State.PENDING, "waiting for the bundle to register its engine", null, waitingSince);
    }

    /** When the bundle last lost (or started without) its engine. Caller holds the lock. */
    private Instant waitingSince(Candidate c) {
        return engineLostAt.getOrDefault(c.bundleId(), c.addedAt());
    }

    private SdpEntry entry(Candidate c, State state, String reason, ServiceManagementEngine engine, Instant since) {
        return new SdpEntry(c.bundleId(), c.bsn(), c.read().descriptor(), state, reason, engine, since);
    }

    private void publish(List<SdpEntry> changed) {
        for (SdpEntry e : changed) {
            onChange.accept(e);
        }
    }

    private static Version parse(String version) {
        if (version == null) {
            return Version.emptyVersion;
        }
        try {
            return Version.parseVersion(version);
        } catch (IllegalArgumentException e) {
            return Version.emptyVersion;
        }
    }
}
