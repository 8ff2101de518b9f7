package io.stratum.testkit.sme;

import io.stratum.sme.api.TaskMonitor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Small pieces engine tests share. */
public final class EngineFixtures {

    /** A monitor that ignores progress and is never cancelled. */
    public static final TaskMonitor QUIET = new TaskMonitor() {
        @Override
        public void progress(int percent, String message) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    };

    private EngineFixtures() {
    }

    /**
     * @param folder a folder of jars, e.g. the {@code target/classes/runtime} an SDP build copies them to
     * @return their URLs, as the SDP bundle would list its entries
     * @throws IOException if the folder cannot be listed
     */
    public static List<URL> jarsIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar")).map(p -> {
                try {
                    return p.toUri().toURL();
                } catch (MalformedURLException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
