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
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
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
 * &lt;root&gt;/chunks/ab/ab12...   one chunk: a zstd frame of its bytes, named by their SHA-256
 * &lt;root&gt;/manifests/&lt;id&gt;.json   one complete backup ({@link ManifestJson})
 * &lt;root&gt;/pending/&lt;id&gt;         one backup being written: a header line, then the chunks its writer relies on
 * &lt;root&gt;/gc.lock              held (fcntl lock) while garbage is collected
 * </pre>
 * Directories are created 0700 and files 0600: backups hold tenant data. A chunk file is written under a temporary
 * name and renamed, so it is whole or absent; a chunk already present is never rewritten. Chunk files are made
 * durable (fsync) when a backup that uses them is committed, before its manifest is written.
 *
 * <p>Work is spread over a pool of worker threads (as many as processors): the chunks of artifacts being written are
 * hashed, compressed and stored there, and the chunks of artifacts being read are read, decompressed and checked
 * there a few chunks ahead of the reader. At most four chunks per worker are in flight for writers, which bounds
 * memory to a few MiB whatever the number of writers. Idle threads end after 30 s; {@link #close()} ends them at once.
 */
public final class LocalRepository implements BackupRepository, AutoCloseable {

    /** How long a pending backup stays protected from garbage collection after its writer last added a chunk. */
    public static final Duration DEFAULT_PENDING_GRACE = Duration.ofHours(24);

    private static final Logger LOG = LoggerFactory.getLogger(LocalRepository.class);
    /** A temporary file older than this is a leftover of a crash (writing one chunk or manifest takes milliseconds). */
    private static final Duration TEMP_GRACE = Duration.ofHours(1);
    /** I/O threads: chunk writes wait mostly on fsync, and a disk completes parallel fsyncs together. */
    private static final int IO_THREADS = 32;
    private static final int IO_BATCH = 64;
    private static final String TMP = ".tmp-";
    private static final String TRASH = ".gc-";

    private final String name;
    private final Path root;
    private final Path chunksDir;
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
    private final Set<String> chunkDirsMade = ConcurrentHashMap.newKeySet();
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
        this.name = java.util.Objects.requireNonNull(name, "name");
        this.root = root.toAbsolutePath().normalize();
        this.chunksDir = this.root.resolve("chunks");
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

    /**
     * Writes a chunk file: under a temporary name, fsynced, then renamed. So a chunk file that has its name is whole
     * and durable (only the rename itself waits for the directory fsync of a commit), and a writer that finds it
     * may rely on it.
     */
    void writeChunkFile(String sha256, byte[] stored) throws IOException {
        Path target = chunkPath(sha256);
        Path dir = target.getParent();
        if (!chunkDirsMade.contains(dir.getFileName().toString())) {
            ensureLayout();
            createDirectory(dir);
            chunkDirsMade.add(dir.getFileName().toString());
        }
        Path tmp = dir.resolve(sha256 + TMP + token());
        try {
            writeFile(tmp, stored, true);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot store chunk " + sha256 + " in " + this + ": " + e, e);
        }
    }

    /**
     * Makes a backup durable and visible: checks that every chunk it names is there (chunk files are durable once
     * named), fsyncs their directories (in parallel) so the names are durable too, then writes the manifest under a
     * temporary name, fsyncs it, renames it into place and fsyncs the manifest directory.
     */
    void commitManifest(Manifest m, LocalWriter writer) throws IOException {
        ensureLayout();
        List<Path> files = new ArrayList<>();
        Set<Path> dirs = new HashSet<>();
        for (String sha : m.distinctChunks().keySet()) {
            Path p = chunkPath(sha);
            files.add(p);
            dirs.add(p.getParent());
        }
        onIoThreads(files, m.id(), p -> {
            if (!presentOrAside(p)) {
                throw new IOException("chunk " + p.getFileName() + " of backup '" + m.id() + "' vanished from " + this
                        + " before the backup was committed (was the backup idle for longer than the "
                        + pendingGrace.toHours() + " h grace period while another process collected garbage?); nothing"
                        + " was committed, back up again");
            }
        });
        dirs.add(chunksDir);
        onIoThreads(new ArrayList<>(dirs), m.id(), LocalRepository::fsyncDirectory);
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
     * Whether a chunk file is there, or moved aside by a garbage collection that will put it back (a writer named it
     * before the collection read the markers) or that was interrupted (the next collection and readers find it).
     */
    private static boolean presentOrAside(Path chunk) throws IOException {
        if (Files.exists(chunk)) {
            return true;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(chunk.getParent(), chunk.getFileName() + TRASH + "*")) {
            if (ds.iterator().hasNext()) {
                return true;
            }
        } catch (NoSuchFileException e) {
            return false;
        }
        return Files.exists(chunk); // put back between the two looks
    }

    private interface PathAction {
        void run(Path p) throws IOException;
    }

    /** Runs an action on each path, in batches on the I/O threads; throws the first failure after all are done. */
    private void onIoThreads(List<Path> paths, String what, PathAction action) throws IOException {
        List<Future<?>> batches = new ArrayList<>();
        try {
            for (int i = 0; i < paths.size(); i += IO_BATCH) {
                List<Path> batch = paths.subList(i, Math.min(paths.size(), i + IO_BATCH));
                batches.add(io.submit(() -> {
                    for (Path p : batch) {
                        action.run(p);
                    }
                    return null;
                }));
            }
        } catch (RejectedExecutionException e) {
            throw new IOException(this + " is closed", e);
        }
        IOException first = null;
        for (Future<?> f : batches) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while working on " + what + " in " + this);
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause() instanceof IOException x ? x
                            : new IOException(what + " in " + this + ": " + e.getCause(), e.getCause());
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** fsyncs a directory, so that names created or renamed in it survive a power loss (not possible on Windows). */
    private static void fsyncDirectory(Path dir) throws IOException {
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
        return codec.decompressVerified(ref.sha256(), readChunkFile(ref.sha256()), ref.size());
    }

    /**
     * A chunk file's bytes. If garbage collection has just moved it aside (to put it back a moment later, since a
     * backup uses it), reads it there.
     */
    private byte[] readChunkFile(String sha) throws IOException {
        Path p = chunkPath(sha);
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return Files.readAllBytes(p);
            } catch (NoSuchFileException e) {
                // look for it aside
            }
            if (Files.isDirectory(p.getParent())) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(p.getParent(), sha + TRASH + "*")) {
                    for (Path aside : ds) {
                        try {
                            return Files.readAllBytes(aside);
                        } catch (NoSuchFileException e) {
                            // put back or deleted meanwhile: try again
                        }
                    }
                }
            }
            if (!Files.exists(p)) {
                break;
            }
        }
        throw new DamagedChunkException(sha, "is missing (" + p + ")");
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
     * Collects garbage in five steps, safe against writers in this and other processes:
     * <ol>
     * <li>put back chunks an interrupted collection left aside, and list all chunks;</li>
     * <li>read the live pending markers, then the manifests: the referenced chunks (markers first, because a writer
     *     writes its manifest before it removes its marker);</li>
     * <li>move every unreferenced chunk aside (rename to {@code <sha>.gc-<token>}): from now on a writer that looks
     *     for it does not find it and writes it anew;</li>
     * <li>read markers and manifests again: a writer that relied on a chunk before step 3 has named it by now;</li>
     * <li>put back the chunks step 4 found referenced, delete the others.</li>
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
        Map<String, Long> chunks = new HashMap<>();
        for (Path p : chunkDirectories()) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                for (Path f : ds) {
                    String n = f.getFileName().toString();
                    if (n.contains(TRASH)) {
                        putBack(f, p.resolve(n.substring(0, n.indexOf(TRASH))));
                    } else if (n.contains(TMP)) {
                        deleteIfOlder(f, TEMP_GRACE);
                    }
                }
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                for (Path f : ds) {
                    String n = f.getFileName().toString();
                    if (n.length() == 64 && !n.contains(".")) {
                        try {
                            chunks.put(n, Files.size(f));
                        } catch (NoSuchFileException e) {
                            // a concurrent rewrite of an empty chunk: next time
                        }
                    }
                }
            }
        }
        Set<String> referenced = referencedChunks(null);
        List<Path> candidates = new ArrayList<>();
        for (String sha : chunks.keySet()) {
            if (!referenced.contains(sha)) {
                candidates.add(chunkPath(sha));
            }
        }
        Map<Path, Path> aside = new ConcurrentHashMap<>();
        onIoThreads(candidates, "garbage collection", p -> {
            Path moved = p.resolveSibling(p.getFileName() + TRASH + token());
            try {
                Files.move(p, moved, StandardCopyOption.ATOMIC_MOVE);
                aside.put(p, moved);
            } catch (NoSuchFileException e) {
                // gone meanwhile
            }
        });
        Set<String> again;
        List<String> staleMarkers = new ArrayList<>();
        try {
            again = referencedChunks(staleMarkers);
        } catch (IOException | RuntimeException e) {
            onIoThreads(new ArrayList<>(aside.keySet()), "garbage collection", p -> putBack(aside.get(p), p));
            throw e;
        }
        java.util.concurrent.atomic.AtomicLong deleted = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong freed = new java.util.concurrent.atomic.AtomicLong();
        onIoThreads(new ArrayList<>(aside.keySet()), "garbage collection", p -> {
            String sha = p.getFileName().toString();
            if (again.contains(sha)) {
                putBack(aside.get(p), p);
            } else {
                try {
                    Files.delete(aside.get(p));
                    deleted.incrementAndGet();
                    freed.addAndGet(chunks.get(sha));
                } catch (NoSuchFileException e) {
                    // a reader put it back? it is not referenced: next time
                }
            }
        });
        removeLeftoverMarkers(staleMarkers);
        GcReport report = new GcReport(deleted.get(), freed.get(), chunks.size() - deleted.get());
        LOG.info("Garbage collection of {}: {} chunks ({} bytes) deleted, {} kept, in {} ms", this, deleted, freed,
                report.chunksKept(), (System.nanoTime() - started) / 1_000_000);
        return report;
    }

    private List<Path> chunkDirectories() throws IOException {
        List<Path> dirs = new ArrayList<>();
        if (!Files.isDirectory(chunksDir)) {
            return dirs;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(chunksDir)) {
            for (Path p : ds) {
                if (p.getFileName().toString().length() == 2 && Files.isDirectory(p)) {
                    dirs.add(p);
                }
            }
        }
        dirs.sort(null);
        return dirs;
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

    private void putBack(Path aside, Path chunk) throws IOException {
        try {
            if (Files.exists(chunk)) {
                Files.delete(aside); // written anew meanwhile, same content
            } else {
                Files.move(aside, chunk, StandardCopyOption.ATOMIC_MOVE);
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
            BackupWriter.StoredChunkSource source = this::readChunkFile;
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
        // java.io.File: one stat, no exception for the usual answer "absent" (asked once per new chunk)
        // an empty file cannot be a chunk (a zstd frame has a header): it is rewritten
        return chunkPath(sha256).toFile().length() > 0;
    }

    @Override
    public byte[] readStoredChunk(String sha256) throws IOException {
        Names.checkSha256(sha256);
        Path p = chunkPath(sha256);
        try {
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(p.toString(), null, "chunk " + sha256 + " is not in " + this);
        }
    }

    @Override
    public void writeStoredChunk(String sha256, byte[] stored) throws IOException {
        Names.checkSha256(sha256);
        if (hasChunk(sha256)) {
            return;
        }
        try {
            codec.decompressVerified(sha256, stored, -1);
        } catch (DamagedChunkException e) {
            throw new CorruptBackupException(null, null, null, sha256, "chunk " + sha256 + " received for " + this + " "
                    + e.reason() + "; it was not stored");
        }
        writeChunkFile(sha256, stored);
    }

    @Override
    public RepositoryStats stats() throws IOException {
        long count = 0;
        long stored = 0;
        for (Path dir : chunkDirectories()) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path f : ds) {
                    String n = f.getFileName().toString();
                    if (n.length() == 64 && !n.contains(".")) {
                        try {
                            stored += Files.readAttributes(f, BasicFileAttributes.class).size();
                            count++;
                        } catch (NoSuchFileException e) {
                            // collected meanwhile
                        }
                    }
                }
            }
        }
        List<Manifest> all = list();
        return new RepositoryStats(count, stored, all.stream().mapToLong(Manifest::logicalBytes).sum(), all.size());
    }

    // ---------------------------------------------------------------- files

    Path chunkPath(String sha256) {
        return chunksDir.resolve(sha256.substring(0, 2)).resolve(sha256);
    }

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

    /** Writes a new file (0600); with {@code sync}, fsyncs it before closing. */
    private void writeFile(Path p, byte[] content, boolean sync) throws IOException {
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
        createDirectory(chunksDir);
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
