package io.stratum.platform.backup.internal;

import io.stratum.sme.api.BackupEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Artifacts of one service in a staging directory of the platform: where an engine's backup writes while its service
 * is locked (a plain file copy, so the lock is short), and where a restore reads verified artifacts from.
 */
final class StagedArtifacts {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

    private StagedArtifacts() {
    }

    /**
     * @param name an artifact's name
     * @return it, checked
     * @throws IOException if it is not a relative path of letters, digits and {@code . _ -} without {@code ..}
     */
    static String checkName(String name) throws IOException {
        if (name == null || !NAME.matcher(name).matches() || name.length() > 200
                || List.of(name.split("/")).stream().anyMatch(p -> p.equals(".") || p.equals(".."))) {
            throw new IOException("artifact name '" + name + "' refused: use letters, digits, '.', '_', '-' and '/', "
                    + "at most 200 characters, no '.' or '..' parts");
        }
        return name;
    }

    /**
     * @param dir the member's staging directory
     * @return a sink that writes artifacts there
     */
    static BackupEngine.ArtifactSink sink(Path dir) {
        return new BackupEngine.ArtifactSink() {
            @Override
            public OutputStream create(String name) throws IOException {
                Path file = file(dir, name);
                Files.createDirectories(file.getParent());
                return Files.newOutputStream(file);
            }

            @Override
            public void add(String name, Path source) throws IOException {
                Path file = file(dir, name);
                Files.createDirectories(file.getParent());
                Files.copy(source, file, StandardCopyOption.REPLACE_EXISTING);
            }
        };
    }

    /**
     * @param dir a member's staging directory
     * @param names the names of its artifacts
     * @param origin what the backup was taken of
     * @return a source over the staged files
     */
    static BackupEngine.ArtifactSource source(Path dir, List<String> names, BackupEngine.Origin origin) {
        List<String> copy = List.copyOf(names);
        return new BackupEngine.ArtifactSource() {
            @Override
            public BackupEngine.Origin origin() {
                return origin;
            }

            @Override
            public List<String> names() {
                return copy;
            }

            @Override
            public InputStream open(String name) throws IOException {
                return Files.newInputStream(file(name));
            }

            @Override
            public Path file(String name) throws IOException {
                if (!copy.contains(name)) {
                    throw new IOException("the backup has no artifact '" + name + "' (it has " + copy + ")");
                }
                return StagedArtifacts.file(dir, name);
            }
        };
    }

    /**
     * @param dir a member's staging directory
     * @return the names of the artifacts staged there, sorted
     * @throws IOException if it cannot be read
     */
    static List<String> names(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(f -> names.add(dir.relativize(f).toString().replace('\\', '/')));
        }
        names.sort(null);
        return names;
    }

    /**
     * Deletes a staging directory and everything in it; nothing if it is not there.
     *
     * @param dir the directory
     * @throws IOException if something cannot be deleted
     */
    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static Path file(Path dir, String name) throws IOException {
        Path file = dir.resolve(checkName(name)).normalize();
        if (!file.startsWith(dir)) {
            throw new IOException("artifact name '" + name + "' leaves its directory");
        }
        return file;
    }

}
