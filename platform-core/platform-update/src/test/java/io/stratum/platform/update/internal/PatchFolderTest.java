package io.stratum.platform.update.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.PatchDTO;
import io.stratum.platform.api.SdpDTO;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class PatchFolderTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path dir;
    private PatchFolder folder;

    /** appserver 1.0.0 with maxThreads and heapMb, database 1.0.0 and 1.1.0 (1.1.0 adds lockTimeoutMs). */
    private final SdpCatalog catalog = new SdpCatalog() {
        @Override
        public List<Entry> entries() {
            return List.of(new Entry("appserver", "appserver", "1.0.0", SdpDTO.State.AVAILABLE),
                    new Entry("database", "database", "1.0.0", SdpDTO.State.AVAILABLE),
                    new Entry("database", "database", "1.1.0", SdpDTO.State.AVAILABLE));
        }

        @Override
        public Optional<Map<String, String>> schema(String serviceType, String version) {
            Map<String, String> m = new HashMap<>();
            if (serviceType.equals("appserver")) {
                m.put("maxThreads", "200");
                m.put("heapMb", "128");
            } else {
                m.put("heapMb", "64");
                if (version.equals("1.1.0")) {
                    m.put("lockTimeoutMs", "10000");
                }
            }
            return Optional.of(m);
        }
    };

    @Before
    public void setUp() throws Exception {
        dir = tmp.newFolder("patches").toPath();
        folder = new PatchFolder(dir, catalog, Clock.systemUTC(), 0);
    }

    @After
    public void tearDown() {
        folder.deactivate();
    }

    private void write(String id, String json, boolean checksum) throws Exception {
        Path f = dir.resolve(id + ".json");
        Files.writeString(f, json, StandardCharsets.UTF_8);
        if (checksum) {
            Files.writeString(dir.resolve(id + ".json.sha256"), PatchFolder.sha256(Files.readAllBytes(f)) + "  "
                    + id + ".json\n");
        }
    }

    private static String patch(String id, String type, String range, String config) {
        return "{\"id\": \"" + id + "\", \"title\": \"Fewer threads\", \"description\": \"Sets maxThreads to 100\", "
                + "\"serviceType\": \"" + type + "\", \"sdpVersions\": \"" + range + "\", \"configuration\": " + config
                + "}";
    }

    private PatchDTO only(String id) {
        folder.refresh();
        return folder.find(id).orElseThrow(() -> new AssertionError("no patch " + id + " in " + folder.list()));
    }

    private void assertRefused(String id, String says) {
        PatchDTO p = only(id);
        assertEquals(p.reason(), PatchDTO.State.REFUSED, p.state());
        assertTrue(p.reason(), p.reason().contains(says));
    }

    @Test
    public void aWellFormedPatchWithItsChecksumIsValid() throws Exception {
        write("appserver-maxthreads", patch("appserver-maxthreads", "appserver", "[1.0.0,2.0.0)",
                "{\"maxThreads\": 100}"), true);
        PatchDTO p = only("appserver-maxthreads");
        assertEquals(p.reason(), PatchDTO.State.VALID, p.state());
        assertEquals(Map.of("maxThreads", "100"), p.configuration());
        assertEquals("appserver", p.serviceType());
        assertEquals("Fewer threads", p.title());
        assertEquals("appserver-maxthreads.json", p.file());
        assertEquals(64, p.sha256().length());
    }

    @Test
    public void badJsonIsRefused() throws Exception {
        write("broken", "{\"id\": \"broken\", ", true);
        assertRefused("broken", "not JSON");
    }

    @Test
    public void unknownFieldsAreRefused() throws Exception {
        write("extra", patch("extra", "appserver", "1.0.0", "{\"maxThreads\": \"100\"}").replace("}\n", "")
                .replaceFirst("\\{", "{\"restart\": true, "), true);
        assertRefused("extra", "unknown field(s) restart");
    }

    @Test
    public void aMissingChecksumIsRefused() throws Exception {
        write("nosum", patch("nosum", "appserver", "1.0.0", "{\"maxThreads\": \"100\"}"), false);
        assertRefused("nosum", "no checksum: put nosum.json.sha256 beside it");
    }

    @Test
    public void aWrongChecksumIsRefusedAndTheFileIsKept() throws Exception {
        write("changed", patch("changed", "appserver", "1.0.0", "{\"maxThreads\": \"100\"}"), true);
        Files.writeString(dir.resolve("changed.json"), patch("changed", "appserver", "1.0.0",
                "{\"maxThreads\": \"5\"}"));
        assertRefused("changed", "checksum mismatch");
        assertTrue(Files.exists(dir.resolve("changed.json")));
    }

    @Test
    public void anUnknownServiceTypeIsRefused() throws Exception {
        write("cache", patch("cache", "cache", "1.0.0", "{\"size\": \"1\"}"), true);
        assertRefused("cache", "unknown service type 'cache'");
    }

    @Test
    public void keysNotInTheSchemaAreRefusedNamingTheVersion() throws Exception {
        write("lock", patch("lock", "database", "[1.0.0,2.0.0)", "{\"lockTimeoutMs\": \"500\"}"), true);
        assertRefused("lock", "configuration key(s) lockTimeoutMs not in the schema of database 1.0.0");
        write("lock11", patch("lock11", "database", "[1.1.0,2.0.0)", "{\"lockTimeoutMs\": \"500\"}"), true);
        assertEquals(PatchDTO.State.VALID, only("lock11").state());
    }

    @Test
    public void aBadRangeIsRefused() throws Exception {
        write("range", patch("range", "appserver", "[1.0,", "{\"maxThreads\": \"100\"}"), true);
        assertRefused("range", "is not an OSGi version range");
        write("none", patch("none", "appserver", "[2.0.0,3.0.0)", "{\"maxThreads\": \"100\"}"), true);
        assertRefused("none", "no installed version of appserver is in [2.0.0,3.0.0) (installed: 1.0.0)");
    }

    @Test
    public void anIdThatIsNotTheFileNameIsRefused() throws Exception {
        write("a", patch("b", "appserver", "1.0.0", "{\"maxThreads\": \"100\"}"), true);
        assertRefused("a", "its id 'b' is not its file's name (a.json)");
    }

    @Test
    public void aChangedFileIsReadAgainAndARemovedOneVanishes() throws Exception {
        write("p", patch("p", "appserver", "1.0.0", "{\"nope\": \"1\"}"), true);
        assertRefused("p", "nope");
        write("p", patch("p", "appserver", "1.0.0", "{\"maxThreads\": \"100\"}"), true);
        assertEquals(PatchDTO.State.VALID, only("p").state());
        Files.delete(dir.resolve("p.json"));
        folder.refresh();
        assertTrue(folder.list().toString(), folder.list().isEmpty());
    }

    @Test
    public void theWatcherReadsTheFolderOnItsOwn() throws Exception {
        PatchFolder polling = new PatchFolder(dir, catalog, Clock.systemUTC(), 1);
        try {
            write("q", patch("q", "appserver", "1.0.0", "{\"maxThreads\": \"100\"}"), true);
            long until = System.currentTimeMillis() + 10_000;
            // the watcher may read the file before its checksum is written: it then reads it again
            while (polling.find("q").map(p -> p.state() != PatchDTO.State.VALID).orElse(true)
                    && System.currentTimeMillis() < until) {
                Thread.sleep(50);
            }
            assertEquals(PatchDTO.State.VALID, polling.find("q").orElseThrow().state());
        } finally {
            polling.deactivate();
        }
    }
}
