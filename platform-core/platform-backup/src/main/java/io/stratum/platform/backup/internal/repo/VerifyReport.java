package io.stratum.platform.backup.internal.repo;

import java.util.List;

/**
 * The outcome of {@link BackupRepository#verify}.
 *
 * @param backupId      the backup verified
 * @param chunksChecked chunk references read, decompressed and hashed (a chunk used twice counts twice)
 * @param bytesChecked  uncompressed bytes hashed
 * @param problems      one line per damaged chunk or artifact, naming member, artifact and chunk; empty when the
 *                      backup is whole
 */
public record VerifyReport(String backupId, long chunksChecked, long bytesChecked, List<String> problems) {

    /** Copies the problem list. */
    public VerifyReport {
        problems = List.copyOf(problems);
    }

    /** Whether every chunk and every artifact checked out. */
    public boolean ok() {
        return problems.isEmpty();
    }
}
