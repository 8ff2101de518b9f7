package io.stratum.platform.webconsole;

import static io.stratum.platform.webconsole.Html.esc;

import io.stratum.platform.api.AccountDTO;
import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.BackupDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.QuotaDTO;
import io.stratum.platform.api.SdpDTO;
import io.stratum.platform.api.UserDTO;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/** The SDPs, backups, accounts and users pages. */
final class CatalogPages {

    private CatalogPages() {
    }

    /** @return the installed SDPs (and for platform admins the refused ones with their reasons), and how to add one */
    static String sdps(View v) {
        boolean admin = v.platform().whoAmI().platformAdmin();
        List<SdpDTO> sdps = v.platform().listSdps(admin);
        StringBuilder b = new StringBuilder("<h2>Service definition packages</h2>");
        b.append("<p id=\"sdp-dropin-hint\" data-test=\"sdp-dropin-hint\" class=\"stratum-hint\">To add a service")
                .append(" type, copy its SDP bundle (a <code>.jar</code>) into <code>").append(esc(v.deployDir()))
                .append("</code>: Stratum installs it within a few seconds and lists it here, or lists it as refused")
                .append(" with the reason. To remove a type, delete its file there; its services keep running.</p>");
        if (!admin) {
            b.append("<p class=\"stratum-note\">Refused SDPs and their reasons are shown to platform admins.</p>");
        }
        if (sdps.isEmpty()) {
            return b.append("<p id=\"sdps-empty\">No SDP is installed.</p>").toString();
        }
        b.append("<table class=\"nicetable stratum-table\" id=\"sdps-table\"><thead><tr><th>Type</th><th>SDP</th>")
                .append("<th>Version</th><th>State</th><th>Bundle</th><th>Plans</th><th>Requires</th><th>Provides</th>")
                .append("<th>Description / reason</th></tr></thead><tbody>");
        for (SdpDTO s : sdps) {
            b.append("<tr data-test=\"sdp-row\" data-state=\"").append(esc(s.state().name())).append("\" data-name=\"")
                    .append(esc(s.name())).append("\"><td>").append(esc(s.serviceType())).append("</td><td>")
                    .append(esc(s.name())).append("</td><td>").append(esc(s.version())).append("</td><td>")
                    .append(ServicePages.state(s.state().name())).append("</td><td>").append(s.bundleId())
                    .append(" <small>").append(esc(s.bundleSymbolicName())).append("</small></td><td>");
            for (SdpDTO.PlanDTO p : s.plans()) {
                b.append("<span title=\"").append(esc(p.description() + " " + String.join(", ", p.settings())))
                        .append("\">").append(esc(p.name())).append(p.name().equals(s.defaultPlan()) ? "*" : "")
                        .append("</span> ");
            }
            b.append("</td><td>").append(esc(String.join(", ", s.requires()))).append("</td><td>")
                    .append(esc(String.join(", ", s.provides()))).append("</td><td>");
            if (s.state() == SdpDTO.State.AVAILABLE) {
                b.append(esc(s.description()));
            } else {
                b.append("<span class=\"stratum-error-text\" data-test=\"sdp-reason\">").append(esc(s.reason()))
                        .append("</span>");
            }
            b.append("</td></tr>");
        }
        return b.append("</tbody></table><p class=\"stratum-note\">* the default plan</p>").toString();
    }

    /** @return the complete backups the user can see, oldest first */
    static String backups(View v) {
        StringBuilder b = new StringBuilder("<h2>Backups</h2>");
        if (v.backups() == null) {
            return b.append("<p id=\"backups-unavailable\">The backup bundle is not installed.</p>").toString();
        }
        List<BackupDTO> backups = v.backups().listBackups(v.param("account"));
        b.append(ServicePages.accountFilter(v, "/backups"));
        if (backups.isEmpty()) {
            return b.append("<p id=\"backups-empty\">No backups yet. Back up a service from its page.</p>").toString();
        }
        b.append("<table class=\"nicetable stratum-table\" id=\"backups-table\"><thead><tr><th>Backup</th>")
                .append("<th>Account</th><th>Scope</th><th>Of</th><th>Taken</th><th>Size</th><th>New in repository</th>")
                .append("<th>Requested by</th><th>Job</th></tr></thead><tbody>");
        for (BackupDTO k : backups) {
            b.append("<tr data-test=\"backup-row\" data-backup=\"").append(esc(k.id())).append("\"><td>")
                    .append(v.link(k.id(), "/backup", "id", k.id())).append("</td><td>").append(esc(k.account()))
                    .append("</td><td>").append(esc(k.scope())).append("</td><td>").append(esc(k.source()))
                    .append("</td><td>").append(esc(Html.time(k.takenAt()))).append("</td><td>")
                    .append(esc(bytes(k.logicalBytes()))).append("</td><td>").append(esc(bytes(k.newBytes())))
                    .append("</td><td>").append(esc(k.requestedBy())).append("</td><td>").append(v.jobLink(k.jobId()))
                    .append("</td></tr>");
        }
        return b.append("</tbody></table>").toString();
    }

    /** @return one backup with its members */
    static String backup(View v) {
        if (v.backups() == null) {
            return "<h2>Backup</h2><p id=\"backups-unavailable\">The backup bundle is not installed.</p>";
        }
        String id = v.param("id");
        if (id == null) {
            throw new PlatformException(PlatformException.Reason.INVALID, "which backup? The link lacks its id.");
        }
        BackupDTO k = v.backups().getBackup(id);
        StringBuilder b = new StringBuilder("<h2>Backup <span id=\"backup-id\">").append(esc(k.id()))
                .append("</span></h2><table class=\"nicetable stratum-props\" id=\"backup-props\"><tbody>");
        b.append("<tr><th>Account</th><td>").append(esc(k.account())).append("</td></tr>")
                .append("<tr><th>Of</th><td>").append(esc(k.scope() + " " + k.source())).append("</td></tr>")
                .append("<tr><th>Taken</th><td>").append(esc(Html.time(k.takenAt()))).append("</td></tr>")
                .append("<tr><th>Complete</th><td>").append(esc(Html.time(k.createdAt()))).append("</td></tr>")
                .append("<tr><th>Requested by</th><td>").append(esc(k.requestedBy())).append("</td></tr>")
                .append("<tr><th>Job</th><td>").append(v.jobLink(k.jobId())).append("</td></tr>")
                .append("<tr><th>Size</th><td>").append(esc(bytes(k.logicalBytes()))).append(" (")
                .append(esc(bytes(k.newBytes()))).append(" new in the repository)</td></tr></tbody></table>");
        b.append("<h3>Members</h3><table class=\"nicetable stratum-table\" id=\"backup-members\"><thead><tr>")
                .append("<th>Service</th><th>Type</th><th>SDP version</th><th>Plan</th><th>Artifacts</th><th>Size</th>")
                .append("<th>Locked</th><th>Providers</th></tr></thead><tbody>");
        for (BackupDTO.MemberDTO m : k.members()) {
            b.append("<tr data-test=\"backup-member\"><td>").append(esc(m.name())).append("</td><td>")
                    .append(esc(m.serviceType())).append("</td><td>").append(esc(m.sdpVersion())).append("</td><td>")
                    .append(esc(m.plan())).append("</td><td>").append(m.artifacts()).append("</td><td>")
                    .append(esc(bytes(m.bytes()))).append("</td><td>").append(m.lockedMillis()).append(" ms</td><td>")
                    .append(esc(new TreeMap<>(m.providers()).toString())).append("</td></tr>");
        }
        return b.append("</tbody></table>").toString();
    }

    /** @return the accounts the user can see with quota and usage; platform admins also get a create form */
    static String accounts(View v) {
        boolean admin = v.platform().whoAmI().platformAdmin();
        StringBuilder b = new StringBuilder("<h2>Accounts</h2><table class=\"nicetable stratum-table\"")
                .append(" id=\"accounts-table\"><thead><tr><th>Account</th><th>Services</th><th>Instances</th>")
                .append("<th>Memory (MiB)</th><th>Version</th><th>Created</th></tr></thead><tbody>");
        for (AccountDTO a : v.platform().listAccounts()) {
            b.append("<tr data-test=\"account-row\" data-name=\"").append(esc(a.name())).append("\"><td>")
                    .append(esc(a.name())).append("</td><td>")
                    .append(usage(a.usage() == null ? 0 : a.usage().maxServices(), a.quota(), QuotaDTO::maxServices))
                    .append("</td><td>")
                    .append(usage(a.usage() == null ? 0 : a.usage().maxInstances(), a.quota(), QuotaDTO::maxInstances))
                    .append("</td><td>")
                    .append(usage(a.usage() == null ? 0 : a.usage().maxMemoryMb(), a.quota(), QuotaDTO::maxMemoryMb))
                    .append("</td><td>").append(a.version()).append("</td><td>").append(esc(Html.time(a.createdAt())))
                    .append("</td></tr>");
        }
        b.append("</tbody></table><p class=\"stratum-note\">Usage / quota (no limit: -).</p>");
        if (admin) {
            b.append("<h3>Create an account</h3>").append(v.form("/accounts/create", "account-create-form"))
                    .append("<input name=\"name\" id=\"account-name\" required placeholder=\"lower-case letters, digits,")
                    .append(" dashes\"> <button type=\"submit\" id=\"account-create\">Create</button></form>");
        }
        return b.toString();
    }

    private static String usage(long used, QuotaDTO quota, ToLongFunction<QuotaDTO> limit) {
        long max = quota == null ? -1 : limit.applyAsLong(quota);
        return used + " / " + (max < 0 ? "-" : Long.toString(max));
    }

    /** @return the users the user can see with their roles; forms to create users and grant or revoke roles */
    static String users(View v) {
        UserDTO me = v.platform().whoAmI();
        StringBuilder b = new StringBuilder("<h2>Users</h2><p id=\"stratum-whoami\">You are <strong>")
                .append(esc(me.name())).append("</strong>").append(me.platformAdmin() ? ", a platform admin" : "")
                .append(".</p><table class=\"nicetable stratum-table\" id=\"users-table\"><thead><tr><th>User</th>")
                .append("<th>Platform admin</th><th>Roles</th><th>Created</th></tr></thead><tbody>");
        for (UserDTO u : v.platform().listUsers()) {
            b.append("<tr data-test=\"user-row\" data-name=\"").append(esc(u.name())).append("\"><td>")
                    .append(esc(u.name())).append("</td><td>").append(u.platformAdmin() ? "yes" : "").append("</td><td>");
            for (Map.Entry<String, AccountRole> m : new TreeMap<>(u.memberships()).entrySet()) {
                b.append(esc(m.getKey())).append(": ").append(esc(m.getValue().name())).append("<br>");
            }
            b.append("</td><td>").append(esc(Html.time(u.createdAt()))).append("</td></tr>");
        }
        b.append("</tbody></table>");
        if (me.platformAdmin()) {
            b.append("<h3>Create a user</h3>").append(v.form("/users/create", "user-create-form"))
                    .append("<input name=\"name\" id=\"user-name\" required placeholder=\"login\" autocomplete=\"off\"> ")
                    .append("<input type=\"password\" name=\"password\" id=\"user-password\" required minlength=\"12\"")
                    .append(" placeholder=\"password, 12 characters or more\" autocomplete=\"new-password\"> <label>")
                    .append("<input type=\"checkbox\" name=\"platformAdmin\" value=\"true\" id=\"user-admin\"> platform")
                    .append(" admin</label> <button type=\"submit\" id=\"user-create\">Create</button></form>");
        }
        b.append("<h3>Grant or revoke a role</h3><p class=\"stratum-note\">Account admins manage their accounts'")
                .append(" members; platform admins every account.</p>")
                .append(v.form("/users/grant", "user-grant-form"))
                .append(ServicePages.accountSelect(v, "grant-account", "account", null))
                .append(" <input name=\"user\" id=\"grant-user\" required placeholder=\"user\"> <select name=\"role\"")
                .append(" id=\"grant-role\">");
        for (AccountRole r : AccountRole.values()) {
            b.append("<option value=\"").append(r.name()).append("\">").append(r.name()).append("</option>");
        }
        b.append("<option value=\"NONE\">none (revoke)</option></select> <button type=\"submit\" id=\"user-grant\">")
                .append("Apply</button></form>");
        return b.toString();
    }

    /** @return a byte count for people */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", n / (1024.0 * 1024 * 1024));
    }
}
