package io.stratum.platform.webconsole;

import static io.stratum.platform.webconsole.Html.esc;

import io.stratum.platform.api.MaintenanceWindowDTO;
import io.stratum.platform.api.PatchDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.SdpVersionDTO;
import io.stratum.platform.api.ServiceDTO;
import io.stratum.platform.api.UpdateDTO;
import io.stratum.platform.api.UpdateService;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * The update pages: the updates of the user's accounts (pending and running, with when each runs and the live progress
 * of its job; then the recent ones that ended), the patches in the patch folder and the SDP versions installed side by
 * side; and a service's page of its maintenance window, with the form that sets it and chooses the slot, the form that
 * asks for its upgrade, and its pending updates. Everything is read through the user's {@link UpdateService}, which
 * shows tenants only their accounts; while the update bundle is absent the pages say so.
 */
final class UpdatePages {

    /** What the pages say while the update bundle is absent. */
    static final String UNAVAILABLE = "SDP versions, patches, updates and maintenance windows need the update bundle"
            + " (io.stratum.platform-update), which is not installed or not active in this Stratum; a platform admin"
            + " can see its state with bundle:list and start it with bundle:start.";

    private static final int RECENT = 20;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private UpdatePages() {
    }

    /** @return the user's update facade */
    static UpdateService updates(View v) {
        if (v.updates() == null) {
            throw new PlatformException(Reason.UNAVAILABLE, UNAVAILABLE);
        }
        return v.updates();
    }

    /** @return the URL of a service's maintenance window page */
    static String windowUrl(View v, String account, String service) {
        return v.url("/window", "account", account, "name", service);
    }

    /**
     * @return how far off an instant is, e.g. {@code in 3 h 12 min}; {@code now} when due
     */
    static String relative(Instant when, Instant now) {
        if (when == null) {
            return "";
        }
        Duration d = Duration.between(now, when);
        if (d.isNegative() || d.isZero()) {
            return "now";
        }
        long s = d.toSeconds();
        if (s < 60) {
            return "in " + s + " s";
        }
        long m = (s + 59) / 60;
        if (m < 60) {
            return "in " + m + " min";
        }
        long h = m / 60;
        if (h < 48) {
            return "in " + h + " h" + (m % 60 == 0 ? "" : " " + m % 60 + " min");
        }
        return "in " + h / 24 + " d" + (h % 24 == 0 ? "" : " " + h % 24 + " h");
    }

    /** @return an instant in a window's zone, e.g. {@code 2026-12-04 02:00 Europe/Berlin} */
    static String at(Instant when, String zone) {
        if (when == null) {
            return "";
        }
        ZoneId z;
        try {
            z = zone == null || zone.isBlank() ? ZoneOffset.UTC : ZoneId.of(zone);
        } catch (DateTimeException e) {
            z = ZoneOffset.UTC;
        }
        return WHEN.format(when.atZone(z)) + " " + z.getId();
    }

    // ---- the updates page

    /** @return the updates, patches and SDP versions the user may see */
    static String list(View v, Instant now) {
        StringBuilder b = new StringBuilder("<h2>Updates</h2>");
        if (v.updates() == null) {
            return b.append("<p id=\"updates-unavailable\" data-test=\"updates-unavailable\" class=\"stratum-hint\">")
                    .append(esc(UNAVAILABLE)).append("</p>").toString();
        }
        UpdateService u = v.updates();
        String account = v.param("account");
        b.append(ServicePages.accountFilter(v, "/updates"));
        List<UpdateDTO> all = u.updates(account, true);
        List<UpdateDTO> open = all.stream().filter(x -> x.state() == UpdateDTO.State.PENDING
                || x.state() == UpdateDTO.State.RUNNING).toList();
        List<UpdateDTO> ended = all.stream().filter(x -> !open.contains(x)).limit(RECENT).toList();
        b.append("<h3 id=\"pending\">Pending and running</h3>");
        if (open.isEmpty()) {
            b.append("<p id=\"updates-empty\" data-test=\"updates-empty\">No update is pending or running. Ask for one")
                    .append(" on a service's maintenance window page, or apply a patch below.</p>");
        } else {
            b.append(table(v, u, open, "updates-table", now, true));
        }
        b.append("<h3 id=\"recent\">Recent</h3>");
        b.append(ended.isEmpty() ? "<p id=\"updates-recent-empty\">No update has ended yet.</p>"
                : table(v, u, ended, "updates-recent", now, false));
        b.append(patches(v, u.patches()));
        b.append(versions(v, u.versions(null)));
        b.append("<script src=\"").append(esc(v.url("/res/updates.js"))).append("\"></script>");
        return b.toString();
    }

    private static String table(View v, UpdateService u, List<UpdateDTO> updates, String id, Instant now,
            boolean open) {
        StringBuilder b = new StringBuilder("<table class=\"nicetable stratum-table\" id=\"").append(esc(id))
                .append("\"><thead><tr><th>Update</th><th>Account</th><th>Service</th><th>Change</th><th>Mode</th>")
                .append("<th>State</th><th>").append(open ? "Runs at" : "Ended").append("</th><th>Job</th>")
                .append("<th>Message</th>").append(open ? "<th></th>" : "").append("</tr></thead><tbody>");
        for (UpdateDTO x : updates) {
            String zone = zone(u, x);
            b.append("<tr data-test=\"update-row\" data-update=\"").append(esc(x.id())).append("\" data-state=\"")
                    .append(esc(x.state().name())).append("\"><td>").append(esc(x.id())).append("</td><td>")
                    .append(esc(x.account())).append("</td><td><a href=\"")
                    .append(esc(windowUrl(v, x.account(), x.service()))).append("\">").append(esc(x.service()))
                    .append("</a></td><td>").append(esc(change(x))).append("</td><td>").append(esc(x.mode()))
                    .append("</td><td data-field=\"state\">").append(ServicePages.state(x.state().name()))
                    .append("</td><td data-field=\"when\">");
            if (!open) {
                b.append(esc(at(x.endedAt(), zone)));
            } else if (x.state() == UpdateDTO.State.PENDING) {
                b.append(esc(at(x.notBefore(), zone))).append("<br><small class=\"stratum-note\">")
                        .append(esc(relative(x.notBefore(), now))).append(x.forced() ? ", forced" : "")
                        .append("</small>");
            } else {
                b.append("running");
            }
            b.append("</td><td>");
            if (x.jobId() != null) {
                b.append(v.jobLink(x.jobId()));
                if (x.state() == UpdateDTO.State.RUNNING) {
                    b.append(" <span data-test=\"update-job\" data-live-job-url=\"")
                            .append(esc(v.url("/jobs/" + x.jobId() + ".json"))).append("\"><progress max=\"100\"")
                            .append(" value=\"0\"></progress> <span data-field=\"progress\"></span> <small")
                            .append(" data-field=\"phase\" class=\"stratum-note\"></small></span>");
                }
            }
            b.append("</td><td>").append(esc(x.message())).append("</td>");
            if (open) {
                b.append("<td>");
                if (x.state() == UpdateDTO.State.PENDING) {
                    b.append(v.form("/updates/run", "update-run-form-" + x.id())).append(View.hidden("id", x.id()))
                            .append("<button type=\"submit\" data-test=\"update-run\" data-confirm=\"")
                            .append(esc("Run update " + x.id() + " of '" + x.service() + "' now, outside its window?"))
                            .append("\">Run now</button></form> ")
                            .append(v.form("/updates/cancel", "update-cancel-form-" + x.id()))
                            .append(View.hidden("id", x.id()))
                            .append("<button type=\"submit\" data-test=\"update-cancel\">Cancel</button></form>");
                }
                b.append("</td>");
            }
            b.append("</tr>");
        }
        return b.append("</tbody></table>").toString();
    }

    /** @return the zone of an update's service's window; UTC when it cannot be read (the service is gone) */
    private static String zone(UpdateService u, UpdateDTO x) {
        try {
            return u.window(x.account(), x.service()).zone();
        } catch (PlatformException e) {
            return "UTC";
        }
    }

    /** @return what an update changes, e.g. {@code 1.0.0 → 1.1.0} or {@code patch p1} */
    static String change(UpdateDTO x) {
        return x.type() == UpdateDTO.Type.PATCH ? "patch " + x.patchId() + " (" + x.fromVersion() + ")"
                : x.fromVersion() + " \u2192 " + x.toVersion();
    }

    private static String patches(View v, List<PatchDTO> patches) {
        StringBuilder b = new StringBuilder("<h3 id=\"patches\">Patches</h3>");
        if (patches.isEmpty()) {
            return b.append("<p id=\"patches-empty\">The patch folder holds no patch.</p>").toString();
        }
        b.append("<table class=\"nicetable stratum-table\" id=\"patches-table\"><thead><tr><th>Patch</th><th>Type</th>")
                .append("<th>Versions</th><th>Kind</th><th>State</th><th>What it does</th><th>Sets</th>")
                .append("<th>Apply</th></tr></thead><tbody>");
        for (PatchDTO p : patches) {
            boolean valid = p.state() == PatchDTO.State.VALID;
            b.append("<tr data-test=\"patch-row\" data-patch=\"").append(esc(p.id())).append("\" data-state=\"")
                    .append(esc(p.state().name())).append("\"><td>").append(esc(p.id())).append("</td><td>")
                    .append(esc(p.serviceType())).append("</td><td>").append(esc(p.sdpVersions())).append("</td><td>")
                    .append(esc(p.kind())).append("</td><td>").append(ServicePages.state(p.state().name()))
                    .append("</td><td>").append(valid ? "<strong>" + esc(p.title()) + "</strong><br><small>"
                            + esc(p.description()) + "</small>" : "<span class=\"stratum-error-text\">"
                                    + esc(p.reason()) + "</span>").append("</td><td>");
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(p.configuration()).entrySet()) {
                b.append("<code>").append(esc(e.getKey())).append(" = ").append(esc(e.getValue())).append("</code><br>");
            }
            b.append("</td><td>");
            if (valid) {
                b.append(v.form("/updates/patch", "patch-apply-form-" + p.id())).append(View.hidden("patch", p.id()))
                        .append("<input name=\"account\" size=\"8\" placeholder=\"account\" value=\"")
                        .append(esc(v.param("account") == null ? "" : v.param("account"))).append("\"> ")
                        .append("<input name=\"name\" size=\"10\" placeholder=\"every service\"> <label><input")
                        .append(" type=\"checkbox\" name=\"force\" value=\"true\"> now</label> <button type=\"submit\"")
                        .append(" data-test=\"patch-apply\">Apply</button></form>");
            }
            b.append("</td></tr>");
        }
        return b.append("</tbody></table>").toString();
    }

    private static String versions(View v, List<SdpVersionDTO> versions) {
        StringBuilder b = new StringBuilder("<h3 id=\"versions\">SDP versions</h3>");
        if (versions.isEmpty()) {
            return b.append("<p id=\"versions-empty\">No SDP is installed.</p>").toString();
        }
        b.append("<table class=\"nicetable stratum-table\" id=\"versions-table\"><thead><tr><th>Type</th>")
                .append("<th>Version</th><th>SDP</th><th>State</th><th>Services on it</th></tr></thead><tbody>");
        for (SdpVersionDTO s : versions) {
            b.append("<tr data-test=\"version-row\" data-type=\"").append(esc(s.serviceType())).append("\" data-version=\"")
                    .append(esc(s.version())).append("\"><td>").append(esc(s.serviceType())).append("</td><td>")
                    .append(esc(s.version())).append(s.newest() ? " <small class=\"stratum-note\">(newest: new "
                            + "services get it)</small>" : "").append("</td><td>").append(esc(s.sdpName()))
                    .append("</td><td>").append(ServicePages.state(s.state().name())).append("</td><td>");
            if (s.services().isEmpty()) {
                b.append("<span class=\"stratum-note\">none</span>");
            }
            for (String on : s.services()) {
                int slash = on.indexOf('/');
                b.append(slash < 0 ? esc(on) : "<a href=\"" + esc(windowUrl(v, on.substring(0, slash),
                        on.substring(slash + 1))) + "\">" + esc(on) + "</a>").append(' ');
            }
            b.append("</td></tr>");
        }
        return b.append("</tbody></table>").toString();
    }

    // ---- a service's maintenance window

    /** @return a service's maintenance window with the forms that set it and ask for an upgrade */
    static String window(View v, Instant now) {
        String name = v.param("name");
        if (name == null) {
            throw new PlatformException(Reason.INVALID, "which service? The link lacks its name.");
        }
        ServiceDTO s = v.platform().getService(v.param("account"), name);
        String account = s.account();
        StringBuilder b = new StringBuilder("<h2>Maintenance window of <span id=\"window-service\" data-test=\"")
                .append("window-service\">").append(esc(s.name())).append("</span></h2>");
        b.append("<p id=\"window-summary\">Account ").append(esc(account)).append(", ").append(esc(s.serviceType()))
                .append(" ").append(esc(s.sdpVersion())).append(". ")
                .append(v.link("The service's page", "/service", "account", account, "name", s.name())).append(", ")
                .append(v.link("every update", "/updates", "account", account)).append(".</p>");
        if (v.updates() == null) {
            return b.append("<p id=\"updates-unavailable\" data-test=\"updates-unavailable\" class=\"stratum-hint\">")
                    .append(esc(UNAVAILABLE)).append("</p>").toString();
        }
        UpdateService u = v.updates();
        MaintenanceWindowDTO w = u.window(account, s.name());
        b.append("<table class=\"nicetable stratum-props\" id=\"window\"><tbody>");
        b.append("<tr><th>Frame (soft updates)</th><td data-field=\"frame\">").append(esc(w.frame())).append("</td></tr>");
        b.append("<tr><th>Time zone</th><td data-field=\"zone\">").append(esc(w.zone())).append("</td></tr>");
        for (int i = 0; i < w.slots().size(); i++) {
            boolean chosen = i + 1 == w.chosenSlot();
            b.append("<tr").append(chosen ? " class=\"stratum-chosen\" data-test=\"chosen-slot\"" : "").append("><th>Slot ")
                    .append(i + 1).append("</th><td data-field=\"slot").append(i + 1).append("\">")
                    .append(esc(w.slots().get(i))).append(chosen ? " <strong>\u2190 hard updates run here</strong>"
                            + (w.slotAssigned() ? " <small class=\"stratum-note\">(assigned by the update manager;"
                                    + " choose one below)</small>" : "") : "").append("</td></tr>");
        }
        b.append("<tr><th>Next frame</th><td data-field=\"nextFrame\">").append(esc(at(w.nextFrame(), w.zone())))
                .append(" <small class=\"stratum-note\">").append(esc(relative(w.nextFrame(), now)))
                .append("</small></td></tr>");
        b.append("<tr><th>Next slot</th><td data-field=\"nextSlot\">").append(esc(at(w.nextSlot(), w.zone())))
                .append(" <small class=\"stratum-note\">").append(esc(relative(w.nextSlot(), now)))
                .append("</small></td></tr>");
        b.append("<tr><th>Notify</th><td data-field=\"notify\">").append(w.notifyEmail().isEmpty()
                ? "<span class=\"stratum-note\">nobody</span>" : esc(w.notifyEmail())).append("</td></tr>");
        b.append("</tbody></table>");
        if (w.isDefault()) {
            b.append("<p class=\"stratum-note\" id=\"window-default\">This is the platform's default window; it is")
                    .append(" the service's own once set.</p>");
        }
        b.append(windowForm(v, account, s.name(), w));
        b.append(upgradeForm(v, u, s));
        List<UpdateDTO> pending = u.updates(account, false).stream().filter(x -> x.service().equals(s.name()))
                .toList();
        b.append("<h3 id=\"service-updates\">Pending and running updates</h3>");
        b.append(pending.isEmpty() ? "<p id=\"service-updates-empty\">None.</p>"
                : table(v, u, pending, "service-updates-table", now, true));
        b.append("<script src=\"").append(esc(v.url("/res/updates.js"))).append("\"></script>");
        return b.toString();
    }

    private static String windowForm(View v, String account, String service, MaintenanceWindowDTO w) {
        Map<String, String> kept = Flash.takeForm(v.request(), UpdateActions.draftKey(account, service));
        StringBuilder b = new StringBuilder("<h3 id=\"set-window\">Set the window</h3>");
        b.append(v.form("/updates/window", "window-form")).append(View.hidden("account", account))
                .append(View.hidden("name", service));
        b.append("<p class=\"stratum-note\">Frames are <code>&lt;days&gt; HH:mm/&lt;length&gt;</code>: <code>daily")
                .append(" 02:00/2h</code>, <code>Mon-Fri 22:30/90m</code>, <code>Sat,Sun 03:00/4h</code>.</p>");
        b.append("<table class=\"stratum-form\"><tbody>");
        b.append(field("Frame", "frame", value(kept, "frame", w.frame())));
        b.append(field("Time zone", "zone", value(kept, "zone", w.zone())));
        for (int i = 1; i <= 3; i++) {
            String current = i <= w.slots().size() ? w.slots().get(i - 1) : "";
            String chosen = value(kept, "chosenSlot", Integer.toString(w.chosenSlot()));
            b.append("<tr><th><label><input type=\"radio\" name=\"chosenSlot\" value=\"").append(i).append("\"")
                    .append(chosen.equals(Integer.toString(i)) ? " checked" : "").append(" data-test=\"choose-slot-")
                    .append(i).append("\"> Slot ").append(i).append("</label></th><td><input name=\"slot").append(i)
                    .append("\" size=\"20\" value=\"").append(esc(value(kept, "slot" + i, current)))
                    .append("\"></td></tr>");
        }
        b.append(field("Notify (email)", "notifyEmail", value(kept, "notifyEmail", w.notifyEmail())));
        b.append("</tbody></table><button type=\"submit\" data-test=\"window-save\">Save</button></form>");
        return b.toString();
    }

    private static String field(String label, String name, String value) {
        return "<tr><th><label for=\"window-" + esc(name) + "\">" + esc(label) + "</label></th><td><input id=\"window-"
                + esc(name) + "\" name=\"" + esc(name) + "\" size=\"24\" value=\"" + esc(value) + "\"></td></tr>";
    }

    private static String value(Map<String, String> kept, String name, String current) {
        String v = kept == null ? null : kept.get(name);
        return v != null ? v : current == null ? "" : current;
    }

    private static String upgradeForm(View v, UpdateService u, ServiceDTO s) {
        List<SdpVersionDTO> newer = u.versions(s.serviceType()).stream()
                .filter(x -> OsgiVersions.compare(x.version(), s.sdpVersion()) > 0).toList();
        StringBuilder b = new StringBuilder("<h3 id=\"upgrade\">Upgrade</h3>");
        if (newer.isEmpty()) {
            return b.append("<p id=\"upgrade-none\">The service runs the newest ").append(esc(s.serviceType()))
                    .append(" version installed (").append(esc(s.sdpVersion())).append(").</p>").toString();
        }
        b.append(v.form("/updates/upgrade", "upgrade-form")).append(View.hidden("account", s.account()))
                .append(View.hidden("name", s.name())).append("To <select name=\"toVersion\">");
        for (SdpVersionDTO x : newer) {
            b.append("<option value=\"").append(esc(x.version())).append("\">").append(esc(x.version()))
                    .append(x.newest() ? " (newest)" : "").append("</option>");
        }
        b.append("</select> <label><input type=\"checkbox\" name=\"force\" value=\"true\"> now, not in the window")
                .append("</label> <button type=\"submit\" data-test=\"upgrade\">Ask for the upgrade</button></form>");
        return b.toString();
    }

    /** Compares {@code major.minor.micro} versions by their numbers. */
    static final class OsgiVersions {
        private OsgiVersions() {
        }

        static int compare(String a, String b) {
            String[] x = a.split("\\.");
            String[] y = b.split("\\.");
            for (int i = 0; i < 3; i++) {
                int c = Long.compare(number(x, i), number(y, i));
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        }

        private static long number(String[] parts, int i) {
            try {
                return i < parts.length ? Long.parseLong(parts[i]) : 0;
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }
}
