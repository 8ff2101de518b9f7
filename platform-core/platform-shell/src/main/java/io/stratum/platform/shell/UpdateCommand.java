package io.stratum.platform.shell;

import io.stratum.platform.api.MaintenanceWindowDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.UpdateAccess;
import io.stratum.platform.api.UpdateDTO;
import io.stratum.platform.api.UpdateService;
import io.stratum.platform.api.UserDTO;
import java.io.PrintStream;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * Base of the SDP version, patch, update and maintenance window commands. They are served by the update bundle, which
 * may be absent: the reference is optional (as for backups and elasticity), and these commands then fail with
 * {@link #UPDATE_UNAVAILABLE}.
 */
public abstract class UpdateCommand extends StratumCommand {

    /** What an update command says when the update bundle is not there. */
    static final String UPDATE_UNAVAILABLE = "SDP versions, patches, updates and maintenance windows are not "
            + "available: the update bundle (io.stratum.platform-update) is not installed or not active in this "
            + "Stratum; a platform admin can see its state with bundle:list and start it with bundle:start";

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    /** Served by the update bundle, injected by Karaf if it is there when the command runs. */
    @Reference(optional = true)
    protected UpdateAccess updateAccess;

    /** The update manager of the session's user (resolved on first use; tests may set it beforehand). */
    protected UpdateService updates;

    /** What "now" is for relative times (tests may set it). */
    Clock clock = Clock.systemUTC();

    /**
     * @return the update manager of the session's user
     * @throws PlatformException UNAVAILABLE when the update bundle is not there
     */
    protected UpdateService updates() {
        if (updates == null) {
            if (updateAccess == null) {
                throw new PlatformException(Reason.UNAVAILABLE, UPDATE_UNAVAILABLE);
            }
            updates = updateAccess.as(ShellCaller.require());
        }
        return updates;
    }

    /**
     * @param when an instant
     * @param zone the zone to show it in
     * @return e.g. {@code 2026-12-04 02:00 Europe/Berlin}, or "-"
     */
    static String at(Instant when, ZoneId zone) {
        return when == null ? "-" : WHEN.format(when.atZone(zone)) + " " + zone.getId();
    }

    /**
     * @param when an instant
     * @param now now
     * @return how far off it is, e.g. {@code in 3 h 12 min}, {@code in 2 d 4 h}, {@code in 45 s}; {@code now} when it
     *     is due; "-" for {@code null}
     */
    static String relative(Instant when, Instant now) {
        if (when == null) {
            return "-";
        }
        Duration d = Duration.between(now, when);
        if (d.isNegative() || d.isZero()) {
            return "now";
        }
        long s = d.toSeconds();
        if (s < 60) {
            return "in " + s + " s";
        }
        long m = (s + 59) / 60; // a part of a minute counts: "in 1 min" for 61 s would run late
        if (m < 60) {
            return "in " + m + " min";
        }
        long h = m / 60;
        if (h < 48) {
            return "in " + h + " h" + (m % 60 == 0 ? "" : " " + m % 60 + " min");
        }
        return "in " + h / 24 + " d" + (h % 24 == 0 ? "" : " " + h % 24 + " h");
    }

    /**
     * @param zone a zone id from a window
     * @return it, or UTC when it cannot be read
     */
    static ZoneId zone(String zone) {
        try {
            return zone == null || zone.isBlank() ? ZoneOffset.UTC : ZoneId.of(zone);
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }

    /**
     * The account a command about a service type means when none is given: the caller's only account, else the
     * default one (as the platform reads a missing account for one service).
     *
     * @return the account's name
     */
    protected String ownAccount() {
        UserDTO me = platform.whoAmI();
        if (!me.platformAdmin() && me.memberships().size() == 1) {
            return me.memberships().keySet().iterator().next();
        }
        return PlatformService.DEFAULT_ACCOUNT;
    }

    /** The zones of the services' windows, read once per command. */
    private final Map<String, ZoneId> zones = new HashMap<>();

    /**
     * @param u an update
     * @return the zone of its service's maintenance window (UTC if the window cannot be read, e.g. the service is
     *     gone)
     */
    protected ZoneId zoneOf(UpdateDTO u) {
        return zones.computeIfAbsent(u.account() + "/" + u.service(), k -> {
            try {
                MaintenanceWindowDTO w = updates().window(u.account(), u.service());
                return zone(w.zone());
            } catch (PlatformException e) {
                return ZoneOffset.UTC;
            }
        });
    }

    /** @return what an update changes, e.g. {@code 1.0.0 -> 1.1.0} or {@code patch p1 (1.0.0)} */
    static String change(UpdateDTO u) {
        if (u.type() == UpdateDTO.Type.PATCH) {
            return "patch " + u.patchId() + " (" + u.fromVersion() + ")";
        }
        return u.fromVersion() + " -> " + u.toVersion();
    }

    /**
     * @param u an update
     * @return when it runs, in its window's zone: the time for a pending one, else what it is at
     */
    String runsAt(UpdateDTO u) {
        return switch (u.state()) {
            case PENDING -> at(u.notBefore(), zoneOf(u));
            case RUNNING -> "running" + (u.jobId() == null ? "" : " (job " + u.jobId() + ")");
            default -> "ended " + at(u.endedAt(), zoneOf(u));
        };
    }

    /**
     * Prints updates as a table.
     *
     * @param out where
     * @param list the updates
     * @param format whether to render the table (else tab-separated)
     */
    void table(PrintStream out, List<UpdateDTO> list, boolean format) {
        Instant now = clock.instant();
        ShellTable table = new ShellTable();
        table.column("Id");
        table.column("Account");
        table.column("Service");
        table.column("Type");
        table.column("Change");
        table.column("Mode");
        table.column("State");
        table.column("Runs at");
        table.column("When");
        table.column("Job").alignRight();
        table.column("Message");
        for (UpdateDTO u : list) {
            table.addRow().addContent(u.id(), u.account(), u.service(), u.serviceType(), change(u), u.mode(),
                    u.state(), runsAt(u), u.state() == UpdateDTO.State.PENDING ? relative(u.notBefore(), now)
                            + (u.forced() ? " (forced)" : "") : "-", u.jobId() == null ? "-" : u.jobId(),
                    Format.cut(u.message(), 60));
        }
        table.print(out, format);
    }
}
