package io.stratum.platform.webconsole;

import static io.stratum.platform.webconsole.Html.esc;

import io.stratum.platform.api.AccountDTO;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobQuery;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.SdpDTO;
import io.stratum.platform.api.ServiceDTO;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The services pages: the list with the create form, and one service with its connection and actions. */
final class ServicePages {

    private ServicePages() {
    }

    /** The accounts a page shows: the one named by the {@code account} parameter, else all the user can see. */
    static List<String> accounts(View v) {
        String only = v.param("account");
        if (only != null) {
            return List.of(only);
        }
        return v.platform().listAccounts().stream().map(AccountDTO::name).toList();
    }

    /** @return the services of the accounts the user can see (or of one), with their live health */
    static String list(View v) {
        StringBuilder b = new StringBuilder();
        b.append("<h2>Services</h2>");
        b.append(accountFilter(v, "/services"));
        List<ServiceDTO> services = new ArrayList<>();
        for (String account : accounts(v)) {
            services.addAll(v.platform().listServices(account));
        }
        if (services.isEmpty()) {
            b.append("<p id=\"services-empty\">No services yet. Create one below.</p>");
        } else {
            b.append("<table class=\"nicetable stratum-table\" id=\"services-table\"><thead><tr>")
                    .append("<th>Name</th><th>Account</th><th>Type</th><th>Plan</th><th>State</th><th>Health</th>")
                    .append("<th>Runtimes</th><th>Job</th><th>Note</th>")
                    .append(v.elasticity() == null ? "" : "<th>Elasticity</th>").append("</tr></thead><tbody>");
            for (ServiceDTO s : services) {
                String health;
                String healthMessage;
                try {
                    ServiceDTO live = v.platform().getService(s.account(), s.name());
                    health = live.health();
                    healthMessage = live.healthMessage();
                } catch (PlatformException e) {
                    health = "UNKNOWN";
                    healthMessage = e.getMessage();
                }
                long running = s.runtimes().stream().filter(r -> "RUNNING".equals(r.state())).count();
                b.append("<tr data-test=\"service-row\" data-name=\"").append(esc(s.name())).append("\" data-account=\"")
                        .append(esc(s.account())).append("\"><td>").append(v.serviceLink(s.account(), s.name()))
                        .append("</td><td>").append(esc(s.account())).append("</td><td>").append(esc(s.serviceType()))
                        .append("</td><td>").append(esc(s.plan())).append("</td><td data-test=\"service-state\">")
                        .append(state(s.state().name())).append("</td><td data-test=\"service-health\" title=\"")
                        .append(esc(healthMessage)).append("\">").append(state(health)).append("</td><td>")
                        .append(s.external() ? "external" : running + "/" + s.runtimes().size() + " running")
                        .append("</td><td>").append(v.jobLink(s.activeJobId())).append("</td><td>")
                        .append(esc(note(s))).append("</td>");
                if (v.elasticity() != null) {
                    b.append("<td><a data-test=\"service-elasticity\" href=\"")
                            .append(esc(ElasticityPages.url(v, s.account(), s.name()))).append("\">metrics, alerts</a></td>");
                }
                b.append("</tr>");
            }
            b.append("</tbody></table>");
        }
        b.append(createForm(v));
        return b.toString();
    }

    private static String note(ServiceDTO s) {
        if (!s.engineAvailable() && !s.external()) {
            return "no engine installed: unmanaged until one returns";
        }
        if (!s.stateMessage().isEmpty()) {
            return s.stateMessage();
        }
        return s.providers().isEmpty() ? "" : "uses " + String.join(", ", new TreeMap<>(s.providers()).values());
    }

    /** @return a state or health word in a span the style sheet colours */
    static String state(String word) {
        return "<span class=\"stratum-state stratum-state-" + esc(word == null ? "" : word.toLowerCase())
                + "\">" + esc(word) + "</span>";
    }

    /** @return a small form that narrows a list to one account */
    static String accountFilter(View v, String path) {
        List<AccountDTO> accounts = v.platform().listAccounts();
        if (accounts.size() < 2) {
            return "";
        }
        String current = v.param("account");
        StringBuilder b = new StringBuilder("<form method=\"get\" action=\"").append(esc(v.url(path)))
                .append("\" class=\"stratum-filter\" id=\"account-filter\">Account: <select name=\"account\">")
                .append("<option value=\"\">all</option>");
        for (AccountDTO a : accounts) {
            b.append("<option").append(a.name().equals(current) ? " selected" : "").append(" value=\"")
                    .append(esc(a.name())).append("\">").append(esc(a.name())).append("</option>");
        }
        return b.append("</select> <button type=\"submit\">Show</button></form>").toString();
    }

    /** The form that creates a service; its values come back after a refusal (the redirect carries them). */
    private static String createForm(View v) {
        List<SdpDTO> sdps = v.platform().listSdps(false);
        Map<String, SdpDTO> byType = new TreeMap<>();
        for (SdpDTO s : sdps) {
            byType.merge(s.serviceType(), s, (a, b) -> b); // listed by type then version: the newest wins
        }
        StringBuilder b = new StringBuilder("<h3>Create a service</h3>");
        if (byType.isEmpty()) {
            return b.append("<p>No service type is available yet: see ").append(v.link("SDPs", "/sdps"))
                    .append(".</p>").toString();
        }
        String type = v.param("type");
        String plan = v.param("plan");
        b.append(v.form("/services/create", "create-service-form"))
                .append("<table class=\"nicetable stratum-form\"><tbody>");
        b.append("<tr><th><label for=\"create-account\">Account</label></th><td>")
                .append(accountSelect(v, "create-account", "account", v.param("createAccount"))).append("</td></tr>");
        b.append("<tr><th><label for=\"create-type\">Type</label></th><td><select id=\"create-type\" name=\"type\"")
                .append(" data-test=\"create-type\">");
        for (String t : byType.keySet()) {
            b.append("<option value=\"").append(esc(t)).append('"').append(t.equals(type) ? " selected" : "")
                    .append('>').append(esc(t)).append("</option>");
        }
        b.append("</select></td></tr>");
        b.append("<tr><th><label for=\"create-name\">Name</label></th><td><input id=\"create-name\" name=\"name\"")
                .append(" data-test=\"create-name\" required value=\"").append(esc(v.param("name")))
                .append("\" placeholder=\"lower-case letters, digits, dashes\"></td></tr>");
        b.append("<tr><th><label for=\"create-plan\">Plan</label></th><td><select id=\"create-plan\" name=\"plan\"")
                .append(" data-test=\"create-plan\"><option value=\"\">the type's default plan</option>");
        for (SdpDTO s : byType.values()) {
            b.append("<optgroup label=\"").append(esc(s.serviceType())).append("\" data-type=\"")
                    .append(esc(s.serviceType())).append("\">");
            for (SdpDTO.PlanDTO p : s.plans()) {
                boolean selected = p.name().equals(plan) && s.serviceType().equals(type);
                b.append("<option value=\"").append(esc(p.name())).append("\" data-type=\"")
                        .append(esc(s.serviceType())).append('"').append(selected ? " selected" : "").append('>')
                        .append(esc(p.name())).append(p.name().equals(s.defaultPlan()) ? " (default)" : "")
                        .append(p.description() == null || p.description().isEmpty() ? "" : " - " + esc(p.description()))
                        .append("</option>");
            }
            b.append("</optgroup>");
        }
        b.append("</select></td></tr>");
        b.append("<tr><th><label for=\"create-environment\">Environment</label></th><td><input type=\"checkbox\"")
                .append(" id=\"create-environment\" name=\"createProviders\" value=\"true\"")
                .append(" data-test=\"create-environment\"").append(v.param("createProviders") != null ? " checked" : "")
                .append("> create it as an environment named after it, with the providers its type needs</td></tr>");
        b.append("</tbody></table><button type=\"submit\" id=\"create-submit\" data-test=\"create-submit\">Create</button>")
                .append("</form>");
        return b.toString();
    }

    /** @return a select of the accounts the user can see */
    static String accountSelect(View v, String id, String name, String selected) {
        List<AccountDTO> accounts = v.platform().listAccounts();
        StringBuilder b = new StringBuilder("<select id=\"").append(esc(id)).append("\" name=\"").append(esc(name))
                .append("\" data-test=\"").append(esc(id)).append("\">");
        for (AccountDTO a : accounts) {
            boolean sel = selected == null ? a.name().equals(PlatformService.DEFAULT_ACCOUNT)
                    : a.name().equals(selected);
            b.append("<option value=\"").append(esc(a.name())).append('"').append(sel ? " selected" : "").append('>')
                    .append(esc(a.name())).append("</option>");
        }
        return b.append("</select>").toString();
    }

    /** @return one service: its state, health, connection (secrets only on request), runtimes, actions and jobs */
    static String detail(View v) {
        String account = v.param("account");
        String name = v.param("name");
        if (name == null) {
            throw new PlatformException(PlatformException.Reason.INVALID, "which service? The link lacks its name.");
        }
        boolean credentials = "true".equals(v.param("credentials"));
        StringBuilder b = new StringBuilder();
        ServiceDTO s;
        if (credentials) {
            try {
                s = v.platform().getService(account, name, true);
            } catch (PlatformException e) {
                if (e.reason() != PlatformException.Reason.FORBIDDEN) {
                    throw e;
                }
                b.append(StratumConsolePlugin.message(true, e.getMessage()));
                credentials = false;
                s = v.platform().getService(account, name, false);
            }
        } else {
            s = v.platform().getService(account, name, false);
        }
        b.append("<h2>Service <span id=\"service-name\" data-test=\"service-name\">").append(esc(s.name()))
                .append("</span></h2>");
        b.append("<table class=\"nicetable stratum-props\" id=\"service-props\"><tbody>");
        row(b, "Account", esc(s.account()));
        row(b, "Type", esc(s.serviceType()) + (s.external() ? " (external: registered, not run by Stratum)" : ""));
        row(b, "SDP", esc(s.sdpName() + " " + s.sdpVersion())
                + (s.engineAvailable() || s.external() ? "" : " <em>no engine installed: unmanaged until one returns</em>"));
        row(b, "Plan", esc(s.plan()));
        b.append("<tr><th>State</th><td id=\"service-state\" data-test=\"service-state\" data-state=\"")
                .append(esc(s.state().name())).append("\">").append(state(s.state().name()))
                .append(s.stateMessage().isEmpty() ? "" : " " + esc(s.stateMessage())).append("</td></tr>");
        b.append("<tr><th>Health</th><td id=\"service-health\" data-test=\"service-health\" data-health=\"")
                .append(esc(s.health())).append("\">").append(state(s.health())).append(' ')
                .append(esc(s.healthMessage())).append("</td></tr>");
        if (!s.environment().isEmpty()) {
            row(b, "Environment", v.environmentLink(s.account(), s.environment()));
        }
        if (!s.providers().isEmpty()) {
            StringBuilder p = new StringBuilder();
            for (Map.Entry<String, String> e : new TreeMap<>(s.providers()).entrySet()) {
                p.append(esc(e.getKey())).append(": ").append(v.serviceLink(s.account(), e.getValue())).append("<br>");
            }
            row(b, "Providers", p.toString());
        }
        if (!s.dependants().isEmpty()) {
            StringBuilder p = new StringBuilder();
            for (String d : s.dependants()) {
                p.append(v.serviceLink(s.account(), d)).append("<br>");
            }
            row(b, "Used by", p.toString());
        }
        if (s.activeJobId() > 0) {
            row(b, "Job running", v.jobLink(s.activeJobId()));
        }
        row(b, "Elasticity", v.elasticity() == null ? "<span class=\"stratum-note\">metrics, alerts and scaling"
                + " policies need the elasticity bundle</span>" : "<a id=\"service-elasticity\" data-test=\""
                + "service-elasticity\" href=\"" + esc(ElasticityPages.url(v, s.account(), s.name()))
                + "\">metrics, alerts and scaling policy</a>");
        if (v.updates() != null && !s.external()) {
            row(b, "Updates", "<a id=\"service-window\" data-test=\"service-window\" href=\""
                    + esc(UpdatePages.windowUrl(v, s.account(), s.name())) + "\">maintenance window, upgrade</a>");
        }
        row(b, "Created", esc(Html.time(s.createdAt())));
        row(b, "Changed", esc(Html.time(s.updatedAt())));
        b.append("</tbody></table>");

        b.append("<h3>Connection</h3>");
        if (s.connection() == null) {
            b.append("<p id=\"service-connection-none\">No connection details right now (not running, or the")
                    .append(" engine cannot tell them).</p>");
        } else {
            ServiceDTO.ConnectionDTO c = s.connection();
            b.append("<table class=\"nicetable stratum-props\" id=\"service-connection\"><tbody>");
            b.append("<tr><th>URL</th><td><code id=\"connection-url\">").append(esc(c.url())).append("</code></td></tr>");
            if (c.user() != null) {
                b.append("<tr><th>User</th><td><code id=\"connection-user\">").append(esc(c.user()))
                        .append("</code></td></tr>");
            }
            if (c.password() != null) {
                b.append("<tr><th>Password</th><td><code id=\"connection-password\" data-test=\"connection-password\">")
                        .append(esc(c.password())).append("</code>");
                if (!credentials) {
                    b.append(" <a id=\"show-credentials\" data-test=\"show-credentials\" href=\"")
                            .append(esc(v.url("/service", "account", s.account(), "name", s.name(), "credentials",
                                    "true"))).append("\">show credentials</a> (members of the account only)");
                }
                b.append("</td></tr>");
            }
            for (Map.Entry<String, String> e : new TreeMap<>(c.properties()).entrySet()) {
                b.append("<tr><th>").append(esc(e.getKey())).append("</th><td><code>").append(esc(e.getValue()))
                        .append("</code></td></tr>");
            }
            b.append("</tbody></table>");
        }

        if (!s.configuration().isEmpty()) {
            b.append("<h3>Configuration</h3><table class=\"nicetable stratum-props\" id=\"service-config\"><tbody>");
            for (Map.Entry<String, String> e : new TreeMap<>(s.configuration()).entrySet()) {
                row(b, esc(e.getKey()), "<code>" + esc(e.getValue()) + "</code>");
            }
            b.append("</tbody></table>");
        }

        if (!s.runtimes().isEmpty()) {
            b.append("<h3>Runtimes</h3><table class=\"nicetable stratum-table\" id=\"service-runtimes\"><thead><tr>")
                    .append("<th>Name</th><th>State</th><th>PID</th><th>Ports</th><th>Restarts</th><th>Started</th>")
                    .append("<th>Log</th><th>Note</th></tr></thead><tbody>");
            for (ServiceDTO.RuntimeDTO r : s.runtimes()) {
                b.append("<tr data-test=\"runtime-row\"><td>").append(esc(r.name())).append("</td><td>")
                        .append(state(r.state())).append("</td><td>").append(r.pid() < 0 ? "" : r.pid())
                        .append("</td><td>").append(esc(new TreeMap<>(r.ports()).toString())).append("</td><td>")
                        .append(r.restarts()).append("</td><td>").append(esc(Html.time(r.startedAt())))
                        .append("</td><td><code>").append(esc(r.logFile())).append("</code></td><td>")
                        .append(esc(r.message())).append("</td></tr>");
            }
            b.append("</tbody></table>");
        }

        b.append(actions(v, s));

        List<JobDTO> jobs = v.platform().listJobs(new JobQuery(s.account(), s.name(), false, 10));
        b.append("<h3>Recent jobs</h3>").append(JobPages.table(v, jobs, "service-jobs"));
        return b.toString();
    }

    private static String actions(View v, ServiceDTO s) {
        StringBuilder b = new StringBuilder("<h3>Actions</h3><div class=\"stratum-actions\" id=\"service-actions\">");
        String target = View.hidden("account", s.account()) + View.hidden("name", s.name());
        b.append(v.form("/service/start", "action-start-form")).append(target)
                .append("<button type=\"submit\" id=\"action-start\" data-test=\"action-start\">Start</button></form>");
        b.append(v.form("/service/stop", "action-stop-form")).append(target)
                .append("<button type=\"submit\" id=\"action-stop\" data-test=\"action-stop\">Stop</button></form>");
        b.append(v.form("/service/scale", "action-scale-form")).append(target)
                .append("<input type=\"number\" min=\"1\" name=\"instances\" id=\"scale-instances\" required")
                .append(" data-test=\"scale-instances\" value=\"").append(Math.max(1, s.runtimes().size()))
                .append("\"> <button type=\"submit\" id=\"action-scale\" data-test=\"action-scale\">Scale</button></form>");
        if (v.backups() != null) {
            b.append(v.form("/service/backup", "action-backup-form")).append(target)
                    .append("<button type=\"submit\" id=\"action-backup\" data-test=\"action-backup\">Back up</button>")
                    .append("</form>");
        }
        if (v.clones() != null) {
            b.append(v.form("/service/clone", "action-clone-form")).append(target)
                    .append("<input name=\"target\" id=\"clone-target\" data-test=\"clone-target\" required")
                    .append(" placeholder=\"name of the copy\"> <button type=\"submit\" id=\"action-clone\"")
                    .append(" data-test=\"action-clone\">Clone</button></form>");
        }
        b.append(v.form("/service/delete", "action-delete-form")).append(target)
                .append("<label><input type=\"checkbox\" name=\"force\" value=\"true\" id=\"delete-force\"> force")
                .append("</label> <button type=\"submit\" id=\"action-delete\" data-test=\"action-delete\"")
                .append(" data-confirm=\"").append(esc("Delete service '" + s.name() + "' and its data?"))
                .append("\">Delete</button></form>");
        if (v.backups() == null || v.clones() == null) {
            b.append("<p class=\"stratum-note\">").append(v.backups() == null ? "Back up needs the backup bundle. " : "")
                    .append(v.clones() == null ? "Clone needs the clone bundle." : "").append("</p>");
        }
        return b.append("</div>").toString();
    }

    private static void row(StringBuilder b, String th, String tdHtml) {
        b.append("<tr><th>").append(th).append("</th><td>").append(tdHtml).append("</td></tr>");
    }
}
