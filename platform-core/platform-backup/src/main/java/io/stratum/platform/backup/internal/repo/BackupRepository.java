package io.stratum.platform.backup.internal.repo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A content-addressed, deduplicating store of backups. Each backup is a {@link Manifest}: members with artifacts,
 * each artifact an ordered list of chunks cut by content ({@link FastCdc}), named by their SHA-256 and stored
 * compressed, once, whichever backups, services and accounts share them.
 *
 * <p>Guarantees: a manifest is written last, atomically, after every chunk it names is durable, so a backup
 * interrupted at any point (process killed, power lost) leaves no manifest. Garbage collection never deletes a
 * chunk of a complete backup or of a backup still being written (also by another process on the same storage).
 * Every read checks every chunk against its name, and extraction checks a whole artifact before the target is
 * touched.
 *
 * <p>Thread-safe: any method may be called from any thread, also while writers are open.
 */
public interface BackupRepository extends AutoCloseable {

    /** The repository's name, as configured (e.g. {@code local}); used in messages. */
    String name();

    /** Where the repository keeps its data; used in messages. */
    Path root();

    /**
     * Starts writing a backup. Until {@link BackupWriter#commit} the backup is <em>pending</em>: invisible to
     * {@link #find}, {@link #list} and copies, its chunks protected from garbage collection.
     *
     * @param backupId 1 to 100 of {@code A-Z a-z 0-9 . _ -}
     * @throws IllegalArgumentException if the id is not allowed
     * @throws IOException              if a backup with that id exists, complete or pending (the message says which),
     *                                  or the repository cannot be written
     */
    BackupWriter begin(String backupId) throws IOException;

    /**
     * The manifest of a complete backup.
     *
     * @return empty if there is no complete backup with that id (a pending one is not found)
     * @throws IOException if the manifest exists but cannot be read (the message names its file)
     */
    Optional<Manifest> find(String backupId) throws IOException;

    /**
     * All complete backups, oldest first (by {@link Manifest#createdAt()}, then id). A manifest that cannot be read
     * is left out and logged.
     */
    List<Manifest> list() throws IOException;

    /**
     * Backups begun but not committed: writers still open, or writers that died (their markers stay until
     * {@link #abandon} or until garbage collection finds them older than the grace period).
     */
    List<PendingBackup> pending() throws IOException;

    /**
     * Gives up a pending backup whose writer is gone (its process died): removes its marker, so its id can be used
     * again and garbage collection may take the chunks only it used.
     *
     * @return whether there was such a marker
     * @throws IOException if the backup's writer is still open in this repository object
     */
    boolean abandon(String backupId) throws IOException;

    /**
     * Reads, decompresses and hashes every chunk of every artifact of a backup, and checks each artifact's size and
     * whole SHA-256. Goes on after a problem, so the report lists all of them.
     *
     * @throws IOException if there is no such complete backup, or its manifest cannot be read
     */
    VerifyReport verify(String backupId, Progress progress) throws IOException;

    /**
     * Restores one artifact to a file. The artifact is written to a temporary file next to {@code target} while
     * every chunk and then the whole artifact are checked; only when all checks pass is the temporary file fsynced
     * and moved onto {@code target} atomically (replacing a file there, so the disk needs room for both for a
     * moment). The file is created 0600. Missing parent directories are created (0700) and removed again when the
     * extraction fails.
     *
     * @throws CorruptBackupException if a chunk is missing or damaged or the artifact's size or SHA-256 do not match;
     *                                {@code target} is then exactly as it was
     * @throws IOException            if the backup, member or artifact does not exist, or {@code target} is a
     *                                directory or cannot be written
     */
    void extract(String backupId, String member, String artifact, Path target, Progress progress) throws IOException;

    /**
     * Streams one artifact, checking each chunk as it is read; at the end of the stream the artifact's size and
     * SHA-256 are checked too. A caller that must not act on damaged data uses {@link #extract} instead (which
     * checks everything before anything is used).
     *
     * @throws CorruptBackupException from {@code read} when a chunk or (at the end) the whole artifact fails its check
     * @throws IOException            if the backup, member or artifact does not exist
     */
    InputStream open(String backupId, String member, String artifact) throws IOException;

    /**
     * Deletes a complete backup's manifest. Its chunks stay until {@link #collectGarbage()} finds no other backup
     * using them.
     *
     * @return whether there was such a backup
     */
    boolean delete(String backupId) throws IOException;

    /**
     * Deletes every chunk that no complete backup references and no live pending backup has used. A pending backup
     * is live while its writer is open in this object or it added a chunk within the grace period (24 h by default),
     * so a backup being written by another process on the same storage is safe too. Storage that holds chunks in
     * groups (packs) may keep some unreferenced chunks until enough of their group is unreferenced. Also cleans up
     * after crashes: removes temporary files, markers of committed backups and markers older than the grace period,
     * and rebuilds lost indexes.
     *
     * @throws IOException if a manifest cannot be read (nothing is deleted then, since its chunks are unknown), or
     *                     another garbage collection is running on the same repository
     */
    GcReport collectGarbage() throws IOException;

    /**
     * Copies a complete backup to another repository, sending only the chunks the target lacks; the target's
     * manifest is written last (through a {@link BackupWriter} of the target, so the target's garbage collection
     * cannot take the copied chunks meanwhile). The copy keeps the id, time, properties and members.
     *
     * @return what was sent; if the target already holds an identical backup, nothing is sent
     * @throws CorruptBackupException if a chunk of this repository is missing or damaged (nothing is committed to the
     *                                target)
     * @throws IOException            if there is no such backup here, or the target holds a different backup (or a
     *                                pending one) with that id
     */
    CopyReport copyTo(String backupId, BackupRepository target, Progress progress) throws IOException;

    /**
     * Whether this repository holds the chunk now (durably: only chunks of sealed packs count). A chunk another
     * process stored within the last second may be reported missing; it is then sent or stored again, which costs
     * room until garbage collection and nothing else.
     */
    boolean hasChunk(String sha256) throws IOException;

    /**
     * The chunk's bytes as stored (a zstd frame), for copying to another repository. Not checked: the receiver checks.
     *
     * @throws java.nio.file.NoSuchFileException if the chunk is not here
     */
    byte[] readStoredChunk(String sha256) throws IOException;

    /**
     * Stores a chunk received in its stored form, after checking that it decompresses to bytes whose SHA-256 is
     * {@code sha256}. Does nothing if the chunk is already here. A chunk stored this way is referenced by no backup
     * until a manifest names it, so garbage collection may take it; copies use {@link BackupWriter#importChunk}.
     *
     * @throws CorruptBackupException if {@code stored} does not decompress to bytes that hash to {@code sha256}
     */
    void writeStoredChunk(String sha256, byte[] stored) throws IOException;

    /** Counts chunks and stored bytes, and sums the logical size of all complete backups. Reads every manifest. */
    RepositoryStats stats() throws IOException;

    /** Ends what the repository runs (threads, native contexts). Writers still open fail. Never throws. */
    @Override
    void close();
}
