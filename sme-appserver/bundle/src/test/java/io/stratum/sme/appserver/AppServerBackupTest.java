package io.stratum.sme.appserver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.sme.api.Binding;
import io.stratum.sme.api.HealthState;
import io.stratum.sme.api.SmeException;
import io.stratum.sme.api.TaskMonitor;
import io.stratum.sme.api.runtime.RuntimeInfo;
import io.stratum.testkit.sme.DirectoryArtifacts;
import io.stratum.testkit.sme.EngineFixtures;
import io.stratum.testkit.sme.FakeService;
import io.stratum.testkit.sme.LocalRuntimes;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Backup and restore of the app server engine with real Tomcat instances, staged as the platform stages them. */
public class AppServerBackupTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static final TaskMonitor MONITOR = EngineFixtures.QUIET;
    private final HttpClient http = HttpClient.newHttpClient();

    private LocalRuntimes sourceRuntimes;
    private LocalRuntimes targetRuntimes;
    private AppServerEngine engine;
    private Path sourceWar;
    private FakeService source;
    private FakeService target;

    @Before
    public void setUp() throws Exception {
        sourceRuntimes = new LocalRuntimes(tmp.newFolder("runtimes-source").toPath());
        targetRuntimes = new LocalRuntimes(tmp.newFolder("runtimes-target").toPath());
        List<URL> jars = EngineFixtures.jarsIn(Path.of("target/classes/runtime"));
        engine = new AppServerEngine(() -> jars);
        sourceWar = war("source.war", "the source's application, version 2");
        source = new FakeService("aaaa0000-0000-4000-8000-000000000001", "shop", tmp.newFolder("source").toPath(),
                Map.of("war", sourceWar.toString(), "instances", "1", "heapMb", "64", "contextPath", "/",
                        "healthPath", "/marker.txt"), sourceRuntimes)
                .bind(new Binding("db-source", "database", Map.of("url", "jdbc:h2:tcp://127.0.0.1:1/db")));
        target = new FakeService("bbbb0000-0000-4000-8000-000000000001", "shop-copy", tmp.newFolder("target").toPath(),
                Map.of("war", war("target.war", "a fresh service's application").toString(), "instances", "1",
                        "heapMb", "64", "contextPath", "/", "healthPath", "/marker.txt"), targetRuntimes)
                .bind(new Binding("db-target", "database", Map.of("url", "jdbc:h2:tcp://127.0.0.1:2/db")));
    }

    @After
    public void tearDown() {
        sourceRuntimes.killAll();
        targetRuntimes.killAll();
    }

    @Test
    public void aFreshServiceServesTheBackedUpApplicationWithItsOwnBindings() throws Exception {
        engine.provision(source, MONITOR);
        engine.scale(source, 2, MONITOR); // changed after creation
        DirectoryArtifacts backup = backUp(source);
        Files.delete(sourceWar); // the deployed copy is what counts, not the file the configuration names

        Properties settings = new Properties();
        try (InputStream in = backup.open(AppServerEngine.ARTIFACT_SETTINGS)) {
            settings.load(in);
        }
        assertEquals("2", settings.getProperty("instances"));

        engine.provision(target, MONITOR);
        assertEquals("a fresh service's application", marker(targetRuntimes, "i1"));
        restore(target, backup);

        assertEquals(HealthState.HEALTHY, engine.health(target).state());
        assertEquals("the restored application is served", "the source's application, version 2",
                marker(targetRuntimes, "i1"));
        assertEquals("the instance count stays the service's own (the platform scales)", 1, engine.instances(target));
        String environ = Files.readString(Path.of("/proc",
                Long.toString(targetRuntimes.status("i1").orElseThrow().pid()), "environ"));
        assertTrue("its instances get its own bindings", environ.contains("DATABASE_URL=jdbc:h2:tcp://127.0.0.1:2/db"));
        assertEquals("the source is untouched", "the source's application, version 2", marker(sourceRuntimes, "i2"));

        engine.scale(target, 2, MONITOR);
        assertEquals("a new instance serves it too", "the source's application, version 2",
                marker(targetRuntimes, "i2"));
    }

    @Test
    public void aBackupWhoseApplicationIsNotAWebApplicationIsRefusedAndChangesNothing() throws Exception {
        engine.provision(target, MONITOR);
        DirectoryArtifacts bad = new DirectoryArtifacts(tmp.newFolder("bad").toPath(), source);
        try (OutputStream out = bad.create(AppServerEngine.ARTIFACT_APPLICATION)) {
            out.write("not a zip".getBytes(StandardCharsets.UTF_8));
        }
        long pid = targetRuntimes.status("i1").orElseThrow().pid();
        try {
            restore(target, bad);
            fail("refused");
        } catch (SmeException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("is not a web application archive"));
        }
        assertEquals("a fresh service's application", marker(targetRuntimes, "i1"));
        assertEquals("its instance was not even restarted", pid, targetRuntimes.status("i1").orElseThrow().pid());
    }

    // ------------------------------------------------------------------ helpers

    private DirectoryArtifacts backUp(FakeService service) throws Exception {
        DirectoryArtifacts artifacts = new DirectoryArtifacts(tmp.newFolder("backup-" + service.name()).toPath(),
                service);
        try {
            engine.lock(service, MONITOR);
            engine.backup(service, artifacts, MONITOR);
        } finally {
            engine.unlock(service, MONITOR);
        }
        return artifacts;
    }

    private void restore(FakeService service, DirectoryArtifacts artifacts) throws Exception {
        try {
            engine.lock(service, MONITOR);
            engine.restore(service, artifacts, MONITOR);
        } finally {
            engine.unlock(service, MONITOR);
        }
    }

    private String marker(LocalRuntimes runtimes, String instance) throws Exception {
        RuntimeInfo r = runtimes.status(instance).orElseThrow();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + r.port(AppServerEngine.PORT) + "/marker.txt")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body().strip();
    }

    /** A web application that serves one static file, /marker.txt. */
    private Path war(String name, String marker) throws Exception {
        Path war = tmp.getRoot().toPath().resolve(name);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(war))) {
            zip.putNextEntry(new ZipEntry("WEB-INF/web.xml"));
            zip.write(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\""
                    + " version=\"6.0\" metadata-complete=\"true\"/>\n").getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("marker.txt"));
            zip.write(marker.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return war;
    }
}
