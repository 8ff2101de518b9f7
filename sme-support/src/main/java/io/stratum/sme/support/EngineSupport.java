package io.stratum.sme.support;

import io.stratum.sme.api.SmeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;

/**
 * What engines that run a Java program shipped inside their SDP need again and again: copying the program's
 * jars next to a service's data (so the service does not depend on the SDP bundle staying installed), finding
 * the JVM to run them with, pausing while waiting, and removing a service's files.
 * <p>
 * Files and directories these helpers create belong to the owner (user and group) of the directory they are
 * created in, and are readable and writable by that owner only ({@code 0600}, directories {@code 0700}): when the
 * platform runs each service's processes under a user of their own, a service's data directory belongs to that
 * user, so what an engine (running in the platform, as the platform's user) installs there is the service's to
 * read, and no one else's.
 */
public final class EngineSupport {

    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");

    private EngineSupport() {
    }

    /**
     * @param bundle an SDP bundle
     * @param folder a folder inside it, e.g. {@code runtime}
     * @return the jars directly in that folder (empty if there are none)
     */
    public static List<URL> bundledJars(Bundle bundle, String folder) {
        Enumeration<URL> jars = bundle.findEntries(folder, "*.jar", false);
        return jars == null ? List.of() : Collections.list(jars);
    }

    /** @return the {@code java} executable of the JVM the platform runs on */
    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Makes a folder next to a service's data hold exactly the jars a service's processes run, each under its own
     * file name: a jar that is missing or whose content differs from the bundled one is installed (see
     * {@link #installIfChanged}), so an updated SDP's jars reach existing services when they next start; a jar
     * the SDP no longer bundles (an older version's file name) is removed, so a classpath of {@code lib/*} never
     * holds two versions of one library. Jars whose content is unchanged are not touched.
     *
     * @param jars the jars, e.g. from {@link #bundledJars}
     * @param lib the folder
     * @param what what the jars are, for messages (e.g. {@code the proxy's jars})
     * @throws SmeException if there are no jars (a broken SDP), or, transient, if one cannot be installed
     */
    public static void installJars(List<URL> jars, Path lib, String what) throws SmeException {
        if (jars.isEmpty()) {
            throw new SmeException("the SDP bundle is broken: it holds no runtime/*.jar");
        }
        try {
            Set<String> names = new HashSet<>();
            for (URL jar : jars) {
                String name = Path.of(jar.getPath()).getFileName().toString();
                names.add(name);
                installIfChanged(jar, lib.resolve(name));
            }
            try (Stream<Path> present = Files.list(lib)) {
                for (Path p : (Iterable<Path>) present::iterator) {
                    String name = p.getFileName().toString();
                    if (name.endsWith(".jar") && !names.contains(name)) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException e) {
            throw SmeException.transientFailure("cannot install " + what + " in " + lib + ": " + e.getMessage(), e);
        }
    }

    /**
     * Installs a resource (e.g. a jar bundled in an SDP) at a path, only if the file there is missing or differs
     * from it: the SHA-256 of the resource and of the file are compared. A file with the same content is left as
     * it is (same inode, same modification time). A missing or different one is replaced atomically (written
     * whole to a temporary file in the same folder, then renamed over it; see {@link #copyAtomically}): a process
     * that has the old file open keeps reading the old content, whole, and one that opens it afterwards reads
     * the new. The file belongs to the owner of its folder, mode {@code 0600}.
     *
     * @param resource the resource
     * @param target where to install it (missing folders are created)
     * @return whether the file was written
     * @throws IOException if the resource cannot be read or the file cannot be written
     */
    public static boolean installIfChanged(URL resource, Path target) throws IOException {
        if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            // nothing to compare with (a new service): no need to read the resource twice
            try (InputStream in = resource.openStream()) {
                copyAtomically(in, target);
            }
            return true;
        }
        byte[] wanted;
        try (InputStream in = resource.openStream()) {
            wanted = sha256(in);
        }
        byte[] present;
        try (InputStream in = Files.newInputStream(target, LinkOption.NOFOLLOW_LINKS)) {
            present = sha256(in);
        }
        if (MessageDigest.isEqual(wanted, present)) {
            giveToFolderOwner(target, OWNER_ONLY_FILE);
            return false;
        }
        try (InputStream in = resource.openStream()) {
            copyAtomically(in, target);
        }
        return true;
    }

    /**
     * Writes a stream to a file through a temporary file in the same folder and an atomic move, so readers never
     * see half a file, and one that has the old file open keeps it whole. The content is on disk before the move
     * (a crash leaves the old file or the new one). The file belongs to the owner of its folder, mode
     * {@code 0600}; missing folders are created, each belonging to the owner of its parent, mode {@code 0700}.
     *
     * @param in what to write
     * @param target the file
     * @throws IOException on a read or write error
     */
    public static void copyAtomically(InputStream in, Path target) throws IOException {
        createFolders(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName().toString(), ".tmp");
        try {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            giveToFolderOwner(tmp, OWNER_ONLY_FILE);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static byte[] sha256(InputStream in) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JVM", e);
        }
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) > 0; ) {
            digest.update(buffer, 0, n);
        }
        return digest.digest();
    }

    /** Creates a folder and its missing parents, each belonging to the owner of its parent, mode 0700. */
    private static void createFolders(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            createFolders(parent);
        }
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException raced) {
            if (!Files.isDirectory(dir)) {
                throw raced;
            }
            return;
        }
        giveToFolderOwner(dir, OWNER_ONLY_FOLDER);
    }

    /**
     * Gives a file the owner and group of its folder (possible only for root, or where they already match) and
     * a mode. Does nothing on a file system without POSIX owners.
     */
    private static void giveToFolderOwner(Path p, Set<PosixFilePermission> mode) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null || !Files.getFileStore(p).supportsFileAttributeView("unix")) {
            return;
        }
        Path folder = p.toAbsolutePath().getParent();
        int uid = (Integer) Files.getAttribute(folder, "unix:uid");
        int gid = (Integer) Files.getAttribute(folder, "unix:gid");
        if ((Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS) != uid) {
            Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        }
        if ((Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS) != gid) {
            Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        }
        if (!view.readAttributes().permissions().equals(mode)) {
            view.setPermissions(mode);
        }
    }

    /**
     * Deletes a folder and everything in it; nothing happens if it does not exist.
     *
     * @param dir the folder
     * @throws IOException if something in it cannot be deleted
     */
    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.comparingInt(Path::getNameCount).reversed())
                    ::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Sleeps while waiting for something; an interruption (the platform stopping) ends the wait with an error.
     *
     * @param ms how long
     * @throws SmeException if interrupted (the interrupt flag is kept)
     */
    public static void pause(long ms) throws SmeException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SmeException("interrupted", e);
        }
    }
}
