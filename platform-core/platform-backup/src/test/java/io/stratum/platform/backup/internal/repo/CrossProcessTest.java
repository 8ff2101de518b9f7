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
    public void aBackupKilledHalfWayLeavesNoManifestAndItsChunksWaitForAbandon() throws Exception {
        Process child = start("killed", "endless");
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        await(child, out, "WRITING", "killed");
        Path marker = root.resolve("pending/killed");
        while (chunkCount() < 50) { // about 3 MiB of chunks stored
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
        long chunks = chunkCount();
        assertTrue(chunks >= 50);
        assertTrue("the marker names every chunk before it is written", markerLines(marker) >= chunks);
        assertEquals("a recently active pending backup keeps its chunks", 0, repo.collectGarbage().chunksDeleted());
        assertEquals(chunks, chunkCount());

        assertTrue(repo.abandon("killed"));
        assertEquals(chunks, repo.collectGarbage().chunksDeleted());
        assertEquals(0, chunkCount());
    }

    @Test(timeout = 120_000)
    public void gcHereKeepsTheChunksOfABackupBeingWrittenInAnotherProcess() throws Exception {
        // garbage: a deleted backup
        try (BackupWriter w = repo.begin("old")) {
            try (var o = w.artifact("svc", "old")) {
                o.write(LocalRepositoryTest.random(3, 2 << 20));
            }
            w.commit(Map.of(), Map.of());
        }
        long garbage = chunkCount();
        assertTrue(repo.delete("old"));

        Process child = start("other", "pending");
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        await(child, out, "WRITTEN", "other");
        long childChunks = chunkCount() - garbage;

        GcReport gc = repo.collectGarbage();
        assertEquals(garbage, gc.chunksDeleted());
        assertEquals(childChunks, chunkCount());

        try (Writer in = new java.io.OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
            in.write("commit\n");
        }
        await(child, out, "COMMITTED", "other");
        assertEquals(0, child.waitFor());

        assertTrue(repo.verify("other", Progress.NONE).ok());
        Path target = tmp.getRoot().toPath().resolve("restored");
        repo.extract("other", "svc", "data", target, Progress.NONE);
        assertArrayEquals(LocalRepositoryTest.random(1, WriterProcess.PENDING_BYTES), Files.readAllBytes(target));
        assertEquals("child", repo.find("other").orElseThrow().properties().get("by"));
    }
}
