package io.stratum.sme.api.runtime;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * The recorded state of one runtime.
 *
 * @param name the runtime's name within its service
 * @param state its state
 * @param pid the process id while it runs, else -1
 * @param ports port names to the ports chosen for them
 * @param workingDirectory the runtime's working directory
 * @param logFile the file its standard output and error go to
 * @param startedAt when its current process started, or {@code null}
 * @param restarts how many times it was restarted after dying on its own
 * @param message the last thing worth telling about it (e.g. why it failed), or empty
 */
public record RuntimeInfo(
        String name,
        RuntimeState state,
        long pid,
        Map<String, Integer> ports,
        Path workingDirectory,
        Path logFile,
        Instant startedAt,
        int restarts,
        String message) {

    /** Copies. */
    public RuntimeInfo {
        ports = ports == null ? Map.of() : Map.copyOf(ports);
        message = message == null ? "" : message;
    }

    /**
     * @param portName a port name of the runtime's spec
     * @return the port chosen for it
     * @throws IllegalArgumentException if the runtime has no such port
     */
    public int port(String portName) {
        Integer port = ports.get(portName);
        if (port == null) {
            throw new IllegalArgumentException("runtime '" + name + "' has no port '" + portName + "'");
        }
        return port;
    }
}
