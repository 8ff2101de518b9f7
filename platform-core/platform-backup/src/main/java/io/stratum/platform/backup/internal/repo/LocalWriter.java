package io.stratum.platform.backup.internal.repo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BackupWriter} of a {@link LocalRepository}.
 *
 * <p>New chunks go into a pack of this writer's own ({@link PackStore.PackWriter}), sealed when full (on an I/O
 * thread) and at commit; an abort deletes the unsealed pack.
 *
 * <p>Garbage-collection safety: before this writer relies on a chunk (stores it, or finds it present and reuses it)
 * it appends the chunk's name to its pending marker, {@code pending/<id>}. The collector reads the markers again after
 * it has moved the packs it means to delete aside, and puts back any pack holding a chunk a marker names; so a chunk
 * this writer found present was either seen in the marker (and kept) or was already aside when this writer looked
 * (and was stored anew).
 */
final class LocalWriter implements BackupWriter {

    private static final Logger LOG = LoggerFactory.getLogger(LocalWriter.class);

    private enum State { OPEN, COMMITTING, COMMITTED, ABORTED }

    private final LocalRepository repo;
    private final String id;
    private final Path marker;
    private final FileChannel markerChannel;
    private final Set<String> referenced = ConcurrentHashMap.newKeySet();
    private final LongAdder logicalBytes = new LongAdder();
    private final LongAdder newChunks = new LongAdder();
    private final LongAdder newStoredBytes = new LongAdder();
    private final LongAdder reusedChunks = new LongAdder();
    private final InFlight inFlight = new InFlight();

    private final Object lock = new Object();
    private State state = State.OPEN;
    private final Set<String> names = new LinkedHashSet<>();
    private final List<ChunkingOutputStream> open = new ArrayList<>();
    private final Map<String, Map<String, Artifact>> artifacts = new TreeMap<>();
    private final Map<String, String> failures = new LinkedHashMap<>();

    private final Object packLock = new Object();
    private PackStore.PackWriter pack;
    private boolean packsClosed;
    private final List<CompletableFuture<Void>> seals = new ArrayList<>();

    LocalWriter(LocalRepository repo, String id, Path marker, FileChannel markerChannel) {
        this.repo = repo;
        this.id = id;
        this.marker = marker;
        this.markerChannel = markerChannel;
    }

    @Override
    public String backupId() {
        return id;
    }

    LocalRepository repository() {
        return repo;
    }

    Path marker() {
        return marker;
    }

    @Override
    public OutputStream artifact(String member, String name) throws IOException {
        return openArtifact(member, name);
    }

    private ChunkingOutputStream openArtifact(String member, String name) throws IOException {
        Names.checkName("member", member);
        Names.checkName("artifact", name);
        synchronized (lock) {
            ensureOpen();
            if (!names.add(member + '\n' + name)) {
                throw new IOException("artifact '" + name + "' of member '" + member + "' is already in backup '" + id + "'");
            }
            ChunkingOutputStream s = new ChunkingOutputStream(this, member, name);
            open.add(s);
            return s;
        }
    }

    @Override
    public void addFile(String member, String name, Path file) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ChunkingOutputStream out = openArtifact(member, name);
            try {
                out.transferFrom(in);
            } catch (IOException | RuntimeException e) {
                out.discard(new IOException("cannot back up " + file + " as artifact '" + name + "' of member '"
                        + member + "': " + e.getMessage(), e));
                out.close(); // throws the reason
            }
            out.close();
        }
    }

    @Override
    public long importChunk(String sha256, StoredChunkSource source) throws IOException {
        Names.checkSha256(sha256);
        synchronized (lock) {
            ensureOpen();
        }
        if (!reference(sha256) || repo.hasChunk(sha256)) {
            reusedChunks.increment();
            return 0;
        }
        byte[] stored = source.read(sha256);
        int size = repo.checkStored(sha256, stored);
        appendChunk(sha256, ChunkCodec.Compressed.of(stored, PackStore.RECORD_HEADER), size);
        newChunks.increment();
        newStoredBytes.add(stored.length);
        return stored.length;
    }

    /**
     * Stores a chunk unless the repository holds it already: hashing and compression on a worker thread, then the
     * durable write on an I/O thread. Blocks while the repository has its limit of chunks in flight.
     */
    CompletableFuture<ChunkRef> submitChunk(byte[] data) throws IOException {
        CompletableFuture<ChunkRef> f = new CompletableFuture<>();
        repo.acquireChunkPermit();
        inFlight.increment();
        Runnable done = () -> {
            inFlight.decrement();
            repo.releaseChunkPermit();
        };
        try {
            repo.runOnWorker(() -> {
                try {
                    String sha = ChunkCodec.sha256(data);
                    ChunkRef ref = new ChunkRef(sha, data.length);
                    if (reference(sha) && !repo.hasChunk(sha)) {
                        ChunkCodec.Compressed stored = repo.codec().compress(data, PackStore.RECORD_HEADER);
                        repo.runOnIo(() -> {
                            try {
                                appendChunk(sha, stored, data.length);
                                newChunks.increment();
                                newStoredBytes.add(stored.frameLength());
                                logicalBytes.add(data.length);
                                f.complete(ref);
                            } catch (Throwable t) {
                                f.completeExceptionally(t);
                            } finally {
                                done.run();
                            }
                        });
                        return; // the I/O task is done with it
                    }
                    reusedChunks.increment();
                    logicalBytes.add(data.length);
                    f.complete(ref);
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
                done.run();
            });
        } catch (IOException | RuntimeException e) {
            done.run();
            throw e;
        }
        return f;
    }

    /**
     * Appends a chunk to this writer's pack; when the pack is full, seals it on an I/O thread and starts another.
     * The chunk is visible to other writers once its pack is sealed (at the latest at commit).
     */
    private void appendChunk(String sha, ChunkCodec.Compressed stored, int size) throws IOException {
        PackStore.PackWriter p;
        PackStore.PackWriter full = null;
        CompletableFuture<Void> sealed = null;
        long pos;
        synchronized (packLock) {
            if (packsClosed) {
                throw new IOException("backup '" + id + "' was " + (state == State.ABORTED ? "aborted" : "committed")
                        + "; chunk " + sha + " was not stored");
            }
            if (pack == null) {
                pack = repo.packs().newPack(id);
            }
            p = pack;
            pos = p.reserve(stored.frameLength());
            if (p.size() >= repo.packs().target()) {
                full = p;
                pack = null;
                sealed = new CompletableFuture<>();
                seals.add(sealed); // a commit waits for it from now on
            }
        }
        p.write(pos, sha, stored, size);
        if (full != null) {
            PackStore.PackWriter toSeal = full;
            CompletableFuture<Void> done = sealed;
            try {
                repo.runOnIo(() -> {
                    try {
                        toSeal.seal(); // waits for the other writes into it
                        done.complete(null);
                    } catch (Throwable t) {
                        done.completeExceptionally(t);
                    }
                });
            } catch (IOException e) {
                done.completeExceptionally(e);
            }
        }
    }

    /** Seals the current pack and waits for all seals: every chunk this writer stored is then durable and visible. */
    private void sealPacks() throws IOException {
        PackStore.PackWriter last;
        synchronized (packLock) {
            last = pack;
            pack = null;
        }
        if (last != null) {
            last.seal();
        }
        awaitSealed();
    }

    /** Waits for the packs this writer has filled so far to be sealed. */
    void awaitSealed() throws IOException {
        List<CompletableFuture<Void>> pending;
        synchronized (packLock) {
            pending = List.copyOf(seals);
        }
        for (CompletableFuture<Void> f : pending) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while committing backup '" + id + "'");
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io
                        : new IOException("cannot store the chunks of backup '" + id + "': " + e.getCause(), e.getCause());
            }
        }
    }

    /**
     * Records that this writer relies on a chunk, in memory and (the first time) in the pending marker, before the
     * caller looks whether the repository holds it.
     *
     * @return whether this is the first time this writer handles the chunk
     */
    private boolean reference(String sha) throws IOException {
        if (!referenced.add(sha)) {
            return false;
        }
        ByteBuffer line = ByteBuffer.wrap((sha + '\n').getBytes(StandardCharsets.US_ASCII));
        try {
            synchronized (markerChannel) {
                while (line.hasRemaining()) {
                    markerChannel.write(line);
                }
            }
        } catch (IOException e) {
            referenced.remove(sha);
            throw new IOException("cannot record chunk " + sha + " in the pending marker " + marker + " of backup '" + id
                    + "'" + (markerChannel.isOpen() ? ": " + e.getMessage() : " (the backup was aborted)"), e);
        }
        return true;
    }

    void artifactDone(ChunkingOutputStream s, Artifact a) {
        synchronized (lock) {
            open.remove(s);
            if (state == State.OPEN || state == State.COMMITTING) {
                artifacts.computeIfAbsent(s.member(), k -> new TreeMap<>()).put(a.name(), a);
            }
        }
    }

    void artifactFailed(ChunkingOutputStream s, Throwable cause) {
        synchronized (lock) {
            open.remove(s);
            failures.put("artifact '" + s.name() + "' of member '" + s.member() + "'", String.valueOf(cause.getMessage()));
        }
    }

    private void ensureOpen() throws IOException {
        if (state != State.OPEN) {
            throw new IOException("the writer of backup '" + id + "' is " + switch (state) {
                case COMMITTING -> "committing";
                case COMMITTED -> "committed";
                default -> "closed (aborted)";
            } + "; begin a new backup to add artifacts");
        }
    }

    @Override
    public Manifest commit(Map<String, String> properties, Map<String, Map<String, String>> memberProperties)
            throws IOException {
        Map<String, Map<String, Artifact>> done;
        synchronized (lock) {
            startCommit();
            done = new TreeMap<>(artifacts);
        }
        try {
            Map<String, Map<String, String>> memberProps = memberProperties == null ? Map.of() : memberProperties;
            TreeMap<String, Member> members = new TreeMap<>();
            for (String key : memberProps.keySet()) {
                Names.checkName("member", key);
                members.put(key, null);
            }
            for (String key : done.keySet()) {
                members.put(key, null);
            }
            members.replaceAll((key, ignored) -> new Member(key, memberProps.get(key),
                    new ArrayList<>(done.getOrDefault(key, Map.of()).values())));
            Manifest m = new Manifest(Manifest.FORMAT, id, Instant.now(), properties,
                    new ArrayList<>(members.values()));
            return finishCommit(m);
        } catch (IOException | RuntimeException e) {
            synchronized (lock) {
                state = State.OPEN;
            }
            throw e;
        }
    }

    @Override
    public Manifest commitCopy(Manifest copy) throws IOException {
        if (!copy.id().equals(id)) {
            throw new IOException("cannot commit a copy of backup '" + copy.id() + "' as backup '" + id + "'");
        }
        synchronized (lock) {
            startCommit();
        }
        try {
            return finishCommit(copy);
        } catch (IOException | RuntimeException e) {
            synchronized (lock) {
                state = State.OPEN;
            }
            throw e;
        }
    }

    private void startCommit() throws IOException {
        ensureOpen();
        if (!open.isEmpty()) {
            List<String> names = open.stream().map(s -> "'" + s.member() + "/" + s.name() + "'").toList();
            throw new IOException("backup '" + id + "' cannot be committed while artifacts " + names
                    + " are still open; close them first");
        }
        if (!failures.isEmpty()) {
            throw new IOException("backup '" + id + "' cannot be committed: " + failures.entrySet().iterator().next()
                    + (failures.size() > 1 ? " (and " + (failures.size() - 1) + " more)" : "")
                    + " failed; close (abort) this writer and back up again");
        }
        state = State.COMMITTING;
    }

    private Manifest finishCommit(Manifest m) throws IOException {
        sealPacks();
        repo.commitManifest(m);
        synchronized (lock) {
            state = State.COMMITTED;
        }
        synchronized (packLock) {
            packsClosed = true;
        }
        closeMarker();
        try {
            Files.deleteIfExists(marker);
        } catch (IOException e) {
            LOG.warn("Backup '{}' is committed but its pending marker {} could not be removed ({}); garbage collection"
                    + " removes it", id, marker, e.toString());
        }
        repo.writerClosed(this);
        return m;
    }

    @Override
    public WriteStats stats() {
        return new WriteStats(logicalBytes.sum(), newChunks.sum(), newStoredBytes.sum(), reusedChunks.sum());
    }

    /** Aborts an uncommitted backup: discards open streams, waits for chunks in flight, removes the marker. */
    @Override
    public void close() throws IOException {
        List<ChunkingOutputStream> streams;
        synchronized (lock) {
            if (state == State.COMMITTED || state == State.ABORTED) {
                return;
            }
            if (state == State.COMMITTING) {
                throw new IOException("backup '" + id + "' is being committed by another thread; it cannot be aborted now");
            }
            state = State.ABORTED;
            streams = List.copyOf(open);
        }
        IOException aborted = new IOException("backup '" + id + "' was aborted; its artifacts cannot be written");
        streams.forEach(s -> s.discard(aborted));
        inFlight.awaitNone();
        PackStore.PackWriter unfinished;
        List<CompletableFuture<Void>> pending;
        synchronized (packLock) {
            packsClosed = true;
            unfinished = pack;
            pack = null;
            pending = List.copyOf(seals);
        }
        if (unfinished != null) {
            unfinished.discard();
        }
        for (CompletableFuture<Void> f : pending) {
            try {
                f.get(); // sealed packs stay: their chunks are garbage unless another backup uses them
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.debug("A pack of aborted backup '{}' could not be sealed: {}", id, e.getCause().toString());
            }
        }
        closeMarker();
        Files.deleteIfExists(marker);
        repo.writerClosed(this);
    }

    private void closeMarker() {
        synchronized (markerChannel) {
            try {
                markerChannel.close();
            } catch (IOException e) {
                LOG.debug("Closing pending marker {}: {}", marker, e.toString());
            }
        }
    }

    /** Counts this writer's chunks in flight, so that an abort can wait until none is left. */
    private static final class InFlight {
        private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();

        void increment() {
            count.incrementAndGet();
        }

        void decrement() {
            if (count.decrementAndGet() == 0) {
                synchronized (this) {
                    notifyAll();
                }
            }
        }

        synchronized void awaitNone() throws java.io.InterruptedIOException {
            while (count.get() > 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while aborting a backup");
                }
            }
        }
    }

    @Override
    public String toString() {
        return "writer of backup '" + id + "' in " + repo;
    }
}
