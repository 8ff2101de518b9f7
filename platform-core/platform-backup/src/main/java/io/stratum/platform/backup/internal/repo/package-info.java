/**
 * The backup repository: a content-addressed, deduplicating store of backups.
 *
 * <p>{@link io.stratum.platform.backup.internal.repo.BackupRepository} is what the backup orchestrator and the clone
 * service use; {@link io.stratum.platform.backup.internal.repo.LocalRepository} keeps it in a local directory. A backup
 * is written through a {@link io.stratum.platform.backup.internal.repo.BackupWriter}: artifacts are cut into chunks by
 * content ({@link io.stratum.platform.backup.internal.repo.FastCdc}), each named by its SHA-256, compressed with zstd
 * and stored once in append-only packs; the backup becomes visible when its JSON
 * {@link io.stratum.platform.backup.internal.repo.Manifest} is written, last. Use one {@code LocalRepository} object
 * per directory in a process (it holds the thread pools and the in-memory chunk index); other processes on the same
 * directory are safe, through the files alone.
 *
 * <p>Private to the bundle (not exported).
 */
package io.stratum.platform.backup.internal.repo;
