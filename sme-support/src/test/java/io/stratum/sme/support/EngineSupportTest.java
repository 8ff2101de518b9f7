package io.stratum.sme.support;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.sme.api.SmeException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** File helpers on a real file system. */
public class EngineSupportTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void installsJarsOnceUnderTheirOwnNamesAndLeavesNoTemporaryFiles() throws Exception {
        Path source = tmp.newFolder("bundle").toPath();
        Path a = Files.writeString(source.resolve("a-1.0.jar"), "first");
        Path lib = tmp.getRoot().toPath().resolve("data/lib");
        EngineSupport.installJars(List.of(a.toUri().toURL()), lib, "the jars");
        assertEquals("first", Files.readString(lib.resolve("a-1.0.jar")));
        Files.writeString(a, "changed");
        EngineSupport.installJars(List.of(a.toUri().toURL()), lib, "the jars");
        assertEquals("a jar already installed is kept", "first", Files.readString(lib.resolve("a-1.0.jar")));
        try (var files = Files.list(lib)) {
            assertEquals(List.of("a-1.0.jar"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    public void anSdpWithoutJarsIsReportedAsBroken() {
        try {
            EngineSupport.installJars(List.of(), tmp.getRoot().toPath().resolve("lib"), "the jars");
            fail();
        } catch (SmeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("the SDP bundle is broken"));
            assertFalse(e.isTransient());
        }
    }

    @Test
    public void copyReplacesTheTargetWhole() throws Exception {
        Path target = tmp.getRoot().toPath().resolve("x/routes.properties");
        EngineSupport.copyAtomically(new ByteArrayInputStream("one".getBytes(StandardCharsets.UTF_8)), target);
        EngineSupport.copyAtomically(new ByteArrayInputStream("two".getBytes(StandardCharsets.UTF_8)), target);
        assertEquals("two", Files.readString(target));
        try (var files = Files.list(target.getParent())) {
            assertEquals(1, files.count());
        }
    }

    @Test
    public void deletesATreeAndToleratesAMissingOne() throws Exception {
        Path dir = tmp.newFolder("svc").toPath();
        Files.createDirectories(dir.resolve("a/b"));
        Files.writeString(dir.resolve("a/b/c.txt"), "x");
        EngineSupport.deleteRecursively(dir);
        assertFalse(Files.exists(dir));
        EngineSupport.deleteRecursively(dir);
    }

    @Test
    public void anInterruptedPauseIsAnErrorAndKeepsTheFlag() {
        Thread.currentThread().interrupt();
        try {
            EngineSupport.pause(10_000);
            fail();
        } catch (SmeException e) {
            assertTrue(Thread.interrupted());
        }
    }

    @Test
    public void javaIsTheRunningJvms() {
        assertTrue(Files.isExecutable(Path.of(EngineSupport.javaExecutable())));
    }
}
