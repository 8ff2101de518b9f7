package io.stratum.platform.internal.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * File modes and owners of what the runtime platform keeps for services. Every operation here works on the path
 * it is given without following a symbolic link at its last component, and refuses a symbolic link where a
 * directory is expected: the directories it works in belong to the platform up to the service's own directories,
 * so a service cannot swap a platform path for a link to a file elsewhere.
 * <p>
 * POSIX only (Linux); on a file system without POSIX attributes modes and owners are left as they are.
 */
final class ServiceFiles {

    /** {@code rwx------}: a directory only its owner may enter. */
    static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    /** {@code rw-------}: a file only its owner may read. */
    static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    /** {@code rwx--x--x}: a directory others may pass through (to a directory of their own) but not list. */
    static final Set<PosixFilePermission> TRAVERSABLE_DIRECTORY = PosixFilePermissions.fromString("rwx--x--x");

    private ServiceFiles() {
    }

    /**
     * Creates a directory if missing (its missing parents too, with the same mode) and gives it a mode and,
     * if {@code uid} is not {@code null}, an owner (user and group {@code uid}).
     *
     * @param dir the directory
     * @param mode its mode
     * @param uid its owner, or {@code null} to keep the creating user
     * @throws IOException if it cannot be created or is not a directory (a symbolic link is refused)
     */
    static void directory(Path dir, Set<PosixFilePermission> mode, Integer uid) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = dir.getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                directory(parent, mode, null);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(mode));
            } catch (FileAlreadyExistsException raced) {
                // created meanwhile: checked below
            } catch (UnsupportedOperationException noPosix) {
                Files.createDirectories(dir);
            }
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory" + (Files.isSymbolicLink(dir) ? " (a symbolic link)" : ""));
        }
        set(dir, mode, uid);
    }

    /**
     * Creates a file if missing (empty) and gives it a mode and, if {@code uid} is not {@code null}, an owner.
     *
     * @param file the file
     * @param mode its mode
     * @param uid its owner, or {@code null} to keep the creating user
     * @throws IOException if it cannot be created or is not a regular file
     */
    static void file(Path file, Set<PosixFilePermission> mode, Integer uid) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(mode));
            } catch (FileAlreadyExistsException raced) {
                // created meanwhile: checked below
            } catch (UnsupportedOperationException noPosix) {
                Files.createFile(file);
            }
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(file + " is not a regular file");
        }
        set(file, mode, uid);
    }

    private static void set(Path p, Set<PosixFilePermission> mode, Integer uid) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return;
        }
        if (uid != null && (owner(p) != uid || group(p) != uid)) {
            Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
        }
        if (!view.readAttributes().permissions().equals(mode)) {
            view.setPermissions(mode);
        }
    }

    /** @return the owner's uid of a path (not following a link) */
    static int owner(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    private static int group(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    }

    /** @return the mode bits of a path (not following a link), e.g. {@code 0700} */
    static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    /**
     * Gives every directory and regular file in a tree that does not belong to {@code uid} to it: owner and group
     * {@code uid}, directories {@code 0700}, files {@code 0600} ({@code 0700} if their owner could execute them).
     * Files that already belong to the uid are the service's own business and are left as they are; symbolic
     * links, sockets and the like are skipped. For what the platform wrote into a service's directories (an
     * engine creating a database, copying a WAR) before the service's processes run.
     * <p>
     * Only safe while no process of {@code uid} runs: a process of the uid could otherwise swap a directory of
     * the tree for a link while the walk is in it.
     *
     * @param top the tree (nothing happens if it does not exist)
     * @param uid the service's uid
     * @return how many entries were changed
     * @throws IOException if an entry cannot be changed
     */
    static int giveTree(Path top, int uid) throws IOException {
        if (!Files.isDirectory(top, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        int[] changed = {0};
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                give(dir, OWNER_ONLY_DIRECTORY);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    boolean executable = (mode(file) & 0100) != 0;
                    give(file, executable ? OWNER_ONLY_DIRECTORY : OWNER_ONLY_FILE);
                }
                return FileVisitResult.CONTINUE;
            }

            private void give(Path p, Set<PosixFilePermission> mode) throws IOException {
                if (owner(p) != uid) {
                    set(p, mode, uid);
                    changed[0]++;
                }
            }
        });
        return changed[0];
    }

    /**
     * Deletes a tree without following links, where a process of the tree's owner may be changing it meanwhile:
     * through {@code rm -rf}, whose traversal (gnulib fts) opens every directory relative to its parent and never
     * follows a link, so a swapped-in link cannot make the platform delete outside the tree.
     *
     * @param dir the tree (nothing happens if it does not exist)
     * @throws IOException if it could not be deleted
     */
    static void deleteTreeSafely(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Process rm = new ProcessBuilder(Files.isExecutable(Path.of("/bin/rm")) ? "/bin/rm" : "rm", "-rf", "--",
                dir.toString()).redirectErrorStream(true).start();
        String output;
        try {
            output = new String(rm.getInputStream().readAllBytes()).strip();
            if (!rm.waitFor(60, TimeUnit.SECONDS)) {
                rm.destroyForcibly();
                throw new IOException("rm -rf " + dir + " took longer than 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while deleting " + dir, e);
        }
        if (rm.exitValue() != 0) {
            throw new IOException("rm -rf " + dir + " failed (" + rm.exitValue() + "): " + output);
        }
    }

    /**
     * Deletes a tree that no process other than the platform's changes (walking it, not following links).
     *
     * @param dir the tree (nothing happens if it does not exist)
     * @throws IOException if something in it cannot be deleted
     */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted((a, b) -> b.getNameCount() - a.getNameCount())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Tells why users other than a path's owner cannot reach it: a directory on the way (or the path itself)
     * that they may not pass through ({@code o+x} missing). Group and ACL entries are not considered: a service's
     * user is in no group but its own.
     *
     * @param p an absolute path
     * @return why it cannot be reached, or empty if it can
     */
    static Optional<String> unreachable(Path p) {
        Path absolute = p.toAbsolutePath().normalize();
        List<Path> chain = new ArrayList<>();
        for (Path q = absolute; q != null; q = q.getParent()) {
            chain.add(0, q);
        }
        for (Path q : chain) {
            try {
                if (Files.isDirectory(q) && (mode(q.toRealPath()) & 0001) == 0) {
                    return Optional.of(q + " is mode " + octal(mode(q.toRealPath()))
                            + ", which other users may not pass through (o+x)");
                }
            } catch (IOException e) {
                return Optional.of("cannot read the mode of " + q + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * Tells why users other than its owner cannot run a program: it (or what its links point to) is not
     * executable by others, or a directory on the way is closed to them.
     *
     * @param program the program's path
     * @return why they cannot, or empty if they can
     */
    static Optional<String> notRunnableByOthers(Path program) {
        Optional<String> way = unreachable(program.getParent() == null ? program : program.getParent());
        if (way.isPresent()) {
            return way;
        }
        try {
            Path real = program.toRealPath();
            if (!real.equals(program.toAbsolutePath().normalize())) {
                Optional<String> realWay = unreachable(real.getParent());
                if (realWay.isPresent()) {
                    return realWay;
                }
            }
            int mode = mode(real);
            if ((mode & 0001) == 0) {
                return Optional.of(real + " is mode " + octal(mode) + ", which other users may not execute (o+x)");
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot read " + program + ": " + e.getMessage());
        }
    }

    /**
     * Takes read and write access (and, unless {@code keepTraverse}, passage) to a directory away from users
     * other than its owner and group, and write access from its group.
     *
     * @param dir a directory (nothing happens if it does not exist)
     * @param keepTraverse whether others may still pass through it (to a directory of their own below it)
     * @return the mode it had, if it was changed
     * @throws IOException if its mode cannot be read or changed
     */
    static Optional<Integer> closeToOthers(Path dir, boolean keepTraverse) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        int before = mode(dir);
        int after = before & ~0020 & ~(keepTraverse ? 0006 : 0007);
        if (after == before) {
            return Optional.empty();
        }
        Files.setAttribute(dir, "unix:mode", after, LinkOption.NOFOLLOW_LINKS);
        return Optional.of(before);
    }

    /** @return a mode as four octal digits, e.g. {@code 0755} */
    static String octal(int mode) {
        return String.format("%04o", mode);
    }
}
