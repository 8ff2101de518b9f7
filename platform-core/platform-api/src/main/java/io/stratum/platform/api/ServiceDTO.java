package io.stratum.platform.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A service.
 *
 * @param id its immutable id
 * @param account the owning account's name
 * @param name its name
 * @param serviceType its service type
 * @param sdpName the SDP it was created from
 * @param sdpVersion that SDP's version
 * @param plan its plan
 * @param configuration its effective configuration
 * @param state its lifecycle state
 * @param stateMessage why it is in that state (e.g. the error of its last failed job), or empty
 * @param engineAvailable whether an engine for its type and version is installed now; when not, the service
 *     keeps running but cannot be managed until one returns
 * @param health its health ({@code HEALTHY}, {@code STARTING}, {@code UNHEALTHY}, {@code STOPPED},
 *     {@code UNKNOWN}): live in {@link PlatformService#getService}; in {@link PlatformService#listServices} the
 *     last health the platform saw of a service that should be serving (running, its last job failed, or
 *     external; the platform checks them every {@code healthWatchSeconds}, 15 by default), {@code STOPPED} for a
 *     stopped one, else {@code UNKNOWN}
 * @param healthMessage explanation of the health (in lists: with its age when it is a minute old or more)
 * @param connection how to connect, or {@code null} (not in lists; not while it cannot be told)
 * @param runtimes its runtimes
 * @param activeJobId the job working on it now, or 0
 * @param createdAt when it was created
 * @param updatedAt when its record last changed
 * @param providers provider type to the name of the service it is associated with
 * @param dependants names of the services associated with it as their provider
 * @param environment the environment it belongs to, or empty
 * @param external whether it is an external provider (registered by URL; Stratum does not run it)
 */
public record ServiceDTO(
        String id,
        String account,
        String name,
        String serviceType,
        String sdpName,
        String sdpVersion,
        String plan,
        Map<String, String> configuration,
        ServiceState state,
        String stateMessage,
        boolean engineAvailable,
        String health,
        String healthMessage,
        ConnectionDTO connection,
        List<RuntimeDTO> runtimes,
        long activeJobId,
        Instant createdAt,
        Instant updatedAt,
        Map<String, String> providers,
        List<String> dependants,
        String environment,
        boolean external) {

    /**
     * How to connect to a service.
     *
     * @param url the URL
     * @param user the user, or {@code null}
     * @param password the password, or {@code null}
     * @param properties further details
     */
    public record ConnectionDTO(String url, String user, String password, Map<String, String> properties) {
    }

    /**
     * One runtime of a service.
     *
     * @param name its name within the service
     * @param state {@code STARTING}, {@code RUNNING}, {@code RESTARTING}, {@code STOPPED} or {@code FAILED}
     * @param pid its process id, or -1
     * @param ports port names to ports
     * @param logFile where its output goes
     * @param restarts how often it was restarted after dying
     * @param message the last thing worth telling about it
     * @param startedAt when its process started, or {@code null}
     */
    public record RuntimeDTO(
            String name,
            String state,
            long pid,
            Map<String, Integer> ports,
            String logFile,
            int restarts,
            String message,
            Instant startedAt) {
    }
}
