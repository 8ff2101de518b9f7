package io.stratum.platform.shell;

import io.stratum.platform.api.BackupScheduleDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import java.time.Duration;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Sets, lists or deletes backup schedules. */
@Command(scope = "stratum", name = "backup-schedule", description = "Backs up a service, an environment "
        + "(--environment) or an account (--whole-account) on a schedule and keeps its backups for a while: "
        + "'backup-schedule <name> --cron \"0 2 * * *\" --keep-last 7 --keep-for 30d' sets (or replaces) the "
        + "schedule of <name>; --list lists schedules; --delete <schedule-id> deletes one")
@Service
public class BackupScheduleCommand extends BackupCommand {

    @Argument(index = 0, name = "name", description = "The service to back up, or the environment with "
            + "--environment; none with --whole-account, --list or --delete")
    @Completion(BackupTargetCompleter.class)
    String name;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--cron", aliases = "-c", description = "When to back up: five fields, minute hour day-of-month "
            + "month day-of-week, in UTC, e.g. \"0 2 * * *\" (every day at 02:00 UTC); quote it")
    String cron;

    @Option(name = "--environment", aliases = "-e", description = "Back up every service of the environment <name> "
            + "at one point in time")
    boolean environment;

    @Option(name = "--whole-account", description = "Back up every service of the account (--account) at one "
            + "point in time")
    boolean wholeAccount;

    @Option(name = "--keep-last", description = "How many of the schedule's newest backups to keep at least "
            + "(default 0: no count limit)")
    int keepLast;

    @Option(name = "--keep-for", description = "How long to keep the schedule's backups: 30m, 12h, 7d, 2w (s, m, h, "
            + "d, w; combined like 1d12h) or ISO-8601 such as PT12H (default: no age limit); a backup goes when it is "
            + "older and not among the newest --keep-last")
    String keepFor;

    @Option(name = "--list", aliases = "-l", description = "List the schedules (with their next run, last run and "
            + "last result) instead of setting one")
    boolean list;

    @Option(name = "--delete", description = "Delete the schedule with this id (see --list) instead of setting one")
    String delete;

    @Option(name = "--account", aliases = "-A", description = "The account (default: default; with --list or "
            + "--delete: every account you may see)")
    @Completion(AccountCompleter.class)
    String account;

    @Option(name = "--no-format", description = "Disable table rendered output")
    boolean noFormat;

    @Override
    protected Object run() {
        if (list && delete != null) {
            throw new PlatformException(Reason.INVALID, "give --list or --delete, not both");
        }
        if (list || delete != null) {
            String what = list ? "--list" : "--delete";
            if (name != null || cron != null || environment || wholeAccount || keepLast != 0 || keepFor != null) {
                throw new PlatformException(Reason.INVALID, what + " takes no name, --cron, --environment, "
                        + "--whole-account, --keep-last or --keep-for" + (list ? "" : "; only the schedule's id"));
            }
            return list ? list() : delete();
        }
        String scope = BackupScopeOptions.scope(name, environment, wholeAccount);
        if (cron == null || cron.isBlank()) {
            throw new PlatformException(Reason.INVALID, "give --cron with five fields (minute hour day-of-month month "
                    + "day-of-week, UTC), e.g. --cron \"0 2 * * *\"; or --list, or --delete <schedule-id>");
        }
        int fields = cron.strip().split("\\s+").length;
        if (fields != 5) {
            throw new PlatformException(Reason.INVALID, "--cron takes five fields (minute hour day-of-month month "
                    + "day-of-week, UTC), e.g. \"0 2 * * *\", not " + fields + " in '" + cron + "' (quote it)");
        }
        if (keepLast < 0) {
            throw new PlatformException(Reason.INVALID, "--keep-last must be 0 (no count limit) or more, not "
                    + keepLast);
        }
        Duration keep = keepFor == null ? null : Durations.parse("--keep-for", keepFor);
        BackupScheduleDTO s = backups().schedule(account, scope, scope.equals("account") ? null : name,
                cron.strip(), keepLast, keep);
        out.println("Schedule " + s.id() + " backs up " + BackupScopeOptions.describe(s.scope(), s.target(),
                s.account()) + (s.scope().equals("account") ? "" : " of account '" + s.account() + "'")
                + " at '" + s.cron() + "' (UTC); " + retention(s) + ".");
        out.println("Next run: " + Format.utc(s.nextRun()) + " UTC. See schedules with stratum:backup-schedule --list.");
        return null;
    }

    private Object list() {
        List<BackupScheduleDTO> schedules = backups().listSchedules(account);
        if (schedules.isEmpty()) {
            out.println((account == null ? "No backup schedules." : "No backup schedules in account '" + account
                    + "'.") + " Set one with stratum:backup-schedule <service> --cron \"0 2 * * *\".");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Id");
        table.column("Account");
        table.column("Scope");
        table.column("Target");
        table.column("Cron (UTC)");
        table.column("Keep last").alignRight();
        table.column("Keep for");
        table.column("Next run (UTC)");
        table.column("Last run (UTC)");
        table.column("Last result");
        for (BackupScheduleDTO s : schedules) {
            table.addRow().addContent(s.id(), s.account(), s.scope(), s.target(), s.cron(),
                    s.keepLast() == 0 ? "-" : s.keepLast(), Durations.format(s.keepFor()), Format.utc(s.nextRun()),
                    Format.utc(s.lastRun()), s.lastResult() == null || s.lastResult().isEmpty() ? "-"
                            : Format.cut(s.lastResult(), 70));
        }
        table.print(out, !noFormat);
        return null;
    }

    private Object delete() {
        // Find the schedule's account, so that one listed for every account can be deleted without --account.
        BackupScheduleDTO found = backups().listSchedules(account).stream().filter(s -> s.id().equals(delete))
                .findFirst().orElse(null);
        backups().deleteSchedule(found == null ? account : found.account(), delete);
        out.println("Deleted schedule " + delete + (found == null ? "." : ": it backed up "
                + BackupScopeOptions.describe(found.scope(), found.target(), found.account())
                + (found.scope().equals("account") ? "" : " of account '" + found.account() + "'")
                + " at '" + found.cron() + "' (UTC)."));
        return null;
    }

    static String retention(BackupScheduleDTO s) {
        if (s.keepLast() == 0 && s.keepFor() == null) {
            return "no retention limit: its backups are kept until deleted";
        }
        return "retention: " + (s.keepLast() == 0 ? "" : "keep last " + s.keepLast())
                + (s.keepLast() != 0 && s.keepFor() != null ? ", " : "")
                + (s.keepFor() == null ? "" : "keep for " + Durations.format(s.keepFor()));
    }
}
