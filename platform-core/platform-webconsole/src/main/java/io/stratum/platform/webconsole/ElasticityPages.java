package io.stratum.platform.webconsole;

import static io.stratum.platform.webconsole.Html.esc;

import io.stratum.platform.api.AlertDTO;
import io.stratum.platform.api.AlertTransitionDTO;
import io.stratum.platform.api.ElasticityService;
import io.stratum.platform.api.MetricSeriesDTO;
import io.stratum.platform.api.MetricSeriesDTO.PointDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PolicyDTO;
import io.stratum.platform.api.ScalingDecisionDTO;
import io.stratum.platform.api.ServiceDTO;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The elasticity pages: a service's metrics (plotted by the page's script, {@code res/elasticity.js}, from
 * {@link #JSON}), its alerts with their states and histories, the form that creates an alert, its scaling policy with
 * the form that sets it, and the policy's recent decisions; and the overview of every alert of the user's accounts.
 * Everything is read through the user's {@link ElasticityService}; while the elasticity bundle is absent the pages say
 * so.
 */
final class ElasticityPages {

    /** The path of the JSON document the service page's script reads every few seconds. */
    static final String JSON = "/elasticity.json";
    /** The windows a plot can show, by the name the page and the JSON document use. */
    static final Map<String, Duration> WINDOWS = windows();
    /** The window a plot shows first. */
    static final String DEFAULT_WINDOW = "15m";
    /** Most points of one series in the JSON document (a plot is a few hundred pixels wide). */
    static final int MAX_POINTS = 300;
    /** What the pages say while the elasticity bundle is absent. */
    static final String UNAVAILABLE = "Metrics, alerts and scaling policies need the elasticity bundle"
            + " (io.stratum.platform-elasticity), which is not installed or not active in this Stratum; a platform admin"
            + " can see its state with bundle:list and start it with bundle:start.";

    private static final int HISTORY = 20;
    private static final int DECISIONS = 20;

    private ElasticityPages() {
    }

    private static Map<String, Duration> windows() {
        Map<String, Duration> w = new LinkedHashMap<>();
        w.put("5m", Duration.ofMinutes(5));
        w.put("15m", Duration.ofMinutes(15));
        w.put("1h", Duration.ofHours(1));
        w.put("24h", Duration.ofHours(24));
        return w;
    }

    /** @return the user's elasticity facade */
    static ElasticityService elasticity(View v) {
        if (v.elasticity() == null) {
            throw new PlatformException(Reason.UNAVAILABLE, UNAVAILABLE);
        }
        return v.elasticity();
    }

    /** @return the URL of a service's elasticity page */
    static String url(View v, String account, String service) {
        return v.url("/elasticity", "account", account, "name", service);
    }

    /** @return the window named by the request's {@code window} parameter, the default when there is none */
    private static String window(View v) {
        String w = v.param("window");
        if (w == null) {
            return DEFAULT_WINDOW;
        }
        if (!WINDOWS.containsKey(w)) {
            throw new PlatformException(Reason.INVALID, "the window must be one of " + String.join(", ",
                    WINDOWS.keySet()) + ", not '" + w + "'");
        }
        return w;
    }

    // ---- the service's page

    /** @return a service's metrics, alerts, policy and decisions, with the forms that change them */
    static String service(View v) {
        String name = v.param("name");
        if (name == null) {
            throw new PlatformException(Reason.INVALID, "which service? The link lacks its name.");
        }
        String window = window(v);
        ServiceDTO s = v.platform().getService(v.param("account"), name);
        String account = s.account();
        long running = s.runtimes().stream().filter(r -> "RUNNING".equals(r.state())).count();
        StringBuilder b = new StringBuilder();
        b.append("<h2>Elasticity of <span id=\"elasticity-service\" data-test=\"elasticity-service\">")
                .append(esc(s.name())).append("</span></h2>");
        b.append("<p id=\"elasticity-summary\">Account ").append(esc(account)).append(", ").append(esc(s.serviceType()))
                .append(", ").append(ServicePages.state(s.state().name())).append(", ")
                .append(s.external() ? "external" : running + " of " + s.runtimes().size() + " instance(s) running")
                .append(". ").append(v.link("The service's page", "/service", "account", account, "name", s.name()))
                .append(", ").append(v.link("every alert", "/alerts", "account", account)).append(".</p>");
        if (v.elasticity() == null) {
            return b.append("<p id=\"elasticity-unavailable\" data-test=\"elasticity-unavailable\" class=\"stratum-hint\">")
                    .append(esc(UNAVAILABLE)).append("</p>").toString();
        }
        ElasticityService e = v.elasticity();
        List<MetricSeriesDTO> metrics = e.metrics(account, s.name());
        List<String> names = metrics.stream().map(MetricSeriesDTO::metric).sorted().toList();
        b.append(metrics(v, metrics, account, s.name(), window));
        b.append(alertsSection(v, e, account, s.name(), window, names));
        b.append(policySection(v, e, account, s.name(), names));
        b.append(decisions(v, e, account, s.name()));
        b.append("<script src=\"").append(esc(v.url("/res/elasticity.js"))).append("\"></script>");
        return b.toString();
    }

    private static String metrics(View v, List<MetricSeriesDTO> metrics, String account, String service,
            String window) {
        StringBuilder b = new StringBuilder("<h3 id=\"metrics\">Metrics</h3>");
        b.append("<div id=\"stratum-elasticity\" data-test=\"elasticity\" data-metrics-url=\"")
                .append(esc(v.url(JSON, "account", account, "name", service))).append("\" data-window=\"")
                .append(esc(window)).append("\">");
        b.append("<p class=\"stratum-windows\" id=\"metrics-windows\">Last ");
        for (String w : WINDOWS.keySet()) {
            b.append("<a data-window=\"").append(esc(w)).append("\" data-test=\"window-").append(esc(w))
                    .append("\" href=\"").append(esc(v.url("/elasticity", "account", account, "name", service,
                            "window", w) + "#metrics")).append('"').append(w.equals(window)
                                    ? " class=\"active\" aria-current=\"true\"" : "").append('>').append(esc(w))
                    .append("</a> ");
        }
        b.append("<span class=\"stratum-note\" id=\"metrics-status\" data-test=\"metrics-status\">loading...</span>")
                .append("</p>");
        b.append("<p id=\"metrics-poll-error\" data-test=\"metrics-poll-error\" class=\"stratum-error-text\" hidden></p>");
        b.append("<p id=\"metrics-empty\" data-test=\"metrics-empty\"").append(metrics.isEmpty() ? "" : " hidden")
                .append(">No metrics are gathered for this service yet: they come from the platform's gatherers and")
                .append(" the service's SDP while the service runs.</p>");
        b.append("<div id=\"metrics-plots\" class=\"stratum-plots\">");
        for (MetricSeriesDTO m : metrics) {
            b.append("<figure class=\"stratum-plot\" data-test=\"metric-plot\" data-metric=\"").append(esc(m.metric()))
                    .append("\"><figcaption><strong data-field=\"metric\">").append(esc(m.metric()))
                    .append("</strong> <span data-field=\"last\" class=\"stratum-plot-last\"></span> <span")
                    .append(" data-field=\"unit\" class=\"stratum-note stratum-plot-unit\">").append(esc(m.unit()))
                    .append("</span><br><small data-field=\"description\">").append(esc(m.description()))
                    .append("</small></figcaption><svg data-field=\"chart\" class=\"stratum-chart\"")
                    .append(" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 600 160\" role=\"img\" aria-label=\"")
                    .append(esc(m.metric())).append("\"></svg></figure>");
        }
        b.append("</div>");
        b.append("<noscript><p class=\"stratum-note\">The plots are drawn by the page's script.</p></noscript>");
        return b.append("</div>").toString();
    }

    private static String alertsSection(View v, ElasticityService e, String account, String service, String window,
            List<String> metrics) {
        List<AlertDTO> alerts = e.listAlerts(account, service);
        StringBuilder b = new StringBuilder("<h3 id=\"alerts\">Alerts</h3>");
        b.append("<p id=\"alerts-changed\" data-test=\"alerts-changed\" class=\"stratum-hint\" hidden>An alert changed")
                .append(" since this page was loaded: <a href=\"")
                .append(esc(v.url("/elasticity", "account", account, "name", service, "window", window) + "#alerts"))
                .append("\">reload</a> to see its history.</p>");
        if (alerts.isEmpty()) {
            b.append("<p id=\"alerts-empty\" data-test=\"alerts-empty\">No alerts watch this service. Create one")
                    .append(" below.</p>");
        } else {
            b.append("<table class=\"nicetable stratum-table\" id=\"alerts-table\"><thead><tr><th>Alert</th>")
                    .append("<th>State</th><th>Since</th><th>Evaluated</th><th>Expression</th><th>Every</th>")
                    .append("<th>Actions</th><th>Values seen</th><th></th></tr></thead><tbody>");
            for (AlertDTO a : alerts) {
                b.append("<tr data-test=\"alert-row\" data-alert=\"").append(esc(a.name())).append("\" data-state=\"")
                        .append(esc(a.state())).append("\"><td><strong>").append(esc(a.name())).append("</strong>")
                        .append("sdp".equals(a.origin()) ? " <small class=\"stratum-note\">(the SDP's default)</small>" : "")
                        .append(a.description() == null || a.description().isEmpty() ? ""
                                : "<br><small>" + esc(a.description()) + "</small>")
                        .append("</td><td data-field=\"state\">").append(ServicePages.state(a.state()))
                        .append("</td><td data-field=\"since\">").append(esc(Html.time(a.since())))
                        .append("</td><td data-field=\"evaluatedAt\">").append(esc(Html.time(a.evaluatedAt())))
                        .append("</td><td><code data-test=\"alert-expression\">").append(esc(a.expression()))
                        .append("</code></td><td>").append(esc(Durations.format(a.every()))).append("</td><td>")
                        .append(lines(a.actions())).append("</td><td data-field=\"values\">")
                        .append(esc(values(a.values()))).append("</td><td>")
                        .append(v.form("/elasticity/alerts/delete", "alert-delete-form-" + a.name()))
                        .append(View.hidden("account", account)).append(View.hidden("name", service))
                        .append(View.hidden("alert", a.name()))
                        .append("<button type=\"submit\" data-test=\"alert-delete\" data-confirm=\"")
                        .append(esc("Delete alert '" + a.name() + "' of '" + service + "'?"))
                        .append("\">Delete</button></form></td></tr>");
                b.append("<tr class=\"stratum-history-row\"><td colspan=\"9\">").append(history(e, account, service, a))
                        .append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        b.append(alertForm(v, account, service, metrics));
        return b.toString();
    }

    private static String history(ElasticityService e, String account, String service, AlertDTO a) {
        List<AlertTransitionDTO> changes;
        try {
            changes = e.alertHistory(account, service, a.name(), HISTORY);
        } catch (PlatformException x) {
            return "<p class=\"stratum-error-text\" data-test=\"alert-history-error\">History of " + esc(a.name())
                    + ": " + esc(x.getMessage()) + "</p>";
        }
        StringBuilder b = new StringBuilder("<details data-test=\"alert-history\" data-alert=\"").append(esc(a.name()))
                .append("\"><summary>History of ").append(esc(a.name())).append(" (")
                .append(changes.size() == HISTORY ? "last " + HISTORY : Integer.toString(changes.size()))
                .append(changes.size() == 1 ? " change" : " changes").append(")</summary>");
        if (changes.isEmpty()) {
            return b.append("<p>No change of state yet.</p></details>").toString();
        }
        b.append("<table class=\"nicetable stratum-table\"><thead><tr><th>At</th><th>Change</th><th>Values seen</th>")
                .append("<th>Why</th><th>Actions</th></tr></thead><tbody>");
        for (AlertTransitionDTO t : changes) {
            b.append("<tr data-test=\"alert-transition\"><td>").append(esc(Html.time(t.at()))).append("</td><td>")
                    .append(ServicePages.state(t.from())).append(" &#8594; ").append(ServicePages.state(t.to()))
                    .append("</td><td>").append(esc(values(t.values()))).append("</td><td>").append(esc(t.message()))
                    .append("</td><td>");
            for (String outcome : t.actions()) {
                boolean failed = outcome.contains(": failed");
                b.append("<span data-test=\"action-outcome\"").append(failed ? " class=\"stratum-error-text\"" : "")
                        .append('>').append(esc(outcome)).append("</span><br>");
            }
            b.append("</td></tr>");
        }
        return b.append("</tbody></table></details>").toString();
    }

    private static String alertForm(View v, String account, String service, List<String> metrics) {
        Map<String, String> draft = Flash.takeForm(v.request(), ElasticityActions.draftKey("alert", account, service));
        StringBuilder b = new StringBuilder("<h4>Create an alert</h4>");
        b.append(v.form("/elasticity/alerts/create", "alert-create-form")).append(View.hidden("account", account))
                .append(View.hidden("name", service)).append("<table class=\"nicetable stratum-form\"><tbody>");
        b.append("<tr><th><label for=\"alert-name\">Name</label></th><td><input id=\"alert-name\" name=\"alert\"")
                .append(" data-test=\"alert-name\" required value=\"").append(esc(draft.get("alert")))
                .append("\" placeholder=\"e.g. high-load\"></td></tr>");
        b.append("<tr><th><label for=\"alert-expression\">Expression</label></th><td><textarea id=\"alert-expression\"")
                .append(" name=\"expression\" data-test=\"alert-expression\" required rows=\"2\" cols=\"72\"")
                .append(" class=\"stratum-code\" spellcheck=\"false\" placeholder=\"")
                .append(esc("avg('http.requests.rate', '1m') > 50 && instances < 4")).append("\">")
                .append(esc(draft.get("expression"))).append("</textarea><br><small class=\"stratum-note\">")
                .append("Expression Language over avg, min, max, sum, count, last, rate, p50, p95, p99 of")
                .append(" ('metric', 'window') and instances.");
        if (!metrics.isEmpty()) {
            b.append(" Metrics: ").append(esc(String.join(", ", metrics))).append('.');
        }
        b.append("</small></td></tr>");
        b.append("<tr><th><label for=\"alert-every\">Every</label></th><td><input id=\"alert-every\" name=\"every\"")
                .append(" data-test=\"alert-every\" size=\"8\" value=\"").append(esc(draft.getOrDefault("every", "30s")))
                .append("\"> <small class=\"stratum-note\">how often it is evaluated (30s, 1m, ...), apart from the")
                .append(" windows it looks at</small></td></tr>");
        b.append("<tr><th><label for=\"alert-actions\">Actions</label></th><td><textarea id=\"alert-actions\"")
                .append(" name=\"actions\" data-test=\"alert-actions\" rows=\"3\" cols=\"72\" class=\"stratum-code\"")
                .append(" spellcheck=\"false\" placeholder=\"one per line: scale-up, scale-down, log, event,")
                .append(" email:ops@example.com, webhook:https://...\">").append(esc(draft.get("actions")))
                .append("</textarea><br><small class=\"stratum-note\">one per line: name or name:argument; they run")
                .append(" when the alert enters ALARM</small></td></tr>");
        b.append("<tr><th><label for=\"alert-description\">Description</label></th><td><input")
                .append(" id=\"alert-description\" name=\"description\" size=\"72\" data-test=\"alert-description\"")
                .append(" value=\"").append(esc(draft.get("description"))).append("\"></td></tr>");
        b.append("</tbody></table><button type=\"submit\" id=\"alert-create-submit\" data-test=\"alert-create-submit\">")
                .append("Create alert</button></form>");
        return b.toString();
    }

    private static String policySection(View v, ElasticityService e, String account, String service,
            List<String> metrics) {
        PolicyDTO p = e.policy(account, service);
        StringBuilder b = new StringBuilder("<h3 id=\"policy\">Scaling policy</h3>");
        b.append("<table class=\"nicetable stratum-props\" id=\"policy-props\" data-source=\"").append(esc(p.source()))
                .append("\" data-enabled=\"").append(p.enabled()).append("\"><tbody>");
        row(b, "Source", esc(source(p.source())));
        row(b, "Enabled", "<span data-test=\"policy-enabled\">" + (p.enabled()
                ? "yes: the platform scales the service by itself" : "no: nothing scales the service by itself")
                + "</span>");
        row(b, "Metric", p.metric() == null ? "none: only alerts with scale actions scale"
                : "<code>" + esc(p.metric()) + "</code>, averaged over " + esc(Durations.format(p.window()))
                        + ", target " + esc(number(p.target())) + " per instance, tolerance "
                        + esc(number(p.tolerance())));
        row(b, "Instances", esc(p.min() + " to " + p.max() + ", at most " + p.step() + " per decision"));
        row(b, "Cooldowns", esc("scale up " + Durations.format(p.scaleUpCooldown()) + ", scale down "
                + Durations.format(p.scaleDownCooldown()) + " after the end of the last scale"));
        row(b, "Scale-down stabilization", esc(Durations.format(p.scaleDownStabilization())
                + " (the highest recommendation of this window wins)"));
        row(b, "Without data", esc("FIXED".equals(p.onMissing()) ? "go to " + p.fixedInstances() + " instance(s)"
                : "hold: change nothing"));
        b.append("</tbody></table>");
        b.append(policyForm(v, account, service, p, metrics));
        if ("account".equals(p.source())) {
            b.append(v.form("/elasticity/policy/reset", "policy-reset-form")).append(View.hidden("account", account))
                    .append(View.hidden("name", service)).append("<button type=\"submit\" id=\"policy-reset\"")
                    .append(" data-test=\"policy-reset\" data-confirm=\"")
                    .append(esc("Remove the account's policy of '" + service + "'? The SDP's default applies again."))
                    .append("\">Reset to the SDP's default</button></form>");
        }
        return b.toString();
    }

    private static String source(String source) {
        return switch (source == null ? "" : source) {
            case "account" -> "account: set for this service";
            case "sdp" -> "sdp: the default of the service's SDP";
            case "none" -> "none: no policy is set and the SDP has no default";
            default -> source;
        };
    }

    private static String policyForm(View v, String account, String service, PolicyDTO p, List<String> metrics) {
        Map<String, String> draft = Flash.takeForm(v.request(), ElasticityActions.draftKey("policy", account, service));
        boolean kept = !draft.isEmpty();
        Map<String, String> f = new LinkedHashMap<>();
        f.put("enabled", p.enabled() ? "true" : null);
        f.put("metric", p.metric());
        f.put("window", Durations.format(p.window()));
        f.put("target", number(p.target()));
        f.put("min", Integer.toString(p.min()));
        f.put("max", Integer.toString(p.max()));
        f.put("step", Integer.toString(p.step()));
        f.put("upCooldown", Durations.format(p.scaleUpCooldown()));
        f.put("downCooldown", Durations.format(p.scaleDownCooldown()));
        f.put("stabilization", Durations.format(p.scaleDownStabilization()));
        f.put("tolerance", number(p.tolerance()));
        f.put("onMissing", "FIXED".equals(p.onMissing()) ? "FIXED" : "HOLD");
        f.put("fixedInstances", "FIXED".equals(p.onMissing()) ? Integer.toString(p.fixedInstances()) : "");
        if (kept) {
            f.replaceAll((k, old) -> draft.get(k));
        }
        StringBuilder b = new StringBuilder("<h4>Change the policy</h4>");
        b.append(v.form("/elasticity/policy/set", "policy-form")).append(View.hidden("account", account))
                .append(View.hidden("name", service)).append("<table class=\"nicetable stratum-form\"><tbody>");
        b.append("<tr><th><label for=\"policy-enabled\">Enabled</label></th><td><input type=\"checkbox\"")
                .append(" id=\"policy-enabled\" name=\"enabled\" value=\"true\" data-test=\"policy-enabled-input\"")
                .append(f.get("enabled") != null ? " checked" : "")
                .append("> the platform scales the service by itself</td></tr>");
        b.append("<tr><th><label for=\"policy-metric\">Metric</label></th><td><input id=\"policy-metric\"")
                .append(" name=\"metric\" list=\"policy-metrics\" size=\"32\" data-test=\"policy-metric\" value=\"")
                .append(esc(f.get("metric"))).append("\" placeholder=\"none: only alerts scale\"><datalist")
                .append(" id=\"policy-metrics\">");
        for (String m : metrics) {
            b.append("<option value=\"").append(esc(m)).append("\"></option>");
        }
        b.append("</datalist> <small class=\"stratum-note\">its value is a total over the service's instances</small>")
                .append("</td></tr>");
        input(b, "window", "Window", f, "averaged over, e.g. 1m");
        input(b, "target", "Target", f, "value per instance aimed at");
        input(b, "tolerance", "Tolerance", f, "relative band around the target in which nothing changes, e.g. 0.1");
        input(b, "min", "Min", f, "fewest instances");
        input(b, "max", "Max", f, "most instances");
        input(b, "step", "Step", f, "most instances added or removed by one decision");
        input(b, "upCooldown", "Scale-up cooldown", f, "least time after a scale before a scale up, e.g. 30s");
        input(b, "downCooldown", "Scale-down cooldown", f, "least time after a scale before a scale down, e.g. 1m");
        input(b, "stabilization", "Stabilization", f, "a scale down goes to the highest recommendation of this window");
        boolean fixed = "FIXED".equals(f.get("onMissing"));
        b.append("<tr><th>Without data</th><td><label><input type=\"radio\" name=\"onMissing\" value=\"HOLD\"")
                .append(" id=\"policy-missing-hold\" data-test=\"policy-missing-hold\"").append(fixed ? "" : " checked")
                .append("> hold: change nothing</label> <label><input type=\"radio\" name=\"onMissing\"")
                .append(" value=\"FIXED\" id=\"policy-missing-fixed\" data-test=\"policy-missing-fixed\"")
                .append(fixed ? " checked" : "").append("> go to</label> <input id=\"policy-fixedInstances\"")
                .append(" name=\"fixedInstances\" type=\"number\" min=\"0\" size=\"4\" data-test=\"policy-fixedInstances\"")
                .append(" value=\"").append(esc(f.get("fixedInstances"))).append("\"> instance(s)</td></tr>");
        b.append("</tbody></table><button type=\"submit\" id=\"policy-submit\" data-test=\"policy-submit\">Set policy")
                .append("</button> <small class=\"stratum-note\">The platform keeps the metric's value per instance near")
                .append(" the target: ceil(value / target) instances within min..max, at most step per decision,")
                .append(" nothing within the tolerance, a scale down only to the highest recommendation of the")
                .append(" stabilization window, and never while another job runs on the service.</small></form>");
        return b.toString();
    }

    private static void input(StringBuilder b, String name, String label, Map<String, String> values, String hint) {
        b.append("<tr><th><label for=\"policy-").append(name).append("\">").append(esc(label))
                .append("</label></th><td><input id=\"policy-").append(name).append("\" name=\"").append(name)
                .append("\" size=\"10\" data-test=\"policy-").append(name).append("\" value=\"")
                .append(esc(values.get(name))).append("\"> <small class=\"stratum-note\">").append(esc(hint))
                .append("</small></td></tr>");
    }

    private static String decisions(View v, ElasticityService e, String account, String service) {
        List<ScalingDecisionDTO> decisions = e.decisions(account, service, DECISIONS);
        StringBuilder b = new StringBuilder("<h3 id=\"decisions\">Recent scaling decisions</h3>");
        if (decisions.isEmpty()) {
            return b.append("<p id=\"decisions-empty\" data-test=\"decisions-empty\">No decision yet.</p>").toString();
        }
        b.append("<table class=\"nicetable stratum-table\" id=\"decisions-table\"><thead><tr><th>At</th>")
                .append("<th>Instances</th><th>Outcome</th><th>Why</th><th>Job</th></tr></thead><tbody>");
        for (ScalingDecisionDTO d : decisions) {
            String outcome = d.outcome() == null ? "" : d.outcome();
            int colon = outcome.indexOf(':');
            String word = colon < 0 ? outcome : outcome.substring(0, colon);
            String said = colon < 0 ? "" : outcome.substring(colon + 1).strip();
            b.append("<tr data-test=\"decision-row\" data-outcome=\"").append(esc(word)).append("\"><td>")
                    .append(esc(Html.time(d.at()))).append("</td><td>").append(d.from()).append(" &#8594; ")
                    .append(d.to()).append("</td><td>").append(ServicePages.state(word))
                    .append(said.isEmpty() ? "" : " " + esc(said)).append("</td><td>").append(esc(d.reason()))
                    .append("</td><td>").append(jobLink(v, d.jobId())).append("</td></tr>");
        }
        return b.append("</tbody></table>").toString();
    }

    /** @return a link to the job, its id as text if it is not a job number, empty for none */
    private static String jobLink(View v, String jobId) {
        if (jobId == null || jobId.isBlank()) {
            return "";
        }
        try {
            return v.jobLink(Long.parseLong(jobId.strip()));
        } catch (NumberFormatException e) {
            return esc(jobId);
        }
    }

    // ---- every alert of the user's accounts

    /** @return the alerts of the accounts the user can see (or of one), those in ALARM first */
    static String alerts(View v) {
        StringBuilder b = new StringBuilder("<h2>Alerts</h2>");
        if (v.elasticity() == null) {
            return b.append("<p id=\"elasticity-unavailable\" data-test=\"elasticity-unavailable\"")
                    .append(" class=\"stratum-hint\">").append(esc(UNAVAILABLE)).append("</p>").toString();
        }
        b.append(ServicePages.accountFilter(v, "/alerts"));
        String only = v.param("state");
        List<AlertDTO> alerts = new ArrayList<>();
        StringBuilder refused = new StringBuilder();
        for (String account : ServicePages.accounts(v)) {
            try {
                alerts.addAll(v.elasticity().listAlerts(account, null));
            } catch (PlatformException e) {
                refused.append("<p class=\"stratum-message stratum-error\" data-test=\"alerts-account-error\"")
                        .append(" role=\"alert\">Alerts of account ").append(esc(account)).append(": ")
                        .append(esc(e.getMessage())).append("</p>");
            }
        }
        b.append(refused);
        Map<String, Integer> counts = new TreeMap<>();
        for (AlertDTO a : alerts) {
            counts.merge(a.state(), 1, Integer::sum);
        }
        b.append("<p id=\"alerts-summary\" data-test=\"alerts-summary\">").append(alerts.size())
                .append(alerts.size() == 1 ? " alert" : " alerts").append(": ")
                .append(counts.getOrDefault("ALARM", 0)).append(" in ALARM, ").append(counts.getOrDefault("NO_DATA", 0))
                .append(" without data, ").append(counts.getOrDefault("OK", 0)).append(" OK. Show ")
                .append(v.link("all", "/alerts", "account", v.param("account")));
        for (String state : List.of("ALARM", "NO_DATA", "OK")) {
            b.append(", ").append(v.link(state, "/alerts", "account", v.param("account"), "state", state));
        }
        b.append(".</p>");
        List<AlertDTO> shown = alerts.stream().filter(a -> only == null || only.equals(a.state()))
                .sorted(Comparator.comparingInt((AlertDTO a) -> rank(a.state())).thenComparing(AlertDTO::account)
                        .thenComparing(AlertDTO::service).thenComparing(AlertDTO::name)).toList();
        if (shown.isEmpty()) {
            return b.append("<p id=\"alerts-none\" data-test=\"alerts-none\">No alerts").append(only == null ? ""
                    : " in state " + esc(only)).append(". Alerts are created on a service's elasticity page (and")
                    .append(" SDPs give their services default ones).</p>").toString();
        }
        b.append("<table class=\"nicetable stratum-table\" id=\"alerts-overview\"><thead><tr><th>Account</th>")
                .append("<th>Service</th><th>Alert</th><th>State</th><th>Since</th><th>Evaluated</th>")
                .append("<th>Expression</th><th>Actions</th></tr></thead><tbody>");
        for (AlertDTO a : shown) {
            b.append("<tr data-test=\"alert-row\" data-account=\"").append(esc(a.account())).append("\" data-service=\"")
                    .append(esc(a.service())).append("\" data-alert=\"").append(esc(a.name())).append("\" data-state=\"")
                    .append(esc(a.state())).append("\"><td>").append(esc(a.account())).append("</td><td>")
                    .append("<a href=\"").append(esc(url(v, a.account(), a.service()) + "#alerts")).append("\">")
                    .append(esc(a.service())).append("</a></td><td>").append(esc(a.name())).append("</td><td>")
                    .append(ServicePages.state(a.state())).append("</td><td>").append(esc(Html.time(a.since())))
                    .append("</td><td>").append(esc(Html.time(a.evaluatedAt()))).append("</td><td><code>")
                    .append(esc(a.expression())).append("</code></td><td>").append(lines(a.actions()))
                    .append("</td></tr>");
        }
        return b.append("</tbody></table>").toString();
    }

    private static int rank(String state) {
        return switch (state == null ? "" : state) {
            case "ALARM" -> 0;
            case "NO_DATA" -> 1;
            case "OK" -> 2;
            default -> 3;
        };
    }

    // ---- the JSON document of the service page's script

    /**
     * @param now the time the plots end at
     * @return the service's metrics over the window of the request's {@code window} parameter (each series at most
     *     {@link #MAX_POINTS} points, as {@code [epoch millis, value, min, max]}, with its last raw value) and its
     *     alerts' states, as JSON
     */
    static String json(View v, Instant now) {
        ElasticityService e = elasticity(v);
        String account = v.param("account");
        String service = v.param("name");
        if (service == null) {
            throw new PlatformException(Reason.INVALID, "which service? The request lacks its name.");
        }
        String windowName = window(v);
        Duration window = WINDOWS.get(windowName);
        List<Object> metrics = new ArrayList<>();
        for (MetricSeriesDTO m : e.metrics(account, service)) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("metric", m.metric());
            entry.put("unit", m.unit());
            entry.put("description", m.description());
            List<PointDTO> points = List.of();
            try {
                points = e.series(account, service, m.metric(), window).points();
                entry.put("error", null);
            } catch (PlatformException x) {
                entry.put("error", x.getMessage()); // e.g. a metric its source stopped reporting a moment ago
            }
            PointDTO last = points.isEmpty() ? null : points.get(points.size() - 1);
            entry.put("last", last == null ? null : last.value());
            entry.put("lastAt", last == null ? null : Html.time(last.at()));
            List<Object> plotted = new ArrayList<>();
            for (PointDTO p : thin(points, now.minus(window), window, MAX_POINTS)) {
                plotted.add(List.of(p.at().toEpochMilli(), p.value(), p.min(), p.max()));
            }
            entry.put("points", plotted);
            metrics.add(entry);
        }
        List<Object> alerts = new ArrayList<>();
        for (AlertDTO a : e.listAlerts(account, service)) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", a.name());
            entry.put("state", a.state());
            entry.put("since", Html.time(a.since()));
            entry.put("evaluatedAt", Html.time(a.evaluatedAt()));
            entry.put("values", values(a.values()));
            alerts.add(entry);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("account", account);
        doc.put("service", service);
        doc.put("window", windowName);
        doc.put("windowMillis", window.toMillis());
        doc.put("refreshMillis", window.compareTo(Duration.ofHours(1)) > 0 ? 30_000L : 5_000L);
        doc.put("now", now.toEpochMilli());
        doc.put("nowText", Html.time(now));
        doc.put("metrics", metrics);
        doc.put("alerts", alerts);
        return Json.write(doc);
    }

    /**
     * Thins a series to at most {@code max} points for a plot: the window is cut into {@code max} equal intervals and
     * the points of each become one, at the time of its first, with the mean of their values, the least minimum and
     * the greatest maximum (so peaks stay visible and gaps stay gaps); points outside the window count to its first
     * or last interval.
     *
     * @param points the series, oldest first (so at most {@code max} points come out)
     * @param start the start of the window
     * @param window its length
     * @param max most points
     * @return the points as they are if there are no more than {@code max}, else the thinned ones
     */
    static List<PointDTO> thin(List<PointDTO> points, Instant start, Duration window, int max) {
        if (points.size() <= max) {
            return points;
        }
        long interval = Math.max(1, window.toMillis() / max);
        List<PointDTO> out = new ArrayList<>();
        long bucket = Long.MIN_VALUE;
        Instant at = null;
        double sum = 0;
        int n = 0;
        double lo = 0;
        double hi = 0;
        for (PointDTO p : points) {
            long b = Math.max(0, Math.min(max - 1, Math.floorDiv(p.at().toEpochMilli() - start.toEpochMilli(),
                    interval)));
            if (n > 0 && b != bucket) {
                out.add(new PointDTO(at, sum / n, lo, hi));
                n = 0;
            }
            if (n == 0) {
                bucket = b;
                at = p.at();
                sum = 0;
                lo = p.min();
                hi = p.max();
            }
            sum += p.value();
            lo = Math.min(lo, p.min());
            hi = Math.max(hi, p.max());
            n++;
        }
        if (n > 0) {
            out.add(new PointDTO(at, sum / n, lo, hi));
        }
        return out;
    }

    // ---- small pieces

    /** @return the values an expression saw, as {@code name = value}, by name */
    static String values(Map<String, Double> values) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Double> e : new TreeMap<>(values).entrySet()) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(e.getKey()).append(" = ").append(e.getValue() == null ? "-" : number(e.getValue()));
        }
        return b.toString();
    }

    /** @return a number for people: up to three decimals, no trailing zeros; "-" for NaN */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.3f", v);
        s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        return s.equals("-0") ? "0" : s;
    }

    private static String lines(List<String> items) {
        StringBuilder b = new StringBuilder();
        for (String item : items) {
            b.append("<code>").append(esc(item)).append("</code><br>");
        }
        return b.toString();
    }

    private static void row(StringBuilder b, String th, String tdHtml) {
        b.append("<tr><th>").append(esc(th)).append("</th><td>").append(tdHtml).append("</td></tr>");
    }
}
