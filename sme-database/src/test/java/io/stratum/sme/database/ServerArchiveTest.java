package io.stratum.sme.database;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.stratum.sme.api.HealthState;
import io.stratum.testkit.sme.FakeService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The class data archive of the H2 server's JVM: made once by a real training run, then mapped by each server. */
public class ServerArchiveTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private DatabaseTestSupport db;
    private ServerArchive archive;

    @After
    public void tearDown() {
        if (archive != null) {
            archive.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    public void aServerLaunchedAfterTheArchiveIsMadeMapsIt() throws Exception {
        Path folder = tmp.getRoot().toPath().resolve("cds");
        archive = H2DatabaseEngine.archiveIn(folder.toFile());
        db = new DatabaseTestSupport(tmp.getRoot().toPath(), new H2DatabaseEngine(archive));
        FakeService first = db.service("id-1", "orders", tmp.getRoot().toPath().resolve("data"), "REGULAR");

        // the first launch finds no archive: it starts the training run and goes on without it
        db.engine.provision(first, db.monitor);
        assertFalse(commandLine(db.pid()).contains("-XX:SharedArchiveFile="));
        assertTrue("the training run makes the archive", archive.await(Duration.ofMinutes(3)));
        Path made = archive.archive().orElseThrow();
        assertTrue(made.startsWith(folder));
        try (var left = Files.list(folder)) {
            assertEquals("nothing of the training run is left but the archive and its log",
                    List.of(made.getFileName().toString(), made.getFileName() + ".log"),
                    left.map(p -> p.getFileName().toString()).sorted().toList());
        }

        // a server launched now runs with a copy of it next to its jar, and its JVM maps it
        db.engine.stop(first, db.monitor);
        db.engine.start(first, db.monitor);
        Path lib = tmp.getRoot().toPath().resolve("data").resolve("lib");
        Path copy = lib.resolve(made.getFileName());
        assertTrue(Files.isRegularFile(copy));
        assertTrue(commandLine(db.pid()).contains("-XX:SharedArchiveFile=" + copy));
        assertTrue("the server's JVM maps the archive", Files.readString(Path.of("/proc/" + db.pid() + "/maps"))
                .contains(copy.toString()));
        try (var jars = Files.list(lib)) {
            for (Path jar : (Iterable<Path>) jars.filter(p -> p.toString().endsWith(".jar"))::iterator) {
                assertEquals("the jar has the time the archive holds", ServerArchive.JAR_TIME,
                        Files.getLastModifiedTime(jar));
            }
        }
        assertEquals(HealthState.HEALTHY, db.engine.health(first).state());
        try (Connection c = db.tenant(first)) {
            assertEquals("1", DatabaseTestSupport.scalar(c, "SELECT 1"));
        }
    }

    @Test
    public void aTrainingRunThatFailsLeavesServersStartingWithoutAnArchive() throws Exception {
        Path folder = tmp.getRoot().toPath().resolve("cds");
        archive = new ServerArchive(folder, tmp.getRoot().toPath().resolve("no-such-java").toString(), List.of(),
                H2DatabaseEngine.class.getResource("/lib/h2.jar"), "h2.jar");
        assertEquals(Optional.empty(), archive.archive());
        assertFalse(archive.await(Duration.ofMinutes(1)));
        assertEquals("no second run after a failed one", Optional.empty(), archive.archive());
        assertFalse(archive.await(Duration.ofSeconds(1)));
        try (var left = Files.list(folder)) {
            assertEquals("the training run cleaned up", List.of(), left.filter(p -> !p.toString().endsWith(".log"))
                    .toList());
        }

        db = new DatabaseTestSupport(tmp.getRoot().toPath(), new H2DatabaseEngine(archive));
        FakeService service = db.service("id-1", "orders", tmp.getRoot().toPath().resolve("data"), "REGULAR");
        db.engine.provision(service, db.monitor);
        assertFalse(commandLine(db.pid()).contains("-XX:SharedArchiveFile="));
        assertEquals(HealthState.HEALTHY, db.engine.health(service).state());
    }

    @Test
    public void aTrainingServerAnEarlierStartLeftRunningIsStoppedAndNoOtherProcess() throws Exception {
        Path folder = Files.createDirectories(tmp.getRoot().toPath().resolve("cds"));
        // stand-ins: one whose command line is a training run's of this folder, one that only has the same pid file
        Process left = new ProcessBuilder("sh", "-c", "sleep 120; true", "training",
                "-XX:ArchiveClassesAtExit=" + folder.resolve("h2-x.jsa.part")).start();
        Process other = new ProcessBuilder("sh", "-c", "sleep 120; true").start();
        try {
            Files.writeString(folder.resolve("training.pid"), Long.toString(left.pid()));
            archive = new ServerArchive(folder, "java", List.of(), H2DatabaseEngine.class.getResource("/lib/h2.jar"),
                    "h2.jar");
            assertTrue("the left training run was stopped", left.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
            assertFalse(Files.exists(folder.resolve("training.pid")));

            Files.writeString(folder.resolve("training.pid"), Long.toString(other.pid()));
            archive.close();
            archive = new ServerArchive(folder, "java", List.of(), H2DatabaseEngine.class.getResource("/lib/h2.jar"),
                    "h2.jar");
            assertTrue("a process that is not a training run of this folder is left alone", other.isAlive());
        } finally {
            left.destroyForcibly();
            other.destroyForcibly();
        }
    }

    private static String commandLine(long pid) throws Exception {
        return Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
    }
}
