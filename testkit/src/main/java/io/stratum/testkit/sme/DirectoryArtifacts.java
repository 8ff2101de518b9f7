package io.stratum.testkit.sme;

import io.stratum.sme.api.BackupEngine;
import io.stratum.sme.api.ServiceContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The artifacts of one service's backup as files in a directory, for tests of an engine's {@link BackupEngine}: the
 * sink a backup writes to and the source a restore reads from (the platform's repository chunks, compresses and
 * checks them; none of that matters to an engine). Names are checked as the API describes them.
 */
public final class DirectoryArtifacts implements BackupEngine.ArtifactSink, BackupEngine.ArtifactSource {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._/-]+");

    private final Path dir;
    private final BackupEngine.Origin origin;

    /**
     * @param dir the directory (created if missing)
     * @param of the service the backup is of
     * @throws IOException if the directory cannot be created
     */
    public DirectoryArtifacts(Path dir, ServiceContext of) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.origin = new BackupEngine.Origin(of.serviceId(), of.name(), of.account(), "1.0.0", Instant.now());
    }

    @Override
    public OutputStream create(String name) throws IOException {
        Path file = path(name);
        Files.createDirectories(file.getParent());
        return Files.newOutputStream(file);
    }

    @Override
    public void add(String name, Path file) throws IOException {
        Path target = path(name);
        Files.createDirectories(target.getParent());
        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public BackupEngine.Origin origin() {
        return origin;
    }

    @Override
    public List<String> names() {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dir, e);
        }
    }

    @Override
    public InputStream open(String name) throws IOException {
        return Files.newInputStream(existing(name));
    }

    /** Hands out a copy, as the platform does: the engine may move or delete it. */
    @Override
    public Path file(String name) throws IOException {
        Path copy = Files.createTempFile(dir.getParent(), "artifact", ".tmp");
        Files.copy(existing(name), copy, StandardCopyOption.REPLACE_EXISTING);
        return copy;
    }

    /**
     * @param name an artifact's name
     * @return its file in the directory
     */
    public Path path(String name) {
        if (!NAME.matcher(name).matches() || name.contains("..") || name.startsWith("/")) {
            throw new IllegalArgumentException("not an artifact name: " + name);
        }
        return dir.resolve(name);
    }

    private Path existing(String name) throws IOException {
        Path file = path(name);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no artifact '" + name + "' in this backup");
        }
        return file;
    }
}
