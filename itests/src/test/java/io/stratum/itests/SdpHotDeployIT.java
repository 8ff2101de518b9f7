package io.stratum.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.SdpDTO;
import io.stratum.platform.api.ServiceDTO;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** SDP bundles hot-installed and removed through Karaf's deploy/ folder while the platform runs. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SdpHotDeployIT extends StratumTestSupport {

    private static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(15);

    private Optional<SdpDTO> sdp(String type, boolean all) {
        return platform.listSdps(all).stream().filter(s -> s.serviceType().equals(type)).findFirst();
    }

    private Optional<SdpDTO> sdpNamed(String bsn) {
        return platform.listSdps(true).stream().filter(s -> s.bundleSymbolicName().equals(bsn)).findFirst();
    }

    @Test
    public void removingTheSdpKeepsServicesRunningAndItsReturnManagesThemAgain() throws Exception {
        Path shipped = deployFolder().resolve(Path.of(System.getProperty("stratum.sdp.database")).getFileName());
        assertTrue("the distribution ships the database SDP in deploy/", Files.exists(shipped));
        await("the database type", Duration.ofSeconds(60), () -> sdp("database", false).isPresent());
        succeeded(platform.createService(new CreateServiceRequest(null, "database", "keeper", null, null, null)));
        ServiceDTO before = platform.getService(null, "keeper", true);
        try (Connection c = jdbc(before.connection().url(), before.connection().user(), before.connection().password());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept(x INT)");
            s.execute("INSERT INTO kept VALUES (42)");
        }

        Path parked = Files.createTempDirectory("sdp").resolve(shipped.getFileName());
        Files.move(shipped, parked);
        Duration gone = await("the type to leave the catalog", DEPLOY_TIMEOUT, () -> sdp("database", true).isEmpty());
        System.out.println("SDP removal -> type gone: " + gone.toMillis() + " ms");

        ServiceDTO orphaned = platform.getService(null, "keeper");
        assertFalse(orphaned.engineAvailable());
        assertEquals("UNKNOWN", orphaned.health());
        assertEquals("its runtime keeps running", before.runtimes().get(0).pid(), orphaned.runtimes().get(0).pid());
        try (Connection c = jdbc(before.connection().url(), before.connection().user(), before.connection().password());
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT x FROM kept")) {
            assertTrue("it still answers JDBC", rs.next());
            assertEquals(42, rs.getInt(1));
        }
        try {
            platform.stopService(null, "keeper");
            fail("a service without engine cannot be managed");
        } catch (PlatformException e) {
            assertEquals(PlatformException.Reason.UNAVAILABLE, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("no engine"));
        }
        try {
            platform.createService(new CreateServiceRequest(null, "database", "other", null, null, null));
            fail("the type is gone");
        } catch (PlatformException e) {
            assertEquals(PlatformException.Reason.NOT_FOUND, e.reason());
        }

        Files.copy(parked, shipped, StandardCopyOption.REPLACE_EXISTING);
        Duration back = await("the type to return", DEPLOY_TIMEOUT, () -> sdp("database", false).isPresent());
        System.out.println("SDP drop-in -> type usable: " + back.toMillis() + " ms");
        await("the service to be managed again", DEPLOY_TIMEOUT,
                () -> platform.getService(null, "keeper").engineAvailable());
        assertEquals("HEALTHY", platform.getService(null, "keeper").health());
        succeeded(platform.stopService(null, "keeper"));
        succeeded(platform.startService(null, "keeper"));
        succeeded(platform.deleteService(null, "keeper"));
    }

    @Test
    public void malformedSdpsAreRefusedWithAReasonAndThePlatformKeepsRunning() throws Exception {
        await("the database type", Duration.ofSeconds(60), () -> sdp("database", false).isPresent());

        Path bad = bundle("test.sdp.bad", "{ \"name\": \"cache\", \"serviceType\": \"cache\", \"versoin\": \"1.0.0\" }");
        Path invalid = bundle("test.sdp.invalid", "{ \"name\": \"Queue!\", \"serviceType\": \"queue\", "
                + "\"version\": \"1.0\", \"virtualization\": [\"native-process\"], \"plans\": [] }");
        Path duplicate = bundle("test.sdp.duplicate", descriptor("h2-database", "database", "1.1.0"));
        Path noEngine = bundle("test.sdp.noengine", descriptor("blob-store", "blob", "1.0.0"));
        Path unresolvable = bundle("test.sdp.unresolvable", descriptor("mq", "mq", "1.0.0"),
                "io.stratum.sme.api;version=\"[3.0,4)\""); // a major version no platform here exports
        try {
            await("the malformed SDP to be refused", DEPLOY_TIMEOUT, () -> sdpNamed("test.sdp.bad").isPresent());
            SdpDTO refused = sdpNamed("test.sdp.bad").orElseThrow();
            assertEquals(SdpDTO.State.REFUSED, refused.state());
            assertTrue(refused.reason(), refused.reason().contains("unknown field 'versoin'"));

            await("the invalid SDP to be refused", DEPLOY_TIMEOUT, () -> sdpNamed("test.sdp.invalid").isPresent());
            String reason = sdpNamed("test.sdp.invalid").orElseThrow().reason();
            assertTrue(reason, reason.contains("name 'Queue!'") && reason.contains("version '1.0'")
                    && reason.contains("at least one plan"));

            await("the duplicate to be refused", DEPLOY_TIMEOUT, () -> sdpNamed("test.sdp.duplicate").isPresent());
            SdpDTO dup = sdpNamed("test.sdp.duplicate").orElseThrow();
            assertEquals(SdpDTO.State.REFUSED, dup.state());
            assertTrue(dup.reason(), dup.reason().startsWith("duplicate: SDP h2-database 1.1.0"));

            await("the SDP without engine to be refused", DEPLOY_TIMEOUT,
                    () -> sdpNamed("test.sdp.noengine").map(s -> s.state() == SdpDTO.State.REFUSED).orElse(false));
            assertTrue(sdpNamed("test.sdp.noengine").orElseThrow().reason().startsWith("no engine"));

            await("the SDP that does not resolve to be refused", DEPLOY_TIMEOUT,
                    () -> sdpNamed("test.sdp.unresolvable").isPresent());
            String why = sdpNamed("test.sdp.unresolvable").orElseThrow().reason();
            assertEquals(SdpDTO.State.REFUSED, sdpNamed("test.sdp.unresolvable").orElseThrow().state());
            assertTrue(why, why.startsWith("the bundle does not resolve: nothing installed provides package")
                    && why.contains("osgi.wiring.package=io.stratum.sme.api") && why.contains("version>=3.0.0"));

            String listing = shell("stratum:sdp-list --all");
            assertTrue(listing, listing.contains("REFUSED") && listing.contains("unknown field 'versoin'"));
            assertFalse("refused SDPs are not offered", shell("stratum:sdp-list").contains("REFUSED"));

            assertEquals("the real SDP is unaffected", SdpDTO.State.AVAILABLE, sdp("database", false).orElseThrow().state());
            succeeded(platform.createService(new CreateServiceRequest(null, "database", "still-works", null, null, null)));
            succeeded(platform.deleteService(null, "still-works"));
        } finally {
            for (Path p : new Path[] {bad, invalid, duplicate, noEngine, unresolvable}) {
                Files.deleteIfExists(p);
            }
        }
        await("refused SDPs to leave the catalog", DEPLOY_TIMEOUT, () -> sdpNamed("test.sdp.bad").isEmpty()
                && sdpNamed("test.sdp.duplicate").isEmpty() && sdpNamed("test.sdp.noengine").isEmpty()
                && sdpNamed("test.sdp.unresolvable").isEmpty());
    }

    private static String descriptor(String name, String type, String version) {
        return "{ \"name\": \"" + name + "\", \"serviceType\": \"" + type + "\", \"version\": \"" + version + "\", "
                + "\"vendor\": \"Test\", \"description\": \"test\", \"virtualization\": [\"native-process\"], "
                + "\"plans\": [ { \"name\": \"small\" } ] }";
    }

    /** Writes an SDP bundle without code into deploy/. */
    private static Path bundle(String bsn, String descriptorJson) throws IOException {
        return bundle(bsn, descriptorJson, null);
    }

    /** Writes an SDP bundle without code, importing {@code imports} (if not null), into deploy/. */
    private static Path bundle(String bsn, String descriptorJson, String imports) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", bsn);
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Stratum-SDP", "META-INF/stratum/sdp.json");
        if (imports != null) {
            a.putValue("Import-Package", imports);
        }
        Path tmp = Files.createTempFile(bsn, ".jar");
        try (OutputStream out = Files.newOutputStream(tmp); JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.putNextEntry(new JarEntry("META-INF/stratum/sdp.json"));
            jar.write(descriptorJson.getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        Path target = deployFolder().resolve(bsn + ".jar");
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }
}
