package io.stratum.platform.internal.service;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.internal.util.ConfigReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.slf4j.LoggerFactory;

/**
 * Which files of the host a caller may name: a tenant only regular, readable files whose real path lies under a root
 * (links and {@code ..} followed first), with one answer for everything else; a platform admin any such file.
 */
public class HostFilesTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path home;
    private Path root;
    private Path outside;
    private Path secret;
    private Path app;
    private HostFiles files;

    @Before
    public void setUp() throws Exception {
        home = tmp.newFolder("home").toPath().toRealPath();
        root = Files.createDirectories(home.resolve("examples"));
        app = Files.writeString(root.resolve("app.war"), "an application");
        outside = Files.createDirectories(home.resolve("etc"));
        secret = Files.writeString(outside.resolve("keys.war"), "the platform's key");
        files = new HostFiles(List.of(root), home, List.of(home.resolve("data")));
    }

    private PlatformException refused(Reason reason, String value, boolean anyFile) {
        try {
            Path resolved = files.resolve("war", value, anyFile);
            fail(value + " was taken as " + resolved + "; it should have been refused with " + reason);
            return null;
        } catch (PlatformException e) {
            assertEquals(value + ": " + e.getMessage(), reason, e.reason());
            return e;
        }
    }

    @Test
    public void aTenantMayNameAFileUnderARootAndGetsItsRealPath() throws Exception {
        assertEquals(app, files.resolve("war", app.toString(), false));
        assertEquals("relative to the Stratum home", app, files.resolve("war", "examples/app.war", false));
        Files.createDirectories(root.resolve("sub"));
        assertEquals(app, files.resolve("war", root + "/sub/../app.war", false));
        assertEquals(app, files.resolve("war", app.toUri().toString(), false));
        Files.createDirectories(root.resolve("v2"));
        Path link = Files.createSymbolicLink(root.resolve("current.war"), Path.of("v2/../app.war"));
        assertEquals("a link inside the root is followed to the file", app, files.resolve("war", link.toString(),
                false));
    }

    @Test
    public void aTenantIsRefusedOutsideTheRootsWithAMessageThatSaysWhatToDo() {
        PlatformException e = refused(Reason.FORBIDDEN, secret.toString(), false);
        assertTrue(e.getMessage(), e.getMessage().contains("ask a platform admin to place the file in " + root));
        assertTrue(e.getMessage(), e.getMessage().startsWith("configuration 'war' ('" + secret + "'): only platform "
                + "admins may name files of the Stratum host outside the directories opened to tenants"));
        refused(Reason.FORBIDDEN, "/etc/passwd", false);
        refused(Reason.FORBIDDEN, "etc/keys.war", false);
    }

    @Test
    public void aTenantLearnsNothingOfWhetherAFileExists() throws Exception {
        String message = refused(Reason.FORBIDDEN, secret.toString(), false).getMessage();
        Files.delete(secret);
        assertEquals("a missing file outside the roots", message, refused(Reason.FORBIDDEN, secret.toString(), false)
                .getMessage());
        Files.createDirectory(secret);
        assertEquals("a directory outside the roots", message, refused(Reason.FORBIDDEN, secret.toString(), false)
                .getMessage());

        String inRoot = root.resolve("new.war").toString();
        String missing = refused(Reason.FORBIDDEN, inRoot, false).getMessage();
        assertEquals("the same words as outside the roots, but for the value", message.replace(secret.toString(),
                inRoot), missing);
        Files.createDirectory(root.resolve("new.war"));
        assertEquals("a directory in a root", missing, refused(Reason.FORBIDDEN, inRoot, false).getMessage());
        Files.delete(root.resolve("new.war"));
        Files.writeString(root.resolve("new.war"), "x");
        Files.setPosixFilePermissions(root.resolve("new.war"), PosixFilePermissions.fromString("---------"));
        if (!Files.isReadable(root.resolve("new.war"))) { // as root, every file is readable
            assertEquals("an unreadable file in a root", missing, refused(Reason.FORBIDDEN, inRoot, false)
                    .getMessage());
        }
    }

    @Test
    public void aLinkOutOfARootIsRefused() throws Exception {
        Path escape = Files.createSymbolicLink(root.resolve("escape.war"), secret);
        Path dir = Files.createSymbolicLink(root.resolve("etc"), outside);
        refused(Reason.FORBIDDEN, escape.toString(), false);
        refused(Reason.FORBIDDEN, dir.resolve("keys.war").toString(), false);
        assertEquals("a platform admin gets the file the link names", secret, files.resolve("war", escape.toString(),
                true));
    }

    @Test
    public void dotDotOutOfARootIsRefused() throws Exception {
        refused(Reason.FORBIDDEN, root + "/../etc/keys.war", false);
        refused(Reason.FORBIDDEN, "examples/../etc/keys.war", false);
        refused(Reason.FORBIDDEN, root + "/../examples/../etc/keys.war", false);
        // ".." after a link is the link target's parent, as the file system has it
        Files.createSymbolicLink(root.resolve("up"), outside);
        refused(Reason.FORBIDDEN, root + "/up/../etc/keys.war", false);
        assertEquals(app, files.resolve("war", root + "/up/../examples/app.war", false));
    }

    @Test
    public void aPlatformAdminMayNameAnyReadableFileAndHearsWhatIsWrong() throws Exception {
        assertEquals(secret, files.resolve("war", secret.toString(), true));
        assertEquals(secret, files.resolve("war", "etc/../etc/keys.war", true));
        PlatformException e = refused(Reason.INVALID, outside.resolve("none.war").toString(), true);
        assertEquals("configuration 'war': there is no file " + outside.resolve("none.war") + " on the Stratum host",
                e.getMessage());
        e = refused(Reason.INVALID, outside.toString(), true);
        assertTrue(e.getMessage(), e.getMessage().contains(outside + " is a directory"));
    }

    @Test
    public void aValueThatIsNoPathIsInvalidForEveryone() {
        for (boolean anyFile : new boolean[] {false, true}) {
            assertTrue(refused(Reason.INVALID, " ", anyFile).getMessage().contains("must be the path of a file"));
            refused(Reason.INVALID, "file://elsewhere/app.war", anyFile);
            refused(Reason.INVALID, "a\0b", anyFile);
        }
    }

    @Test
    public void withoutRootsATenantMayNameNoFile() {
        files = new HostFiles(List.of(), home, List.of());
        PlatformException e = refused(Reason.FORBIDDEN, app.toString(), false);
        assertTrue(e.getMessage(), e.getMessage().contains("no directory is open to tenants here"));
        assertEquals(app, files.resolve("war", app.toString(), true));
    }

    @Test
    public void aRootThatIsALinkHoldsTheFilesOfItsTarget() throws Exception {
        Path link = Files.createSymbolicLink(home.resolve("shared"), root);
        files = new HostFiles(List.of(link), home, List.of());
        assertEquals(app, files.resolve("war", link.resolve("app.war").toString(), false));
        assertEquals(app, files.resolve("war", app.toString(), false));
        refused(Reason.FORBIDDEN, secret.toString(), false);
    }

    @Test
    public void theBrokerActsForTenantsAndOtherSystemCallersForThePlatform() {
        assertTrue(HostFiles.anyFile(Caller.system("backup-schedule"), true));
        assertTrue(HostFiles.anyFile(Caller.user("admin", Caller.VIA_REST), true));
        assertFalse(HostFiles.anyFile(Caller.user("alice", Caller.VIA_REST), false));
        assertFalse("the broker's parameters are its platform's users'", HostFiles.anyFile(Caller.system("osb",
                Caller.VIA_OSB).because("cf user"), true));
    }

    @Test
    public void theRootsAreConfigured() {
        HostFiles defaults = new HostFiles(List.of(root), home, List.of(home.resolve("data"), home.resolve("etc")));
        ConfigReader reader = new ConfigReader(ServiceManager.PID, Map.of(), LoggerFactory.getLogger(getClass()));
        assertEquals("absent: the default", List.of(root), HostFiles.read(Map.of(), defaults, defaults, reader)
                .tenantRoots());
        assertEquals("empty: none", List.of(), HostFiles.read(Map.of(HostFiles.KEY, " "), defaults, defaults, reader)
                .tenantRoots());
        assertEquals("relative ones from the Stratum home", List.of(root, home.resolve("apps"), Path.of("/srv/wars")),
                HostFiles.read(Map.of(HostFiles.KEY, "examples, apps/,/srv/wars"), defaults, defaults, reader)
                        .tenantRoots());
        assertEquals("a list", List.of(home.resolve("apps"), Path.of("/srv/wars")), HostFiles.read(Map.of(
                HostFiles.KEY, new String[] {"apps", "/srv/wars"}), defaults, defaults, reader).tenantRoots());
        assertEquals(List.of(), reader.refused());

        HostFiles kept = new HostFiles(List.of(home.resolve("kept")), home, List.of());
        for (String bad : List.of("/", "examples," + home, "data/stratum", "etc", "${karaf.base}/examples")) {
            ConfigReader r = new ConfigReader(ServiceManager.PID, Map.of(), LoggerFactory.getLogger(getClass()));
            assertEquals(bad, List.of(home.resolve("kept")), HostFiles.read(Map.of(HostFiles.KEY, bad), defaults,
                    kept, r).tenantRoots());
            assertEquals(bad + ": " + r.refused(), 1, r.refused().size());
            assertTrue(r.refused().get(0), r.refused().get(0).contains("tenantFileRoots"));
        }
    }
}
