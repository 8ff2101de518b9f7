package io.stratum.platform.internal.service;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.internal.util.ConfigReader;
import io.stratum.sme.api.descriptor.ConfigProperty;
import io.stratum.sme.api.descriptor.ConfigType;
import io.stratum.sme.api.descriptor.SdpDescriptor;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Which files on the Stratum host a caller may name in a configuration value of type {@link ConfigType#FILE}. The
 * platform reads such a file as its own user (an engine copies it), so naming one is reading it: a platform admin
 * (or a platform component acting on its own) may name any regular file the platform can read; anyone else only a
 * file whose real path (every link followed, {@code ..} resolved) lies under one of the directories the operator
 * opened to tenants ({@value #KEY} of {@value ServiceManager#PID}). Everything else is refused with
 * {@link Reason#FORBIDDEN} and one message that names those directories and says what to do, the same whether the
 * file is missing, unreadable, not a regular file or outside them, so a tenant learns nothing of the host's files.
 * <p>
 * A request that comes through the Open Service Broker API is a tenant's for this purpose, though the broker acts as
 * a system caller: its parameters come from the users of the platform that calls the broker.
 * <p>
 * Immutable; a configuration change replaces it whole.
 */
public final class HostFiles {

    /** The key of the directories opened to tenants in {@value ServiceManager#PID}. */
    public static final String KEY = "tenantFileRoots";

    private final List<Path> tenantRoots;
    private final Path base;
    private final List<Path> protectedDirectories;

    /**
     * @param tenantRoots the directories whose files tenants may name (absolute)
     * @param base the directory relative values are taken from (the Stratum home)
     * @param protectedDirectories directories of the platform's own files, which no root may contain or lie in
     */
    public HostFiles(List<Path> tenantRoots, Path base, List<Path> protectedDirectories) {
        this.base = base.toAbsolutePath().normalize();
        this.tenantRoots = tenantRoots.stream().map(p -> this.base.resolve(p).normalize()).distinct().toList();
        this.protectedDirectories = protectedDirectories.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    /**
     * The defaults of a platform whose framework properties are the JVM's system properties (as in Karaf): tenants may
     * name the files of the distribution's {@code examples/} (where the sample application is), relative values are
     * taken from {@code karaf.base}, and {@code karaf.etc}, {@code karaf.data} and {@code karaf.base/deploy} are
     * protected. Without {@code karaf.base} (outside Karaf) no directory is open to tenants and relative values are
     * taken from the working directory.
     *
     * @return the defaults
     */
    public static HostFiles defaults() {
        String karafBase = System.getProperty("karaf.base");
        Path base = karafBase == null || karafBase.isBlank() ? Path.of("") : Path.of(karafBase);
        List<Path> protectedDirectories = new ArrayList<>();
        for (String property : List.of("karaf.etc", "karaf.data")) {
            String dir = System.getProperty(property);
            if (dir != null && !dir.isBlank()) {
                protectedDirectories.add(Path.of(dir));
            }
        }
        if (karafBase != null && !karafBase.isBlank()) {
            protectedDirectories.add(base.resolve("deploy"));
        }
        return new HostFiles(karafBase == null || karafBase.isBlank() ? List.of() : List.of(base.resolve("examples")),
                base, protectedDirectories);
    }

    /**
     * Reads {@value #KEY}: paths separated by commas (or a list of them); relative ones are taken from the Stratum
     * home; empty: no directory is open to tenants; absent: the default. A value with an unresolved {@code ${...}},
     * or naming a directory that contains or lies in one of the platform's own (its {@code etc/}, data or
     * {@code deploy/} directories), is refused with a warning and the roots in effect are kept.
     *
     * @param properties the component's properties
     * @param defaults the defaults (also the base and the protected directories)
     * @param kept the roots in effect, kept when the value is refused
     * @param reader where refusals are logged
     * @return the roots to use
     */
    static HostFiles read(Map<String, ?> properties, HostFiles defaults, HostFiles kept, ConfigReader reader) {
        Object raw = properties == null ? null : properties.get(KEY);
        if (raw == null) {
            return defaults;
        }
        List<String> entries = new ArrayList<>();
        Collection<?> values = raw instanceof Collection<?> c ? c : raw instanceof Object[] a ? Arrays.asList(a)
                : List.of(raw);
        for (Object value : values) {
            for (String entry : String.valueOf(value).split(",")) {
                if (!entry.isBlank()) {
                    entries.add(entry.strip());
                }
            }
        }
        String allowed = "directories separated by commas (absolute, or relative to the Stratum home), none holding "
                + "or inside Stratum's own etc/, data or deploy/ directories; or empty for none";
        List<Path> roots = new ArrayList<>();
        for (String entry : entries) {
            Path root = root(defaults.base, entry);
            if (root == null || defaults.protectedDirectories.stream()
                    .anyMatch(p -> p.startsWith(root) || root.startsWith(p))) {
                reader.refuse(KEY, raw, allowed, kept.tenantRoots);
                return kept;
            }
            roots.add(root);
        }
        return new HostFiles(roots, defaults.base, defaults.protectedDirectories);
    }

    /** @return the directory an entry of {@value #KEY} names, or {@code null} if it names none */
    private static Path root(Path base, String entry) {
        try {
            return entry.contains("${") ? null : base.resolve(entry).normalize();
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** @return the directories whose files tenants may name (absolute, as configured) */
    public List<Path> tenantRoots() {
        return tenantRoots;
    }

    /**
     * @param caller who asks
     * @param platformAdmin whether that caller administers the platform (system callers do)
     * @return whether the caller may name any file of the host
     */
    static boolean anyFile(Caller caller, boolean platformAdmin) {
        return platformAdmin && !(caller.isSystem() && Caller.VIA_OSB.equals(caller.via()));
    }

    /**
     * Checks the values of type {@link ConfigType#FILE} that a user set and replaces each with the real path of its
     * file. Values the SDP sets (defaults, plans) are left as they are.
     *
     * @param descriptor the SDP's descriptor
     * @param user the keys the user set, with their values
     * @param effective the effective configuration
     * @param anyFile whether the caller may name any file (see {@link #anyFile})
     * @return the effective configuration with each checked value replaced by its real path
     * @throws PlatformException FORBIDDEN (a tenant's value) or INVALID (a platform admin's) if a value names no file
     *     the caller may name
     */
    public Map<String, String> resolve(SdpDescriptor descriptor, Map<String, String> user,
            Map<String, String> effective, boolean anyFile) {
        Map<String, String> out = new TreeMap<>(effective);
        for (Map.Entry<String, ConfigProperty> e : new TreeMap<>(descriptor.configSchema()).entrySet()) {
            String value = user.get(e.getKey());
            if (e.getValue() != null && e.getValue().type() == ConfigType.FILE && value != null) {
                out.put(e.getKey(), resolve(e.getKey(), value, anyFile).toString());
            }
        }
        return out;
    }

    /**
     * @param key the configuration key, for messages
     * @param value its value: a path (relative ones are taken from the Stratum home) or a {@code file:} URL
     * @param anyFile whether the caller may name any file (see {@link #anyFile})
     * @return the real path of the file
     * @throws PlatformException FORBIDDEN (a tenant's value) or INVALID (a platform admin's, or a value that is no
     *     path at all) if the value names no file the caller may name
     */
    public Path resolve(String key, String value, boolean anyFile) {
        Path path = path(key, value);
        Path real;
        try {
            real = path.toRealPath();
        } catch (NoSuchFileException e) {
            throw anyFile ? new PlatformException(Reason.INVALID, "configuration '" + key + "': there is no file "
                    + path + " on the Stratum host") : refusal(key, value);
        } catch (IOException | SecurityException e) {
            throw anyFile ? new PlatformException(Reason.INVALID, "configuration '" + key + "': Stratum cannot reach "
                    + path + " (" + e.getClass().getSimpleName() + "); check the permissions of its directories")
                    : refusal(key, value);
        }
        if (!anyFile && !isUnderRoot(real)) {
            throw refusal(key, value);
        }
        if (!Files.isRegularFile(real) || !Files.isReadable(real)) {
            throw anyFile ? new PlatformException(Reason.INVALID, "configuration '" + key + "': " + path
                    + (path.equals(real) ? "" : " (" + real + ")") + (Files.isDirectory(real) ? " is a directory"
                            : Files.isRegularFile(real) ? " cannot be read by Stratum's user" : " is not a regular file")
                    + "; name a file Stratum's user can read") : refusal(key, value);
        }
        return real;
    }

    private Path path(String key, String value) {
        try {
            if (value.isBlank() || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("blank");
            }
            // not normalized: ".." is left to the file system, which resolves it after the link before it
            return base.resolve(value.startsWith("file:") ? Path.of(URI.create(value)) : Path.of(value));
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            throw new PlatformException(Reason.INVALID, "configuration '" + key + "' must be the path of a file on the "
                    + "Stratum host (or a file: URL), not '" + value + "'");
        }
    }

    /** @return whether the real path lies under the real path of a root (a root that does not exist holds nothing) */
    private boolean isUnderRoot(Path real) {
        for (Path root : tenantRoots) {
            try {
                if (real.startsWith(root.toRealPath())) {
                    return true;
                }
            } catch (IOException | SecurityException e) {
                // a root that is missing or cannot be reached holds no file anyone may name
            }
        }
        return false;
    }

    /** The one answer a tenant gets for any value that names no file they may name. */
    private PlatformException refusal(String key, String value) {
        String where = tenantRoots.isEmpty() ? "no directory is open to tenants here, so ask a platform admin to "
                + "create the service for you, or to open a directory to tenants (" + KEY + " in etc/"
                + ServiceManager.PID + ".cfg) and place the file there"
                : "ask a platform admin to place the file in " + (tenantRoots.size() == 1 ? "" : "one of ")
                        + tenantRoots.stream().map(Path::toString).collect(Collectors.joining(", "))
                        + ", then name it there";
        return new PlatformException(Reason.FORBIDDEN, "configuration '" + key + "' ('" + value + "'): only platform "
                + "admins may name files of the Stratum host outside the directories opened to tenants, and only "
                + "readable regular files inside them; " + where);
    }
}
