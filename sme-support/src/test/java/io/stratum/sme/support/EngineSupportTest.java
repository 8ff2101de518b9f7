package io.stratum.sme.support;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.sme.api.SmeException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import org.junit.Assume;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** File helpers on a real file system. */
public class EngineSupportTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void installsJarsUnderTheirOwnNamesReplacesChangedOnesAndDropsOnesNoLongerBundled() throws Exception {
        Path source = tmp.newFolder("bundle").toPath();
        Path a = Files.writeString(source.resolve("a-1.0.jar"), "first");
        Path b = Files.writeString(source.resolve("b-1.0.jar"), "bee");
        Path lib = tmp.getRoot().toPath().resolve("data/lib");
        EngineSupport.installJars(List.of(a.toUri().toURL(), b.toUri().toURL()), lib, "the jars");
        assertEquals("first", Files.readString(lib.resolve("a-1.0.jar")));

        // the next SDP version: a fixed a-1.0.jar (same name), b in a new version
        Files.writeString(a, "fixed");
        Files.delete(b);
        Path b2 = Files.writeString(source.resolve("b-2.0.jar"), "bee two");
        EngineSupport.installJars(List.of(a.toUri().toURL(), b2.toUri().toURL()), lib, "the jars");
        assertEquals("a changed jar is replaced", "fixed", Files.readString(lib.resolve("a-1.0.jar")));
        assertEquals("bee two", Files.readString(lib.resolve("b-2.0.jar")));
        try (var files = Files.list(lib)) {
            assertEquals("the old version is gone, no temporary file is left", List.of("a-1.0.jar", "b-2.0.jar"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    public void aResourceWhoseContentIsInstalledAlreadyIsNotWrittenAgain() throws Exception {
        Path resource = Files.writeString(tmp.newFolder("bundle").toPath().resolve("h2.jar"), "jar content");
        Path target = tmp.getRoot().toPath().resolve("data/lib/h2-2.5.jar");
        assertTrue("installed", EngineSupport.installIfChanged(resource.toUri().toURL(), target));
        Object inode = Files.getAttribute(target, "unix:ino");
        FileTime old = FileTime.fromMillis(1_000_000);
        Files.setLastModifiedTime(target, old);

        assertFalse("same content: not written", EngineSupport.installIfChanged(resource.toUri().toURL(), target));
        assertEquals("same file", inode, Files.getAttribute(target, "unix:ino"));
        assertEquals("not touched", old, Files.getLastModifiedTime(target));
    }

    @Test
    public void aChangedResourceReplacesTheFileWhileAReaderKeepsTheOldOneWhole() throws Exception {
        Path resource = tmp.newFolder("bundle").toPath().resolve("tomcat.jar");
        byte[] oldContent = new byte[256 * 1024];
        Arrays.fill(oldContent, (byte) 'o');
        Files.write(resource, oldContent);
        Path target = tmp.getRoot().toPath().resolve("data/lib/tomcat.jar");
        EngineSupport.installIfChanged(resource.toUri().toURL(), target);
        Object inode = Files.getAttribute(target, "unix:ino");

        byte[] newContent = new byte[300 * 1024];
        Arrays.fill(newContent, (byte) 'n');
        Files.write(resource, newContent);
        try (InputStream reader = Files.newInputStream(target)) {
            byte[] start = reader.readNBytes(1000); // a running JVM has the old jar open
            assertTrue("replaced", EngineSupport.installIfChanged(resource.toUri().toURL(), target));
            byte[] rest = reader.readAllBytes();
            assertEquals("the reader sees the old file, whole", oldContent.length, start.length + rest.length);
            for (byte x : rest) {
                assertEquals('o', x);
            }
        }
        assertArrayEquals("a new reader sees the new file", newContent, Files.readAllBytes(target));
        assertNotEquals("a new file took the old one's place", inode, Files.getAttribute(target, "unix:ino"));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(target));
        try (var files = Files.list(target.getParent())) {
            assertEquals(1, files.count());
        }
    }

    @Test
    public void installedFilesBelongToTheOwnerOfTheirFolder() throws Exception {
        Assume.assumeTrue("SKIPPED: giving files to another user needs root",
                "root".equals(System.getProperty("user.name")));
        int serviceUid = 424_242;
        Path data = tmp.newFolder("data").toPath();
        Files.setAttribute(data, "unix:uid", serviceUid);
        Files.setAttribute(data, "unix:gid", serviceUid);
        Path resource = Files.writeString(tmp.newFolder("bundle").toPath().resolve("x.jar"), "x");
        Path target = data.resolve("lib").resolve("x.jar");
        EngineSupport.installIfChanged(resource.toUri().toURL(), target);
        for (Path p : List.of(target.getParent(), target)) {
            assertEquals(p.toString(), serviceUid, Files.getAttribute(p, "unix:uid"));
            assertEquals(p.toString(), serviceUid, Files.getAttribute(p, "unix:gid"));
        }
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(target.getParent()));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(target));
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
