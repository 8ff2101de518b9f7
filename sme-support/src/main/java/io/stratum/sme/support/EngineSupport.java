package io.stratum.sme.support;

import io.stratum.sme.api.SmeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;

/**
 * What engines that run a Java program shipped inside their SDP need again and again: copying the program's
 * jars next to a service's data (so the service does not depend on the SDP bundle staying installed), finding
 * the JVM to run them with, pausing while waiting, and removing a service's files.
 */
public final class EngineSupport {

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
     * Copies the jars a service's processes run into a folder next to its data, each under its own file name;
     * a jar already there is kept (file names carry versions). Each copy appears whole or not at all.
     *
     * @param jars the jars, e.g. from {@link #bundledJars}
     * @param lib the folder
     * @param what what the jars are, for messages (e.g. {@code the proxy's jars})
     * @throws SmeException if there are no jars (a broken SDP), or, transient, if one cannot be copied
     */
    public static void installJars(List<URL> jars, Path lib, String what) throws SmeException {
        if (jars.isEmpty()) {
            throw new SmeException("the SDP bundle is broken: it holds no runtime/*.jar");
        }
        try {
            Files.createDirectories(lib);
            for (URL jar : jars) {
                Path target = lib.resolve(Path.of(jar.getPath()).getFileName().toString());
                if (Files.exists(target)) {
                    continue;
                }
                try (InputStream in = jar.openStream()) {
                    copyAtomically(in, target);
                }
            }
        } catch (IOException e) {
            throw SmeException.transientFailure("cannot install " + what + " in " + lib + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a stream to a file through a temporary file and an atomic move, so readers never see half a file.
     *
     * @param in what to write
     * @param target the file (its folder is created if needed)
     * @throws IOException on a read or write error
     */
    public static void copyAtomically(InputStream in, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
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
