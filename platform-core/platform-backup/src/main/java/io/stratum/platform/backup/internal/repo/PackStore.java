package io.stratum.platform.backup.internal.repo;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where chunks are stored: append-only pack files, each with an index file naming its chunks.
 * <pre>
 * packs/&lt;id&gt;.pack   records: 32-byte SHA-256, 4-byte stored length, 4-byte size (big-endian), the zstd frame
 * packs/&lt;id&gt;.idx    "stratum-pack-index 1", then one line per chunk: "&lt;sha256&gt; &lt;frame offset&gt; &lt;length&gt; &lt;size&gt;"
 * </pre>
 * A pack is written under a temporary name ({@code <id>.pack.tmp-w-<backup id>} by a backup writer,
 * {@code <id>.pack.tmp-x} otherwise), fsynced, renamed, and only then is its index written (temporary name, fsync,
 * rename, directory fsync). So a chunk is <em>present</em> exactly when an index names it and that index's pack
 * exists, and a present chunk is durable. Packs and indexes are never modified; garbage collection deletes or
 * rewrites (repacks) whole packs.
 *
 * <p>Why packs rather than a file per chunk: a 1 GiB backup has ~16 000 chunks, and creating, fsyncing and renaming
 * that many files costs more than all the hashing and compression (measured: ~5 s of kernel time per GiB on the
 * 2-core test machine, against ~1 s to write and fsync one 1 GiB file).
 *
 * <p>An in-memory index maps chunk names to locations. It is refreshed from the index files when the pack directory
 * changed (its modification time), so chunks published by other processes are found; a location is only trusted
 * after checking that its pack still exists.
 */
final class PackStore {

    /** By default a pack is sealed once it holds this many bytes (and at commit). */
    static final long TARGET_SIZE = 128L << 20;
    /** Bytes before each frame in a pack: SHA-256, stored length, size. */
    static final int RECORD_HEADER = 40;

    static final String PACK = ".pack";
    static final String INDEX = ".idx";
    /** Temporary name of a pack being written: {@code <id>.pack.tmp-w-<backup id>} or {@code <id>.pack.tmp-x}. */
    static final String PACK_TMP = ".pack.tmp-";
    private static final String INDEX_HEADER = "stratum-pack-index 1";

    /** Where a chunk is. */
    record Location(String pack, long offset, int length, int size) {
    }

    /** One line of a pack index. */
    record Entry(String sha256, long offset, int length, int size) {
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PackStore.class);
    /** A record claiming a longer frame is not a record (a chunk's frame is a few hundred KiB at most). */
    private static final int MAX_FRAME = ChunkCodec.MAX_CHUNK_SIZE;

    private final LocalRepository repo;
    private final Path dir;
    private final long target;
    private volatile Map<String, Location> index = new ConcurrentHashMap<>();
    private final Set<String> loaded = ConcurrentHashMap.newKeySet();
    private FileTime seen;
    private long seenAt;
    private FileTime rebuiltSeen;
    private long rebuiltAt;

    PackStore(LocalRepository repo, Path dir, long target) {
        this.repo = repo;
        this.dir = dir;
        this.target = target;
    }

    /** A writer seals its pack once it holds this many bytes. */
    long target() {
        return target;
    }

    Path dir() {
        return dir;
    }

    Path packPath(String id) {
        return dir.resolve(id + PACK);
    }

    Path indexPath(String id) {
        return dir.resolve(id + INDEX);
    }

    static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return String.format("%016x%016x", r.nextLong(), r.nextLong());
    }

    /** Where the chunk is, as far as the index files tell (its pack may have gone since). */
    Location find(String sha) throws IOException {
        Location l = index.get(sha);
        if (l == null) {
            refresh(false);
            l = index.get(sha);
        }
        return l;
    }

    /**
     * Whether the chunk is present now: an index names it and its pack exists. A writer relies on a chunk only after
     * this answered true (after naming the chunk in its pending marker).
     */
    boolean isPresent(String sha) throws IOException {
        Location l = find(sha);
        if (l == null) {
            return false;
        }
        if (packPath(l.pack()).toFile().exists()) {
            return true;
        }
        refresh(true); // its pack went (repacked or collected): look again
        l = index.get(sha);
        return l != null && packPath(l.pack()).toFile().exists();
    }

    /**
     * Reads a chunk's stored bytes. If garbage collection has just moved its pack aside (to put it back a moment
     * later, since a backup uses it), reads it there; if the pack was repacked, finds the new one.
     *
     * @throws DamagedChunkException if no pack holds it, or its pack ends before it
     */
    byte[] read(String sha) throws IOException {
        for (int attempt = 0; attempt < 3; attempt++) {
            Location l = find(sha);
            if (l == null) {
                refresh(true); // published a moment ago, in the same tick of the directory's clock?
                continue;
            }
            Path pack = packPath(l.pack());
            try {
                return readAt(pack, l);
            } catch (NoSuchFileException e) {
                // look for it aside
            } catch (EOFException e) {
                throw new DamagedChunkException(sha, "is missing: " + e.getMessage() + " (the pack is truncated)");
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, l.pack() + PACK + LocalRepository.TRASH + "*")) {
                for (Path aside : ds) {
                    try {
                        return readAt(aside, l);
                    } catch (NoSuchFileException e) {
                        // put back or deleted meanwhile
                    }
                }
            }
            refresh(true);
        }
        throw new DamagedChunkException(sha, "is missing (no pack in " + dir + " holds it)");
    }

    private static byte[] readAt(Path pack, Location l) throws IOException {
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(l.length());
            while (b.hasRemaining()) {
                if (ch.read(b, l.offset() + b.position()) < 0) {
                    throw new EOFException(pack + " ends before offset " + (l.offset() + l.length()));
                }
            }
            return b.array();
        }
    }

    /**
     * Reloads the in-memory index if the pack directory may have changed since the last look: new index files are
     * added; if one went, or with {@code force} (a chunk or its pack was not found), the index is rebuilt from all
     * index files. Without {@code force}, looks at most once a second. A directory's modification time has the
     * granularity of the kernel's clock tick, so a look within a second of the last change does not count as having
     * seen it ("racily clean", as git calls it).
     */
    synchronized void refresh(boolean force) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        long now = System.currentTimeMillis();
        if (!force && now - seenAt < 1000) {
            return; // writers ask for every new chunk: look at most once a second (a chunk missed is stored twice)
        }
        FileTime mtime = Files.getLastModifiedTime(dir);
        if (mtime.equals(force ? rebuiltSeen : seen) && (force ? rebuiltAt : seenAt) - mtime.toMillis() > 1000) {
            return; // nothing changed since a look taken well after the last change
        }
        seen = mtime;
        seenAt = now;
        Set<String> ids = new HashSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + INDEX)) {
            for (Path p : ds) {
                String f = p.getFileName().toString();
                ids.add(f.substring(0, f.length() - INDEX.length()));
            }
        }
        boolean rebuild = force || !ids.containsAll(loaded);
        Map<String, Location> target = rebuild ? new ConcurrentHashMap<>() : index;
        Set<String> toLoad = new HashSet<>(ids);
        if (!rebuild) {
            toLoad.removeAll(loaded);
        }
        Set<String> nowLoaded = new HashSet<>();
        Map<String, Boolean> exists = new java.util.HashMap<>();
        List<String> present = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        for (String id : toLoad) {
            boolean e = packPath(id).toFile().exists();
            exists.put(id, e);
            (e ? present : gone).add(id);
        }
        // packs that exist first: a chunk held by a pack being deleted and by another one maps to the other one
        for (List<String> group : List.of(present, gone)) {
            for (String id : group) {
                List<Entry> entries;
                try {
                    entries = readIndex(indexPath(id));
                } catch (NoSuchFileException e) {
                    continue;
                } catch (IOException e) {
                    LOG.warn("{}; its chunks are not found until garbage collection rebuilds it from the pack", e.getMessage());
                    continue;
                }
                for (Entry e : entries) {
                    Location l = new Location(id, e.offset(), e.length(), e.size());
                    target.compute(e.sha256(), (k, old) -> old == null || (!exists.computeIfAbsent(old.pack(),
                            pack -> packPath(pack).toFile().exists()) && exists.get(id)) ? l : old);
                }
                nowLoaded.add(id);
            }
        }
        if (rebuild) {
            index = target;
            loaded.clear();
            rebuiltSeen = mtime;
            rebuiltAt = now;
        }
        loaded.addAll(nowLoaded);
    }

    /** Adds a pack this process just sealed to the in-memory index. */
    void publish(String id, List<Entry> entries) {
        Map<String, Location> map = index;
        for (Entry e : entries) {
            Location old = map.get(e.sha256());
            if (old == null || !packPath(old.pack()).toFile().exists()) {
                map.put(e.sha256(), new Location(id, e.offset(), e.length(), e.size()));
            }
        }
        loaded.add(id);
    }

    /** Reads an index file. */
    static List<Entry> readIndex(Path p) throws IOException {
        List<String> lines = Files.readAllLines(p, StandardCharsets.US_ASCII);
        if (lines.isEmpty() || !lines.get(0).equals(INDEX_HEADER)) {
            throw new IOException("pack index " + p + " is not readable: it does not start with '" + INDEX_HEADER + "'");
        }
        List<Entry> out = new ArrayList<>(lines.size() - 1);
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(" ");
            try {
                out.add(new Entry(Names.checkSha256(f[0]), Long.parseLong(f[1]), Integer.parseInt(f[2]),
                        Integer.parseInt(f[3])));
            } catch (RuntimeException e) {
                throw new IOException("pack index " + p + " is not readable: line " + (i + 1) + " is '" + lines.get(i) + "'");
            }
        }
        return out;
    }

    /**
     * Reads a pack's records, to rebuild a lost or damaged index: every whole record up to the end of the pack or
     * the first one that is not a record (a torn write). The records are not checked beyond their lengths: readers
     * check every chunk against its name.
     */
    static List<Entry> scan(Path pack) throws IOException {
        List<Entry> out = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer h = ByteBuffer.allocate(RECORD_HEADER);
            for (long pos = 0; pos + RECORD_HEADER <= size; ) {
                h.clear();
                while (h.hasRemaining()) {
                    if (ch.read(h, pos + h.position()) < 0) {
                        return out;
                    }
                }
                byte[] sha = new byte[32];
                h.flip();
                h.get(sha);
                int length = h.getInt();
                int chunkSize = h.getInt();
                if (length <= 0 || length > MAX_FRAME || chunkSize <= 0 || pos + RECORD_HEADER + length > size) {
                    break;
                }
                out.add(new Entry(Names.hex(sha), pos + RECORD_HEADER, length, chunkSize));
                pos += RECORD_HEADER + length;
            }
        }
        return out;
    }

    /** Writes a pack's index: temporary name, fsync, rename, directory fsync. */
    void writeIndex(String id, List<Entry> entries) throws IOException {
        Path tmp = dir.resolve(id + INDEX + LocalRepository.TMP + newId());
        try {
            repo.writeFile(tmp, indexBytes(entries), true);
            Files.move(tmp, indexPath(id), StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        LocalRepository.fsyncDirectory(dir);
    }

    static byte[] indexBytes(List<Entry> entries) {
        StringBuilder sb = new StringBuilder(INDEX_HEADER.length() + 1 + 90 * entries.size());
        sb.append(INDEX_HEADER).append('\n');
        for (Entry e : entries) {
            sb.append(e.sha256()).append(' ').append(e.offset()).append(' ').append(e.length()).append(' ')
                    .append(e.size()).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Starts a pack; {@code owner} is the backup id of the writer, or null. */
    PackWriter newPack(String owner) throws IOException {
        return new PackWriter(this, newId(), owner);
    }

    LocalRepository repository() {
        return repo;
    }

    /**
     * A pack being written: chunks are appended from several threads (each reserves its place, then writes there),
     * and {@link #seal()} makes it durable and visible. A chunk whose write failed is left out of the index.
     */
    static final class PackWriter {

        private final PackStore store;
        private final String id;
        private final Path tmp;
        private final FileChannel channel;
        private final List<Entry> entries = new ArrayList<>();
        private long next;
        private int pending;

        private PackWriter(PackStore store, String id, String owner) throws IOException {
            this.store = store;
            this.id = id;
            this.tmp = store.dir.resolve(id + PACK_TMP + (owner == null ? "x" : "w-" + owner));
            this.channel = store.repo.createFile(tmp);
        }

        String id() {
            return id;
        }

        /** Reserves room for a record; the caller then {@link #write}s there. Not after {@link #seal()}. */
        synchronized long reserve(int frameLength) {
            long pos = next;
            next += RECORD_HEADER + frameLength;
            pending++;
            return pos;
        }

        synchronized long size() {
            return next;
        }

        /**
         * Writes a record where {@link #reserve} said: fills in the header (the first {@link #RECORD_HEADER} bytes of
         * {@code record}) and writes header and frame.
         */
        void write(long pos, String sha, ChunkCodec.Compressed record, int size) throws IOException {
            boolean ok = false;
            int frameLength = record.frameLength();
            try {
                ByteBuffer b = ByteBuffer.wrap(record.bytes(), 0, RECORD_HEADER + frameLength);
                b.put(hexBytes(sha)).putInt(frameLength).putInt(size).position(0);
                while (b.hasRemaining()) {
                    channel.write(b, pos + b.position());
                }
                ok = true;
            } finally {
                synchronized (this) {
                    if (ok) {
                        entries.add(new Entry(sha, pos + RECORD_HEADER, frameLength, size));
                    }
                    pending--;
                    notifyAll();
                }
            }
        }

        /**
         * Waits for the writes in progress, then fsyncs the pack, names it, writes its index (temporary name, fsync,
         * rename) and fsyncs the directory; adds it to the in-memory index. An empty pack is deleted.
         *
         * @return the chunks the pack holds
         */
        List<Entry> seal() throws IOException {
            List<Entry> done;
            synchronized (this) {
                while (pending > 0) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        discard();
                        throw new java.io.InterruptedIOException("interrupted while sealing pack " + id);
                    }
                }
                done = List.copyOf(entries);
            }
            if (done.isEmpty()) {
                discard();
                return done;
            }
            try {
                channel.force(true);
                channel.close();
                Files.move(tmp, store.packPath(id), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                discard();
                throw new IOException("cannot store pack " + id + " in " + store.repo + ": " + e, e);
            }
            store.writeIndex(id, done);
            store.publish(id, done);
            return done;
        }

        /** Gives the pack up: closes and deletes it. Writes in progress fail. */
        void discard() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // deleting it is what matters
            }
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // garbage collection deletes it
            }
        }
    }

    static byte[] hexBytes(String sha) {
        byte[] out = new byte[32];
        for (int i = 0; i < 32; i++) {
            out[i] = (byte) Integer.parseInt(sha, 2 * i, 2 * i + 2, 16);
        }
        return out;
    }
}
