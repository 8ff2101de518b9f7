package io.stratum.sme.database;

import io.stratum.sme.api.SmeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a copy of an open H2 file opens at. H2 2.5 (MVStore) finds a file's newest state from the store header in its
 * first blocks and from the position each chunk predicted for the next one. When a chunk is written elsewhere than
 * predicted (in freed space H2 reuses, which happens as soon as earlier chunks are no longer needed), H2 rewrites the
 * header while writing that chunk, but the header then names the chunk <em>before</em> it. Until a later chunk rewrites
 * the header again, a reader of the file (a copy, or the same file after a kill of the server) cannot find the newest
 * chunk and opens the state before it: on a 1.5 GB database a minute after a bulk load, the backup's one-time login,
 * created just before the copy, was missing from every copy.
 * <p>
 * {@link #makeFindable} makes sure a copy holds everything committed: after the last change that must be in the copy,
 * it commits small changes of its own until H2 has rewritten the header (H2 does so at least every 21 chunks), so the
 * header names a chunk at least as new as that change.
 */
final class StoreHeader {

    private static final Logger LOG = LoggerFactory.getLogger(StoreHeader.class);

    /** H2 writes its header in the first block of the file (and again in the second). */
    private static final int HEADER_BYTES = 4096;

    /** H2 rewrites the header at least every 21 versions; this is far more than needed. */
    static final int MAX_CHANGES = 64;

    private StoreHeader() {
    }

    /**
     * Commits changes to the comment of {@code user} (a login that exists for the copy only) until H2 has rewritten
     * the header of {@code file}: from then on a copy of the file opens at a state that holds every change committed
     * before this call. Runs on the session that holds the database in exclusive mode, so no other session writes.
     *
     * @return how many changes it took
     * @throws SmeException (transient) when the header did not change within {@value #MAX_CHANGES} changes
     */
    static int makeFindable(Path file, Statement session, String user) throws SQLException, IOException, SmeException {
        byte[] before = read(file);
        for (int changes = 1; changes <= MAX_CHANGES; changes++) {
            session.execute("COMMENT ON USER " + DependantLogins.quoted(user) + " IS 'backup point " + changes + "'");
            if (!Arrays.equals(before, read(file))) {
                LOG.debug("{}: H2 rewrote its header after {} change(s)", file, changes);
                return changes;
            }
        }
        throw SmeException.transientFailure("H2 did not rewrite the header of " + file + " within " + MAX_CHANGES
                + " changes, so a copy of the file might open at an older state; the backup was not taken. Try again",
                null);
    }

    private static byte[] read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(HEADER_BYTES);
        }
    }
}
