package io.stratum.platform.backup.internal.repo;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BackupRepository} in a local directory (or any mounted file system with atomic rename):
 * <pre>
 * &lt;root&gt;/packs/&lt;id&gt;.pack, .idx    chunks (zstd frames named by the SHA-256 of their bytes) and their index ({@link PackStore})
 * &lt;root&gt;/manifests/&lt;id&gt;.json     one complete backup ({@link ManifestJson})
 * &lt;root&gt;/pending/&lt;id&gt;           one backup being written: a header line, then the chunks its writer relies on
 * &lt;root&gt;/gc.lock                held (fcntl lock) while garbage is collected
 * </pre>
 * Directories are created 0700 and files 0600: backups hold tenant data. Each writer appends the chunks the
 * repository lacks to a pack of its own; a pack is fsynced and named, then indexed, when it reaches 128 MiB and at
 * commit, so a chunk another writer can find is durable, and a chunk already present is never stored again. A
 * commit writes the manifest after the packs of all chunks the backup uses are durable.
 *
 * <p>Work is spread over two pools: worker threads (as many as processors) hash and compress the chunks of artifacts
 * being written, and read, decompress and check the chunks of artifacts being read a few chunks ahead of the reader;
 * {@value #IO_THREADS} I/O threads write chunks into packs, seal packs, and do the file work of copies and garbage
 * collection. Writers have at most {@code 4 * workers + }{@value #IO_THREADS} chunks in flight (a few MiB), whatever
 * their number. Idle threads end after 30 s; {@link #close()} ends them at once.
 */
public final class LocalRepository implements BackupRepository {

    /** How long a pending backup stays protected from garbage collection after its writer last added a chunk. */
    public static final Duration DEFAULT_PENDING_GRACE = Duration.ofHours(24);

    private static final Logger LOG = LoggerFactory.getLogger(LocalRepository.class);
    /** A temporary file older than this is a leftover of a crash (writing one chunk or manifest takes milliseconds). */
    private static final Duration TEMP_GRACE = Duration.ofHours(1);
    /** I/O threads: writes into packs, seals, copies. */
    private static final int IO_THREADS = 8;
    /** A pack whose unreferenced records make up this share of it or more is rewritten by garbage collection. */
    private static final double REPACK_DEAD_SHARE = 0.25;
    static final String TMP = ".tmp-";
    static final String TRASH = ".gc-";

    private final String name;
    private final Path root;
    private final Path packsDir;
    private final PackStore packs;
    private final Path manifestsDir;
    private final Path pendingDir;
    private final Duration pendingGrace;
    private final int threads;
    private final boolean posix;
    private final ChunkCodec codec = new ChunkCodec();
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor io;
    private final Semaphore chunkPermits;
    private final Map<String, LocalWriter> openWriters = new ConcurrentHashMap<>();
    private final Object gcMonitor = new Object();
    private volatile boolean layoutReady;

    /**
     * A repository at {@code root} (created on first write), with the default grace period and one worker thread per
     * processor.
     *
     * @param name the repository's name, for messages (e.g. {@code local})
     */
    public LocalRepository(String name, Path root) {
        this(name, root, DEFAULT_PENDING_GRACE, Runtime.getRuntime().availableProcessors());
    }

    /**
     * @param pendingGrace how long a pending backup whose writer is not open in this object stays protected from
     *                     garbage collection after it last added a chunk
     * @param threads      worker threads for hashing, compression and reads (at least 1)
     */
    public LocalRepository(String name, Path root, Duration pendingGrace, int threads) {
        this(name, root, pendingGrace, threads, PackStore.TARGET_SIZE);
    }

    /** As above, with packs sealed at {@code packTarget} bytes (tests use small packs). */
    LocalRepository(String name, Path root, Duration pendingGrace, int threads, long packTarget) {
        this.name = java.util.Objects.requireNonNull(name, "name");
        this.root = root.toAbsolutePath().normalize();
        this.packsDir = this.root.resolve("packs");
        this.packs = new PackStore(this, packsDir, packTarget);
        this.manifestsDir = this.root.resolve("manifests");
        this.pendingDir = this.root.resolve("pending");
        this.pendingGrace = java.util.Objects.requireNonNull(pendingGrace, "pendingGrace");
        this.threads = Math.max(1, threads);
        this.posix = this.root.getFileSystem().supportedFileAttributeViews().contains("posix");
        this.workers = pool(this.threads, "stratum-backup-" + name + "-worker");
        this.io = pool(IO_THREADS, "stratum-backup-" + name + "-io");
        this.chunkPermits = new Semaphore(4 * this.threads + IO_THREADS);
    }

    private static ThreadPoolExecutor pool(int size, String prefix) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public String toString() {
        return "repository '" + name + "' (" + root + ")";
    }

    // ---------------------------------------------------------------- writing

    @Override
    public BackupWriter begin(String backupId) throws IOException {
        Names.checkBackupId(backupId);
        ensureLayout();
        Path manifest = manifestPath(backupId);
        if (Files.exists(manifest)) {
            throw alreadyExists(backupId);
        }
        Path marker = pendingDir.resolve(backupId);
        FileChannel channel;
        try {
            channel = FileChannel.open(marker, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND), fileAttributes());
        } catch (FileAlreadyExistsException e) {
            throw new IOException("backup '" + backupId + "' is already being written in " + this + " (pending marker "
                    + marker + ", last active " + lastModified(marker) + "); choose another id, or if its writer's"
                    + " process died, abandon that backup first");
        }
        try {
            String header = "# pending backup " + backupId + ", begun " + Instant.now() + " by process "
                    + ManagementFactory.getRuntimeMXBean().getName() + "; then the chunks it relies on\n";
            ByteBuffer b = ByteBuffer.wrap(header.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                channel.write(b);
            }
            if (Files.exists(manifest)) { // committed by another process between the check and the marker
                throw alreadyExists(backupId);
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(marker);
            throw e;
        }
        LocalWriter writer = new LocalWriter(this, backupId, marker, channel);
        openWriters.put(backupId, writer);
        return writer;
    }

    private IOException alreadyExists(String backupId) {
        return new IOException("backup '" + backupId + "' already exists in " + this
                + "; choose another id, or delete that backup first");
    }

    private static String lastModified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toInstant().toString();
        } catch (IOException e) {
            return "unknown";
        }
    }

    ChunkCodec codec() {
        return codec;
    }

    /** Takes one of the permits that bound the writers' chunks in flight; blocks while none is free. */
    void acquireChunkPermit() throws IOException {
        try {
            chunkPermits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing a backup to " + this);
        }
    }

    void releaseChunkPermit() {
        chunkPermits.release();
    }

    /** Runs CPU work (hashing, compression) on a worker thread. */
    void runOnWorker(Runnable task) throws IOException {
        try {
            workers.execute(task);
        } catch (RejectedExecutionException e) {
            throw new IOException(this + " is closed", e);
        }
    }

    /** Runs file work (writes and fsyncs) on an I/O thread. */
    void runOnIo(Runnable task) throws IOException {
        try {
            io.execute(task);
        } catch (RejectedExecutionException e) {
            throw new IOException(this + " is closed", e);
        }
    }

    Future<byte[]> submitRead(Callable<byte[]> task) throws IOException {
        try {
            return workers.submit(task);
        } catch (RejectedExecutionException e) {
            throw new IOException(this + " is closed", e);
        }
    }

    PackStore packs() {
        return packs;
    }

    /**
     * Makes a backup visible: checks that every chunk it names is present (in a sealed, hence durable, pack), then
     * writes the manifest under a temporary name, fsyncs it, renames it into place and fsyncs the manifest directory.
     */
    void commitManifest(Manifest m) throws IOException {
        ensureLayout();
        Map<String, Boolean> packOk = new HashMap<>();
        for (String sha : m.distinctChunks().keySet()) {
            PackStore.Location l = packs.find(sha);
            if (l != null && packOk.computeIfAbsent(l.pack(), this::packPresentOrAside)) {
                continue;
            }
            if (packs.isPresent(sha)) {
                continue;
            }
            l = packs.find(sha);
            if (l == null || !packPresentOrAside(l.pack())) {
                throw new IOException("chunk " + sha + " of backup '" + m.id() + "' vanished from " + this
                        + " before the backup was committed (was the backup idle for longer than the "
                        + pendingGrace.toHours() + " h grace period while another process collected garbage?); nothing"
                        + " was committed, back up again");
            }
        }
        Path target = manifestPath(m.id());
        if (Files.exists(target)) {
            throw alreadyExists(m.id());
        }
        Path tmp = manifestsDir.resolve(m.id() + ".json" + TMP + token());
        try {
            writeFile(tmp, ManifestJson.write(m), true);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        fsyncDirectory(manifestsDir);
    }

    /**
     * Whether a pack is there, or moved aside by a garbage collection that will put it back (a writer named one of
     * its chunks before the collection read the markers) or that was interrupted (the next collection puts it back,
     * readers find it meanwhile).
     */
    private boolean packPresentOrAside(String id) {
        Path pack = packs.packPath(id);
        if (pack.toFile().exists()) {
            return true;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(packsDir, id + PackStore.PACK + TRASH + "*")) {
            if (ds.iterator().hasNext()) {
                return true;
            }
        } catch (IOException e) {
            return false;
        }
        return pack.toFile().exists(); // put back between the two looks
    }

    /** fsyncs a directory, so that names created or renamed in it survive a power loss (not possible on Windows). */
    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (AccessDeniedException e) {
            // Windows cannot open a directory as a file; NTFS journals renames itself
        }
    }

    void writerClosed(LocalWriter writer) {
        openWriters.remove(writer.backupId(), writer);
    }

    // ---------------------------------------------------------------- reading

    @Override
    public Optional<Manifest> find(String backupId) throws IOException {
        Names.checkBackupId(backupId);
        Path p = manifestPath(backupId);
        byte[] json;
        try {
            json = Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(ManifestJson.read(json, backupId, p));
    }

    private Manifest require(String backupId) throws IOException {
        return find(backupId).orElseThrow(() -> new NoSuchFileException(manifestPath(backupId).toString(), null,
                "there is no backup '" + backupId + "' in " + this));
    }

    private static Artifact require(Manifest m, String member, String artifact) throws IOException {
        Member mb = m.member(member).orElseThrow(() -> new IOException("backup '" + m.id() + "' has no member '" + member
                + "' (it has " + m.members().stream().map(Member::key).toList() + ")"));
        return mb.artifact(artifact).orElseThrow(() -> new IOException("member '" + member + "' of backup '" + m.id()
                + "' has no artifact '" + artifact + "' (it has "
                + mb.artifacts().stream().map(Artifact::name).toList() + ")"));
    }

    @Override
    public List<Manifest> list() throws IOException {
        List<Manifest> out = new ArrayList<>();
        for (Path p : manifestFiles()) {
            String id = idOf(p);
            try {
                out.add(ManifestJson.read(Files.readAllBytes(p), id, p));
            } catch (NoSuchFileException e) {
                // deleted meanwhile
            } catch (IOException e) {
                LOG.warn("Backup '{}' in {} is left out of the list: {}", id, this, e.getMessage());
            }
        }
        out.sort(Comparator.comparing(Manifest::createdAt).thenComparing(Manifest::id));
        return out;
    }

    private List<Path> manifestFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(manifestsDir)) {
            return files;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(manifestsDir, "*.json")) {
            for (Path p : ds) {
                String id = idOf(p);
                if (isBackupId(id)) {
                    files.add(p);
                }
            }
        }
        return files;
    }

    private static String idOf(Path manifest) {
        String f = manifest.getFileName().toString();
        return f.substring(0, f.length() - ".json".length());
    }

    private static boolean isBackupId(String id) {
        try {
            Names.checkBackupId(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public List<PendingBackup> pending() throws IOException {
        List<PendingBackup> out = new ArrayList<>();
        Instant now = Instant.now();
        for (Path p : markerFiles()) {
            String id = p.getFileName().toString();
            try {
                Instant last = Files.getLastModifiedTime(p).toInstant();
                out.add(new PendingBackup(id, last, isLive(id, last, now)));
            } catch (NoSuchFileException e) {
                // committed or aborted meanwhile
            }
        }
        out.sort(Comparator.comparing(PendingBackup::lastActive));
        return out;
    }

    private List<Path> markerFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(pendingDir)) {
            return files;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(pendingDir)) {
            for (Path p : ds) {
                if (isBackupId(p.getFileName().toString())) {
                    files.add(p);
                }
            }
        }
        return files;
    }

    /** Whether backup {@code id} is pending and live (its writer is open here, or its marker is recent). */
    private boolean markerLive(String id, Instant now) throws IOException {
        if (openWriters.containsKey(id)) {
            return true;
        }
        try {
            return isLive(id, Files.getLastModifiedTime(pendingDir.resolve(id)).toInstant(), now);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private boolean isLive(String id, Instant lastActive, Instant now) {
        return openWriters.containsKey(id) || lastActive.isAfter(now.minus(pendingGrace));
    }

    @Override
    public boolean abandon(String backupId) throws IOException {
        Names.checkBackupId(backupId);
        LocalWriter w = openWriters.get(backupId);
        if (w != null) {
            throw new IOException("backup '" + backupId + "' is still being written in this process (" + w
                    + "); close its writer to abort it");
        }
        return Files.deleteIfExists(pendingDir.resolve(backupId));
    }

    /** Reads a chunk and checks it against its reference. Runs on a worker thread. */
    byte[] loadChunk(ChunkRef ref) throws IOException {
        return codec.decompressVerified(ref.sha256(), packs.read(ref.sha256()), ref.size());
    }

    private int readWindow() {
        return 2 * threads + 2;
    }

    @Override
    public VerifyReport verify(String backupId, Progress progress) throws IOException {
        Manifest m = require(backupId);
        List<String> problems = new ArrayList<>();
        long total = m.logicalBytes();
        long done = 0;
        long chunks = 0;
        long bytes = 0;
        for (Member member : m.members()) {
            for (Artifact a : member.artifacts()) {
                String where = "artifact '" + a.name() + "' of member '" + member.key() + "'";
                MessageDigest whole = ChunkCodec.newSha256();
                long size = 0;
                boolean damaged = false;
                try (ChunkReadAhead reader = new ChunkReadAhead(this, a.chunks(), readWindow())) {
                    for (ChunkRef ref : a.chunks()) {
                        try {
                            byte[] data = reader.next();
                            whole.update(data);
                            size += data.length;
                            bytes += data.length;
                            chunks++;
                        } catch (DamagedChunkException e) {
                            damaged = true;
                            problems.add(where + ": chunk " + e.sha256() + " " + e.reason());
                        }
                        done += ref.size();
                        progress.done(done, total);
                    }
                }
                if (!damaged) {
                    String sha = Names.hex(whole.digest());
                    if (size != a.size() || !sha.equals(a.sha256())) {
                        problems.add(where + ": its " + size + " bytes hash to " + sha + ", the manifest says " + a.size()
                                + " bytes hashing to " + a.sha256());
                    }
                }
            }
        }
        if (problems.isEmpty()) {
            LOG.info("Backup '{}' in {} verified: {} chunks, {} bytes", backupId, this, chunks, bytes);
        } else {
            LOG.warn("Backup '{}' in {} is damaged: {}", backupId, this, problems);
        }
        return new VerifyReport(backupId, chunks, bytes, problems);
    }

    private CorruptBackupException corrupt(String backupId, String member, String artifact, DamagedChunkException e,
                                           String consequence) {
        return new CorruptBackupException(backupId, member, artifact, e.sha256(), "backup '" + backupId + "' in " + this
                + " is damaged: chunk " + e.sha256() + " of artifact '" + artifact + "' of member '" + member + "' "
                + e.reason() + ". " + consequence + " Use another copy of this backup (e.g. in a copy repository) or an"
                + " older backup; verify lists every damaged chunk.");
    }

    private CorruptBackupException corruptWhole(String backupId, String member, Artifact a, long size, String sha,
                                                String consequence) {
        return new CorruptBackupException(backupId, member, a.name(), null, "backup '" + backupId + "' in " + this
                + " is damaged: artifact '" + a.name() + "' of member '" + member + "' has " + size + " bytes hashing to "
                + sha + ", its manifest says " + a.size() + " bytes hashing to " + a.sha256() + ". " + consequence
                + " Use another copy of this backup or an older backup.");
    }

    @Override
    public void extract(String backupId, String member, String artifact, Path target, Progress progress)
            throws IOException {
        Manifest m = require(backupId);
        Artifact a = require(m, member, artifact);
        Path t = target.toAbsolutePath().normalize();
        if (Files.isDirectory(t)) {
            throw new IOException("cannot restore artifact '" + artifact + "' of member '" + member + "' to " + t
                    + ": it is a directory; give the path of the file to write");
        }
        Path parent = t.getParent();
        List<Path> created = createParents(parent);
        Path tmp = parent.resolve("." + t.getFileName() + ".restore" + TMP + token());
        String untouched = "Nothing was written to " + t + ".";
        boolean ok = false;
        try {
            try (FileChannel out = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    fileAttributes());
                 ChunkReadAhead reader = new ChunkReadAhead(this, a.chunks(), readWindow())) {
                MessageDigest whole = ChunkCodec.newSha256();
                long written = 0;
                for (int i = 0; i < a.chunks().size(); i++) {
                    byte[] data;
                    try {
                        data = reader.next();
                    } catch (DamagedChunkException e) {
                        throw corrupt(backupId, member, artifact, e, untouched);
                    }
                    whole.update(data);
                    ByteBuffer b = ByteBuffer.wrap(data);
                    while (b.hasRemaining()) {
                        out.write(b);
                    }
                    written += data.length;
                    progress.done(written, a.size());
                }
                String sha = Names.hex(whole.digest());
                if (written != a.size() || !sha.equals(a.sha256())) {
                    throw corruptWhole(backupId, member, a, written, sha, untouched);
                }
                out.force(true);
            }
            Files.move(tmp, t, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            ok = true;
        } finally {
            if (!ok) {
                Files.deleteIfExists(tmp);
                removeCreated(created);
            }
        }
        fsyncDirectory(parent);
    }

    /** Creates the missing directories of {@code dir} (0700), outermost first, and returns them. */
    private List<Path> createParents(Path dir) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir; p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        List<Path> created = new ArrayList<>();
        try {
            for (Path p : missing) {
                try {
                    Files.createDirectory(p, directoryAttributes());
                    created.add(p);
                } catch (FileAlreadyExistsException e) {
                    if (!Files.isDirectory(p)) {
                        throw e;
                    }
                }
            }
        } catch (IOException e) {
            removeCreated(created);
            throw e;
        }
        return created;
    }

    private static void removeCreated(List<Path> created) {
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(created.get(i));
            } catch (IOException e) {
                return; // not empty (someone else writes there) or not ours to remove
            }
        }
    }

    @Override
    public InputStream open(String backupId, String member, String artifact) throws IOException {
        Manifest m = require(backupId);
        return new ArtifactInputStream(backupId, member, require(m, member, artifact));
    }

    /** Streams an artifact, checking each chunk as it comes and the whole artifact at its end. */
    private final class ArtifactInputStream extends InputStream {

        private final String backupId;
        private final String member;
        private final Artifact artifact;
        private final ChunkReadAhead reader;
        private final MessageDigest whole = ChunkCodec.newSha256();
        private int index;
        private byte[] current;
        private int pos;
        private long total;
        private boolean ended;
        private IOException failure;

        ArtifactInputStream(String backupId, String member, Artifact artifact) {
            this.backupId = backupId;
            this.member = member;
            this.artifact = artifact;
            this.reader = new ChunkReadAhead(LocalRepository.this, artifact.chunks(), readWindow());
        }

        /** Makes {@code current} hold unread bytes; false at the end of the artifact (after checking it whole). */
        private boolean fill() throws IOException {
            if (failure != null) {
                throw failure;
            }
            while (current == null || pos == current.length) {
                if (index == artifact.chunks().size()) {
                    if (!ended) {
                        ended = true;
                        String sha = Names.hex(whole.digest());
                        if (total != artifact.size() || !sha.equals(artifact.sha256())) {
                            failure = corruptWhole(backupId, member, artifact, total, sha, "The stream ends here.");
                            throw failure;
                        }
                    }
                    return false;
                }
                index++;
                try {
                    current = reader.next();
                } catch (DamagedChunkException e) {
                    failure = corrupt(backupId, member, artifact.name(), e, "The stream stops here.");
                    throw failure;
                }
                pos = 0;
                whole.update(current);
                total += current.length;
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            return fill() ? current[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return current == null ? 0 : current.length - pos;
        }

        @Override
        public void close() {
            reader.close();
            current = null;
        }
    }

    // ---------------------------------------------------------------- deleting

    @Override
    public boolean delete(String backupId) throws IOException {
        Names.checkBackupId(backupId);
        boolean deleted = Files.deleteIfExists(manifestPath(backupId));
        if (deleted) {
            fsyncDirectory(manifestsDir);
            LOG.info("Backup '{}' deleted from {}; its chunks go at the next garbage collection", backupId, this);
        }
        return deleted;
    }

    /**
     * Collects garbage, safe against writers in this and other processes:
     * <ol>
     * <li>put back packs an interrupted collection left aside; delete leftovers of crashes: temporary packs of writers
     *     whose pending marker is gone or stale, other temporary files older than an hour, indexes whose pack is gone,
     *     packs never indexed;</li>
     * <li>read every pack index; read the live pending markers, then the manifests (markers first, because a writer
     *     writes its manifest before it removes its marker): the referenced chunks;</li>
     * <li>plan: a pack none of whose chunks is referenced (or held by an earlier pack as well) goes; a pack whose
     *     unreferenced records make up a quarter of it or more is rewritten: its referenced chunks are copied into
     *     new packs, sealed before anything goes;</li>
     * <li>move the packs that go aside (rename to {@code <id>.pack.gc-<token>}): from now on a writer that looks
     *     for their chunks does not find them and stores them anew;</li>
     * <li>read markers and manifests again: a writer that relied on a chunk before step 4 has named it by now;</li>
     * <li>put back every pack aside that holds a chunk step 5 found referenced and no remaining pack holds; delete the
     *     others with their indexes.</li>
     * </ol>
     * One collection at a time per repository directory (a file lock; other processes get an error).
     */
    @Override
    public GcReport collectGarbage() throws IOException {
        synchronized (gcMonitor) {
            ensureLayout();
            try (FileChannel lockFile = FileChannel.open(root.resolve("gc.lock"), Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE), fileAttributes())) {
                FileLock lock;
                try {
                    lock = lockFile.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    throw new IOException("garbage collection is already running on " + this
                            + " (in another process or repository object); try again when it has finished");
                }
                try {
                    return collect();
                } finally {
                    lock.release();
                }
            }
        }
    }

    private GcReport collect() throws IOException {
        long started = System.nanoTime();
        cleanPacks();
        Map<String, Long> sizes = new HashMap<>();
        Map<String, List<PackStore.Entry>> all = readPacks(sizes, true);
        Set<String> before = new HashSet<>();
        all.values().forEach(es -> es.forEach(e -> before.add(e.sha256())));

        Set<String> referenced = referencedChunks(null);
        Map<String, String> canonical = new HashMap<>();
        all.forEach((id, es) -> es.forEach(e -> canonical.putIfAbsent(e.sha256(), id)));
        List<String> going = new ArrayList<>();
        Map<String, List<PackStore.Entry>> rewrite = new LinkedHashMap<>();
        for (Map.Entry<String, List<PackStore.Entry>> pack : all.entrySet()) {
            String id = pack.getKey();
            List<PackStore.Entry> live = pack.getValue().stream()
                    .filter(e -> referenced.contains(e.sha256()) && canonical.get(e.sha256()).equals(id)).toList();
            long liveBytes = live.stream().mapToLong(e -> PackStore.RECORD_HEADER + (long) e.length()).sum();
            long size = sizes.get(id);
            if (live.isEmpty()) {
                going.add(id);
            } else if (size - liveBytes >= REPACK_DEAD_SHARE * size) {
                rewrite.put(id, live);
                going.add(id);
            }
        }
        Map<String, List<PackStore.Entry>> written = repack(rewrite);
        long newBytes = 0;
        for (String id : written.keySet()) {
            newBytes += Files.size(packs.packPath(id));
        }

        Map<String, Path> aside = new LinkedHashMap<>();
        for (String id : going) {
            Path moved = packsDir.resolve(id + PackStore.PACK + TRASH + token());
            try {
                Files.move(packs.packPath(id), moved, StandardCopyOption.ATOMIC_MOVE);
                aside.put(id, moved);
            } catch (NoSuchFileException e) {
                // gone meanwhile
            }
        }
        Set<String> again;
        List<String> staleMarkers = new ArrayList<>();
        try {
            again = referencedChunks(staleMarkers);
        } catch (IOException | RuntimeException e) {
            for (Map.Entry<String, Path> en : aside.entrySet()) {
                putBack(en.getValue(), packs.packPath(en.getKey()));
            }
            throw e;
        }
        Set<String> remaining = new HashSet<>();
        all.forEach((id, es) -> {
            if (!aside.containsKey(id)) {
                es.forEach(e -> remaining.add(e.sha256()));
            }
        });
        written.values().forEach(es -> es.forEach(e -> remaining.add(e.sha256())));
        long freed = -newBytes;
        for (Map.Entry<String, Path> en : aside.entrySet()) {
            String id = en.getKey();
            List<PackStore.Entry> entries = all.get(id);
            if (entries.stream().anyMatch(e -> again.contains(e.sha256()) && !remaining.contains(e.sha256()))) {
                putBack(en.getValue(), packs.packPath(id));
                entries.forEach(e -> remaining.add(e.sha256()));
            } else {
                freed += sizes.get(id);
                Files.deleteIfExists(en.getValue());
                Files.deleteIfExists(packs.indexPath(id));
            }
        }
        if (!aside.isEmpty()) {
            fsyncDirectory(packsDir);
        }
        packs.refresh(true);
        removeLeftoverMarkers(staleMarkers);
        before.removeAll(remaining);
        GcReport report = new GcReport(before.size(), freed, remaining.size());
        LOG.info("Garbage collection of {}: {} chunks ({} bytes) deleted, {} packs rewritten, {} chunks kept, in {} ms",
                this, report.chunksDeleted(), freed, rewrite.size(), report.chunksKept(),
                (System.nanoTime() - started) / 1_000_000);
        return report;
    }

    /** Copies the given records of packs into new packs; returns the new packs' records. */
    private Map<String, List<PackStore.Entry>> repack(Map<String, List<PackStore.Entry>> rewrite) throws IOException {
        Map<String, List<PackStore.Entry>> written = new LinkedHashMap<>();
        PackStore.PackWriter out = null;
        try {
            for (Map.Entry<String, List<PackStore.Entry>> pack : rewrite.entrySet()) {
                try (FileChannel in = FileChannel.open(packs.packPath(pack.getKey()), StandardOpenOption.READ)) {
                    for (PackStore.Entry e : pack.getValue()) {
                        ByteBuffer frame = ByteBuffer.allocate(e.length());
                        while (frame.hasRemaining()) {
                            if (in.read(frame, e.offset() + frame.position()) < 0) {
                                throw new IOException("pack " + pack.getKey() + " of " + this + " ends before chunk "
                                        + e.sha256() + "; garbage collection stopped without deleting anything; run"
                                        + " verify on the backups");
                            }
                        }
                        if (out == null) {
                            out = packs.newPack(null);
                        }
                        out.write(out.reserve(e.length()), e.sha256(),
                                ChunkCodec.Compressed.of(frame.array(), PackStore.RECORD_HEADER), e.size());
                        if (out.size() >= packs.target()) {
                            written.put(out.id(), out.seal());
                            out = null;
                        }
                    }
                }
            }
            if (out != null) {
                written.put(out.id(), out.seal());
                out = null;
            }
        } finally {
            if (out != null) {
                out.discard();
            }
        }
        return written;
    }

    /** Step 1 of a collection (under the collection lock): puts back packs left aside, deletes leftovers of crashes. */
    private void cleanPacks() throws IOException {
        if (!Files.isDirectory(packsDir)) {
            return;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(packsDir)) {
            ds.forEach(files::add);
        }
        for (Path f : files) {
            String n = f.getFileName().toString();
            int at = n.indexOf(PackStore.PACK + TRASH);
            if (at > 0) {
                putBack(f, packs.packPath(n.substring(0, at)));
            }
        }
        Instant now = Instant.now();
        for (Path f : files) {
            String n = f.getFileName().toString();
            int tmp = n.indexOf(PackStore.PACK_TMP);
            if (tmp > 0) {
                String owner = n.substring(tmp + PackStore.PACK_TMP.length());
                if (owner.startsWith("w-")) {
                    String id = owner.substring(2);
                    if (!markerLive(id, now) && Files.deleteIfExists(f)) {
                        LOG.info("Deleted the unfinished pack {} of backup '{}', which is no longer being written", n, id);
                    }
                } else {
                    deleteIfOlder(f, TEMP_GRACE);
                }
            } else if (n.contains(PackStore.INDEX + TMP)) {
                deleteIfOlder(f, TEMP_GRACE);
            } else if (n.endsWith(PackStore.INDEX)) {
                String id = n.substring(0, n.length() - PackStore.INDEX.length());
                if (!Files.exists(packs.packPath(id))) {
                    Files.deleteIfExists(f); // its pack was deleted by a collection that stopped before its index
                }
            } else if (n.endsWith(PackStore.PACK)) {
                String id = n.substring(0, n.length() - PackStore.PACK.length());
                if (!Files.exists(packs.indexPath(id)) && olderThan(f, TEMP_GRACE)) {
                    // sealed, never indexed (its writer died in between), or its index was lost
                    reindex(id, "it has no index");
                }
            }
        }
    }

    /** Rebuilds a pack's index from its records (a pack with no record left is deleted). */
    private List<PackStore.Entry> reindex(String id, String why) throws IOException {
        Path pack = packs.packPath(id);
        List<PackStore.Entry> entries = PackStore.scan(pack);
        if (entries.isEmpty()) {
            Files.deleteIfExists(pack);
            Files.deleteIfExists(packs.indexPath(id));
            LOG.warn("Deleted pack {} of {}: {}, and it holds no whole record", id, this, why);
        } else {
            packs.writeIndex(id, entries);
            LOG.warn("Rebuilt the index of pack {} of {} from its {} records: {}", id, this, entries.size(), why);
        }
        return entries;
    }

    private static boolean olderThan(Path p, Duration age) throws IOException {
        try {
            return Files.getLastModifiedTime(p).toInstant().isBefore(Instant.now().minus(age));
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /**
     * Every indexed pack that exists, by id (sorted), with its records; fills {@code sizes} with pack sizes.
     *
     * @param repair whether to rebuild a damaged index from its pack (garbage collection, under its lock) or to leave
     *               the pack out
     */
    private Map<String, List<PackStore.Entry>> readPacks(Map<String, Long> sizes, boolean repair) throws IOException {
        Map<String, List<PackStore.Entry>> out = new java.util.TreeMap<>();
        if (!Files.isDirectory(packsDir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(packsDir, "*" + PackStore.INDEX)) {
            for (Path idx : ds) {
                String n = idx.getFileName().toString();
                String id = n.substring(0, n.length() - PackStore.INDEX.length());
                try {
                    long size = Files.size(packs.packPath(id));
                    List<PackStore.Entry> entries;
                    try {
                        entries = PackStore.readIndex(idx);
                    } catch (NoSuchFileException e) {
                        throw e;
                    } catch (IOException e) {
                        if (!repair) {
                            LOG.warn("{}; garbage collection rebuilds it from the pack", e.getMessage());
                            continue;
                        }
                        entries = reindex(id, e.getMessage());
                        if (entries.isEmpty()) {
                            continue;
                        }
                    }
                    out.put(id, entries);
                    sizes.put(id, size);
                } catch (NoSuchFileException e) {
                    // pack or index gone meanwhile
                }
            }
        }
        return out;
    }

    /**
     * The chunks that live pending markers name, then those that manifests name.
     *
     * @param stale if not null, receives the ids of markers too old to protect anything
     * @throws IOException if a manifest cannot be read: its chunks are unknown, so nothing may be deleted
     */
    private Set<String> referencedChunks(List<String> stale) throws IOException {
        Set<String> refs = new HashSet<>();
        Instant now = Instant.now();
        for (Path p : markerFiles()) {
            String id = p.getFileName().toString();
            try {
                Instant last = Files.getLastModifiedTime(p).toInstant();
                if (!isLive(id, last, now)) {
                    if (stale != null) {
                        stale.add(id);
                    }
                    continue;
                }
                // a line being appended may be read in part: it is ignored, and that is safe (see collect)
                for (String line : Files.readAllLines(p, StandardCharsets.ISO_8859_1)) {
                    if (line.length() == 64 && line.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                        refs.add(line);
                    }
                }
            } catch (NoSuchFileException e) {
                // committed (its manifest is read below) or aborted
            }
        }
        for (Path p : manifestFiles()) {
            byte[] json;
            try {
                json = Files.readAllBytes(p);
            } catch (NoSuchFileException e) {
                continue; // deleted meanwhile
            }
            Manifest m;
            try {
                m = ManifestJson.read(json, idOf(p), p);
            } catch (IOException e) {
                throw new IOException("garbage collection of " + this + " stopped without deleting anything: "
                        + e.getMessage() + ". Move that manifest out of " + manifestsDir + " (or repair it) first.", e);
            }
            refs.addAll(m.distinctChunks().keySet());
        }
        return refs;
    }

    /** Renames a pack moved aside back (packs are immutable: if one of that name is there, it is the same). */
    private void putBack(Path aside, Path pack) throws IOException {
        try {
            if (Files.exists(pack)) {
                Files.delete(aside);
            } else {
                Files.move(aside, pack, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (NoSuchFileException e) {
            // already put back
        }
    }

    private void removeLeftoverMarkers(List<String> stale) throws IOException {
        for (String id : stale) {
            if (!openWriters.containsKey(id) && Files.deleteIfExists(pendingDir.resolve(id))) {
                LOG.warn("Pending backup '{}' in {} was inactive for more than {} h: its marker is removed and the"
                        + " chunks only it used were collected", id, this, pendingGrace.toHours());
            }
        }
        for (Path p : markerFiles()) {
            String id = p.getFileName().toString();
            if (!openWriters.containsKey(id) && Files.exists(manifestPath(id)) && Files.deleteIfExists(p)) {
                LOG.info("Removed the pending marker of backup '{}' in {}, which was committed", id, this);
            }
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(manifestsDir, "*" + TMP + "*")) {
            for (Path p : ds) {
                deleteIfOlder(p, TEMP_GRACE);
            }
        }
    }

    private static void deleteIfOlder(Path p, Duration age) throws IOException {
        try {
            if (Files.getLastModifiedTime(p).toInstant().isBefore(Instant.now().minus(age))) {
                Files.deleteIfExists(p);
            }
        } catch (NoSuchFileException e) {
            // gone meanwhile
        }
    }

    // ---------------------------------------------------------------- copying

    @Override
    public CopyReport copyTo(String backupId, BackupRepository target, Progress progress) throws IOException {
        Manifest m = require(backupId);
        if (target == this || target.root().toAbsolutePath().normalize().equals(root)) {
            throw new IOException("backup '" + backupId + "' cannot be copied to " + target + ": it is the same repository");
        }
        Map<String, Integer> chunks = m.distinctChunks();
        Optional<Manifest> there = target.find(backupId);
        if (there.isPresent()) {
            if (there.get().equals(m)) {
                return new CopyReport(0, 0, chunks.size());
            }
            throw new IOException("repository '" + target.name() + "' (" + target.root() + ") already holds a different"
                    + " backup '" + backupId + "'; delete it there first");
        }
        long total = chunks.values().stream().mapToLong(Integer::longValue).sum();
        long done = 0;
        long sent = 0;
        long bytesSent = 0;
        long present = 0;
        String consequence = "Nothing was committed to repository '" + target.name() + "'.";
        try (BackupWriter w = target.begin(backupId)) {
            BackupWriter.StoredChunkSource source = packs::read;
            ArrayDeque<Map.Entry<String, Future<Long>>> ahead = new ArrayDeque<>();
            var it = chunks.entrySet().iterator();
            try {
                while (it.hasNext() || !ahead.isEmpty()) {
                    while (it.hasNext() && ahead.size() < 2 * IO_THREADS) {
                        Map.Entry<String, Integer> c = it.next();
                        ahead.add(Map.entry(c.getKey(), submitCopyTask(() -> w.importChunk(c.getKey(), source))));
                    }
                    Map.Entry<String, Future<Long>> next = ahead.remove();
                    long n;
                    try {
                        n = next.getValue().get();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while copying backup '" + backupId + "'");
                    } catch (ExecutionException e) {
                        throw copyFailure(m, next.getKey(), e.getCause(), consequence);
                    }
                    if (n > 0) {
                        sent++;
                        bytesSent += n;
                    } else {
                        present++;
                    }
                    done += chunks.get(next.getKey());
                    progress.done(done, total);
                }
            } finally {
                ahead.forEach(e -> e.getValue().cancel(false));
            }
            w.commitCopy(m);
        }
        LOG.info("Backup '{}' copied from {} to repository '{}': {} chunks ({} bytes) sent, {} already there", backupId,
                this, target.name(), sent, bytesSent, present);
        return new CopyReport(sent, bytesSent, present);
    }

    /** Copy tasks run on the I/O threads: they mostly wait for reads, writes and fsyncs. */
    private Future<Long> submitCopyTask(Callable<Long> task) throws IOException {
        try {
            return io.submit(task);
        } catch (RejectedExecutionException e) {
            throw new IOException(this + " is closed", e);
        }
    }

    private IOException copyFailure(Manifest m, String sha, Throwable cause, String consequence) {
        if (cause instanceof DamagedChunkException || cause instanceof CorruptBackupException) {
            String reason = cause instanceof DamagedChunkException d ? d.reason() : "is damaged (" + cause.getMessage() + ")";
            for (Member member : m.members()) {
                for (Artifact a : member.artifacts()) {
                    if (a.chunks().stream().anyMatch(c -> c.sha256().equals(sha))) {
                        return corrupt(m.id(), member.key(), a.name(), new DamagedChunkException(sha, reason), consequence);
                    }
                }
            }
        }
        if (cause instanceof IOException io) {
            return io;
        }
        return new IOException("copying backup '" + m.id() + "' failed: " + cause, cause);
    }

    // ---------------------------------------------------------------- chunks

    @Override
    public boolean hasChunk(String sha256) throws IOException {
        Names.checkSha256(sha256);
        return packs.isPresent(sha256);
    }

    @Override
    public byte[] readStoredChunk(String sha256) throws IOException {
        Names.checkSha256(sha256);
        try {
            return packs.read(sha256);
        } catch (DamagedChunkException e) {
            throw new NoSuchFileException(packsDir.toString(), null, "chunk " + sha256 + " " + e.reason());
        }
    }

    @Override
    public void writeStoredChunk(String sha256, byte[] stored) throws IOException {
        Names.checkSha256(sha256);
        if (hasChunk(sha256)) {
            return;
        }
        int size = checkStored(sha256, stored);
        ensureLayout();
        PackStore.PackWriter pack = packs.newPack(null);
        try {
            pack.write(pack.reserve(stored.length), sha256, ChunkCodec.Compressed.of(stored, PackStore.RECORD_HEADER), size);
        } catch (IOException | RuntimeException e) {
            pack.discard();
            throw e;
        }
        pack.seal();
    }

    /**
     * Checks a chunk received in its stored form.
     *
     * @return its uncompressed size
     * @throws CorruptBackupException unless it decompresses to bytes that hash to {@code sha256}
     */
    int checkStored(String sha256, byte[] stored) throws CorruptBackupException {
        try {
            return codec.decompressVerified(sha256, stored, -1).length;
        } catch (DamagedChunkException e) {
            throw new CorruptBackupException(null, null, null, sha256, "chunk " + sha256 + " received for " + this + " "
                    + e.reason() + "; it was not stored");
        }
    }

    @Override
    public RepositoryStats stats() throws IOException {
        Map<String, Long> sizes = new HashMap<>();
        Set<String> chunks = new HashSet<>();
        readPacks(sizes, false).values().forEach(es -> es.forEach(e -> chunks.add(e.sha256())));
        List<Manifest> all = list();
        return new RepositoryStats(chunks.size(), sizes.values().stream().mapToLong(Long::longValue).sum(),
                all.stream().mapToLong(Manifest::logicalBytes).sum(), all.size());
    }

    /** The chunks present now, read from the pack indexes (for tests). */
    Set<String> storedChunks() throws IOException {
        Set<String> chunks = new HashSet<>();
        readPacks(new HashMap<>(), false).values().forEach(es -> es.forEach(e -> chunks.add(e.sha256())));
        return chunks;
    }

    // ---------------------------------------------------------------- files

    private Path manifestPath(String backupId) {
        return manifestsDir.resolve(backupId + ".json");
    }

    private static String token() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    private FileAttribute<?>[] fileAttributes() {
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE))} : new FileAttribute<?>[0];
    }

    private FileAttribute<?>[] directoryAttributes() {
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(Set.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE))} : new FileAttribute<?>[0];
    }

    private void createDirectory(Path dir) throws IOException {
        Files.createDirectories(dir, directoryAttributes());
    }

    /** Creates a new file (0600) for writing. */
    FileChannel createFile(Path p) throws IOException {
        ensureLayout();
        return FileChannel.open(p, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), fileAttributes());
    }

    /** Writes a new file (0600); with {@code sync}, fsyncs it before closing. */
    void writeFile(Path p, byte[] content, boolean sync) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try (FileChannel ch = FileChannel.open(p, options, fileAttributes())) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            if (sync) {
                ch.force(true);
            }
        }
    }

    private void ensureLayout() throws IOException {
        if (layoutReady) {
            return;
        }
        boolean existed = Files.isDirectory(root);
        createDirectory(root);
        createDirectory(packsDir);
        createDirectory(manifestsDir);
        createDirectory(pendingDir);
        if (existed && posix) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(root);
            Set<PosixFilePermission> open = new HashSet<>(perms);
            open.removeAll(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE));
            if (!open.isEmpty()) {
                LOG.warn("The directory of {} is open to other users ({}); backups hold tenant data: make it 0700",
                        this, PosixFilePermissions.toString(perms));
            }
        }
        layoutReady = true;
    }

    /** Ends the worker threads and frees native compression contexts. Writers still open fail. */
    @Override
    public void close() {
        workers.shutdown();
        io.shutdown();
        codec.close();
    }
}
