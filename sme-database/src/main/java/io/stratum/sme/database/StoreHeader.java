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
 * it commits small changes of its own until one of them is written where any reader finds it. That is so when H2
 * rewrote the header meanwhile (it then names a chunk at least as new as that change; H2 does so at least every 21
 * chunks written into reused space), or when the change's chunk went to the end of the file (readers look at the
 * file's last chunk too: that is how a small, growing database is always found).
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
     * Commits changes to the comment of {@code user} (a login that exists for the copy only) until one of them is
     * where a reader of {@code file} finds it: H2 rewrote the header, or the change's chunk made the file grow (it is
     * the file's last chunk). From then on a copy of the file opens at a state that holds every change committed
     * before this call. Runs on the session that holds the database in exclusive mode, so no other session writes.
     *
     * @return how many changes it took
     * @throws SmeException (transient) when that did not happen within {@value #MAX_CHANGES} changes
     */
    static int makeFindable(Path file, Statement session, String user) throws SQLException, IOException, SmeException {
        byte[] header = read(file);
        for (int changes = 1; changes <= MAX_CHANGES; changes++) {
            long size = Files.size(file);
            session.execute("COMMENT ON USER " + DependantLogins.quoted(user) + " IS 'backup point " + changes + "'");
            if (!Arrays.equals(header, read(file)) || Files.size(file) > size) {
                LOG.debug("{}: the newest state is findable after {} change(s)", file, changes);
                return changes;
            }
        }
        throw SmeException.transientFailure("H2 did not write where a copy of " + file + " finds its newest state "
                + "within " + MAX_CHANGES + " changes, so a copy might open at an older state; the backup was not "
                + "taken. Try again", null);
    }

    private static byte[] read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(HEADER_BYTES);
        }
    }
}
