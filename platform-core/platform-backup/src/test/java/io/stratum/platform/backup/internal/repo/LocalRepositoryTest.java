package io.stratum.platform.backup.internal.repo;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class LocalRepositoryTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path root;
    private LocalRepository repo;
    private final List<LocalRepository> others = new ArrayList<>();

    @Before
    public void setUp() throws IOException {
        root = tmp.getRoot().toPath().resolve("repo"); // made by the repository
        repo = new LocalRepository("local", root);
    }

    @After
    public void tearDown() {
        repo.close();
        others.forEach(LocalRepository::close);
    }

    /** Another repository object on the same directory: what another process sees (no shared memory). */
    private LocalRepository sameDirectoryElsewhere() {
        LocalRepository other = new LocalRepository("other-process", root);
        others.add(other);
        return other;
    }

    static byte[] random(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Compressible data with long repeats: a 1000-byte pattern, runs of zeros, a counter. */
    static byte[] repetitive(int size) {
        byte[] b = new byte[size];
        byte[] pattern = random(7, 1000);
        for (int i = 0; i < size; i++) {
            int block = i / 100_000;
            b[i] = switch (block % 3) {
                case 0 -> pattern[i % pattern.length];
                case 1 -> 0;
                default -> (byte) (i / 7);
            };
        }
        return b;
    }

    private Path file(String name, byte[] content) throws IOException {
        Path p = tmp.getRoot().toPath().resolve("src").resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
        return p;
    }

    private Manifest backupFile(LocalRepository r, String id, String member, String name, byte[] content) throws IOException {
        try (BackupWriter w = r.begin(id)) {
            w.addFile(member, name, file(id + "-" + name.replace('/', '_'), content));
            return w.commit(Map.of(), Map.of());
        }
    }

    private byte[] extract(LocalRepository r, String id, String member, String name) throws IOException {
        Path target = tmp.getRoot().toPath().resolve("restore").resolve(id).resolve(name);
        r.extract(id, member, name, target, Progress.NONE);
        return Files.readAllBytes(target);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    /** The chunks present in the repository, read from disk. */
    private Set<String> chunkFiles() throws IOException {
        return repo.storedChunks();
    }

    private PackStore.Location location(String sha) throws IOException {
        PackStore.Location l = repo.packs().find(sha);
        assertNotNull("chunk " + sha + " is in a pack", l);
        return l;
    }

    private Path packOf(String sha) throws IOException {
        return repo.packs().packPath(location(sha).pack());
    }

    /** Flips one bit in the middle of the chunk's stored bytes, in its pack. */
    private void flipByteOf(String sha) throws IOException {
        PackStore.Location l = location(sha);
        Path pack = repo.packs().packPath(l.pack());
        byte[] bytes = Files.readAllBytes(pack);
        bytes[(int) l.offset() + l.length() / 2] ^= 0x01;
        Files.write(pack, bytes);
    }

    /** A repository object with packs of 1 MiB, so that backups of a few MiB span several packs. */
    private LocalRepository smallPacks(Path at) {
        LocalRepository r = new LocalRepository("small-packs", at, LocalRepository.DEFAULT_PENDING_GRACE, 2, 1 << 20);
        others.add(r);
        return r;
    }

    // ------------------------------------------------------------------ round trips

    @Test
    public void roundTripOfRandomAndRepetitiveDataOfManySizes() throws IOException {
        int[] sizes = {0, 1, 100, FastCdc.MIN_SIZE - 1, FastCdc.MIN_SIZE, FastCdc.MIN_SIZE + 1, FastCdc.MAX_SIZE - 1,
            FastCdc.MAX_SIZE, FastCdc.MAX_SIZE + 1, 4 * FastCdc.MAX_SIZE, 4 * FastCdc.MAX_SIZE + 1, 3_333_333};
        try (BackupWriter w = repo.begin("sizes")) {
            for (int size : sizes) {
                w.addFile("random", "file-" + size, file("r" + size, random(size, size)));
                w.addFile("repetitive", "file-" + size, file("p" + size, repetitive(size)));
            }
            w.commit(Map.of(), Map.of());
        }
        Manifest m = repo.find("sizes").orElseThrow();
        for (int size : sizes) {
            for (String member : List.of("random", "repetitive")) {
                byte[] expected = member.equals("random") ? random(size, size) : repetitive(size);
                assertArrayEquals(member + " " + size, expected, extract(repo, "sizes", member, "file-" + size));
                assertArrayEquals(member + " " + size, expected, readAll(repo.open("sizes", member, "file-" + size)));
                Artifact a = m.artifact(member, "file-" + size).orElseThrow();
                assertEquals(size, a.size());
                assertEquals(ChunkCodec.sha256(expected), a.sha256());
            }
        }
        assertEquals(0, m.artifact("random", "file-0").orElseThrow().chunks().size());
        assertTrue(repo.verify("sizes", Progress.NONE).ok());
    }

    @Test
    public void artifactsThatEndExactlyOnACutPoint() throws IOException {
        byte[] data = random(11, 2 << 20);
        int first = FastCdc.cut(data, 0, data.length);
        int second = first + FastCdc.cut(data, first, data.length - first);
        byte[] zeros = new byte[2 * FastCdc.MAX_SIZE]; // cut at the maximum, twice
        try (BackupWriter w = repo.begin("boundaries")) {
            w.addFile("m", "one-chunk", file("one", java.util.Arrays.copyOf(data, first)));
            w.addFile("m", "two-chunks", file("two", java.util.Arrays.copyOf(data, second)));
            w.addFile("m", "zeros", file("zeros", zeros));
            w.commit(Map.of(), Map.of());
        }
        Manifest m = repo.find("boundaries").orElseThrow();
        assertEquals(1, m.artifact("m", "one-chunk").orElseThrow().chunks().size());
        assertEquals(2, m.artifact("m", "two-chunks").orElseThrow().chunks().size());
        assertEquals(List.of(new ChunkRef(ChunkCodec.sha256(new byte[FastCdc.MAX_SIZE]), FastCdc.MAX_SIZE),
                new ChunkRef(ChunkCodec.sha256(new byte[FastCdc.MAX_SIZE]), FastCdc.MAX_SIZE)),
                m.artifact("m", "zeros").orElseThrow().chunks());
        assertArrayEquals(java.util.Arrays.copyOf(data, first), extract(repo, "boundaries", "m", "one-chunk"));
        assertArrayEquals(java.util.Arrays.copyOf(data, second), extract(repo, "boundaries", "m", "two-chunks"));
        assertArrayEquals(zeros, extract(repo, "boundaries", "m", "zeros"));
    }

    @Test
    public void streamingInOddPiecesGivesTheSameChunksAsAddFile() throws IOException {
        byte[] data = random(12, 3 << 20);
        Manifest byFile = backupFile(repo, "by-file", "m", "data", data);
        try (BackupWriter w = repo.begin("by-stream")) {
            try (OutputStream out = w.artifact("m", "data")) {
                Random r = new Random(5);
                int off = 0;
                while (off < data.length) {
                    if (r.nextInt(10) == 0) {
                        out.write(data[off++]);
                    } else {
                        int n = Math.min(data.length - off, r.nextInt(300_000));
                        out.write(data, off, n);
                        off += n;
                    }
                }
            }
            Manifest byStream = w.commit(Map.of(), Map.of());
            assertEquals(byFile.artifact("m", "data"), byStream.artifact("m", "data"));
            assertEquals("all chunks were already there", 0, w.stats().newChunks());
        }
    }

    @Test
    public void manifestKeepsPropertiesAndMembersWithoutArtifacts() throws IOException {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("requestedBy", "alice");
        props.put("pointInTime", "2024-05-01T10:00:00Z");
        props.put("note", "ünïcode \"quoted\"\n");
        Manifest written;
        try (BackupWriter w = repo.begin("props")) {
            w.addFile("service/orders", "data/db.mv.db", file("db", random(1, 1000)));
            written = w.commit(props, Map.of("service/orders", Map.of("sdpVersion", "1.0.0"),
                    "service/web", Map.of("routes", "[]")));
        }
        Manifest read = repo.find("props").orElseThrow();
        assertEquals(written, read);
        assertEquals(List.of("requestedBy", "pointInTime", "note"), new ArrayList<>(read.properties().keySet()));
        assertEquals("1.0.0", read.member("service/orders").orElseThrow().properties().get("sdpVersion"));
        assertEquals(List.of(), read.member("service/web").orElseThrow().artifacts());
        assertEquals(1000, read.logicalBytes());
        assertEquals(List.of(read), repo.list());
    }

    @Test
    public void listIsOldestFirstAndFindSeesOnlyCompleteBackups() throws IOException {
        backupFile(repo, "first", "m", "a", random(1, 10));
        backupFile(repo, "second", "m", "a", random(2, 10));
        try (BackupWriter pending = repo.begin("third")) {
            pending.addFile("m", "a", file("third", random(3, 10)));
            assertEquals(List.of("first", "second"), repo.list().stream().map(Manifest::id).toList());
            assertTrue(repo.find("third").isEmpty());
            assertEquals(List.of("third"), repo.pending().stream().map(PendingBackup::backupId).toList());
        }
        assertTrue(repo.pending().isEmpty());
    }

    // ------------------------------------------------------------------ dedup

    @Test
    public void aSecondBackupOfTheSameFileStoresNothingNew() throws IOException {
        byte[] data = random(21, 20 << 20);
        Path f = file("big", data);
        WriteStats first;
        try (BackupWriter w = repo.begin("one")) {
            w.addFile("m", "big", f);
            w.commit(Map.of(), Map.of());
            first = w.stats();
        }
        WriteStats second;
        try (BackupWriter w = repo.begin("two")) {
            w.addFile("other-service", "copy-of-big", f);
            w.commit(Map.of(), Map.of());
            second = w.stats();
        }
        System.out.printf("dedup: first backup of 20 MB stored %d new bytes in %d chunks; second stored %d bytes (%d reused)%n",
                first.newStoredBytes(), first.newChunks(), second.newStoredBytes(), second.reusedChunks());
        assertEquals(data.length, first.logicalBytes());
        assertTrue(first.newStoredBytes() > data.length * 0.99);
        assertEquals(0, second.newStoredBytes());
        assertEquals(0, second.newChunks());
        assertEquals(first.newChunks(), second.reusedChunks());
        RepositoryStats stats = repo.stats();
        assertEquals(first.newChunks(), stats.chunks());
        assertEquals(2L * data.length, stats.logicalBytes());
        assertEquals(2, stats.backups());
    }

    @Test
    public void changingOnePercentOfAFileInPlaceStoresASmallFraction() throws IOException {
        byte[] data = random(22, 20 << 20);
        backupFile(repo, "before", "m", "db", data);
        Random r = new Random(9);
        for (int region = 0; region < 10; region++) { // 10 regions of 20 KB = 1 % of the file
            int at = r.nextInt(data.length - 20_000);
            byte[] fresh = random(100 + region, 20_000);
            System.arraycopy(fresh, 0, data, at, fresh.length);
        }
        WriteStats after;
        try (BackupWriter w = repo.begin("after")) {
            w.addFile("m", "db", file("changed", data));
            w.commit(Map.of(), Map.of());
            after = w.stats();
        }
        double fraction = (double) after.newStoredBytes() / data.length;
        System.out.printf("dedup: after changing 1%% of 20 MB in 10 places, %d new bytes stored (%.1f%%), %d chunks new,"
                + " %d reused%n", after.newStoredBytes(), 100 * fraction, after.newChunks(), after.reusedChunks());
        assertTrue("stored " + fraction, fraction < 0.15);
        assertArrayEquals(data, extract(repo, "after", "m", "db"));
    }

    // ------------------------------------------------------------------ corruption

    @Test
    public void aFlippedByteIsNamedByVerifyAndStopsExtractionBeforeTheTargetIsTouched() throws IOException {
        byte[] data = random(31, 3 << 20);
        Manifest m = backupFile(repo, "b1", "service/orders", "data/db.mv.db", data);
        ChunkRef victim = m.artifact("service/orders", "data/db.mv.db").orElseThrow().chunks().get(5);
        flipByteOf(victim.sha256());

        VerifyReport report = repo.verify("b1", Progress.NONE);
        assertFalse(report.ok());
        assertEquals(1, report.problems().size());
        String problem = report.problems().get(0);
        assertTrue(problem, problem.contains(victim.sha256()) && problem.contains("data/db.mv.db")
                && problem.contains("service/orders"));

        Path targetDir = tmp.newFolder("restore-target").toPath();
        Path target = targetDir.resolve("db.mv.db");
        byte[] before = "the live database, not to be touched".getBytes();
        Files.write(target, before);
        CorruptBackupException e = assertThrows(CorruptBackupException.class,
                () -> repo.extract("b1", "service/orders", "data/db.mv.db", target, Progress.NONE));
        assertEquals("b1", e.backupId());
        assertEquals("data/db.mv.db", e.artifact());
        assertEquals("service/orders", e.member());
        assertEquals(victim.sha256(), e.chunk());
        assertTrue(e.getMessage(), e.getMessage().contains("b1") && e.getMessage().contains(victim.sha256())
                && e.getMessage().contains("data/db.mv.db"));
        assertArrayEquals(before, Files.readAllBytes(target));
        try (Stream<Path> s = Files.list(targetDir)) {
            assertEquals("no temporary file is left", List.of(target), s.toList());
        }

        CorruptBackupException streamed = assertThrows(CorruptBackupException.class,
                () -> readAll(repo.open("b1", "service/orders", "data/db.mv.db")));
        assertEquals(victim.sha256(), streamed.chunk());
    }

    @Test
    public void aMissingChunkIsNamedByVerifyAndStopsExtractionIntoANewDirectory() throws IOException {
        byte[] data = random(32, 2 << 20);
        // the first chunk of data, alone in a pack of its own, which b2 then reuses
        int first = FastCdc.cut(data, 0, data.length);
        backupFile(repo, "lone", "svc", "first-chunk", java.util.Arrays.copyOf(data, first));
        Manifest m = backupFile(repo, "b2", "svc", "dump.sql", data);
        ChunkRef victim = m.artifact("svc", "dump.sql").orElseThrow().chunks().get(0);
        assertEquals(first, victim.size());
        Path lonePack = packOf(victim.sha256());
        assertEquals(1, PackStore.readIndex(lonePack.resolveSibling(location(victim.sha256()).pack() + ".idx")).size());
        Files.delete(lonePack);

        VerifyReport report = repo.verify("b2", Progress.NONE);
        assertEquals(1, report.problems().size());
        assertTrue(report.problems().get(0), report.problems().get(0).contains(victim.sha256())
                && report.problems().get(0).contains("missing"));
        assertEquals(m.artifact("svc", "dump.sql").orElseThrow().chunks().size() - 1, report.chunksChecked());

        Path target = tmp.getRoot().toPath().resolve("fresh").resolve("dir").resolve("dump.sql");
        CorruptBackupException e = assertThrows(CorruptBackupException.class,
                () -> repo.extract("b2", "svc", "dump.sql", target, Progress.NONE));
        assertEquals(victim.sha256(), e.chunk());
        assertEquals("b2", e.backupId());
        assertEquals("dump.sql", e.artifact());
        assertTrue(e.getMessage(), e.getMessage().contains("missing"));
        assertFalse("directories made for the restore are removed again", Files.exists(target.getParent().getParent()));
    }

    @Test
    public void anIndexPointingAtAnotherValidChunkIsCaught() throws IOException {
        Manifest m = backupFile(repo, "b3", "svc", "a", random(33, 1 << 20));
        List<ChunkRef> chunks = m.artifact("svc", "a").orElseThrow().chunks();
        PackStore.Location first = location(chunks.get(0).sha256());
        PackStore.Location second = location(chunks.get(1).sha256());
        Path idx = repo.packs().indexPath(first.pack());
        String text = Files.readString(idx).replace(chunks.get(0).sha256() + " " + first.offset() + " " + first.length(),
                chunks.get(0).sha256() + " " + second.offset() + " " + second.length());
        Files.writeString(idx, text);
        VerifyReport report = sameDirectoryElsewhere().verify("b3", Progress.NONE);
        assertEquals(report.problems().toString(), 1, report.problems().size());
        assertTrue(report.problems().get(0).contains(chunks.get(0).sha256()));
    }

    @Test
    public void verifyReportsProgressAndFigures() throws IOException {
        byte[] data = random(34, 1 << 20);
        Manifest m = backupFile(repo, "b4", "svc", "a", data);
        List<long[]> calls = new ArrayList<>();
        VerifyReport report = repo.verify("b4", (done, of) -> calls.add(new long[] {done, of}));
        assertTrue(report.ok());
        assertEquals(data.length, report.bytesChecked());
        assertEquals(m.artifact("svc", "a").orElseThrow().chunks().size(), report.chunksChecked());
        assertEquals(data.length, calls.get(calls.size() - 1)[0]);
        assertEquals(data.length, calls.get(calls.size() - 1)[1]);
    }

    @Test
    public void extractReplacesAnExistingFileOnlyWhenTheArtifactChecksOut() throws IOException {
        byte[] data = random(35, 500_000);
        backupFile(repo, "b5", "svc", "a", data);
        Path target = tmp.newFile("existing").toPath();
        Files.write(target, new byte[] {1, 2, 3});
        repo.extract("b5", "svc", "a", target, Progress.NONE);
        assertArrayEquals(data, Files.readAllBytes(target));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        IOException e = assertThrows(IOException.class, () -> repo.extract("b5", "svc", "nope", target, Progress.NONE));
        assertTrue(e.getMessage(), e.getMessage().contains("no artifact 'nope'"));
        IOException noBackup = assertThrows(IOException.class, () -> repo.extract("nope", "svc", "a", target, Progress.NONE));
        assertTrue(noBackup.getMessage(), noBackup.getMessage().contains("no backup 'nope'"));
    }

    // ------------------------------------------------------------------ pending backups and gc

    @Test
    public void anUncommittedWritersChunksSurviveGcElsewhereAndGoAfterAbort() throws IOException {
        LocalRepository small = smallPacks(root);
        byte[] kept = random(41, 1 << 20);
        backupFile(small, "kept", "m", "a", kept);
        byte[] reused = random(40, 3 << 20);
        backupFile(small, "deleted", "m", "a", reused); // its chunks: garbage once it is deleted...
        assertTrue(small.delete("deleted"));
        Set<String> keptChunks = small.find("kept").orElseThrow().distinctChunks().keySet();

        BackupWriter w = small.begin("in-progress");
        w.addFile("m", "reused", file("reused", reused)); // ...but this pending backup relies on them
        w.addFile("m", "big", file("pending", random(42, 4 << 20))); // several packs of its own, sealed as it goes
        Set<String> withPending = chunkFiles();
        assertTrue(withPending.size() > keptChunks.size());

        assertTrue("no manifest for a backup in progress", small.find("in-progress").isEmpty());
        assertFalse(Files.exists(root.resolve("manifests/in-progress.json")));
        LocalRepository elsewhere = sameDirectoryElsewhere();
        assertTrue(elsewhere.find("in-progress").isEmpty());
        assertTrue(elsewhere.pending().get(0).live());
        GcReport gc = elsewhere.collectGarbage();
        assertEquals(0, gc.chunksDeleted());
        assertTrue(chunkFiles().containsAll(withPending)); // (a pack may have been sealed meanwhile)

        w.close(); // abort: waits for packs being sealed
        assertTrue(small.pending().isEmpty());
        Set<String> beforeGc = chunkFiles();
        GcReport after = elsewhere.collectGarbage();
        assertEquals(beforeGc.size() - keptChunks.size(), after.chunksDeleted());
        assertEquals(keptChunks, chunkFiles());
        assertTrue(small.verify("kept", Progress.NONE).ok());
        Set<String> keptPacks = new HashSet<>();
        for (String sha : keptChunks) {
            keptPacks.add(elsewhere.packs().find(sha).pack());
        }
        try (Stream<Path> s = Files.list(root.resolve("packs"))) {
            assertEquals("only the packs of 'kept' and their indexes are left", keptPacks,
                    s.map(p -> p.getFileName().toString().replaceAll("\\.(pack|idx)$", "")).collect(Collectors.toSet()));
        }
    }

    @Test
    public void aBackupSpanningSeveralPacksRoundTripsAndVerifies() throws IOException {
        LocalRepository small = smallPacks(root);
        byte[] a = random(45, 5 << 20);
        byte[] b = repetitive(3 << 20);
        try (BackupWriter w = small.begin("multi")) {
            w.addFile("m", "a", file("multi-a", a));
            try (OutputStream out = w.artifact("m", "b")) {
                out.write(b);
            }
            w.commit(Map.of(), Map.of());
        }
        try (Stream<Path> s = Files.list(root.resolve("packs"))) {
            assertTrue(s.filter(p -> p.toString().endsWith(".pack")).count() >= 5);
        }
        assertTrue(small.verify("multi", Progress.NONE).ok());
        assertTrue(sameDirectoryElsewhere().verify("multi", Progress.NONE).ok());
        assertArrayEquals(a, extract(sameDirectoryElsewhere(), "multi", "m", "a"));
        assertArrayEquals(b, readAll(small.open("multi", "m", "b")));
    }

    @Test
    public void aWriterOpenInThisObjectIsProtectedEvenWhenItsMarkerLooksOld() throws IOException {
        try (BackupWriter w = repo.begin("slow")) {
            w.addFile("m", "a", file("slow", random(43, 1 << 20)));
            Set<String> before = chunkFiles();
            Files.setLastModifiedTime(root.resolve("pending/slow"), FileTime.from(Instant.now().minus(Duration.ofDays(2))));
            assertEquals(0, repo.collectGarbage().chunksDeleted());
            assertEquals(before, chunkFiles());
            w.commit(Map.of(), Map.of());
        }
        assertTrue(repo.verify("slow", Progress.NONE).ok());
    }

    @Test
    public void aPendingMarkerOlderThanTheGracePeriodProtectsNothing() throws IOException {
        BackupWriter w = smallPacks(root).begin("died");
        w.addFile("m", "a", file("died", random(44, 3 << 20))); // sealed packs, and an unfinished one
        ((LocalWriter) w).awaitSealed();
        // as if its process died two days ago: the marker stays, nobody writes it any more
        Files.setLastModifiedTime(root.resolve("pending/died"), FileTime.from(Instant.now().minus(Duration.ofHours(25))));
        LocalRepository elsewhere = sameDirectoryElsewhere();
        assertFalse(elsewhere.pending().get(0).live());
        GcReport gc = elsewhere.collectGarbage();
        assertTrue(gc.chunksDeleted() > 0);
        assertEquals(Set.of(), chunkFiles());
        try (Stream<Path> s = Files.list(root.resolve("packs"))) {
            assertEquals("its unfinished pack is deleted too", List.of(), s.toList());
        }
        assertTrue("the stale marker is removed", elsewhere.pending().isEmpty());
        assertThrows(IOException.class, () -> w.commit(Map.of(), Map.of()));
        assertTrue(repo.find("died").isEmpty());
        w.close();
    }

    @Test
    public void deleteThenGcFreesOnlyChunksNoOtherBackupUses() throws IOException {
        byte[] shared = random(51, 2 << 20);
        byte[] onlyA = random(52, 1 << 20);
        byte[] onlyB = random(53, 1 << 20);
        try (BackupWriter w = repo.begin("a")) {
            w.addFile("svc1", "shared", file("a-shared", shared));
            w.addFile("svc1", "own", file("a-own", onlyA));
            w.commit(Map.of(), Map.of());
        }
        WriteStats bStats;
        try (BackupWriter w = repo.begin("b")) {
            w.addFile("svc2", "shared", file("b-shared", shared));
            w.addFile("svc2", "own", file("b-own", onlyB));
            w.commit(Map.of(), Map.of());
            bStats = w.stats();
        }
        Manifest a = repo.find("a").orElseThrow();
        Set<String> onlyAChunks = new HashSet<>(a.distinctChunks().keySet());
        onlyAChunks.removeAll(repo.find("b").orElseThrow().distinctChunks().keySet());
        long onlyABytes = 0;
        for (String sha : onlyAChunks) {
            onlyABytes += PackStore.RECORD_HEADER + location(sha).length();
        }
        assertEquals(0, repo.collectGarbage().chunksDeleted());
        assertTrue(repo.delete("a"));
        assertFalse(repo.delete("a"));
        GcReport gc = repo.collectGarbage();
        assertEquals(onlyAChunks.size(), gc.chunksDeleted());
        assertEquals(onlyABytes, gc.bytesFreed());
        assertEquals(repo.find("b").orElseThrow().distinctChunks().keySet(), chunkFiles());
        assertTrue(repo.verify("b", Progress.NONE).ok());
        assertArrayEquals(shared, extract(repo, "b", "svc2", "shared"));
        assertTrue(bStats.reusedChunks() > 0);
    }

    /**
     * The race gc must win: a writer reuses chunks that no complete backup references (their backup was deleted)
     * while another repository object (as another process would) collects garbage in a loop.
     */
    @Test(timeout = 120_000)
    public void gcRunningAllTheTimeNeverTakesAChunkAWriterReuses() throws Exception {
        byte[] data = random(61, 2 << 20);
        Path f = file("reused", data);
        LocalRepository collector = sameDirectoryElsewhere();
        ExecutorService gcThread = Executors.newSingleThreadExecutor();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong deleted = new java.util.concurrent.atomic.AtomicLong();
        Future<?> gc = gcThread.submit(() -> {
            while (!stop.get()) {
                deleted.addAndGet(collector.collectGarbage().chunksDeleted());
            }
            return null;
        });
        try {
            for (int i = 0; i < 60; i++) {
                try (BackupWriter w = repo.begin("round-" + i)) {
                    w.addFile("m", "a", f);
                    w.commit(Map.of(), Map.of());
                }
                VerifyReport report = repo.verify("round-" + i, Progress.NONE);
                assertTrue("round " + i + ": " + report.problems(), report.ok());
                try (LocalRepository reader = new LocalRepository("reader", root)) { // as a process started now
                    VerifyReport fresh = reader.verify("round-" + i, Progress.NONE);
                    assertTrue("round " + i + ", fresh reader: " + fresh.problems(), fresh.ok());
                }
                assertTrue(repo.delete("round-" + i));
            }
        } finally {
            stop.set(true);
            gc.get();
            gcThread.shutdown();
        }
        System.out.println("gc race: " + deleted.get() + " chunks collected between rounds, no round lost one");
        assertTrue("the collector did collect between rounds", deleted.get() > 0);
    }

    @Test
    public void gcRefusesToRunWhenAManifestIsUnreadable() throws IOException {
        backupFile(repo, "good", "m", "a", random(71, 1 << 20));
        backupFile(repo, "orphans", "m", "a", random(72, 1 << 20));
        assertTrue(repo.delete("orphans")); // its chunks are garbage
        Files.writeString(root.resolve("manifests/broken.json"), "{\"format\":1,");
        Set<String> before = chunkFiles();
        IOException e = assertThrows(IOException.class, repo::collectGarbage);
        assertTrue(e.getMessage(), e.getMessage().contains("broken.json") && e.getMessage().contains("without deleting"));
        assertEquals(before, chunkFiles());
        assertEquals(List.of("good"), repo.list().stream().map(Manifest::id).toList());
        IOException find = assertThrows(IOException.class, () -> repo.find("broken"));
        assertTrue(find.getMessage(), find.getMessage().contains("broken.json"));
        Files.delete(root.resolve("manifests/broken.json"));
        assertTrue(repo.collectGarbage().chunksDeleted() > 0);
    }

    @Test
    public void gcPutsBackChunksAnInterruptedCollectionLeftAside() throws IOException {
        Manifest m = backupFile(repo, "b", "m", "a", random(73, 1 << 20));
        String sha = m.distinctChunks().keySet().iterator().next();
        Path pack = packOf(sha);
        Path aside = pack.resolveSibling(pack.getFileName() + ".gc-1234");
        Files.move(pack, aside);
        // a reader finds it aside meanwhile
        assertTrue(repo.verify("b", Progress.NONE).ok());
        assertTrue(sameDirectoryElsewhere().verify("b", Progress.NONE).ok());
        repo.collectGarbage();
        assertTrue(Files.exists(pack));
        assertFalse(Files.exists(aside));
    }

    @Test
    public void gcRebuildsALostOrDamagedPackIndexFromThePack() throws IOException {
        byte[] data = random(111, 2 << 20);
        Manifest m = backupFile(repo, "b", "svc", "a", data);
        String pack = location(m.distinctChunks().keySet().iterator().next()).pack();
        Path idx = repo.packs().indexPath(pack);

        Files.writeString(idx, "not an index\n");
        VerifyReport damaged = sameDirectoryElsewhere().verify("b", Progress.NONE);
        assertEquals("every chunk of the pack is missing, and verify says so", m.distinctChunks().size(),
                damaged.problems().size());
        assertEquals(0, repo.collectGarbage().chunksDeleted());
        assertTrue(sameDirectoryElsewhere().verify("b", Progress.NONE).ok());

        Files.delete(idx); // lost; or its writer died between sealing the pack and indexing it
        assertEquals(0, repo.collectGarbage().chunksDeleted());
        assertFalse("a pack sealed a moment ago may be indexed by its writer any time", Files.exists(idx));
        Files.setLastModifiedTime(repo.packs().packPath(pack), FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        assertEquals(0, repo.collectGarbage().chunksDeleted());
        assertTrue(Files.exists(idx));
        assertTrue(sameDirectoryElsewhere().verify("b", Progress.NONE).ok());
        assertArrayEquals(data, extract(sameDirectoryElsewhere(), "b", "svc", "a"));
    }

    // ------------------------------------------------------------------ writers

    @Test
    public void beginRefusesAnIdThatExistsCompleteOrPending() throws IOException {
        backupFile(repo, "done", "m", "a", random(81, 10));
        IOException complete = assertThrows(IOException.class, () -> repo.begin("done"));
        assertTrue(complete.getMessage(), complete.getMessage().contains("already exists"));
        try (BackupWriter w = repo.begin("busy")) {
            IOException pending = assertThrows(IOException.class, () -> sameDirectoryElsewhere().begin("busy"));
            assertTrue(pending.getMessage(), pending.getMessage().contains("already being written"));
            assertThrows(IOException.class, () -> repo.abandon("busy"));
        }
        repo.begin("again").close();
        repo.begin("again").close();
    }

    @Test
    public void abandonFreesTheIdOfAWriterWhoseProcessDied() throws IOException {
        BackupWriter w = sameDirectoryElsewhere().begin("orphan"); // never closed, as if its process died
        w.addFile("m", "a", file("orphan", random(82, 100_000)));
        assertThrows(IOException.class, () -> repo.begin("orphan"));
        assertTrue(repo.abandon("orphan"));
        assertFalse(repo.abandon("orphan"));
        try (BackupWriter again = repo.begin("orphan")) {
            again.addFile("m", "a", file("orphan2", random(83, 100_000)));
            again.commit(Map.of(), Map.of());
        }
        assertTrue(repo.verify("orphan", Progress.NONE).ok());
    }

    @Test
    public void commitRefusesWhileAnArtifactIsOpenOrFailed() throws IOException {
        try (BackupWriter w = repo.begin("open")) {
            OutputStream out = w.artifact("m", "a");
            out.write(random(84, 100_000));
            IOException e = assertThrows(IOException.class, () -> w.commit(Map.of(), Map.of()));
            assertTrue(e.getMessage(), e.getMessage().contains("still open"));
            assertFalse(Files.exists(root.resolve("manifests/open.json")));
            out.close();
            assertThrows(IOException.class, () -> w.artifact("m", "a")); // same name twice
            w.commit(Map.of(), Map.of());
            assertThrows(IOException.class, () -> w.artifact("m", "b")); // committed
        }
        try (BackupWriter w = repo.begin("failed")) {
            IOException missing = assertThrows(IOException.class,
                    () -> w.addFile("m", "a", tmp.getRoot().toPath().resolve("does-not-exist")));
            assertTrue(missing.getMessage(), missing.getMessage().contains("does-not-exist"));
            w.addFile("m", "b", file("ok", random(85, 1000)));
            Manifest m = w.commit(Map.of(), Map.of()); // the failed addFile left no artifact behind
            assertEquals(List.of("b"), m.member("m").orElseThrow().artifacts().stream().map(Artifact::name).toList());
        }
        assertTrue(repo.pending().isEmpty());
    }

    @Test
    public void namesWithDotDotAndOtherBadNamesAreRefused() throws IOException {
        for (String id : List.of("..", ".", "a/b", "", "x".repeat(101), "a b", "ü")) {
            assertThrows(id, IllegalArgumentException.class, () -> repo.begin(id));
        }
        try (BackupWriter w = repo.begin("names")) {
            for (String bad : List.of("..", "../etc/passwd", "a/../b", "a/..", "/abs", "a//b", "a/", "", "a\\b", "a b",
                    "naïve", ".", "./a", "a/./b", "a/.")) {
                IllegalArgumentException e = assertThrows(bad, IllegalArgumentException.class, () -> w.artifact("m", bad));
                assertTrue(e.getMessage(), e.getMessage().contains("'..'"));
                assertThrows(bad, IllegalArgumentException.class, () -> w.artifact(bad, "a"));
            }
            try (OutputStream ok = w.artifact("service/orders-1", "data/db.v2_x.mv.db")) {
                ok.write(1);
            }
            assertThrows(IllegalArgumentException.class, () -> w.commit(Map.of(), Map.of("../x", Map.of())));
            w.commit(Map.of(), Map.of());
        }
        assertNotNull(repo.find("names").orElseThrow().artifact("service/orders-1", "data/db.v2_x.mv.db").orElse(null));
    }

    @Test(timeout = 120_000)
    public void artifactsWrittenFromSeveralThreadsAtOnce() throws Exception {
        int n = 6;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        LocalRepository small = smallPacks(root); // pack rotation while several streams write
        try (BackupWriter w = small.begin("parallel")) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                done.add(pool.submit(() -> {
                    byte[] data = k % 2 == 0 ? random(90 + k, (k + 1) << 20) : repetitive((k + 1) << 20);
                    try (OutputStream out = w.artifact("svc-" + k, "data")) {
                        for (int off = 0; off < data.length; off += 10_000) {
                            out.write(data, off, Math.min(10_000, data.length - off));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            w.commit(Map.of(), Map.of());
        } finally {
            pool.shutdown();
        }
        for (int k = 0; k < n; k++) {
            byte[] expected = k % 2 == 0 ? random(90 + k, (k + 1) << 20) : repetitive((k + 1) << 20);
            assertArrayEquals("svc-" + k, expected, extract(repo, "parallel", "svc-" + k, "data"));
        }
        assertTrue(small.verify("parallel", Progress.NONE).ok());
    }

    @Test
    public void filesAre0600AndDirectories0700() throws IOException {
        Manifest m = backupFile(repo, "perm", "m", "a", random(95, 100_000));
        try (BackupWriter pending = repo.begin("perm-pending")) {
            assertEquals("rw-------", perms(root.resolve("pending/perm-pending")));
        }
        assertEquals("rwx------", perms(root));
        assertEquals("rwx------", perms(root.resolve("packs")));
        assertEquals("rwx------", perms(root.resolve("manifests")));
        assertEquals("rwx------", perms(root.resolve("pending")));
        String sha = m.distinctChunks().keySet().iterator().next();
        assertEquals("rw-------", perms(packOf(sha)));
        assertEquals("rw-------", perms(repo.packs().indexPath(location(sha).pack())));
        assertEquals("rw-------", perms(root.resolve("manifests/perm.json")));
    }

    private static String perms(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    // ------------------------------------------------------------------ copies

    @Test
    public void copyToSendsOnlyMissingChunksAndTheCopyVerifies() throws IOException {
        byte[] base = random(101, 6 << 20);
        backupFile(repo, "monday", "svc", "db", base);
        byte[] changed = base.clone();
        System.arraycopy(random(102, 50_000), 0, changed, 3 << 20, 50_000);
        backupFile(repo, "tuesday", "svc", "db", changed);

        LocalRepository copy = new LocalRepository("copy", tmp.newFolder("copy").toPath());
        others.add(copy);
        int mondayChunks = repo.find("monday").orElseThrow().distinctChunks().size();
        CopyReport first = repo.copyTo("monday", copy, Progress.NONE);
        assertEquals(mondayChunks, first.chunksSent());
        assertEquals(0, first.chunksAlreadyThere());
        assertEquals(repo.find("monday"), copy.find("monday"));
        assertTrue(copy.verify("monday", Progress.NONE).ok());
        assertArrayEquals(base, extract(copy, "monday", "svc", "db"));

        CopyReport second = repo.copyTo("tuesday", copy, Progress.NONE);
        System.out.printf("copy: first sent %d chunks (%d bytes); second, after a 50 KB change, sent %d chunks (%d bytes),"
                + " %d already there%n", first.chunksSent(), first.bytesSent(), second.chunksSent(), second.bytesSent(),
                second.chunksAlreadyThere());
        assertTrue(second.chunksSent() + " sent", second.chunksSent() >= 1 && second.chunksSent() <= 4);
        assertTrue(second.bytesSent() < first.bytesSent() / 10);
        assertTrue(copy.verify("tuesday", Progress.NONE).ok());
        assertArrayEquals(changed, extract(copy, "tuesday", "svc", "db"));

        CopyReport again = repo.copyTo("tuesday", copy, Progress.NONE);
        assertEquals(0, again.chunksSent());
        assertTrue(copy.pending().isEmpty());
        assertThrows(IOException.class, () -> repo.copyTo("tuesday", repo, Progress.NONE));
    }

    @Test
    public void aCopyOfADamagedBackupStopsAndCommitsNothing() throws IOException {
        Manifest m = backupFile(repo, "damaged", "svc", "db", random(103, 2 << 20));
        ChunkRef victim = m.artifact("svc", "db").orElseThrow().chunks().get(2);
        flipByteOf(victim.sha256());

        LocalRepository copy = new LocalRepository("copy", tmp.newFolder("copy2").toPath());
        others.add(copy);
        CorruptBackupException e = assertThrows(CorruptBackupException.class,
                () -> repo.copyTo("damaged", copy, Progress.NONE));
        assertEquals("damaged", e.backupId());
        assertEquals("db", e.artifact());
        assertEquals(victim.sha256(), e.chunk());
        assertTrue(copy.find("damaged").isEmpty());
        assertTrue(copy.pending().isEmpty());
        assertFalse(copy.hasChunk(victim.sha256()));
    }

    @Test
    public void writeStoredChunkChecksWhatItReceives() throws IOException {
        Manifest m = backupFile(repo, "src", "svc", "db", random(104, 100_000));
        String sha = m.distinctChunks().keySet().iterator().next();
        byte[] stored = repo.readStoredChunk(sha);
        LocalRepository other = new LocalRepository("other", tmp.newFolder("other").toPath());
        others.add(other);
        String wrongName = ChunkCodec.sha256(new byte[] {1});
        CorruptBackupException e = assertThrows(CorruptBackupException.class, () -> other.writeStoredChunk(wrongName, stored));
        assertEquals(wrongName, e.chunk());
        assertNull(e.backupId());
        assertFalse(other.hasChunk(wrongName));
        assertThrows(CorruptBackupException.class, () -> other.writeStoredChunk(sha, new byte[] {1, 2, 3}));
        other.writeStoredChunk(sha, stored);
        assertTrue(other.hasChunk(sha));
        assertArrayEquals(stored, other.readStoredChunk(sha));
    }

    // ------------------------------------------------------------------ streams

    @Test
    public void openStreamsAnArtifactAndChecksItAtTheEnd() throws IOException {
        byte[] data = repetitive(3 << 20);
        backupFile(repo, "s", "svc", "a", data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = repo.open("s", "svc", "a")) {
            byte[] buf = new byte[12_345];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
            assertEquals(-1, in.read());
        }
        assertArrayEquals(data, out.toByteArray());
        try (InputStream in = repo.open("s", "svc", "a")) {
            in.read(new byte[10]); // closing early is fine
        }
    }

    @Test
    public void aWriterAfterCloseIsUnusable() throws IOException {
        BackupWriter w = repo.begin("closed");
        OutputStream out = w.artifact("m", "a");
        out.write(random(105, FastCdc.MAX_SIZE * 3));
        w.close();
        IOException e = assertThrows(IOException.class, () -> out.write(1));
        assertTrue(e.getMessage(), e.getMessage().contains("aborted"));
        assertThrows(IOException.class, out::close);
        assertThrows(IOException.class, () -> w.commit(Map.of(), Map.of()));
        assertTrue(repo.find("closed").isEmpty());
        assertTrue(repo.pending().isEmpty());
        w.close();
        try {
            repo.begin("closed").close();
        } catch (IOException ex) {
            fail("the id of an aborted backup is free again: " + ex);
        }
    }
}
