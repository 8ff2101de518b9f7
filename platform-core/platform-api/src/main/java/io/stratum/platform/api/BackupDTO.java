package io.stratum.platform.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A backup: the state of one service, an environment or an account at one point in time, in the backup repository.
 *
 * @param id its id (also the name of its manifest)
 * @param account the account its services belong to
 * @param scope {@code service}, {@code environment} or {@code account}
 * @param source the name of the service, environment or account backed up
 * @param takenAt the point in time: when every member was locked
 * @param createdAt when it was complete
 * @param requestedBy who asked for it ({@code system:backup-schedule} for a schedule)
 * @param jobId the job that took it
 * @param logicalBytes the size of its artifacts
 * @param newBytes the bytes it added to the repository (compressed chunks not stored before)
 * @param members its services (empty in listings)
 */
public record BackupDTO(String id, String account, String scope, String source, Instant takenAt, Instant createdAt,
        String requestedBy, long jobId, long logicalBytes, long newBytes, List<MemberDTO> members) {

    /** Copies. */
    public BackupDTO {
        members = members == null ? List.of() : List.copyOf(members);
    }

    /**
     * One service in a backup.
     *
     * @param serviceId the id of the service it was taken of
     * @param name that service's name
     * @param serviceType its service type
     * @param sdpVersion the version of the SDP it was created with
     * @param plan its plan
     * @param artifacts how many artifacts
     * @param bytes their size
     * @param lockedMillis how long the service stayed locked
     * @param configuration its configuration when it was backed up
     * @param providers provider type to the name of the service that provided it
     */
    public record MemberDTO(String serviceId, String name, String serviceType, String sdpVersion, String plan,
            int artifacts, long bytes, long lockedMillis, Map<String, String> configuration,
            Map<String, String> providers) {

        /** Copies. */
        public MemberDTO {
            configuration = configuration == null ? Map.of() : Map.copyOf(configuration);
            providers = providers == null ? Map.of() : Map.copyOf(providers);
        }
    }
}
