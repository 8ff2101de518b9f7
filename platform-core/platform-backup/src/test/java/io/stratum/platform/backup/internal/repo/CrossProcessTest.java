package io.stratum.platform.backup.internal.repo;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Writers in another JVM on the same repository directory: killed half-way, and collected around. */
public class CrossProcessTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path root;
    private LocalRepository repo;
    private final List<Process> children = new ArrayList<>();

    @Before
    public void setUp() throws IOException {
        root = tmp.newFolder("repo").toPath();
        repo = new LocalRepository("local", root);
    }

    @After
    public void tearDown() throws InterruptedException {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor();
        }
        repo.close();
    }

    private Process start(String id, String mode) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                WriterProcess.class.getName(), root.toString(), id, mode);
        pb.redirectError(tmp.newFile(id + ".stderr"));
        Process p = pb.start();
        children.add(p);
        return p;
    }

    /** Waits (bounded by the test's timeout) for the child to print {@code expected}. */
    private void await(Process p, BufferedReader out, String expected, String id) throws IOException {
        String line = out.readLine();
        if (!expected.equals(line)) {
            throw new AssertionError("child writing '" + id + "' printed " + line + " instead of " + expected
                    + "; its stderr: " + Files.readString(tmp.getRoot().toPath().resolve(id + ".stderr")));
        }
    }

    /** Chunk files by name (no attributes read: temporary files come and go while a child writes). */
    private long chunkCount() throws IOException {
        long n = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root.resolve("chunks"))) {
            for (Path dir : dirs) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                    for (Path f : files) {
                        if (f.getFileName().toString().matches("[0-9a-f]{64}")) {
                            n++;
                        }
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return n; // no chunk written yet
        }
        return n;
    }

    private static long markerLines(Path marker) throws IOException {
        return Files.readAllLines(marker).stream().filter(l -> l.length() == 64).count();
    }

    @Test(timeout = 120_000)
    public void aBackupKilledHalfWayLeavesNoManifestAndItsDataWaitsForAbandon() throws Exception {
        Process child = start("killed", "endless");
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        await(child, out, "WRITING", "killed");
        Path marker = root.resolve("pending/killed");
        while (markerLines(marker) < 50) { // about 3 MiB of chunks handled
            Thread.sleep(5);
        }
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
        child.waitFor();

        assertTrue(repo.find("killed").isEmpty());
        assertEquals(List.of(), repo.list());
        try (Stream<Path> s = Files.list(root.resolve("manifests"))) {
            assertEquals("no manifest, not even a partial one", List.of(), s.toList());
        }
        assertTrue(repo.pending().get(0).live());
        List<Path> unfinished = packFiles();
        assertEquals("the child's unfinished pack: " + unfinished, 1, unfinished.size());
        assertTrue(unfinished.get(0).getFileName().toString().endsWith(".pack.tmp-w-killed"));
        assertEquals("a recently active pending backup keeps its data", 0, repo.collectGarbage().chunksDeleted());
        assertEquals(unfinished, packFiles());

        assertTrue(repo.abandon("killed"));
        repo.collectGarbage();
        assertEquals(List.of(), packFiles());
        try (BackupWriter again = repo.begin("killed")) {
            again.commit(Map.of(), Map.of());
        }
    }

    private List<Path> packFiles() throws IOException {
        try (Stream<Path> s = Files.list(root.resolve("packs"))) {
            return s.sorted().toList();
        }
    }

    @Test(timeout = 120_000)
    public void gcHereKeepsTheChunksABackupBeingWrittenInAnotherProcessReuses() throws Exception {
        // a deleted backup whose chunks the child's backup reuses: the prefix of the child's data
        byte[] childData = LocalRepositoryTest.random(1, WriterProcess.PENDING_BYTES);
        Set<String> reused = backUpAndDelete("reused", java.util.Arrays.copyOf(childData, 3 << 20));
        // and plain garbage
        Set<String> garbage = backUpAndDelete("garbage", LocalRepositoryTest.random(3, 2 << 20));

        Process child = start("other", "pending");
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        await(child, out, "WRITTEN", "other");

        GcReport gc = repo.collectGarbage();
        assertEquals(garbage.size(), gc.chunksDeleted());
        Set<String> present = repo.storedChunks();
        assertTrue("the chunks the other process relies on are kept", present.containsAll(reused.stream()
                .filter(sha -> markerNames(sha)).toList()));
        assertTrue(reused.stream().filter(this::markerNames).count() >= reused.size() - 1);

        try (Writer in = new java.io.OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
            in.write("commit\n");
        }
        await(child, out, "COMMITTED", "other");
        assertEquals(0, child.waitFor());

        assertTrue(repo.verify("other", Progress.NONE).ok());
        Path target = tmp.getRoot().toPath().resolve("restored");
        repo.extract("other", "svc", "data", target, Progress.NONE);
        assertArrayEquals(childData, Files.readAllBytes(target));
        assertEquals("child", repo.find("other").orElseThrow().properties().get("by"));
    }

    private Set<String> backUpAndDelete(String id, byte[] data) throws IOException {
        Manifest m;
        try (BackupWriter w = repo.begin(id)) {
            try (var o = w.artifact("svc", "data")) {
                o.write(data);
            }
            m = w.commit(Map.of(), Map.of());
        }
        assertTrue(repo.delete(id));
        return m.distinctChunks().keySet();
    }

    /** Whether the pending marker of the child's backup names the chunk. */
    private boolean markerNames(String sha) {
        try {
            return Files.readAllLines(root.resolve("pending/other")).contains(sha);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
