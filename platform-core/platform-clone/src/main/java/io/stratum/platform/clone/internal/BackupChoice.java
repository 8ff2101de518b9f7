package io.stratum.platform.clone.internal;

import io.stratum.platform.api.BackupDTO;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Chooses, for each service of a snapshot, the backup an account clone with data restores it from: the newest backup
 * of the source account taken while the snapshot's version was the account's state (before the next version was
 * made; any time if it is the latest) that has a member of the same name, service type and SDP version. A backup
 * cannot be taken at the very moment a version is made (a service recorded as created at version V is provisioned
 * after it), so "taken at or before version V" means "taken before the state moved on from V". The backup must also
 * be taken after the service was created: one of an earlier service of the same name (deleted, then created again)
 * is not of it. Any kind of backup serves (of a service, an environment or the account).
 */
final class BackupChoice {

    private BackupChoice() {
    }

    /**
     * The backup member that one service is restored from.
     *
     * @param backupId the backup's id
     * @param member the member (its {@code serviceId} is what the restore step names)
     */
    record Choice(String backupId, BackupDTO.MemberDTO member) {
    }

    /**
     * @param listing the account's backups (members may be missing, as in listings)
     * @param details reads one backup with its members (called only for backups taken in time, newest first, until
     *     every service has one)
     * @param before only backups taken before this; {@code null}: any
     * @param services the services that need one
     * @param missing where the names of services without any go
     * @return service name to its backup member
     */
    static Map<String, Choice> choose(List<BackupDTO> listing, Function<String, BackupDTO> details, Instant before,
            Collection<AccountSnapshot.Service> services, List<String> missing) {
        List<BackupDTO> candidates = new ArrayList<>(listing.stream()
                .filter(b -> before == null || b.takenAt().isBefore(before)).toList());
        candidates.sort(Comparator.comparing(BackupDTO::takenAt).reversed());
        Map<String, Choice> chosen = new LinkedHashMap<>();
        Map<String, BackupDTO> read = new HashMap<>();
        for (AccountSnapshot.Service s : services) {
            Optional<Choice> c = Optional.empty();
            for (BackupDTO listed : candidates) {
                if (listed.takenAt().isBefore(s.since())) {
                    continue;
                }
                BackupDTO b = read.computeIfAbsent(listed.id(), details);
                c = b.members().stream().filter(m -> m.name().equals(s.name()) && m.serviceType().equals(s.type())
                        && m.sdpVersion().equals(s.sdpVersion())).findFirst().map(m -> new Choice(b.id(), m));
                if (c.isPresent()) {
                    break;
                }
            }
            if (c.isPresent()) {
                chosen.put(s.name(), c.get());
            } else {
                missing.add(s.name());
            }
        }
        return chosen;
    }
}
