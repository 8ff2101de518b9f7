package io.stratum.platform.internal.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * The runtime platform's settings, from its configuration ({@link NativeProcessRuntimes.Config}) and the
 * framework's directories.
 *
 * @param monitorIntervalMs milliseconds between checks of every runtime (and of its log's size)
 * @param orphanSweepMs milliseconds between sweeps for orphaned processes
 * @param newSession start runtimes in a session of their own
 * @param portFirst lowest runtime port
 * @param portLast highest runtime port
 * @param isolation the isolation mode
 * @param isolationUidStart the lowest uid given to a service
 * @param uidClaims the host-wide directory where every Stratum on the host claims the uids it gives out
 *     ({@link UidClaims})
 * @param serviceRoot where services' directories go, or {@code null} for the default (see
 *     {@link NativeProcessRuntimes})
 * @param fallbackBase the directory under which isolated services' directories go when no {@code serviceRoot}
 *     is set ({@code /var/lib/stratum})
 * @param controlPlane the framework's directories that no service's user may read or write ({@code etc},
 *     {@code deploy}, Karaf's data directory); the store's are added by the platform
 * @param logMaxBytes the size beyond which a runtime's log is rotated
 * @param logKeep how many rotated logs are kept per runtime
 * @param capabilities the platform's effective capabilities, or {@code null} to read them from
 *     {@code /proc/self/status} (tests pass 0 to see how an unprivileged platform behaves)
 */
record RuntimeSettings(
        long monitorIntervalMs,
        long orphanSweepMs,
        boolean newSession,
        int portFirst,
        int portLast,
        Isolation.Mode isolation,
        int isolationUidStart,
        Path uidClaims,
        Path serviceRoot,
        Path fallbackBase,
        List<Path> controlPlane,
        long logMaxBytes,
        int logKeep,
        Long capabilities) {

    /** Default lowest uid given to a service: far above the ids distributions give to people and daemons. */
    static final int DEFAULT_UID_START = 200_000;
    /** Default host-wide directory of uid claims, as text (shared by every Stratum on the host). */
    static final String DEFAULT_UID_CLAIMS_TEXT = "/var/lib/stratum/uids";
    /** Default host-wide directory of uid claims. */
    static final Path DEFAULT_UID_CLAIMS = Path.of(DEFAULT_UID_CLAIMS_TEXT);
    /** Default size beyond which a runtime's log is rotated: 10 MiB. */
    static final long DEFAULT_LOG_MAX_BYTES = 10L * 1024 * 1024;
    /** Default number of rotated logs kept per runtime. */
    static final int DEFAULT_LOG_KEEP = 3;
    /** Where isolated services' directories go when no {@code serviceRoot} is set. */
    static final Path DEFAULT_FALLBACK_BASE = Path.of("/var/lib/stratum");
    /** What the configuration's defaults give (isolation auto), kept where a configured value is refused. */
    static final RuntimeSettings DEFAULTS = new RuntimeSettings(1000, 60_000, true,
            NativeProcessRuntimes.DEFAULT_PORT_FIRST, NativeProcessRuntimes.DEFAULT_PORT_LAST, Isolation.Mode.AUTO,
            DEFAULT_UID_START, DEFAULT_UID_CLAIMS, null, DEFAULT_FALLBACK_BASE, List.of(), DEFAULT_LOG_MAX_BYTES,
            DEFAULT_LOG_KEEP, null);

    RuntimeSettings {
        if (monitorIntervalMs <= 0 || orphanSweepMs <= 0) {
            throw new IllegalArgumentException("monitorIntervalMs and orphanSweepSeconds must be positive, not "
                    + monitorIntervalMs + " ms and " + orphanSweepMs + " ms");
        }
        if (isolationUidStart < 1000 || isolationUidStart > 2_000_000_000) {
            throw new IllegalArgumentException("isolationUidStart must be between 1000 and 2000000000, not "
                    + isolationUidStart + " (keep it above the uids of the machine's users)");
        }
        if (logMaxBytes < 4096 || logKeep < 0) {
            throw new IllegalArgumentException("logMaxBytes must be at least 4096 and logKeep at least 0, not "
                    + logMaxBytes + " and " + logKeep);
        }
        if (uidClaims == null || !uidClaims.isAbsolute()) {
            throw new IllegalArgumentException("isolationUidClaims must be an absolute path, not " + uidClaims);
        }
        controlPlane = List.copyOf(controlPlane);
    }

    /**
     * The settings of the platform in tests of other parts: isolation off, defaults otherwise.
     *
     * @param monitorIntervalMs milliseconds between checks
     * @param orphanSweepMs milliseconds between sweeps
     * @param newSession whether to use setsid
     * @return the settings
     */
    static RuntimeSettings of(long monitorIntervalMs, long orphanSweepMs, boolean newSession) {
        return new RuntimeSettings(monitorIntervalMs, orphanSweepMs, newSession,
                NativeProcessRuntimes.DEFAULT_PORT_FIRST, NativeProcessRuntimes.DEFAULT_PORT_LAST, Isolation.Mode.OFF,
                DEFAULT_UID_START, DEFAULT_UID_CLAIMS, null, DEFAULT_FALLBACK_BASE, List.of(), DEFAULT_LOG_MAX_BYTES,
                DEFAULT_LOG_KEEP, null);
    }

    /**
     * @param maxBytes the size beyond which a runtime's log is rotated
     * @param keep how many rotated logs are kept
     * @return these settings with other log limits
     */
    RuntimeSettings withLogs(long maxBytes, int keep) {
        return new RuntimeSettings(monitorIntervalMs, orphanSweepMs, newSession, portFirst, portLast, isolation,
                isolationUidStart, uidClaims, serviceRoot, fallbackBase, controlPlane, maxBytes, keep, capabilities);
    }
}
