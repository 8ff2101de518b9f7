package io.stratum.platform.elasticity.internal.series;

import io.stratum.platform.api.MetricSeriesDTO.PointDTO;
import io.stratum.platform.api.PlatformEvents;
import io.stratum.platform.elasticity.internal.ElasticityConfig;
import io.stratum.platform.elasticity.internal.ElasticitySettings;
import io.stratum.platform.spi.Services;
import io.stratum.platform.spi.store.DataStore;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The time series of the elasticity manager, in memory: per (service id, metric) a {@link Series}, a ring of raw
 * samples (its capacity fixed when the series is made: the raw window at the interval of the gatherer that feeds it,
 * between {@value #MIN_RAW} and {@value #MAX_RAW} samples) and 1-minute buckets kept for the retention. At the defaults
 * (10 s samples, 15 min raw window, 24 h retention) a series takes at most about 58 KiB (see {@link Series}); 1000
 * series (100 services with 10 metrics each) at most about 58 MiB, a series only as much as the history it has.
 * <p>
 * Every {@code snapshotInterval} and when the component stops, the series are written to
 * {@code <stratum home>/elasticity/metrics.bin} (readable by the platform's user only; written to a temporary file
 * and renamed, with a CRC-32, so a crash leaves the previous snapshot); when it starts, they are read back without
 * what is past the windows, so alerts do not start blind after a restart. The series of a deleted service are dropped
 * when its {@code io/stratum/service/DELETED} event arrives, and at each snapshot for services the platform no longer
 * knows. Thread-safe.
 */
@Component(service = {MetricHistory.class, TimeSeriesStore.class, EventHandler.class}, immediate = true,
        configurationPid = ElasticityConfig.PID,
        property = EventConstants.EVENT_TOPIC + "=" + PlatformEvents.SERVICE_TOPIC_PREFIX + "DELETED")
@Designate(ocd = ElasticityConfig.class)
public final class TimeSeriesStore implements MetricHistory, EventHandler {

    /** Fewest raw samples a series holds. */
    public static final int MIN_RAW = 8;
    /** Most raw samples a series holds. */
    public static final int MAX_RAW = 3600;
    /** The snapshot's file name, in {@code <stratum home>/elasticity/}. */
    public static final String SNAPSHOT = "metrics.bin";

    private static final Logger LOG = LoggerFactory.getLogger(TimeSeriesStore.class);
    private static final int MAGIC = 0x53544d31; // "STM1"

    private final Path directory;
    private final ElasticitySettings settings;
    private final Clock clock;
    private final Services services;
    private final Map<String, Map<String, Series>> series = new ConcurrentHashMap<>();
    private final ScheduledExecutorService snapshots;
    private final Object writing = new Object();

    /**
     * @param store the platform's store (for Stratum's home)
     * @param services the platform's services (to drop the series of services that are gone)
     * @param config the configuration
     */
    @Activate
    public TimeSeriesStore(@Reference DataStore store, @Reference Services services, ElasticityConfig config) {
        this(store.home().resolve("elasticity"), ElasticitySettings.of(config), Clock.systemUTC(), services);
        long every = settings.snapshotInterval().toMillis();
        snapshots.scheduleWithFixedDelay(this::snapshotQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * A store that writes snapshots only when asked ({@link #snapshot}); for tests of this bundle.
     *
     * @param directory where the snapshot is kept
     * @param settings the windows
     * @param clock the time
     * @param services the platform's services, or {@code null} to keep every series
     */
    public TimeSeriesStore(Path directory, ElasticitySettings settings, Clock clock, Services services) {
        this.directory = directory;
        this.settings = settings;
        this.clock = clock;
        this.services = services;
        this.snapshots = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stratum-metrics-snapshot");
            t.setDaemon(true);
            return t;
        });
        load();
    }

    /** Stops the snapshots and writes the last one. */
    @Deactivate
    public void deactivate() {
        snapshots.shutdownNow();
        try {
            snapshots.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        snapshotQuietly();
    }

    /** @return the windows */
    public ElasticitySettings settings() {
        return settings;
    }

    /**
     * Records a sample taken now.
     *
     * @param serviceId the service's id
     * @param metric the metric's name
     * @param value its value
     * @param interval how often the gatherer that took it samples (sizes the raw ring of a new series)
     */
    public void record(String serviceId, String metric, double value, Duration interval) {
        if (!Double.isFinite(value)) {
            return;
        }
        series.computeIfAbsent(serviceId, id -> new ConcurrentHashMap<>())
                .computeIfAbsent(metric, m -> new Series(rawCapacity(interval), settings.rawWindow().toMillis(),
                        settings.retention().toMillis()))
                .record(clock.millis(), value);
    }

    /**
     * @param interval a gatherer's interval
     * @return the raw samples a series fed at that interval holds: the raw window's worth and one, within
     *     {@value #MIN_RAW}..{@value #MAX_RAW}
     */
    int rawCapacity(Duration interval) {
        long every = Math.max(1, interval.toMillis());
        long n = (settings.rawWindow().toMillis() + every - 1) / every + 1;
        return (int) Math.max(MIN_RAW, Math.min(MAX_RAW, n));
    }

    @Override
    public OptionalDouble aggregate(String serviceId, String metric, Duration window, Aggregation aggregation) {
        Series s = find(serviceId, metric);
        return s == null ? OptionalDouble.empty() : s.aggregate(clock.millis(), window.toMillis(), aggregation);
    }

    @Override
    public Optional<Instant> lastSampleAt(String serviceId, String metric) {
        Series s = find(serviceId, metric);
        if (s == null) {
            return Optional.empty();
        }
        long at = s.lastSampleAt();
        return at == Long.MIN_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(at));
    }

    /**
     * @param serviceId a service's id
     * @param metric a metric's name
     * @param window how far back from now
     * @return the raw samples of the window when they are all still held, else its 1-minute points; oldest first
     */
    public List<PointDTO> points(String serviceId, String metric, Duration window) {
        Series s = find(serviceId, metric);
        return s == null ? List.of() : s.points(clock.millis(), window.toMillis());
    }

    /**
     * @param serviceId a service's id
     * @return the metrics it has series of, by name
     */
    public Set<String> metrics(String serviceId) {
        Map<String, Series> m = series.get(serviceId);
        return m == null ? Set.of() : new TreeSet<>(m.keySet());
    }

    /** @return the ids of the services that have series */
    public Set<String> serviceIds() {
        return Set.copyOf(series.keySet());
    }

    /**
     * Drops every series of a service.
     *
     * @param serviceId the service's id
     */
    public void drop(String serviceId) {
        if (series.remove(serviceId) != null) {
            LOG.debug("Metrics of service {} dropped", serviceId);
        }
    }

    private Series find(String serviceId, String metric) {
        Map<String, Series> m = series.get(serviceId);
        return m == null ? null : m.get(metric);
    }

    @Override
    public void handleEvent(Event event) {
        if (event.getProperty(PlatformEvents.SERVICE_ID) instanceof String id) {
            drop(id);
        }
    }

    private void snapshotQuietly() {
        try {
            prune();
            snapshot();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot write the metrics snapshot to {}: {} (alerts start without history after a restart "
                    + "until this is fixed; check the disk and permissions)", directory.resolve(SNAPSHOT),
                    e.toString());
        }
    }

    /** Drops the series of services the platform no longer knows, and what is past the windows. */
    void prune() {
        long now = clock.millis();
        for (String id : List.copyOf(series.keySet())) {
            if (services != null && services.find(id).isEmpty()) {
                drop(id);
                continue;
            }
            Map<String, Series> m = series.get(id);
            if (m != null) {
                for (Map.Entry<String, Series> e : List.copyOf(m.entrySet())) {
                    e.getValue().expire(now);
                    if (e.getValue().isEmpty()) {
                        m.remove(e.getKey(), e.getValue());
                    }
                }
            }
        }
    }

    /**
     * Writes every series to the snapshot file (a temporary file, renamed over the previous snapshot).
     *
     * @throws IOException if it cannot be written
     */
    public void snapshot() throws IOException {
        synchronized (writing) {
            ownerOnlyDirectory(directory);
            Path tmp = directory.resolve(SNAPSHOT + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            int count = 0;
            try (OutputStream file = Files.newOutputStream(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
                    CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(file, 1 << 16),
                            new CRC32());
                    DataOutputStream out = new DataOutputStream(checked)) {
                out.writeInt(MAGIC);
                out.writeLong(clock.millis());
                List<Map.Entry<String, Map<String, Series>>> services = new ArrayList<>(series.entrySet());
                for (Map.Entry<String, Map<String, Series>> s : services) {
                    for (Map.Entry<String, Series> m : new ArrayList<>(s.getValue().entrySet())) {
                        out.writeBoolean(true);
                        out.writeUTF(s.getKey());
                        out.writeUTF(m.getKey());
                        m.getValue().write(out);
                        count++;
                    }
                }
                out.writeBoolean(false);
                out.flush();
                long crc = checked.getChecksum().getValue();
                out.writeLong(crc);
                out.flush();
                file.flush();
            }
            try (var channel = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(tmp, directory.resolve(SNAPSHOT), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, directory.resolve(SNAPSHOT), StandardCopyOption.REPLACE_EXISTING);
            }
            LOG.debug("Metrics snapshot written: {} series", count);
        }
    }

    /** Reads the snapshot, if there is one; a damaged one is logged and set aside. */
    private void load() {
        Path file = directory.resolve(SNAPSHOT);
        long now = clock.millis();
        int count = 0;
        try (InputStream in = Files.newInputStream(file);
                CheckedInputStream checked = new CheckedInputStream(new BufferedInputStream(in, 1 << 16),
                        new CRC32());
                DataInputStream data = new DataInputStream(checked)) {
            if (data.readInt() != MAGIC) {
                throw new IOException("not a metrics snapshot");
            }
            data.readLong();
            Map<String, Map<String, Series>> read = new ConcurrentHashMap<>();
            while (data.readBoolean()) {
                String serviceId = data.readUTF();
                String metric = data.readUTF();
                Series s = Series.read(data, settings.rawWindow().toMillis(), settings.retention().toMillis(), now);
                if (!s.isEmpty()) {
                    read.computeIfAbsent(serviceId, id -> new ConcurrentHashMap<>()).put(metric, s);
                    count++;
                }
            }
            long expected = checked.getChecksum().getValue();
            if (data.readLong() != expected) {
                throw new IOException("checksum mismatch");
            }
            series.putAll(read);
            LOG.info("Metrics history read back: {} series from {}", count, file);
        } catch (NoSuchFileException e) {
            LOG.debug("No metrics snapshot at {}", file);
        } catch (EOFException e) {
            setAside(file, "it ends early");
        } catch (IOException e) {
            setAside(file, e.getMessage());
        }
    }

    private void setAside(Path file, String why) {
        Path aside = file.resolveSibling(SNAPSHOT + ".damaged");
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // left in place; the next snapshot replaces it
        }
        LOG.warn("The metrics snapshot {} cannot be read ({}); it was moved to {} and the history starts empty",
                file, why, aside);
    }

    private static void ownerOnlyDirectory(Path dir) throws IOException {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            throw new IOException(dir + " exists and is not a directory", e);
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
}
