package io.stratum.platform.api;

import java.time.Instant;
import java.util.Map;

/**
 * A patch found in the patch folder: a JSON file with its metadata and what it changes, checked against the
 * SHA-256 of the file published beside it ({@code <file>.sha256}).
 *
 * @param id the patch's id, unique in the folder
 * @param file the patch file's name
 * @param serviceType the service type it patches
 * @param sdpVersions the SDP versions it applies to, as an OSGi version range (e.g. {@code [1.0.0,1.1.0)})
 * @param kind {@code SOFT} if the SDP can apply every change live, else {@code HARD} (a restart in the service's
 *     chosen slot)
 * @param title one line
 * @param description what it changes and why
 * @param configuration the configuration values it sets
 * @param sha256 the file's SHA-256
 * @param state whether it can be applied
 * @param reason why it is refused, else empty
 * @param foundAt when the folder watcher read it
 */
public record PatchDTO(String id, String file, String serviceType, String sdpVersions, String kind, String title,
        String description, Map<String, String> configuration, String sha256, State state, String reason,
        Instant foundAt) {

    /** Copies the configuration. */
    public PatchDTO {
        configuration = Map.copyOf(configuration);
    }

    /** Whether a patch can be applied. */
    public enum State {
        /** Well formed, checksum right, its type installed. */
        VALID,
        /** Refused: see the reason. */
        REFUSED
    }
}
