package io.stratum.sme.support;

import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.SmeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;

/**
 * Hook scripts an SDP ships for the stages of staged backups and restores: {@code backup-hooks/<stage>.sh} in the SDP
 * bundle, for the stages {@value #LOCK}, {@value #BACKUP}, {@value #UNLOCK} and {@value #RESTORE}. An engine's
 * {@link io.stratum.sme.api.BackupEngine} calls {@link #run} in the method of that stage (e.g. to flush a cache
 * before the lock, or to rebuild an index after a restore); an SDP that ships no hook for a stage gets nothing run.
 * <p>
 * A hook runs with {@code sh}, in the service's data directory, with the environment {@code STRATUM_STAGE},
 * {@code STRATUM_SERVICE}, {@code STRATUM_ACCOUNT}, {@code STRATUM_DATA_DIR} and {@code STRATUM_ARTIFACTS_DIR} (where
 * a backup's artifacts go or a restore's come from; empty if the stage has none), and nothing else but {@code PATH}
 * and {@code HOME}. Its output goes to {@code <data directory>/logs/backup-hook-<stage>.log}. It fails its stage when
 * it exits other than 0 or runs longer than its time limit (it is then killed), with the last lines it printed. Hooks
 * are the SDP's own code and run as the platform runs the engine.
 */
public final class BackupHooks {

    /** Stages. */
    public static final String LOCK = "lock";
    /** Stages. */
    public static final String BACKUP = "backup";
    /** Stages. */
    public static final String UNLOCK = "unlock";
    /** Stages. */
    public static final String RESTORE = "restore";
    /** Where an SDP bundle keeps its hooks. */
    public static final String FOLDER = "backup-hooks";

    private static final Set<String> STAGES = Set.of(LOCK, BACKUP, UNLOCK, RESTORE);

    private final Bundle bundle;
    private final Duration timeout;

    /**
     * @param bundle the SDP bundle that ships the hooks
     * @param timeout how long a hook may run
     */
    public BackupHooks(Bundle bundle, Duration timeout) {
        this.bundle = bundle;
        this.timeout = timeout;
    }

    /**
     * @param stage a stage
     * @return whether the SDP ships a hook for it
     */
    public boolean has(String stage) {
        return STAGES.contains(stage) && bundle.getEntry(FOLDER + "/" + stage + ".sh") != null;
    }

    /**
     * Runs the hook of a stage, if the SDP ships one, and waits for it.
     *
     * @param stage {@value #LOCK}, {@value #BACKUP}, {@value #UNLOCK} or {@value #RESTORE}
     * @param service the service
     * @param artifacts where the stage's artifacts go or come from, or {@code null}
     * @throws SmeException if the hook fails, times out or cannot be started (with what it printed last)
     */
    public void run(String stage, ServiceContext service, Path artifacts) throws SmeException {
        if (!STAGES.contains(stage)) {
            throw new IllegalArgumentException("no backup stage '" + stage + "'; stages are " + STAGES);
        }
        URL script = bundle.getEntry(FOLDER + "/" + stage + ".sh");
        if (script == null) {
            return;
        }
        Path data = service.dataDirectory();
        Path logs = data.resolve("logs");
        Path installed = data.resolve(FOLDER).resolve(stage + ".sh");
        Path log = logs.resolve("backup-hook-" + stage + ".log");
        try (InputStream in = script.openStream()) {
            Files.createDirectories(logs);
            Files.createDirectories(installed.getParent());
            EngineSupport.copyAtomically(in, installed);
        } catch (IOException e) {
            throw new SmeException("cannot install the " + stage + " hook of '" + service.name() + "': "
                    + e.getMessage(), e);
        }
        ProcessBuilder pb = new ProcessBuilder("sh", installed.toString()).directory(data.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.clear();
        env.put("PATH", path);
        env.put("HOME", data.toString());
        env.put("STRATUM_STAGE", stage);
        env.put("STRATUM_SERVICE", service.name());
        env.put("STRATUM_ACCOUNT", service.account());
        env.put("STRATUM_DATA_DIR", data.toString());
        env.put("STRATUM_ARTIFACTS_DIR", artifacts == null ? "" : artifacts.toString());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new SmeException("cannot start the " + stage + " hook of '" + service.name() + "': "
                    + e.getMessage(), e);
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new SmeException("the " + stage + " hook of '" + service.name() + "' ran longer than "
                        + timeout.toSeconds() + " s and was stopped; its output: " + tail(log));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new SmeException("the " + stage + " hook of '" + service.name() + "' was interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new SmeException("the " + stage + " hook of '" + service.name() + "' failed (exit "
                    + p.exitValue() + "): " + tail(log));
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
