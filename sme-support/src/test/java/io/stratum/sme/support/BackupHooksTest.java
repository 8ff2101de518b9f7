package io.stratum.sme.support;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.SmeException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.Bundle;

/** Hook scripts run with a real shell: what they see, and how they fail. */
public class BackupHooksTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    /** A bundle whose entries are the files of a folder (the only call hooks make). */
    private Bundle bundle(Map<String, String> hooks) throws Exception {
        Path root = tmp.newFolder("bundle").toPath();
        for (Map.Entry<String, String> h : hooks.entrySet()) {
            Path f = root.resolve(BackupHooks.FOLDER).resolve(h.getKey() + ".sh");
            Files.createDirectories(f.getParent());
            Files.writeString(f, h.getValue());
        }
        return (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                (p, m, args) -> {
                    if (!m.getName().equals("getEntry")) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    Path f = root.resolve((String) args[0]);
                    return Files.exists(f) ? f.toUri().toURL() : null;
                });
    }

    private ServiceContext service(Path data) {
        return (ServiceContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ServiceContext.class},
                (p, m, args) -> switch (m.getName()) {
                    case "name" -> "orders";
                    case "account" -> "acme";
                    case "dataDirectory" -> data;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    public void aHookSeesItsStageServiceAndDirectoriesAndNothingElseOfThePlatform() throws Exception {
        Path data = tmp.newFolder("data").toPath();
        Path artifacts = tmp.newFolder("artifacts").toPath();
        BackupHooks hooks = new BackupHooks(bundle(Map.of("backup",
                "echo \"$STRATUM_STAGE $STRATUM_SERVICE $STRATUM_ACCOUNT $STRATUM_DATA_DIR $PWD\" > "
                        + "\"$STRATUM_ARTIFACTS_DIR/seen\"\nenv | grep -c . > \"$STRATUM_ARTIFACTS_DIR/env\"\n")),
                Duration.ofSeconds(20));
        assertTrue(hooks.has(BackupHooks.BACKUP));
        assertFalse(hooks.has(BackupHooks.LOCK));
        hooks.run(BackupHooks.LOCK, service(data), null); // none shipped: nothing runs
        hooks.run(BackupHooks.BACKUP, service(data), artifacts);
        assertEquals("backup orders acme " + data + " " + data, Files.readString(artifacts.resolve("seen")).strip());
        assertTrue("PATH, HOME, the five STRATUM_ variables and what sh sets itself",
                Integer.parseInt(Files.readString(artifacts.resolve("env")).strip()) <= 10);
    }

    @Test
    public void aFailingHookFailsItsStageWithWhatItPrintedAndAHangingOneIsStopped() throws Exception {
        Path data = tmp.newFolder("data").toPath();
        BackupHooks hooks = new BackupHooks(bundle(Map.of("lock", "echo cannot flush the cache >&2\nexit 3\n",
                "unlock", "sleep 30\n")), Duration.ofMillis(500));
        try {
            hooks.run(BackupHooks.LOCK, service(data), null);
            fail("exit 3");
        } catch (SmeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("lock hook of 'orders' failed (exit 3): cannot flush "
                    + "the cache"));
        }
        long start = System.nanoTime();
        try {
            hooks.run(BackupHooks.UNLOCK, service(data), null);
            fail("it hangs");
        } catch (SmeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("ran longer than"));
        }
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10);
    }
}
