package io.stratum.sme.api.descriptor;

import java.util.List;

/**
 * How the services of an SDP take part in a staged backup or restore.
 * <p>
 * Example: {@code "backup": {"lockBefore": ["database"]}} in an application server's descriptor locks an
 * application server before the databases of the same backup (and unlocks it after them), so that no request
 * it serves writes to a database that is already saved.
 *
 * @param lockBefore service types whose services of the same backup are locked after this one's (and unlocked
 *     before)
 */
public record BackupSpec(List<String> lockBefore) {

    /** No ordering. */
    public static final BackupSpec NONE = new BackupSpec(List.of());

    /** Normalizes an absent list to an empty one. */
    public BackupSpec {
        lockBefore = lockBefore == null ? List.of() : List.copyOf(lockBefore);
    }
}
