package io.stratum.platform.backup.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stratum.platform.backup.internal.repo.BackupRepository;
import io.stratum.platform.backup.internal.repo.BackupWriter;
import io.stratum.platform.backup.internal.repo.LocalRepository;
import io.stratum.platform.backup.internal.repo.Manifest;
import io.stratum.platform.backup.internal.repo.Member;
import io.stratum.platform.spi.JobContext;
import io.stratum.platform.spi.ManagedService;
import io.stratum.platform.spi.Services;
import io.stratum.platform.spi.store.DataStore;
import io.stratum.sme.api.BackupEngine;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.SmeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work of backup and restore jobs: staged locks, engine calls, the staging directory and the repository. The
 * planners ({@link BackupPlanner}, {@link RestoreStep}) arrange these into jobs.
 */
@Component(service = Backups.class, configurationPid = Backups.PID)
@Designate(ocd = Backups.Config.class)
public final class Backups {

    /** The configuration's PID. */
    public static final String PID = "io.stratum.backup";

    /** Configuration (PID {@value #PID}). */
    @ObjectClassDefinition(name = "Stratum backups")
    public @interface Config {
        @AttributeDefinition(description = "Directory of the backup repository; empty: <stratum home>/backups")
        String repository() default "";

        @AttributeDefinition(description = "Directory where backups and restores stage artifacts; empty: "
                + "<stratum home>/backup-staging. Needs room for the largest backup")
        String staging() default "";

        @AttributeDefinition(description = "Directory of a second repository that stratum:backup-copy copies backups "
                + "to (e.g. on another disk); empty: none")
        String copyRepository() default "";
    }

    /** Manifest property: the account's id. */
    static final String ACCOUNT_ID = "accountId";
    /** Manifest property: the account's name. */
    static final String ACCOUNT = "account";
    /** Manifest property: service, environment or account. */
    static final String SCOPE = "scope";
    /** Manifest property: the name of what was backed up. */
    static final String SOURCE = "source";
    /** Member property: the service's configuration when it was backed up, as a JSON object of strings. */
    static final String MEMBER_CONFIG = "config";
    /** Manifest property: the point in time (epoch ms), when every member was locked. */
    static final String TAKEN_AT = "takenAt";
    /** Manifest property: who asked. */
    static final String REQUESTED_BY = "requestedBy";
    /** Manifest property: the backup job's id. */
    static final String JOB = "job";
    /** Manifest property: bytes the backup added to the repository. */
    static final String NEW_BYTES = "newBytes";
    /** Manifest property: the schedule that took it, if one did. */
    static final String SCHEDULE = "schedule";

    static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() { };
    private static final Logger LOG = LoggerFactory.getLogger(Backups.class);

    private final BackupRepository repository;
    /** The second repository backups are copied to, if one is configured. */
    private volatile BackupRepository copies;
    private final Path staging;
    private final Services services;
    private final BackupEngines engines;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stratum-backup");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param store the store (for Stratum's home)
     * @param services the platform's services
     * @param engines the backup engines
     * @param config the configuration
     */
    @Activate
    public Backups(@Reference DataStore store, @Reference Services services, @Reference BackupEngines engines,
            Config config) {
        this(Path.of(config.repository().isBlank() ? store.home().resolve("backups").toString() : config.repository()),
                Path.of(config.staging().isBlank() ? store.home().resolve("backup-staging").toString()
                        : config.staging()), services, engines);
        if (!config.copyRepository().isBlank()) {
            Path copyRoot = Path.of(config.copyRepository());
            try {
                ownerOnly(copyRoot);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the copy repository " + copyRoot + ": " + e.getMessage()
                        + " (check copyRepository in etc/" + PID + ".cfg)", e);
            }
            this.copies = new LocalRepository("copy", copyRoot);
            LOG.info("Backups: copies go to {}", copyRoot);
        }
    }

    Backups(Path repositoryRoot, Path staging, Services services, BackupEngines engines) {
        try {
            ownerOnly(repositoryRoot);
            ownerOnly(staging);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the backup directories " + repositoryRoot + " and "
                    + staging + ": " + e.getMessage() + " (check permissions and free disk space)", e);
        }
        this.repository = new LocalRepository("local", repositoryRoot);
        this.staging = staging.toAbsolutePath().normalize();
        this.services = services;
        this.engines = engines;
        LOG.info("Backups: repository {}, staging {}", repositoryRoot, staging);
    }

    private static void ownerOnly(Path dir) throws IOException {
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to narrow
        }
    }

    /** Stops the workers and closes the repositories. */
    @Deactivate
    public void deactivate() {
        workers.shutdownNow();
        repository.close();
        if (copies != null) {
            copies.close();
        }
    }

    BackupRepository repository() {
        return repository;
    }

    /** @return the second repository, if one is configured */
    Optional<BackupRepository> copies() {
        return Optional.ofNullable(copies);
    }

    /**
     * For tests: sets the second repository.
     *
     * @param repository the repository backups are copied to
     */
    void copies(BackupRepository repository) {
        this.copies = repository;
    }

    BackupEngines engines() {
        return engines;
    }

    Services services() {
        return services;
    }

    /**
     * @param jobId a job's id
     * @return its staging directory
     */
    Path staging(long jobId) {
        return staging.resolve(Long.toString(jobId));
    }

    // ------------------------------------------------------------------ stages

    /**
     * Locks one service of a backup or restore and records when.
     *
     * @param job the job
     * @param serviceId the service
     * @throws Exception if its engine cannot lock it
     */
    void lock(JobContext job, String serviceId) throws Exception {
        ManagedService s = service(serviceId);
        job.message("locking '" + s.name() + "'");
        engines.get(s).lock(context(s), job.monitor());
        job.put("lockedAt." + serviceId, Long.toString(System.currentTimeMillis()));
    }

    /**
     * Unlocks one service; harmless if it is not locked or gone. Records how long it was locked.
     *
     * @param job the job
     * @param serviceId the service
     * @throws Exception if its engine cannot unlock it
     */
    void unlock(JobContext job, String serviceId) throws Exception {
        Optional<ManagedService> s = services.find(serviceId);
        if (s.isEmpty()) {
            return;
        }
        BackupEngine engine;
        try {
            engine = engines.get(s.get());
        } catch (SmeException e) {
            job.note("unlock." + serviceId, "'" + s.get().name() + "' could not be unlocked: its SDP is not "
                    + "installed; its runtime unlocks when it restarts");
            return;
        }
        job.message("unlocking '" + s.get().name() + "'");
        engine.unlock(context(s.get()), job.monitor());
        Optional<String> since = job.get("lockedAt." + serviceId);
        if (since.isPresent() && job.get("locked." + serviceId).isEmpty()) {
            long ms = System.currentTimeMillis() - Long.parseLong(since.get());
            job.put("locked." + serviceId, Long.toString(ms));
            LOG.info("Job {}: '{}' was locked for {} ms", job.job().id(), s.get().name(), ms);
        }
    }

    /**
     * Runs every member's engine backup at once, each into its staging directory; all members are locked.
     *
     * @param job the job
     * @param members the services, in lock order
     * @throws Exception if one fails (the others are waited for)
     */
    void backup(JobContext job, List<String> members) throws Exception {
        job.put(TAKEN_AT, Long.toString(System.currentTimeMillis()));
        job.message("saving " + members.size() + " service(s)");
        Path dir = staging(job.job().id());
        parallel(members, id -> {
            ManagedService s = service(id);
            Path memberDir = dir.resolve(id);
            StagedArtifacts.delete(memberDir);
            Files.createDirectories(memberDir);
            engines.get(s).backup(context(s), StagedArtifacts.sink(memberDir), job.monitor());
            return null;
        });
    }

    /**
     * Stores what the members staged in the repository as one backup and records the manifest.
     *
     * @param job the job
     * @param backupId the backup's id
     * @param members the services
     * @param properties the backup's own properties
     * @return the manifest
     * @throws Exception if it cannot be stored (nothing that looks complete is left)
     */
    Manifest store(JobContext job, String backupId, List<String> members, Map<String, String> properties)
            throws Exception {
        Path dir = staging(job.job().id());
        Map<String, List<String>> staged = new LinkedHashMap<>();
        long total = 0;
        for (String id : members) {
            List<String> names = StagedArtifacts.names(dir.resolve(id));
            staged.put(id, names);
            for (String n : names) {
                total += Files.size(dir.resolve(id).resolve(n));
            }
        }
        long all = total;
        AtomicLong done = new AtomicLong();
        repository.abandon(backupId); // a run of this job cut short left its pending backup: start again
        try (BackupWriter writer = repository.begin(backupId)) {
            job.message("storing " + mb(all) + " MB");
            parallel(members, id -> {
                for (String name : staged.get(id)) {
                    Path file = dir.resolve(id).resolve(name);
                    long size = Files.size(file);
                    writer.addFile(id, name, file);
                    long now = done.addAndGet(size);
                    job.monitor().progress(all == 0 ? 100 : (int) (now * 100 / all), "stored " + mb(now) + " of "
                            + mb(all) + " MB");
                }
                return null;
            });
            Map<String, Map<String, String>> memberProperties = new LinkedHashMap<>();
            for (String id : members) {
                memberProperties.put(id, memberProperties(job, service(id)));
            }
            Map<String, String> props = new TreeMap<>(properties);
            props.put(TAKEN_AT, job.get(TAKEN_AT).orElse(Long.toString(System.currentTimeMillis())));
            props.put(NEW_BYTES, Long.toString(writer.stats().newStoredBytes()));
            Manifest m = writer.commit(props, memberProperties);
            LOG.info("Backup {} stored: {} service(s), {} MB, {} MB new in the repository", backupId, members.size(),
                    mb(all), mb(writer.stats().newStoredBytes()));
            return m;
        }
    }

    private Map<String, String> memberProperties(JobContext job, ManagedService s) throws IOException {
        Map<String, String> p = new TreeMap<>();
        p.put("name", s.name());
        p.put("serviceType", s.serviceType());
        p.put("sdpName", s.sdpName());
        p.put("sdpVersion", s.sdpVersion());
        p.put("plan", s.plan());
        p.put(MEMBER_CONFIG, JSON.writeValueAsString(new TreeMap<>(s.configuration())));
        Map<String, String> providers = new TreeMap<>();
        for (Map.Entry<String, String> e : s.providers().entrySet()) {
            providers.put(e.getKey(), e.getValue());
        }
        p.put("providers", JSON.writeValueAsString(providers));
        Map<String, String> providerNames = new TreeMap<>();
        for (Map.Entry<String, String> e : s.providers().entrySet()) {
            services.find(e.getValue()).ifPresent(pr -> providerNames.put(e.getKey(), pr.name()));
        }
        p.put("providerNames", JSON.writeValueAsString(providerNames));
        p.put("lockedMillis", job.get("locked." + s.id()).orElse("0"));
        return p;
    }

    /**
     * Extracts the artifacts of backup members into the job's staging directory, each verified chunk by chunk before
     * anything is written: a corrupt or missing chunk fails with the backup, artifact and chunk named, and no target
     * service has been touched.
     *
     * @param job the job
     * @param backupId the backup
     * @param memberKeys the members
     * @throws Exception if the backup is missing or damaged
     */
    void extract(JobContext job, String backupId, List<String> memberKeys) throws Exception {
        Manifest m = manifest(backupId);
        Path dir = staging(job.job().id());
        long total = 0;
        for (String key : memberKeys) {
            total += member(m, key).logicalBytes();
        }
        long all = total;
        AtomicLong done = new AtomicLong();
        job.message("verifying and extracting " + mb(all) + " MB of backup " + backupId);
        parallel(memberKeys, key -> {
            Member member = member(m, key);
            for (var artifact : member.artifacts()) {
                Path target = dir.resolve(key).resolve(StagedArtifacts.checkName(artifact.name()));
                Files.createDirectories(target.getParent());
                long before = done.get();
                repository.extract(backupId, key, artifact.name(), target, (bytes, of) -> job.monitor().progress(
                        all == 0 ? 100 : (int) ((before + bytes) * 100 / all), "verified " + mb(before + bytes)
                                + " of " + mb(all) + " MB"));
                done.addAndGet(artifact.size());
            }
            return null;
        });
    }

    /**
     * Restores extracted members into their targets, all at once; the targets are locked.
     *
     * @param job the job
     * @param backupId the backup
     * @param targets member key to the id of the service to restore it into
     * @throws Exception if one fails
     */
    void restore(JobContext job, String backupId, Map<String, String> targets) throws Exception {
        Manifest m = manifest(backupId);
        Path dir = staging(job.job().id());
        Instant takenAt = Instant.ofEpochMilli(Long.parseLong(m.properties().getOrDefault(TAKEN_AT,
                Long.toString(m.createdAt().toEpochMilli()))));
        job.message("restoring " + targets.size() + " service(s) from backup " + backupId);
        parallel(List.copyOf(targets.keySet()), key -> {
            Member member = member(m, key);
            ManagedService target = service(targets.get(key));
            checkCompatible(member, target);
            BackupEngine.Origin origin = new BackupEngine.Origin(key, member.properties().get("name"),
                    m.properties().get(ACCOUNT), member.properties().get("sdpVersion"), takenAt);
            List<String> names = member.artifacts().stream().map(a -> a.name()).toList();
            engines.get(target).restore(context(target), StagedArtifacts.source(dir.resolve(key), names, origin),
                    job.monitor());
            return null;
        });
    }

    /**
     * @param member a backup member
     * @param target a service to restore it into
     * @throws SmeException if the service is of another type or SDP version
     */
    static void checkCompatible(Member member, ManagedService target) throws SmeException {
        String type = member.properties().get("serviceType");
        String version = member.properties().get("sdpVersion");
        if (!target.serviceType().equals(type) || !target.sdpVersion().equals(version)) {
            throw new SmeException("'" + member.properties().get("name") + "' (" + type + " " + version
                    + ") cannot be restored into '" + target.name() + "' (" + target.serviceType() + " "
                    + target.sdpVersion() + "): a backup restores into a service of the same type and SDP version");
        }
    }

    // ------------------------------------------------------------------ helpers

    Manifest manifest(String backupId) throws IOException {
        return repository.find(backupId).orElseThrow(() -> new IOException("no backup '" + backupId
                + "' (see stratum:backup-list)"));
    }

    static Member member(Manifest m, String key) throws IOException {
        return m.member(key).orElseThrow(() -> new IOException("backup " + m.id() + " has no member " + key));
    }

    ManagedService service(String id) throws SmeException {
        return services.find(id).orElseThrow(() -> new SmeException("service " + id + " no longer exists"));
    }

    ServiceContext context(ManagedService s) {
        return services.context(s.id());
    }

    static Map<String, String> stringMap(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, STRING_MAP);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable map in a manifest: " + e.getMessage(), e);
        }
    }

    static String mb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1048576.0);
    }

    /** Work on one member. */
    @FunctionalInterface
    interface MemberWork {
        Void run(String id) throws Exception;
    }

    /** Runs work on every member at once; waits for all; throws the first failure with the others suppressed. */
    private void parallel(List<String> ids, MemberWork work) throws Exception {
        if (ids.size() == 1) {
            work.run(ids.get(0));
            return;
        }
        List<Future<Void>> futures = new ArrayList<>();
        for (String id : ids) {
            Callable<Void> c = () -> work.run(id);
            futures.add(workers.submit(c));
        }
        Exception first = null;
        for (Future<Void> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                Exception cause = e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
                if (first == null) {
                    first = cause;
                } else {
                    first.addSuppressed(cause);
                }
            } catch (InterruptedException e) {
                futures.forEach(x -> x.cancel(true));
                Thread.currentThread().interrupt();
                throw e;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
