package io.stratum.platform.webconsole;

import static io.stratum.platform.webconsole.Html.esc;

import io.stratum.platform.api.EnvironmentDTO;
import io.stratum.platform.api.JobQuery;
import io.stratum.platform.api.PlatformException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The environments pages: the list with a form that creates one from its description, and one with its graph. */
final class EnvironmentPages {

    private EnvironmentPages() {
    }

    /** @return the environments of the accounts the user can see (or of one) */
    static String list(View v) {
        StringBuilder b = new StringBuilder("<h2>Environments</h2>");
        b.append(ServicePages.accountFilter(v, "/environments"));
        List<EnvironmentDTO> envs = new ArrayList<>();
        for (String account : ServicePages.accounts(v)) {
            envs.addAll(v.platform().listEnvironments(account));
        }
        if (envs.isEmpty()) {
            b.append("<p id=\"environments-empty\">No environments yet.</p>");
        } else {
            b.append("<table class=\"nicetable stratum-table\" id=\"environments-table\"><thead><tr><th>Name</th>")
                    .append("<th>Account</th><th>State</th><th>Members</th><th>Job</th><th>Created</th></tr></thead>")
                    .append("<tbody>");
            for (EnvironmentDTO e : envs) {
                b.append("<tr data-test=\"environment-row\" data-name=\"").append(esc(e.name())).append("\"><td>")
                        .append(v.environmentLink(e.account(), e.name())).append("</td><td>").append(esc(e.account()))
                        .append("</td><td>").append(ServicePages.state(e.state())).append("</td><td>");
                for (EnvironmentDTO.Member m : e.members()) {
                    b.append(v.serviceLink(e.account(), m.name())).append(' ');
                }
                b.append("</td><td>").append(v.jobLink(e.activeJobId())).append("</td><td>")
                        .append(esc(Html.time(e.createdAt()))).append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        b.append("<h3>Create an environment</h3>").append(v.form("/environments/create", "create-environment-form"))
                .append("<p><label for=\"environment-account\">Account</label> ")
                .append(ServicePages.accountSelect(v, "environment-account", "account", v.param("account")))
                .append("</p><p><label for=\"environment-document\">Description (YAML or JSON)</label><br>")
                .append("<textarea id=\"environment-document\" name=\"document\" rows=\"12\" cols=\"80\"")
                .append(" data-test=\"environment-document\" required placeholder=\"")
                .append(esc("name: shop\nservices:\n  - name: shop-db\n    type: database\n    plan: small\n"))
                .append("\"></textarea></p><button type=\"submit\" id=\"environment-create-submit\"")
                .append(" data-test=\"environment-create-submit\">Create</button></form>");
        return b.toString();
    }

    /** @return one environment: its graph, members, creation order and actions */
    static String detail(View v) {
        String account = v.param("account");
        String name = v.param("name");
        if (name == null) {
            throw new PlatformException(PlatformException.Reason.INVALID,
                    "which environment? The link lacks its name.");
        }
        EnvironmentDTO e = v.platform().getEnvironment(account, name);
        StringBuilder b = new StringBuilder("<h2>Environment <span id=\"environment-name\" data-test=\"environment-name\">")
                .append(esc(e.name())).append("</span></h2>");
        b.append("<table class=\"nicetable stratum-props\" id=\"environment-props\"><tbody><tr><th>Account</th><td>")
                .append(esc(e.account())).append("</td></tr><tr><th>State</th><td id=\"environment-state\"")
                .append(" data-test=\"environment-state\" data-state=\"").append(esc(e.state())).append("\">")
                .append(ServicePages.state(e.state())).append(e.stateMessage().isEmpty() ? "" : " " + esc(e.stateMessage()))
                .append("</td></tr>");
        if (e.activeJobId() > 0) {
            b.append("<tr><th>Job running</th><td>").append(v.jobLink(e.activeJobId())).append("</td></tr>");
        }
        b.append("<tr><th>Created</th><td>").append(esc(Html.time(e.createdAt()))).append("</td></tr></tbody></table>");

        b.append("<h3>Dependency graph</h3><div class=\"stratum-graph-box\" id=\"environment-graph-box\">")
                .append(EnvironmentGraph.svg(e, member -> v.url("/service", "account", e.account(), "name", member)))
                .append("</div><p class=\"stratum-note\">An arrow points from a service to the provider it uses;")
                .append(" lower rows are created first.</p>");

        b.append("<h3>Members</h3><table class=\"nicetable stratum-table\" id=\"environment-members\"><thead><tr>")
                .append("<th>Service</th><th>Type</th><th>Plan</th><th>State</th><th>Providers</th></tr></thead><tbody>");
        for (EnvironmentDTO.Member m : e.members()) {
            b.append("<tr data-test=\"environment-member\" data-name=\"").append(esc(m.name())).append("\"><td>")
                    .append(v.serviceLink(e.account(), m.name())).append("</td><td>").append(esc(m.serviceType()))
                    .append("</td><td>").append(esc(m.plan())).append("</td><td>").append(ServicePages.state(m.state()))
                    .append("</td><td>");
            for (Map.Entry<String, String> p : new TreeMap<>(m.providers()).entrySet()) {
                b.append(esc(p.getKey())).append(": ").append(v.serviceLink(e.account(), p.getValue())).append(' ');
            }
            b.append("</td></tr>");
        }
        b.append("</tbody></table>");
        b.append("<h3>Creation order</h3><ol id=\"environment-levels\">");
        for (List<String> level : e.levels()) {
            b.append("<li>").append(esc(String.join(", ", level))).append("</li>");
        }
        b.append("</ol>");

        String target = View.hidden("account", e.account()) + View.hidden("name", e.name());
        b.append("<h3>Actions</h3><div class=\"stratum-actions\" id=\"environment-actions\">");
        if (v.backups() != null) {
            b.append(v.form("/environment/backup", "environment-backup-form")).append(target)
                    .append("<button type=\"submit\" id=\"environment-backup\" data-test=\"environment-backup\">")
                    .append("Back up</button></form>");
        }
        if (v.clones() != null) {
            b.append(v.form("/environment/clone", "environment-clone-form")).append(target)
                    .append("<input name=\"target\" id=\"environment-clone-target\" required placeholder=\"name of the")
                    .append(" copy\"> <button type=\"submit\" id=\"environment-clone\" data-test=\"environment-clone\">")
                    .append("Clone</button></form>");
        }
        b.append(v.form("/environment/delete", "environment-delete-form")).append(target)
                .append("<label><input type=\"checkbox\" name=\"force\" value=\"true\"> force</label> <button")
                .append(" type=\"submit\" id=\"environment-delete\" data-test=\"environment-delete\" data-confirm=\"")
                .append(esc("Delete environment '" + e.name() + "' and all its services?")).append("\">Delete")
                .append("</button></form></div>");
        b.append("<h3>Recent jobs</h3>").append(JobPages.table(v,
                v.platform().listJobs(new JobQuery(e.account(), e.name(), false, 10)), "environment-jobs"));
        return b.toString();
    }
}
