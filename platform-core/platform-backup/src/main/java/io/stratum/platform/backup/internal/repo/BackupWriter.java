package io.stratum.platform.backup.internal.repo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * One backup being written: artifacts are added (as streams or files, from several threads at once), then the
 * backup is {@linkplain #commit committed}, which makes it complete and visible. Closing a writer that was not
 * committed aborts the backup: its pending marker is removed and the chunks only it used are left for garbage
 * collection.
 *
 * <p>Thread-safe: {@link #artifact} and {@link #addFile} may be called from several threads at once; each returned
 * stream belongs to one thread.
 */
public interface BackupWriter extends AutoCloseable {

    /** Supplies a chunk in its stored form, for {@link #importChunk}. */
    @FunctionalInterface
    interface StoredChunkSource {

        /** The stored bytes (a zstd frame) of chunk {@code sha256}. */
        byte[] read(String sha256) throws IOException;
    }

    /** The id this writer was begun with. */
    String backupId();

    /**
     * Opens a new artifact. Bytes written are cut into chunks as they come; chunks are hashed, compressed and stored
     * by the repository's worker threads (the stream blocks when too many chunks are in flight, which bounds memory).
     * The artifact becomes part of the backup when the stream is closed without error.
     *
     * @throws IllegalArgumentException if a name is not allowed ({@link Names#checkName rules})
     * @throws IOException              if the member already has an artifact of that name in this backup, or the
     *                                  writer is committed or closed
     */
    OutputStream artifact(String member, String name) throws IOException;

    /** Adds a file as an artifact: the same result as streaming the file into {@link #artifact}, without copies. */
    void addFile(String member, String name, Path file) throws IOException;

    /**
     * Makes sure the repository holds a chunk for a backup being copied into it: if it lacks the chunk, reads it from
     * {@code source} and stores it after checking it ({@link BackupRepository#writeStoredChunk}). The chunk is
     * protected from garbage collection like the chunks of {@link #artifact}.
     *
     * @return the number of stored bytes received from {@code source}, 0 if the chunk was already here
     * @throws CorruptBackupException if the bytes from {@code source} do not hash to {@code sha256}
     */
    long importChunk(String sha256, StoredChunkSource source) throws IOException;

    /**
     * Commits the backup: makes the chunks this writer stored durable and visible (seals its last pack: fsync,
     * rename, index, directory fsync), checks that every chunk the backup references is present, writes the manifest
     * atomically (temporary file, fsync, rename, directory fsync), removes the pending marker.
     * Members are sorted by key, artifacts by name; a member may have properties and no artifacts.
     *
     * @param properties       properties of the whole backup (null: none)
     * @param memberProperties properties per member key (null: none)
     * @return the manifest written
     * @throws IOException if an artifact stream is still open or failed, a referenced chunk is gone, or writing fails;
     *                     nothing is committed then and the writer can still be closed (aborted)
     */
    Manifest commit(Map<String, String> properties, Map<String, Map<String, String>> memberProperties) throws IOException;

    /**
     * Commits a copy of a backup from another repository, keeping its id, time, properties and members. Every chunk
     * it names must have been {@linkplain #importChunk imported} through this writer or be present already.
     *
     * @throws IOException if the manifest's id is not this writer's, a chunk is missing, or writing fails
     */
    Manifest commitCopy(Manifest copy) throws IOException;

    /** What this writer has written so far. */
    WriteStats stats();

    /** Aborts the backup if it was not committed (open artifact streams are discarded); does nothing after commit. */
    @Override
    void close() throws IOException;
}
