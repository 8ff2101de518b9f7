package io.stratum.platform.api;

import java.time.Duration;
import java.time.Instant;

/**
 * A schedule that backs up a service, an environment or an account, and the retention of its backups.
 *
 * @param id its id
 * @param account the account
 * @param scope {@code service}, {@code environment} or {@code account}
 * @param target the name of the service or environment (the account's name for an account)
 * @param cron when it runs: five fields (minute hour day-of-month month day-of-week), UTC, e.g. {@code 0 2 * * *}
 * @param keepLast how many of its backups to keep at least, newest first (0: no count limit)
 * @param keepFor how long to keep its backups ({@code null}: no age limit); a backup goes when it is older and
 *     not among the newest {@code keepLast}
 * @param nextRun when it runs next
 * @param lastRun when it last ran, or {@code null}
 * @param lastResult the last run's job and outcome, or empty
 */
public record BackupScheduleDTO(String id, String account, String scope, String target, String cron, int keepLast,
        Duration keepFor, Instant nextRun, Instant lastRun, String lastResult) {
}
