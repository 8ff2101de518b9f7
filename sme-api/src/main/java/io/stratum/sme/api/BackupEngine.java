package io.stratum.sme.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Capability of an engine that can back up and restore its services. The platform registers it as an OSGi service
 * of its own (with {@code stratum.service.type} and {@code stratum.sdp.version}) and runs it in stages over a set of
 * services, so that several services are saved at one point in time:
 * <ol>
 * <li>every {@link #lock}, one service after the other in the order the SDP descriptors declare
 * ({@link io.stratum.sme.api.descriptor.BackupSpec#lockBefore()});</li>
 * <li>once all are locked, every {@link #backup}, in parallel;</li>
 * <li>every {@link #unlock}, in the reverse order. Unlock always runs for every service whose lock was attempted,
 * also after a failed lock or backup, and may run twice.</li>
 * </ol>
 * A restore is staged the same way: every lock, then every {@link #restore} in parallel, then every unlock.
 * <p>
 * Keep the time between lock and unlock short: {@link #backup} should copy files (a database's file after a
 * checkpoint) rather than export them. The platform chunks, compresses, checksums and stores the artifacts after
 * all services are unlocked, and measures how long each service stayed locked.
 * <p>
 * Version 2.0 (from 1.x): {@link #restore} may restore a backup of another service of the same SDP version into
 * this one (a clone), {@link ArtifactSource#origin()} says which, and artifacts may be handed over as files.
 */
@ConsumerType
public interface BackupEngine {

    /**
     * Brings the service into a state where a consistent backup can be taken: writes are paused and what was written
     * is on disk. Other services of the same backup may be locked already.
     *
     * @param service the service
     * @param monitor progress and cancellation
     * @throws SmeException if the service cannot be locked
     */
    void lock(ServiceContext service, TaskMonitor monitor) throws SmeException;

    /**
     * Writes the service's state as named artifacts, while it is locked. The state is everything that a new service
     * created with the same plan and configuration would lack: data, schema, deployed applications, routes, settings
     * changed after creation. Not the service's identity (credentials, ports), which the platform keeps.
     *
     * @param service the service
     * @param sink where artifacts go
     * @param monitor progress and cancellation
     * @throws SmeException if the backup fails
     */
    void backup(ServiceContext service, ArtifactSink sink, TaskMonitor monitor) throws SmeException;

    /**
     * Undoes {@link #lock}. Always called after a lock was attempted, also after a failed lock or backup; harmless
     * when the service is not locked (twice, or after its runtime restarted).
     *
     * @param service the service
     * @param monitor progress and cancellation
     * @throws SmeException if the service cannot be unlocked
     */
    void unlock(ServiceContext service, TaskMonitor monitor) throws SmeException;

    /**
     * Replaces the service's state with what a backup wrote, while it is locked; the engine may stop and start the
     * service's runtimes to do so and leaves them running. The backup may be of another service of the same SDP
     * version ({@link ArtifactSource#origin()}): the engine keeps this service's own identity (its credentials,
     * ports, names and bindings) and takes only the state. The platform has verified every artifact's checksum
     * before this is called; if this fails, the platform reports the service as failed, so leave it restorable
     * (restoring the same backup again must work).
     *
     * @param service the service to restore into
     * @param source the artifacts of the backup
     * @param monitor progress and cancellation
     * @throws SmeException if the restore fails
     */
    void restore(ServiceContext service, ArtifactSource source, TaskMonitor monitor) throws SmeException;

    /** Where a backup writes its artifacts. */
    @ProviderType
    interface ArtifactSink {
        /**
         * @param name the artifact's name, unique within the backup of one service: letters, digits, {@code . _ -}
         *     and {@code /}, no {@code ..}
         * @return a stream the engine writes and closes
         * @throws IOException if the artifact cannot be created
         */
        OutputStream create(String name) throws IOException;

        /**
         * Adds a file as an artifact. The platform may take it faster than through a stream (a file copy).
         *
         * @param name the artifact's name (as for {@link #create})
         * @param file a regular file the engine does not change until this returns
         * @throws IOException if the file cannot be read or the artifact written
         */
        default void add(String name, Path file) throws IOException {
            try (OutputStream out = create(name)) {
                Files.copy(file, out);
            }
        }
    }

    /** Where a restore reads artifacts from; every artifact's checksum was verified before the restore began. */
    @ProviderType
    interface ArtifactSource {
        /** @return the service the backup was taken of, and when */
        Origin origin();

        /** @return the names of the artifacts of the backup */
        List<String> names();

        /**
         * @param name the artifact's name
         * @return a stream the engine reads and closes
         * @throws IOException if the artifact cannot be read
         */
        InputStream open(String name) throws IOException;

        /**
         * @param name the artifact's name
         * @return the artifact as a verified file that the engine may read, move or delete until the restore ends
         * @throws IOException if the artifact cannot be read
         */
        Path file(String name) throws IOException;
    }

    /**
     * The service a backup was taken of.
     *
     * @param serviceId its id
     * @param name its name
     * @param account its account's name
     * @param sdpVersion the version of the SDP it was created with
     * @param takenAt the point in time of the backup (when every service was locked)
     */
    record Origin(String serviceId, String name, String account, String sdpVersion, Instant takenAt) {
    }
}
