package io.stratum.platform.internal.runtime;

import io.stratum.platform.internal.store.Store;
import io.stratum.platform.internal.util.ConfigReader;
import io.stratum.platform.internal.util.DaemonThreads;
import io.stratum.sme.api.runtime.RuntimeInfo;
import io.stratum.sme.api.runtime.RuntimeLaunchException;
import io.stratum.sme.api.runtime.RuntimePlatform;
import io.stratum.sme.api.runtime.RuntimeSpec;
import io.stratum.sme.api.runtime.RuntimeState;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native-process runtime platform: each runtime is an OS process of its own, in its own session
 * ({@code setsid}), with its own working directory, ports on 127.0.0.1, and output appended to a log file
 * (never a pipe, so it outlives the platform). Logs are rotated when they grow beyond {@code logMaxBytes}
 * ({@link LogRotation}).
 * <p>
 * <b>Isolation.</b> When the platform may change user ids (it runs as root, or with CAP_SETUID, CAP_SETGID and
 * the capabilities {@link Isolation#NEEDED} lists), each service's processes run under a uid (and gid) of their
 * own, given from {@code isolationUidStart} up, claimed host-wide before it is given ({@link UidClaims}: a file
 * per uid in {@code isolationUidClaims}, shared by every Stratum on the host, so that two Stratums never give out
 * one uid), recorded with the service ({@link ServiceHomes}) and never given to another service, through {@code setpriv} (no supplementary groups, no capabilities, no way to regain
 * privileges). Every runtime starts with umask {@code 077}. A service's files are laid out so that its user
 * reaches only its own, and a service cannot make the platform act on a path outside them:
 * <pre>
 * ROOT/                    platform, 0711  (others pass through, cannot list)
 *   ID/                    platform, 0711
 *     data/                the service's uid, 0700: what its engine gets as its data directory
 *     runtimes/            platform, 0711
 *       NAME/              the service's uid, 0700: a runtime's working directory (HOME and TMPDIR point here)
 *     logs/                platform, 0700: the service's user never sees the directory ...
 *       NAME.log           the service's uid, 0600: ... its process writes to the file through the descriptor
 *                          the platform opened (O_APPEND) before dropping to the uid
 * </pre>
 * Before a runtime starts, and while no process of the service's uid runs, whatever the platform wrote into the
 * service's data and working directories (an engine creating a database, copying a WAR) is given to the uid
 * ({@link ServiceFiles#giveTree}). When a service's last runtime stops or is removed, any process still running
 * under its uid (a daemon that left its runtime's process tree) is stopped; so are processes under the uid of a
 * deleted service (orphan sweep). Both stop only processes of uids this Stratum claimed: a uid recorded in its store
 * that another Stratum claimed (recorded before uids were claimed) is logged as an ERROR at activation and its
 * processes are never stopped by this Stratum, since they may be the other Stratum's.
 * <p>
 * <b>Where services' files go.</b> {@code serviceRoot} when set (with isolation, each of its parents must let
 * other users pass, {@code o+x}: checked at activation). Otherwise, without isolation,
 * {@code ${stratum home}/services}; with isolation, {@code /var/lib/stratum/<hash of the Stratum home>/services},
 * created {@code 0711}: the default home lies under Karaf's data directory (with {@code ./stratum}, under
 * {@code /root}, mode 0700), which other users can and should not pass through, since it also holds the store,
 * Karaf's log and bundle cache. With isolation on, the platform takes access away from other users to the
 * framework's {@code etc/}, {@code deploy/} and data directories and to the store (keeping only passage
 * through a directory that leads to {@code serviceRoot}), and logs each change. A service's directory is
 * recorded when it is first prepared and never moves; a service created before homes were recorded keeps its
 * directory under the Stratum home, and runs as the platform's user if its own user could not reach it there
 * (said once in the log per service).
 * <p>
 * Without the privilege, {@code isolation = auto} (the default) logs one WARN line saying that isolation is off
 * and what that means, and runs every runtime as the platform's user; {@code isolation = required} refuses to
 * start runtimes (and to prepare services' directories) with the reason; {@code isolation = off} never isolates.
 * Isolation is off in the same way, with the reason, when {@code setpriv} is missing, when services' users could
 * not run the JVM Stratum runs on (the one engines run their programs with), or could not reach the services' root.
 * The framework property {@value #ISOLATION_PROPERTY} overrides the configured mode. {@link #isolation()} tells
 * what is in effect.
 * <p>
 * <b>Crash safety.</b> A runtime's row is written <em>before</em> its process starts and deleted only after the
 * process is gone, and every process carries its runtime id in its environment. After activation, on the
 * monitor's thread (activation does not wait for it), the platform reattaches to runtimes that kept running
 * (matching pid and start time), adopts processes whose pid it never recorded, and then stops processes of its
 * home that have no row (orphans). Launches, stops and removals wait until reattachment is done, so a runtime is
 * never started a second time beside a process that is about to be adopted. A monitor restarts runtimes that die
 * on their own, within their restart policy.
 * <p>
 * <b>Ports.</b> A runtime keeps its ports across stops and restarts; when a launch finds one of them taken by
 * another process (it was stopped meanwhile), the runtime gets a new one, recorded and returned in the
 * {@link RuntimeInfo} that {@code launch} returns. A restart by the monitor keeps the ports (no engine hears of
 * it).
 */
@Component(service = RuntimeManager.class, immediate = true, configurationPid = "io.stratum.runtime")
@Designate(ocd = NativeProcessRuntimes.Config.class)
public final class NativeProcessRuntimes implements RuntimeManager {

    /** Configuration (PID {@code io.stratum.runtime}). */
    @ObjectClassDefinition(name = "Stratum native-process runtime platform")
    public @interface Config {
        @AttributeDefinition(description = "Milliseconds between checks of every runtime's process")
        long monitorIntervalMs() default 1000;

        @AttributeDefinition(description = "Seconds between sweeps for orphaned runtime processes")
        long orphanSweepSeconds() default 60;

        @AttributeDefinition(description = "Start runtimes in a session of their own (setsid), so that a "
                + "console's Ctrl-C does not reach them")
        boolean newSession() default true;

        @AttributeDefinition(description = "Lowest TCP port given to runtimes (keep the range outside the OS's "
                + "ephemeral range, /proc/sys/net/ipv4/ip_local_port_range)")
        int portRangeStart() default DEFAULT_PORT_FIRST;

        @AttributeDefinition(description = "Highest TCP port given to runtimes")
        int portRangeEnd() default DEFAULT_PORT_LAST;

        @AttributeDefinition(description = "Run each service's processes under a uid of its own: auto (when "
                + "Stratum runs as root or with CAP_SETUID and CAP_SETGID), off, or required (refuse to start "
                + "runtimes without it)")
        String isolation() default "auto";

        @AttributeDefinition(description = "Lowest uid (and gid) given to a service's processes; each service gets "
                + "its own, never reused")
        int isolationUidStart() default RuntimeSettings.DEFAULT_UID_START;

        @AttributeDefinition(description = "Host-wide directory where every Stratum on the host claims the uids it "
                + "gives to services (a file per uid naming the claiming Stratum's home), so that no two Stratums "
                + "give out one uid; every Stratum on a host must use the same one")
        String isolationUidClaims() default RuntimeSettings.DEFAULT_UID_CLAIMS_TEXT;

        @AttributeDefinition(description = "Directory of services' files (data, working directories, logs); "
                + "empty: ${stratum home}/services without isolation, /var/lib/stratum/<hash>/services with it")
        String serviceRoot() default "";

        @AttributeDefinition(description = "Size in bytes beyond which a runtime's log is rotated")
        long logMaxBytes() default RuntimeSettings.DEFAULT_LOG_MAX_BYTES;

        @AttributeDefinition(description = "Rotated logs kept per runtime (<log>.1 is the newest)")
        int logKeep() default RuntimeSettings.DEFAULT_LOG_KEEP;
    }

    /** The configuration's PID. */
    public static final String PID = "io.stratum.runtime";
    /** Default lowest runtime port: below Linux's ephemeral range (32768-60999). */
    public static final int DEFAULT_PORT_FIRST = 20000;
    /** Default highest runtime port. */
    public static final int DEFAULT_PORT_LAST = 29999;
    /** Framework (or system) property that overrides the configured isolation mode: auto, off or required. */
    public static final String ISOLATION_PROPERTY = "stratum.runtime.isolation";

    private static final Logger LOG = LoggerFactory.getLogger(NativeProcessRuntimes.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(port\\.([a-z0-9-]+)|workdir)}");
    private static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(20);
    /** The platform's environment variables a runtime inherits (its spec adds its own). */
    private static final List<String> INHERITED_ENVIRONMENT =
            List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "JAVA_HOME");
    /** Starts the program with umask 077, so that what a runtime creates is its own user's only. */
    private static final List<String> OWNER_ONLY_UMASK = List.of("/bin/sh", "-c", "umask 077 && exec \"$@\"",
            "stratum-runtime");

    private final RuntimeRepository repository;
    private final ServiceHomes homes;
    private final String home;
    private final Path homePath;
    private final BundleContext context;
    private final boolean setsidAvailable = Files.isExecutable(Path.of("/usr/bin/setsid"));
    private volatile boolean newSession;
    private volatile PortAllocator portAllocator;
    private volatile RuntimeSettings settings;
    /** What isolation is in effect; replaced when the configuration changes. */
    private volatile Plan plan;
    /** Held from choosing a runtime's ports until they are recorded, so that no two runtimes get one port. */
    private final Object portLock = new Object();
    /** Per runtime: launch, stop, remove and the monitor's checks of one runtime happen one at a time. */
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /**
     * Per service, taken inside a runtime's lock (never the other way round): starting a process of the service
     * and giving it its files, against stopping processes its runtimes left behind.
     */
    private final Map<String, Object> serviceLocks = new ConcurrentHashMap<>();
    /** Services whose processes run as the platform's user although isolation is on (warned once). */
    private final Set<String> warnedUnisolated = ConcurrentHashMap.newKeySet();
    /** Runtime id to the process this JVM started (for exit codes). */
    private final Map<String, Process> children = new ConcurrentHashMap<>();
    /** Open until the runtimes recorded at activation have been reattached (or adopted, or found dead). */
    private final CountDownLatch reattached = new CountDownLatch(1);
    private final ScheduledExecutorService monitor;
    /** The periodic checks; replaced when the configuration changes. Guarded by {@code this}. */
    private ScheduledFuture<?> checks;
    private ScheduledFuture<?> sweeps;

    /**
     * What isolation is in effect.
     *
     * @param status what to tell
     * @param active whether services' processes run under their own uids
     * @param required whether runtimes must not start without isolation
     * @param setpriv the {@code setpriv} program, when active
     * @param root where new services' directories go
     * @param uidStart the lowest uid given to a service
     * @param claims the host-wide claims of uids
     */
    private record Plan(IsolationStatus status, boolean active, boolean required, Path setpriv, Path root,
            int uidStart, UidClaims claims) {
    }

    /**
     * @param store the store
     * @param config configuration
     * @param context the engine bundle's context, for the framework's directories and {@value #ISOLATION_PROPERTY}
     */
    @Activate
    public NativeProcessRuntimes(@Reference Store store, Map<String, Object> properties, BundleContext context) {
        this(store, settings(properties, context, RuntimeSettings.DEFAULTS), context, null);
    }

    /**
     * A platform configured as in OSGi, without a framework (for tests of the configuration); isolation is off unless
     * the properties set it, so that such tests leave nothing in /var/lib/stratum.
     *
     * @param store the store
     * @param properties the configuration ({@link Config}), each value checked
     */
    NativeProcessRuntimes(Store store, Map<String, Object> properties) {
        this(store, settings(withIsolationOff(properties), null, RuntimeSettings.of(
                RuntimeSettings.DEFAULTS.monitorIntervalMs(), RuntimeSettings.DEFAULTS.orphanSweepMs(), true)), null,
                null);
    }

    private static Map<String, Object> withIsolationOff(Map<String, Object> properties) {
        Map<String, Object> out = new java.util.HashMap<>(properties);
        out.putIfAbsent("isolation", "off");
        return out;
    }

    /**
     * A platform without isolation (for tests of other parts).
     *
     * @param store the store
     * @param monitorIntervalMs milliseconds between checks of every runtime
     * @param orphanSweepMs milliseconds between sweeps for orphaned processes
     * @param newSession start runtimes in a session of their own
     */
    public NativeProcessRuntimes(Store store, long monitorIntervalMs, long orphanSweepMs, boolean newSession) {
        this(store, RuntimeSettings.of(monitorIntervalMs, orphanSweepMs, newSession), null, null);
    }

    /**
     * @param store the store
     * @param settings the settings
     * @param context the engine bundle's context, or {@code null}
     * @param startup runs the reattachment and first sweep after activation; {@code null}: the monitor's thread
     */
    NativeProcessRuntimes(Store store, RuntimeSettings settings, BundleContext context, Executor startup) {
        this.context = context;
        this.repository = new RuntimeRepository(store);
        this.homes = new ServiceHomes(store);
        this.homePath = store.home();
        this.home = homePath.toString();
        this.settings = settings;
        this.portAllocator = new PortAllocator(settings.portFirst(), settings.portLast());
        this.newSession = useSession(settings.newSession());
        if (!ProcessTable.canReadEnvironments()) {
            LOG.warn("Cannot read process environments (no /proc): processes launched just before a crash "
                    + "cannot be found again");
        }
        this.plan = plan(settings);
        this.monitor = Executors.newSingleThreadScheduledExecutor(new DaemonThreads("stratum-runtime-monitor"));
        (startup == null ? monitor : startup).execute(this::startup);
        schedule(settings.monitorIntervalMs(), settings.orphanSweepMs());
    }

    /**
     * Reads the configuration: a bad value (not of the key's type, out of range, a port range whose start is above
     * its end, an unknown isolation mode) is refused with a warning naming it, and the value in {@code kept} stays.
     */
    static RuntimeSettings settings(Map<String, ?> properties, BundleContext context, RuntimeSettings kept) {
        ConfigReader c = new ConfigReader(PID, properties, LOG);
        long monitor = c.longValue("monitorIntervalMs", 1000, kept.monitorIntervalMs(), 10, 3_600_000);
        long sweep = c.longValue("orphanSweepSeconds", 60, kept.orphanSweepMs() / 1000, 1, 86_400);
        boolean session = c.booleanValue("newSession", true, kept.newSession());
        int first = c.intValue("portRangeStart", DEFAULT_PORT_FIRST, kept.portFirst(), 1024, 65535);
        int last = c.intValue("portRangeEnd", DEFAULT_PORT_LAST, kept.portLast(), 1024, 65535);
        if (first > last) {
            c.refuse("portRangeStart/portRangeEnd", first + "-" + last, "portRangeStart <= portRangeEnd",
                    kept.portFirst() + "-" + kept.portLast());
            first = kept.portFirst();
            last = kept.portLast();
        }
        int uidStart = c.intValue("isolationUidStart", RuntimeSettings.DEFAULT_UID_START, kept.isolationUidStart(),
                1000, 2_000_000_000);
        long logMax = c.longValue("logMaxBytes", RuntimeSettings.DEFAULT_LOG_MAX_BYTES, kept.logMaxBytes(), 4096,
                Long.MAX_VALUE);
        int logKeep = c.intValue("logKeep", RuntimeSettings.DEFAULT_LOG_KEEP, kept.logKeep(), 0, 100);
        String mode = context == null ? null : context.getProperty(ISOLATION_PROPERTY);
        if (mode == null || mode.isBlank()) {
            Object configured = properties == null ? null : properties.get("isolation");
            mode = configured == null ? "auto" : configured.toString();
        }
        Isolation.Mode isolation;
        try {
            isolation = Isolation.Mode.parse(mode);
        } catch (IllegalArgumentException e) {
            c.refuse("isolation", mode, "auto, off or required", kept.isolation());
            isolation = kept.isolation();
        }
        Path uidClaims = absolutePath(c, properties, "isolationUidClaims", RuntimeSettings.DEFAULT_UID_CLAIMS,
                kept.uidClaims());
        Path serviceRoot = absolutePath(c, properties, "serviceRoot", null, kept.serviceRoot());
        List<Path> controlPlane = new ArrayList<>();
        if (context != null) {
            for (String property : List.of("karaf.etc", "karaf.data")) {
                String dir = context.getProperty(property);
                if (dir != null && !dir.isBlank()) {
                    controlPlane.add(Path.of(dir));
                }
            }
            String base = context.getProperty("karaf.base");
            if (base != null && !base.isBlank()) {
                controlPlane.add(Path.of(base, "deploy"));
            }
        }
        return new RuntimeSettings(monitor, sweep * 1000, session, first, last, isolation, uidStart, uidClaims,
                serviceRoot, RuntimeSettings.DEFAULT_FALLBACK_BASE, controlPlane, logMax, logKeep, kept.capabilities());
    }

    /**
     * A path setting: empty gives {@code ifEmpty}; a relative path is refused (logged, naming the key) and the value in
     * effect kept.
     */
    private static Path absolutePath(ConfigReader c, Map<String, ?> properties, String key, Path ifEmpty, Path kept) {
        Object value = properties == null ? null : properties.get(key);
        if (value == null || value.toString().isBlank()) {
            return ifEmpty;
        }
        Path path = Path.of(value.toString().strip());
        if (!path.isAbsolute()) {
            c.refuse(key, path, "an absolute path, or empty", kept);
            return kept;
        }
        return path;
    }

    /** @return the settings in effect (as configured; {@code newSession} may be off for want of setsid) */
    RuntimeSettings settings() {
        return settings;
    }

    /**
     * Takes a configuration change without restarting the component: the checks are rescheduled; runtimes
     * started from now on use the new session, port, isolation and log settings (services keep their recorded
     * directories and uids). A bad value is refused with a warning and the one in effect is kept; this never throws.
     *
     * @param properties the new configuration
     */
    @Modified
    public void modified(Map<String, Object> properties) {
        RuntimeSettings next = settings(properties, context, settings);
        settings = next;
        newSession = useSession(next.newSession());
        portAllocator = new PortAllocator(next.portFirst(), next.portLast());
        plan = plan(next);
        schedule(next.monitorIntervalMs(), next.orphanSweepMs());
    }

    private boolean useSession(boolean wanted) {
        if (wanted && !setsidAvailable) {
            LOG.warn("setsid not found: runtimes share the platform's session and get its console's Ctrl-C");
        }
        return wanted && setsidAvailable;
    }

    private synchronized void schedule(long monitorIntervalMs, long orphanSweepMs) {
        if (monitorIntervalMs <= 0 || orphanSweepMs <= 0) {
            throw new IllegalArgumentException("monitorIntervalMs and orphanSweepSeconds must be positive, not "
                    + monitorIntervalMs + " ms and " + orphanSweepMs + " ms");
        }
        if (checks != null) {
            checks.cancel(false);
            sweeps.cancel(false);
        }
        checks = monitor.scheduleWithFixedDelay(this::checkAllQuietly, monitorIntervalMs, monitorIntervalMs,
                TimeUnit.MILLISECONDS);
        sweeps = monitor.scheduleWithFixedDelay(this::sweepOrphansQuietly, orphanSweepMs, orphanSweepMs,
                TimeUnit.MILLISECONDS);
    }

    /** Stops watching; runtimes keep running (the data plane is separate from the control plane). */
    @Deactivate
    public void deactivate() {
        monitor.shutdownNow();
        try {
            monitor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reattached.countDown(); // nobody waits for a reattachment that will not happen
    }

    // ---------------------------------------------------------------- isolation

    @Override
    public IsolationStatus isolation() {
        return plan.status();
    }

    /** Decides what isolation is in effect, prepares the services' root, and says so in the log. */
    private Plan plan(RuntimeSettings s) {
        Path legacyRoot = homePath.resolve("services");
        Path plainRoot = s.serviceRoot() != null ? s.serviceRoot() : legacyRoot;
        String user = System.getProperty("user.name");
        String mode = s.isolation().label();
        UidClaims claims = new UidClaims(s.uidClaims(), home);
        if (s.isolation() == Isolation.Mode.OFF) {
            String text = "Runtime isolation is OFF (isolation = off): service processes run as " + user
                    + " and can read Stratum's files";
            LOG.warn(text);
            return new Plan(new IsolationStatus(false, mode, text), false, false, null, plainRoot,
                    s.isolationUidStart(), claims);
        }
        long caps = s.capabilities() != null ? s.capabilities() : Isolation.ownCapabilities();
        List<String> missing = Isolation.missing(caps);
        Optional<Path> setpriv = Isolation.setpriv();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String why = null;
        Path root = null;
        if (missing.contains("CAP_SETUID") || missing.contains("CAP_SETGID")) {
            why = "Stratum is not running as root or with CAP_SETUID and CAP_SETGID";
        } else if (!missing.isEmpty()) {
            why = "Stratum lacks " + String.join(", ", missing) + " (needed to give services their files and to stop "
                    + "their processes)";
        } else if (setpriv.isEmpty()) {
            why = "setpriv (util-linux) is not installed";
        } else if (ServiceFiles.notRunnableByOthers(java).isPresent()) {
            why = "services' users could not run the JVM Stratum runs on (" + java + "): "
                    + ServiceFiles.notRunnableByOthers(java).get() + "; run Stratum on a JDK every user may run "
                    + "(e.g. under /usr/lib/jvm or /opt)";
        } else {
            try {
                root = isolatedRoot(s);
                Optional<String> unreachable = ServiceFiles.unreachable(root);
                if (unreachable.isPresent()) {
                    why = "services' users cannot reach their directories under " + root + ": "
                            + unreachable.get() + "; set serviceRoot in io.stratum.runtime to a directory whose "
                            + "parents all let other users pass (o+x)";
                }
            } catch (IOException e) {
                why = "cannot prepare the directory of services' files: " + e.getMessage()
                        + "; set serviceRoot in io.stratum.runtime to a directory Stratum may create";
            }
            if (why == null) {
                try {
                    claims.prepare();
                } catch (IOException e) {
                    why = "cannot prepare the host-wide directory of uid claims " + claims.directory() + ": "
                            + e.getMessage() + "; set isolationUidClaims in io.stratum.runtime to a directory Stratum "
                            + "may create (the same for every Stratum on the host)";
                }
            }
        }
        if (why != null) {
            if (s.isolation() == Isolation.Mode.REQUIRED) {
                String text = "Runtime isolation is REQUIRED (isolation = required) but not possible: " + why
                        + "; no runtime will be started";
                LOG.error(text);
                return new Plan(new IsolationStatus(false, mode, text), false, true, null, plainRoot,
                        s.isolationUidStart(), claims);
            }
            String text = "Runtime isolation is OFF: " + why + "; service processes run as " + user
                    + " and can read Stratum's files";
            LOG.warn(text);
            return new Plan(new IsolationStatus(false, mode, text), false, false, null, plainRoot,
                    s.isolationUidStart(), claims);
        }
        closeControlPlane(s, root);
        claimRecordedUids(claims);
        String text = "Runtime isolation is ON: each service's processes run under a uid of their own (from "
                + s.isolationUidStart() + ", claimed host-wide in " + claims.directory() + "), with their files under "
                + root;
        LOG.info(text);
        return new Plan(new IsolationStatus(true, mode, text), true, s.isolation() == Isolation.Mode.REQUIRED,
                setpriv.get(), root, s.isolationUidStart(), claims);
    }

    /**
     * Claims the uids this store recorded that no Stratum claimed yet, and logs an ERROR for each that another
     * Stratum claimed: both gave it out, and this one will not stop its processes.
     */
    private void claimRecordedUids(UidClaims claims) {
        try {
            for (ServiceHomes.Conflict c : homes.claimRecorded(claims)) {
                LOG.error("Uid {} of service {} of this Stratum (home {}) was claimed by the Stratum whose home is {} "
                        + "(see {}): services of both may run under it and reach each other's files and processes. "
                        + "This Stratum will not stop processes of uid {}. Give the service a uid of its own: clone it "
                        + "into a new service and delete this one", c.uid(), c.serviceId(), home, c.claimant(),
                        claims.file(c.uid()), c.uid());
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("Cannot claim the uids of this Stratum's services in {}: {}; processes of unclaimed uids are "
                    + "not stopped by sweeps until they are claimed", claims.directory(), e.toString());
        }
    }

    /** The root of isolated services' directories, created {@code 0711} with any parents it lacks. */
    private Path isolatedRoot(RuntimeSettings s) throws IOException {
        Path root;
        if (s.serviceRoot() != null) {
            root = s.serviceRoot().toAbsolutePath().normalize();
        } else {
            Path mine = s.fallbackBase().resolve(hash(home));
            root = mine.resolve("services");
            ServiceFiles.directory(mine, ServiceFiles.TRAVERSABLE_DIRECTORY, null);
            Path note = mine.resolve("stratum-home");
            if (!Files.exists(note)) {
                Files.writeString(note, "Files of the services of the Stratum whose home is " + home
                        + System.lineSeparator(), StandardCharsets.UTF_8);
            }
        }
        ServiceFiles.directory(root, ServiceFiles.TRAVERSABLE_DIRECTORY, null);
        return root;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JVM", e);
        }
    }

    /**
     * Takes other users' access away from the framework's directories and the store, keeping passage through
     * those on the way to the services' root.
     */
    private void closeControlPlane(RuntimeSettings s, Path root) {
        List<Path> dirs = new ArrayList<>(s.controlPlane());
        dirs.add(homePath);
        dirs.add(homePath.resolve("store"));
        for (Path dir : dirs) {
            Path absolute = dir.toAbsolutePath().normalize();
            try {
                Optional<Integer> was = ServiceFiles.closeToOthers(absolute, root.startsWith(absolute));
                if (was.isPresent()) {
                    LOG.info("Runtime isolation: closed {} to services' users (mode {} -> {})", absolute,
                            ServiceFiles.octal(was.get()), ServiceFiles.octal(ServiceFiles.mode(absolute)));
                }
            } catch (IOException e) {
                LOG.warn("Runtime isolation: cannot close {} to services' users: {}", absolute, e.toString());
            }
        }
    }

    /** Records (once) where a service's files live and which uid its processes run under. */
    private ServiceHomes.Home home(String serviceId, Plan p) {
        return homes.ensure(serviceId, p.root(), homePath.resolve("services"), p.active(), p.uidStart(), p.claims());
    }

    @Override
    public Path serviceDirectory(String serviceId) {
        return homes.directory(serviceId, plan.root(), homePath.resolve("services"));
    }

    @Override
    public Path dataDirectory(String serviceId) {
        return serviceDirectory(serviceId).resolve("data");
    }

    @Override
    public void prepare(String serviceId) throws IOException {
        Plan p = plan;
        if (p.required() && !p.active()) {
            throw new IOException(p.status().description());
        }
        ServiceHomes.Home h;
        try {
            h = home(serviceId, p);
        } catch (UncheckedIOException e) {
            throw new IOException(e.getMessage(), e.getCause());
        }
        Integer uid = p.active() ? h.uid() : null;
        if (p.required() && uid == null) {
            throw new IOException(unisolatedReason(h));
        }
        synchronized (serviceLock(serviceId)) {
            ServiceFiles.directory(h.directory(), uid == null ? ServiceFiles.OWNER_ONLY_DIRECTORY
                    : ServiceFiles.TRAVERSABLE_DIRECTORY, null);
            ServiceFiles.directory(h.data(), ServiceFiles.OWNER_ONLY_DIRECTORY, uid);
        }
    }

    private static String unisolatedReason(ServiceHomes.Home h) {
        return "runtime isolation is required (isolation = required), but the files of service " + h.serviceId()
                + " are at " + h.directory() + ", which its own user could not reach ("
                + ServiceFiles.unreachable(h.directory()).orElse("?") + "); it was created before isolation was on: "
                + "clone it into a new service, or set isolation = auto to run it as the platform's user";
    }

    @Override
    public RuntimePlatform forService(String serviceId) {
        return new ServiceRuntimes(serviceId);
    }

    @Override
    public List<RuntimeInfo> list(String serviceId) {
        return repository.infosOfService(serviceId);
    }

    @Override
    public Map<String, List<RuntimeInfo>> listOfAccount(String accountId) {
        return repository.infosOfAccount(accountId);
    }

    @Override
    public void removeAll(String serviceId, Duration timeout) {
        for (RuntimeRecord r : repository.ofService(serviceId)) {
            remove(serviceId, r.name(), timeout);
        }
        stopStrays(serviceId);
    }

    private Object lock(String serviceId, String name) {
        return locks.computeIfAbsent(serviceId + "/" + name, k -> new Object());
    }

    private Object serviceLock(String serviceId) {
        return serviceLocks.computeIfAbsent(serviceId, k -> new Object());
    }

    // ---------------------------------------------------------------- operations

    RuntimeInfo launch(String serviceId, RuntimeSpec spec) throws RuntimeLaunchException {
        try {
            reattached.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeLaunchException("interrupted while the platform was reattaching to running runtimes "
                    + "before launching '" + spec.name() + "'", e);
        }
        synchronized (lock(serviceId, spec.name())) {
            Optional<RuntimeRecord> existing = repository.find(serviceId, spec.name());
            RuntimeRecord r;
            if (existing.isPresent()) {
                r = existing.get();
                if (alive(r).isPresent()) {
                    r = r.withDesired(RuntimeState.RUNNING).withState(RuntimeState.RUNNING, r.message());
                    repository.update(r);
                    return r.toInfo();
                }
                synchronized (portLock) {
                    Map<String, Integer> kept = new LinkedHashMap<>();
                    List<String> taken = new ArrayList<>();
                    r.ports().forEach((name, port) -> {
                        if (PortAllocator.free(port)) {
                            kept.put(name, port);
                        } else {
                            taken.add(name + " " + port);
                        }
                    });
                    Map<String, Integer> ports = ports(spec, kept);
                    String message = "";
                    if (!taken.isEmpty()) {
                        message = "port(s) " + String.join(", ", taken) + " taken by another process while it was "
                                + "stopped; now " + ports;
                        LOG.info("Runtime {}/{}: {}", serviceId, spec.name(), message);
                    }
                    r = r.withSpec(spec, ports).withDesired(RuntimeState.RUNNING)
                            .withState(RuntimeState.STARTING, message).withProcess(null, null)
                            .withRestarts(0, List.of(), null);
                    repository.update(r);
                }
            } else {
                Path dir;
                try {
                    dir = home(serviceId, plan).directory();
                } catch (RuntimeException e) {
                    throw new RuntimeLaunchException("cannot record where the files of runtime '" + spec.name()
                            + "' go: " + e.getMessage(), e);
                }
                synchronized (portLock) {
                    r = new RuntimeRecord(UUID.randomUUID().toString(), serviceId, spec.name(), RuntimeState.STARTING,
                            RuntimeState.RUNNING, spec, ports(spec, Map.of()),
                            dir.resolve("runtimes").resolve(spec.name()),
                            dir.resolve("logs").resolve(spec.name() + ".log"), null, null, 0, List.of(), null, "");
                    repository.insert(r); // before the process exists: it can always be found again
                }
            }
            return spawn(r, "launch").toInfo();
        }
    }

    void stop(String serviceId, String name, Duration timeout) {
        awaitReattached();
        synchronized (lock(serviceId, name)) {
            Optional<RuntimeRecord> found = repository.find(serviceId, name);
            if (found.isEmpty()) {
                return;
            }
            RuntimeRecord r = found.get().withDesired(RuntimeState.STOPPED);
            repository.update(r); // first, so the monitor does not restart it
            Optional<ProcessHandle> process = alive(r).or(() -> adopt(r));
            if (process.isPresent() && !terminate(r, process.get(), timeout)) {
                throw new IllegalStateException("runtime '" + name + "' (pid " + process.get().pid()
                        + ") did not stop even after SIGKILL; it is kept on record with its pid, stop it by hand");
            }
            repository.update(r.withState(RuntimeState.STOPPED, "stopped at " + Instant.now())
                    .withProcess(null, null).withRestarts(r.restarts(), r.restartTimes(), null));
            children.remove(r.id());
            stopStrays(serviceId);
        }
    }

    void remove(String serviceId, String name, Duration timeout) {
        awaitReattached();
        synchronized (lock(serviceId, name)) {
            Optional<RuntimeRecord> found = repository.find(serviceId, name);
            if (found.isEmpty()) {
                return;
            }
            RuntimeRecord r = found.get().withDesired(RuntimeState.STOPPED);
            repository.update(r);
            Optional<ProcessHandle> process = alive(r).or(() -> adopt(r));
            if (process.isPresent() && !terminate(r, process.get(), timeout)) {
                throw new IllegalStateException("runtime '" + name + "' (pid " + process.get().pid()
                        + ") could not be killed; it is kept on record");
            }
            repository.delete(r.id());
            children.remove(r.id());
            stopStrays(serviceId);
            boolean ownedByService = homes.find(serviceId).map(h -> h.uid() != null).orElse(false);
            try {
                if (ownedByService) {
                    ServiceFiles.deleteTreeSafely(r.workDir()); // other runtimes of the service may still run
                } else {
                    ServiceFiles.deleteTree(r.workDir());
                }
            } catch (IOException e) {
                LOG.warn("Cannot delete the working directory {} of runtime {}/{}: {}", r.workDir(), serviceId, name,
                        e.getMessage());
            }
        }
    }

    Optional<RuntimeInfo> status(String serviceId, String name) {
        return repository.find(serviceId, name).map(RuntimeRecord::toInfo);
    }

    /** Waits until reattachment is done; an interrupt does not end the wait (the wait is bounded by it). */
    private void awaitReattached() {
        boolean interrupted = false;
        while (true) {
            try {
                reattached.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- processes

    private Optional<ProcessHandle> alive(RuntimeRecord r) {
        return r.pid() == null ? Optional.empty() : ProcessTable.find(r.pid(), r.pidStarted(), r.id());
    }

    /** Finds the process of a runtime whose pid was never recorded (crash between start and record). */
    private Optional<ProcessHandle> adopt(RuntimeRecord r) {
        return ProcessTable.launchedBy(home).entrySet().stream()
                .filter(e -> e.getValue().equals(r.id()))
                .findFirst()
                .flatMap(e -> ProcessTable.find(e.getKey(), null, r.id()));
    }

    private boolean terminate(RuntimeRecord r, ProcessHandle p, Duration timeout) {
        LOG.info("Stopping runtime {}/{} (pid {})", r.serviceId(), r.name(), p.pid());
        return ProcessTable.terminate(p, timeout == null ? DEFAULT_STOP_TIMEOUT : timeout);
    }

    /**
     * Stops every process still running under a service's uid once none of its runtimes has a process: what a
     * runtime left behind outside its process tree (a daemon that detached). Only with isolation on (the uid is
     * the service's alone, and the platform may signal it), and only for a uid this Stratum claimed (another
     * Stratum's service may run under a uid recorded before uids were claimed).
     */
    private void stopStrays(String serviceId) {
        Plan p = plan;
        if (!p.active()) {
            return;
        }
        Optional<ServiceHomes.Home> h = homes.find(serviceId);
        if (h.isEmpty() || h.get().uid() == null || !p.claims().isMine(h.get().uid())) {
            return;
        }
        synchronized (serviceLock(serviceId)) {
            for (RuntimeRecord other : repository.ofService(serviceId)) {
                if (alive(other).isPresent()) {
                    return;
                }
            }
            stopProcessesOf(h.get().uid(), "left behind by the runtimes of service " + serviceId);
        }
    }

    private static void stopProcessesOf(int uid, String why) {
        if (uid < 1000) {
            throw new IllegalStateException("refusing to stop the processes of uid " + uid + ": not a service's");
        }
        for (long pid : ProcessTable.ownedBy(uid)) {
            ProcessHandle.of(pid).ifPresent(p -> {
                LOG.warn("Stopping process {} (uid {}), {}", pid, uid, why);
                ProcessTable.terminate(p, Duration.ofSeconds(10));
            });
        }
    }

    private Map<String, Integer> ports(RuntimeSpec spec, Map<String, Integer> current) throws RuntimeLaunchException {
        Map<String, Integer> out = new LinkedHashMap<>();
        Set<Integer> reserved = new HashSet<>(repository.allPorts());
        for (String name : spec.ports()) {
            Integer port = current.get(name);
            if (port == null) {
                try {
                    port = portAllocator.allocate(reserved);
                } catch (IOException e) {
                    throw new RuntimeLaunchException("cannot find a free port for runtime '" + spec.name() + "': "
                            + e.getMessage(), e);
                }
                reserved.add(port);
            }
            out.put(name, port);
        }
        return out;
    }

    /** Starts the process of a recorded runtime and records its pid. Caller holds the runtime's lock. */
    private RuntimeRecord spawn(RuntimeRecord r, String why) throws RuntimeLaunchException {
        Plan p = plan;
        if (p.required() && !p.active()) {
            IllegalStateException e = new IllegalStateException(p.status().description());
            failed(r, e);
            throw new RuntimeLaunchException("cannot start runtime '" + r.name() + "': " + e.getMessage(), e);
        }
        ServiceHomes.Home h;
        try {
            h = home(r.serviceId(), p);
        } catch (RuntimeException e) {
            failed(r, e);
            throw new RuntimeLaunchException("cannot record where the files of runtime '" + r.name() + "' go: "
                    + e.getMessage(), e);
        }
        Integer uid = p.active() ? h.uid() : null;
        if (p.active() && uid == null) {
            if (p.required()) {
                IllegalStateException e = new IllegalStateException(unisolatedReason(h));
                failed(r, e);
                throw new RuntimeLaunchException("cannot start runtime '" + r.name() + "': " + e.getMessage(), e);
            }
            if (warnedUnisolated.add(r.serviceId())) {
                LOG.warn("Service {} runs as the platform's user although runtime isolation is on: its files are at "
                        + "{}, which its own user could not reach ({}); clone it into a new service to isolate it",
                        r.serviceId(), h.directory(), ServiceFiles.unreachable(h.directory()).orElse("?"));
            }
        }
        List<String> command = new ArrayList<>();
        if (newSession) {
            command.add("/usr/bin/setsid");
        }
        command.addAll(OWNER_ONLY_UMASK);
        if (uid != null) {
            command.addAll(Isolation.dropTo(p.setpriv(), uid));
        }
        Map<String, String> env = new LinkedHashMap<>();
        synchronized (serviceLock(r.serviceId())) {
            try {
                String program = r.spec().command().get(0);
                Path located = locate(program).orElseThrow(() -> new IOException("program '" + program
                        + "' is not an executable file or on the PATH"));
                if (uid != null) {
                    Optional<String> closed = ServiceFiles.notRunnableByOthers(located);
                    if (closed.isPresent()) {
                        throw new IOException("program " + located + " cannot be run by the service's user (uid "
                                + uid + "): " + closed.get() + "; install it where every user may run it (a JDK "
                                + "under /usr/lib/jvm or /opt), or set isolation = off in io.stratum.runtime");
                    }
                }
                for (String arg : r.spec().command()) {
                    command.add(resolve(arg, r));
                }
                for (Map.Entry<String, String> e : r.spec().environment().entrySet()) {
                    env.put(e.getKey(), resolve(e.getValue(), r));
                }
                prepareFiles(h, r, uid, uid != null && quiet(r, uid));
                try (Writer w = Files.newBufferedWriter(r.logFile(), StandardCharsets.UTF_8,
                        StandardOpenOption.APPEND)) {
                    w.write("=== " + Instant.now() + " stratum: " + why + " runtime '" + r.name() + "'"
                            + (uid == null ? "" : " as uid " + uid) + ": " + String.join(" ", r.spec().command())
                            + System.lineSeparator());
                }
            } catch (IOException | IllegalArgumentException e) {
                failed(r, e);
                throw new RuntimeLaunchException("cannot prepare runtime '" + r.name() + "': " + e.getMessage(), e);
            }
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(r.workDir().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    // O_APPEND: the process's writes go to the end even after the log is truncated (LogRotation)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(r.logFile().toFile()))
                    .redirectErrorStream(true);
            // a runtime sees only what its spec gives it, not the platform's own environment (JAVA_TOOL_OPTIONS,
            // KARAF_*, credentials an operator exported, ...); a few variables every program expects are kept
            Map<String, String> inherited = new LinkedHashMap<>(pb.environment());
            pb.environment().clear();
            for (String keep : INHERITED_ENVIRONMENT) {
                if (inherited.containsKey(keep)) {
                    pb.environment().put(keep, inherited.get(keep));
                }
            }
            if (uid != null) {
                // the platform's user's home and name are not the service's
                pb.environment().put("HOME", r.workDir().toString());
                pb.environment().put("TMPDIR", r.workDir().resolve("tmp").toString());
                pb.environment().remove("USER");
                pb.environment().remove("LOGNAME");
            }
            pb.environment().putAll(env);
            pb.environment().put(ProcessTable.RUNTIME_ID, r.id());
            pb.environment().put(ProcessTable.HOME, home);
            Process process;
            try {
                process = pb.start();
            } catch (IOException e) {
                failed(r, e);
                throw new RuntimeLaunchException("cannot start runtime '" + r.name() + "' ("
                        + r.spec().command().get(0) + "): " + e.getMessage(), e);
            }
            children.put(r.id(), process);
            RuntimeRecord running = r.withProcess(process.pid(), ProcessTable.startedMillis(process.toHandle()))
                    .withState(RuntimeState.RUNNING, why.equals("launch") ? r.message() : "");
            repository.update(running); // inside the service's lock: stopStrays sees the process as a runtime's
            LOG.info("Runtime {}/{} started (pid {}{}, ports {}, log {})", r.serviceId(), r.name(), process.pid(),
                    uid == null ? "" : ", uid " + uid, r.ports(), r.logFile());
            return running;
        }
    }

    /**
     * Creates (or corrects) a runtime's directories and log with their owners and modes (see the class
     * comment), and gives the service's user what the platform wrote into its directories, if none of its
     * processes runs. Caller holds the service's lock.
     */
    private static void prepareFiles(ServiceHomes.Home h, RuntimeRecord r, Integer uid, boolean quiet)
            throws IOException {
        Path logs = r.logFile().getParent();
        Path runtimes = r.workDir().getParent();
        if (uid == null) {
            ServiceFiles.directory(h.directory(), ServiceFiles.OWNER_ONLY_DIRECTORY, null);
            ServiceFiles.directory(h.data(), ServiceFiles.OWNER_ONLY_DIRECTORY, null);
            ServiceFiles.directory(runtimes, ServiceFiles.OWNER_ONLY_DIRECTORY, null);
            ServiceFiles.directory(r.workDir(), ServiceFiles.OWNER_ONLY_DIRECTORY, null);
            ServiceFiles.directory(logs, ServiceFiles.OWNER_ONLY_DIRECTORY, null);
            ServiceFiles.file(r.logFile(), ServiceFiles.OWNER_ONLY_FILE, null);
            return;
        }
        ServiceFiles.directory(h.directory(), ServiceFiles.TRAVERSABLE_DIRECTORY, null);
        ServiceFiles.directory(h.data(), ServiceFiles.OWNER_ONLY_DIRECTORY, uid);
        ServiceFiles.directory(runtimes, ServiceFiles.TRAVERSABLE_DIRECTORY, null);
        ServiceFiles.directory(r.workDir(), ServiceFiles.OWNER_ONLY_DIRECTORY, uid);
        ServiceFiles.directory(logs, ServiceFiles.OWNER_ONLY_DIRECTORY, null);
        ServiceFiles.file(r.logFile(), ServiceFiles.OWNER_ONLY_FILE, uid);
        if (quiet) {
            int given = ServiceFiles.giveTree(h.data(), uid) + ServiceFiles.giveTree(r.workDir(), uid);
            if (given > 0) {
                LOG.debug("Gave {} file(s) of service {} to uid {}", given, r.serviceId(), uid);
            }
        }
        ServiceFiles.directory(r.workDir().resolve("tmp"), ServiceFiles.OWNER_ONLY_DIRECTORY, uid);
    }

    /**
     * Tells whether no process of a service runs besides the runtime about to start: none under its uid, and no
     * other runtime of it has one (a process just started may not have dropped to the uid yet). Caller holds the
     * service's lock, under which every process of the service is started and recorded.
     */
    private boolean quiet(RuntimeRecord starting, int uid) {
        if (!ProcessTable.ownedBy(uid).isEmpty()) {
            return false;
        }
        return repository.ofService(starting.serviceId()).stream()
                .noneMatch(o -> !o.id().equals(starting.id()) && alive(o).isPresent());
    }

    /** @return the program's file: as given if it names a path, else the first match on the PATH */
    private static Optional<Path> locate(String program) {
        if (program.contains("/")) {
            Path p = Path.of(program);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/bin:/bin" : path).split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Optional.of(Path.of(dir, program));
            }
        }
        return Optional.empty();
    }

    private void failed(RuntimeRecord r, Exception e) {
        repository.update(r.withState(RuntimeState.FAILED, "could not be launched: " + e.getMessage())
                .withProcess(null, null));
    }

    private static String resolve(String value, RuntimeRecord r) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group(1).equals("workdir")) {
                replacement = r.workDir().toString();
            } else {
                Integer port = r.ports().get(m.group(2));
                if (port == null) {
                    throw new IllegalArgumentException("placeholder ${port." + m.group(2) + "} names a port the spec "
                            + "does not declare " + r.ports().keySet());
                }
                replacement = port.toString();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    // ---------------------------------------------------------------- recovery and monitoring

    /**
     * What follows activation, on the monitor's thread: reattachment (launches, stops and removals wait for it),
     * then the first sweep for orphans.
     */
    private void startup() {
        try {
            reattach();
        } catch (RuntimeException e) {
            LOG.error("Reattaching to running runtimes failed; the monitor will restart runtimes whose processes it "
                    + "does not find", e);
        } finally {
            reattached.countDown();
        }
        sweepOrphansQuietly();
    }

    /** Reconciles the records with the processes that exist after a (re)start of the platform. */
    private void reattach() {
        Map<Long, String> marked = ProcessTable.launchedBy(home);
        for (RuntimeRecord r : repository.all()) {
            synchronized (lock(r.serviceId(), r.name())) {
                reattach(r, marked);
            }
        }
    }

    private void reattach(RuntimeRecord recorded, Map<Long, String> marked) {
        RuntimeRecord r = recorded;
        Optional<ProcessHandle> process = alive(r);
        if (process.isEmpty() && r.pid() == null) {
            process = marked.entrySet().stream().filter(e -> e.getValue().equals(recorded.id())).findFirst()
                    .flatMap(e -> ProcessTable.find(e.getKey(), null, recorded.id()));
            if (process.isPresent()) {
                LOG.info("Adopted runtime {}/{} (pid {}), launched just before the platform stopped",
                        r.serviceId(), r.name(), process.get().pid());
                r = r.withProcess(process.get().pid(), ProcessTable.startedMillis(process.get()));
            }
        }
        if (process.isPresent()) {
            if (r.desired() == RuntimeState.RUNNING) {
                LOG.info("Reattached to runtime {}/{} (pid {})", r.serviceId(), r.name(), r.pid());
                repository.update(r.withState(RuntimeState.RUNNING, r.message()));
            } else {
                terminate(r, process.get(), DEFAULT_STOP_TIMEOUT);
                repository.update(r.withState(RuntimeState.STOPPED, r.message()).withProcess(null, null));
            }
        } else if (r.desired() == RuntimeState.RUNNING
                && (r.state() == RuntimeState.RUNNING || r.state() == RuntimeState.STARTING)) {
            // died while the platform was down, or was never started: the monitor applies the restart policy
            repository.update(r.withState(RuntimeState.RUNNING, r.message()));
        }
    }

    private void sweepOrphansQuietly() {
        try {
            sweepOrphans();
        } catch (RuntimeException e) {
            LOG.error("Orphan sweep failed", e);
        }
    }

    /**
     * Stops processes under the uids of deleted services that this Stratum claimed, and processes launched by this
     * platform's home whose runtime has no record. Processes are listed
     * before records are read: a row is always written before its process starts, so a process seen here
     * whose row is missing from the later read is really an orphan.
     */
    private void sweepOrphans() {
        Plan current = plan;
        if (current.active()) {
            for (int uid : homes.uidsOfDeletedServices()) {
                if (current.claims().isMine(uid)) {
                    stopProcessesOf(uid, "of a deleted service");
                }
            }
        }
        Map<Long, String> marked = ProcessTable.launchedBy(home);
        if (marked.isEmpty()) {
            return;
        }
        Set<String> known = new HashSet<>();
        repository.all().forEach(r -> known.add(r.id()));
        marked.forEach((pid, runtimeId) -> {
            if (!known.contains(runtimeId)) {
                // looked up again by marker: the pid may have been reused since the listing
                ProcessTable.find(pid, null, runtimeId).ifPresent(p -> {
                    LOG.warn("Stopping orphaned runtime process {} (runtime {} has no record)", pid, runtimeId);
                    ProcessTable.terminate(p, Duration.ofSeconds(10));
                });
            }
        });
    }

    private void checkAllQuietly() {
        if (reattached.getCount() > 0) {
            return; // a record's process may be about to be adopted
        }
        try {
            RuntimeSettings s = settings;
            for (RuntimeRecord r : repository.all()) {
                if (r.desired() == RuntimeState.RUNNING) {
                    check(r.serviceId(), r.name());
                }
                rotateLog(r, s);
            }
        } catch (RuntimeException e) {
            LOG.error("Runtime monitor failed", e);
        }
    }

    private static void rotateLog(RuntimeRecord r, RuntimeSettings s) {
        try {
            if (LogRotation.rotateIfLarger(r.logFile(), s.logMaxBytes(), s.logKeep())) {
                LOG.debug("Rotated the log {} of runtime {}/{}", r.logFile(), r.serviceId(), r.name());
            }
        } catch (IOException e) {
            LOG.warn("Cannot rotate the log {} of runtime {}/{}: {}", r.logFile(), r.serviceId(), r.name(),
                    e.toString());
        }
    }

    /** Restarts a runtime that died on its own, within its policy. */
    private void check(String serviceId, String name) {
        synchronized (lock(serviceId, name)) {
            Optional<RuntimeRecord> found = repository.find(serviceId, name);
            if (found.isEmpty() || found.get().desired() != RuntimeState.RUNNING) {
                return;
            }
            RuntimeRecord r = found.get();
            if (r.state() == RuntimeState.FAILED || r.state() == RuntimeState.STARTING) {
                return;
            }
            long now = System.currentTimeMillis();
            if (r.state() == RuntimeState.RESTARTING) {
                if (r.nextRestartAt() != null && now >= r.nextRestartAt()) {
                    try {
                        spawn(r.withRestarts(r.restarts() + 1, r.restartTimes(), null), "restart");
                    } catch (RuntimeLaunchException e) {
                        LOG.warn("Runtime {}/{} could not be restarted: {}", serviceId, name, e.getMessage());
                    }
                }
                return;
            }
            if (alive(r).isPresent()) {
                return;
            }
            RuntimeSpec.RestartPolicy policy = r.spec().restartPolicy();
            String exit = exitDescription(r);
            List<Long> recent = new ArrayList<>(r.restartTimes());
            recent.removeIf(t -> t < now - policy.window().toMillis());
            if (recent.size() >= policy.maxRestarts()) {
                String message = exit + "; restart policy gave up (" + policy.maxRestarts() + " restarts within "
                        + policy.window().toSeconds() + " s); see " + r.logFile();
                LOG.warn("Runtime {}/{} failed: {}", serviceId, name, message);
                repository.update(r.withState(RuntimeState.FAILED, message).withProcess(null, null)
                        .withRestarts(r.restarts(), recent, null));
                children.remove(r.id());
                return;
            }
            long backoff = policy.initialBackoff().toMillis() << Math.min(recent.size(), 16);
            recent.add(now + backoff);
            String message = exit + "; restart " + recent.size() + " of " + policy.maxRestarts() + " in "
                    + policy.window().toSeconds() + " s, in " + backoff + " ms";
            LOG.warn("Runtime {}/{} died: {}", serviceId, name, message);
            repository.update(r.withState(RuntimeState.RESTARTING, message).withProcess(null, null)
                    .withRestarts(r.restarts(), recent, now + backoff));
            children.remove(r.id());
        }
    }

    private String exitDescription(RuntimeRecord r) {
        Process child = children.get(r.id());
        if (child != null && !child.isAlive()) {
            return "exited with code " + child.exitValue() + " at " + Instant.now();
        }
        return r.pid() == null ? "was not running" : "process " + r.pid() + " is gone (" + Instant.now() + ")";
    }

    /** The runtime platform as one service's engine sees it. */
    private final class ServiceRuntimes implements RuntimePlatform {
        private final String serviceId;

        ServiceRuntimes(String serviceId) {
            this.serviceId = serviceId;
        }

        @Override
        public RuntimeInfo launch(RuntimeSpec spec) throws RuntimeLaunchException {
            return NativeProcessRuntimes.this.launch(serviceId, spec);
        }

        @Override
        public void stop(String name, Duration timeout) {
            NativeProcessRuntimes.this.stop(serviceId, name, timeout);
        }

        @Override
        public void remove(String name, Duration timeout) {
            NativeProcessRuntimes.this.remove(serviceId, name, timeout);
        }

        @Override
        public Optional<RuntimeInfo> status(String name) {
            return NativeProcessRuntimes.this.status(serviceId, name);
        }

        @Override
        public List<RuntimeInfo> list() {
            return NativeProcessRuntimes.this.list(serviceId);
        }
    }
}
