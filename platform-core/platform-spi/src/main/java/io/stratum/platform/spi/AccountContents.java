package io.stratum.platform.spi;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * What a core bundle keeps of an account besides the platform's own records (the backup bundle: backups and backup
 * schedules). Registered as an OSGi service; before an account is deleted
 * ({@link io.stratum.platform.api.PlatformService#deleteAccount}), every one registered is asked, and the account is
 * deleted only when none reports anything left, so that nothing of a deleted account is kept where no one can reach
 * it (a later account of the same name has another id and never sees it).
 */
@ConsumerType
public interface AccountContents {

    /**
     * Called without any lock held, just before the account is deleted; it should answer within a second or two.
     *
     * @param accountId the account's id
     * @return what of it is left, one entry per kind, each naming the things (at most about ten, then how many more)
     *     and the command that removes them, e.g. {@code backups 'b-1', 'b-2' (stratum:backup-delete)}; no secrets;
     *     empty when nothing is left
     * @throws RuntimeException if it cannot tell; the account is then not deleted
     */
    List<String> remaining(String accountId);
}
