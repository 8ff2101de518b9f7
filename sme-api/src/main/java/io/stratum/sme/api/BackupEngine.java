package io.stratum.sme.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Capability of an engine that can back up and restore its services; the platform runs it in stages over a
 * set of services (all {@link #lock}, then all {@link #backup}, then all {@link #unlock}).
 */
@ConsumerType
public interface BackupEngine {

    /**
     * Brings the service into a state where a consistent backup can be taken (e.g. blocks writes).
     *
     * @param service the service
     * @param monitor progress and cancellation
     * @throws SmeException if the service cannot be locked
     */
    void lock(ServiceContext service, TaskMonitor monitor) throws SmeException;

    /**
     * Writes the service's state as named artifacts.
     *
     * @param service the service
     * @param sink where artifacts go
     * @param monitor progress and cancellation
     * @throws SmeException if the backup fails
     */
    void backup(ServiceContext service, ArtifactSink sink, TaskMonitor monitor) throws SmeException;

    /**
     * Undoes {@link #lock}. Always called after a lock, also after a failed backup; safe to call twice.
     *
     * @param service the service
     * @param monitor progress and cancellation
     * @throws SmeException if the service cannot be unlocked
     */
    void unlock(ServiceContext service, TaskMonitor monitor) throws SmeException;

    /**
     * Replaces the service's state with what a backup wrote.
     *
     * @param service the service
     * @param source the artifacts of the backup (checksums verified by the platform)
     * @param monitor progress and cancellation
     * @throws SmeException if the restore fails
     */
    void restore(ServiceContext service, ArtifactSource source, TaskMonitor monitor) throws SmeException;

    /** Where a backup writes its artifacts. */
    @ProviderType
    interface ArtifactSink {
        /**
         * @param name the artifact's name, unique within the backup of one service
         * @return a stream the engine writes and closes
         * @throws IOException if the artifact cannot be created
         */
        OutputStream create(String name) throws IOException;
    }

    /** Where a restore reads artifacts from. */
    @ProviderType
    interface ArtifactSource {
        /** @return the names of the artifacts of the backup */
        List<String> names();

        /**
         * @param name the artifact's name
         * @return a stream the engine reads and closes
         * @throws IOException if the artifact cannot be read
         */
        InputStream open(String name) throws IOException;
    }
}
