package io.stratum.platform.backup.internal;

import io.stratum.platform.backup.internal.repo.Manifest;
import io.stratum.platform.spi.AccountContents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The backups and backup schedules an account has, so that it is not deleted while it has any: a deleted account's
 * backups would stay in the repository where no one can reach them, and its schedules would fail at every run.
 */
@Component(service = AccountContents.class)
public final class BackupAccountContents implements AccountContents {

    /** Things named in a refusal; more are counted. */
    static final int NAMED = 10;

    private final Backups backups;
    private final Schedules schedules;

    /**
     * @param backups the backups (their repository)
     * @param schedules the backup schedules
     */
    @Activate
    public BackupAccountContents(@Reference Backups backups, @Reference Schedules schedules) {
        this.backups = backups;
        this.schedules = schedules;
    }

    @Override
    public List<String> remaining(String accountId) {
        List<String> out = new ArrayList<>();
        List<String> ids;
        try {
            ids = backups.repository().list().stream()
                    .filter(m -> accountId.equals(m.properties().get(Backups.ACCOUNT_ID))).map(Manifest::id).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("the backup repository cannot be read: " + e.getMessage(), e);
        }
        if (!ids.isEmpty()) {
            out.add("backups " + named(ids.stream().map(id -> "'" + id + "'").toList()) + " (stratum:backup-delete)");
        }
        List<String> scheduled = schedules.ofAccount(accountId);
        if (!scheduled.isEmpty()) {
            out.add("backup schedules " + named(scheduled) + " (stratum:backup-schedule --delete ID)");
        }
        return out;
    }

    private static String named(List<String> things) {
        return things.stream().limit(NAMED).collect(Collectors.joining(", "))
                + (things.size() > NAMED ? " and " + (things.size() - NAMED) + " more" : "");
    }
}
