package io.stratum.platform.webconsole;

import static io.stratum.platform.webconsole.Html.esc;

import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobQuery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The jobs pages: the list, one job with its steps and audit trail, and the JSON snapshot the page's script polls
 * every second until the job has ended (so progress shows without reloading).
 */
final class JobPages {

    private JobPages() {
    }

    /** @return the newest jobs the user can see (of one account, or only unfinished ones, if asked) */
    static String list(View v) {
        boolean active = "true".equals(v.param("active"));
        List<JobDTO> jobs = v.platform().listJobs(new JobQuery(v.param("account"), null, active, 100));
        StringBuilder b = new StringBuilder("<h2>Jobs</h2>");
        b.append(ServicePages.accountFilter(v, "/jobs"));
        b.append("<p>").append(active ? v.link("show all jobs", "/jobs", "account", v.param("account"))
                : v.link("show only running jobs", "/jobs", "account", v.param("account"), "active", "true"))
                .append("</p>");
        return b.append(table(v, jobs, "jobs-table")).toString();
    }

    /** @return a table of jobs */
    static String table(View v, List<JobDTO> jobs, String id) {
        if (jobs.isEmpty()) {
            return "<p id=\"" + esc(id) + "-empty\">No jobs.</p>";
        }
        StringBuilder b = new StringBuilder("<table class=\"nicetable stratum-table\" id=\"").append(esc(id))
                .append("\"><thead><tr><th>Job</th><th>Kind</th><th>Account</th><th>Target</th><th>State</th>")
                .append("<th>Progress</th><th>Phase / task</th><th>Requested by</th><th>Submitted</th>")
                .append("<th>Ended</th></tr></thead><tbody>");
        for (JobDTO j : jobs) {
            b.append("<tr data-test=\"job-row\" data-job=\"").append(j.id()).append("\" data-state=\"")
                    .append(esc(j.state().name())).append("\"><td>").append(v.jobLink(j.id())).append("</td><td>")
                    .append(esc(j.kind())).append("</td><td>").append(esc(j.account())).append("</td><td>")
                    .append(targetLink(v, j)).append("</td><td>").append(ServicePages.state(j.state().name()))
                    .append("</td><td><progress max=\"100\" value=\"").append(j.progress()).append("\"></progress> ")
                    .append(j.progress()).append("%</td><td>").append(esc(j.phase()))
                    .append(j.task() == null || j.task().isEmpty() ? "" : " / " + esc(j.task())).append("</td><td>")
                    .append(esc(j.requestedBy())).append(" (").append(esc(j.requestedVia())).append(")</td><td>")
                    .append(esc(Html.time(j.createdAt()))).append("</td><td>").append(esc(Html.time(j.finishedAt())))
                    .append("</td></tr>");
        }
        return b.append("</tbody></table>").toString();
    }

    /**
     * @return the page of the service or environment a job works on, or {@code null} if it works on something else
     *     or deletes it
     */
    static String targetUrl(View v, JobDTO j) {
        if (j.target() == null || j.target().isEmpty() || j.kind().endsWith(".delete")) {
            return null;
        }
        if (j.kind().startsWith("service.")) {
            return v.url("/service", "account", j.account(), "name", j.target());
        }
        if (j.kind().startsWith("environment.")) {
            return v.url("/environment", "account", j.account(), "name", j.target());
        }
        return null;
    }

    private static String targetLink(View v, JobDTO j) {
        String url = targetUrl(v, j);
        return url == null ? esc(j.target()) : "<a href=\"" + esc(url) + "\">" + esc(j.target()) + "</a>";
    }

    /**
     * @param id the job's id
     * @return the job, with its steps and audit; its script keeps it up to date until it has ended
     */
    static String detail(View v, long id) {
        JobDTO j = v.platform().getJob(id);
        StringBuilder b = new StringBuilder();
        b.append("<h2>Job #").append(j.id()).append(": ").append(esc(j.kind())).append(" ").append(esc(j.target()))
                .append("</h2>");
        b.append("<div id=\"stratum-job\" data-test=\"job\" data-job=\"").append(j.id()).append("\" data-job-url=\"")
                .append(esc(v.url("/jobs/" + j.id() + ".json"))).append("\" data-done=\"").append(j.isDone())
                .append("\" data-state=\"").append(esc(j.state().name())).append("\">");
        b.append("<table class=\"nicetable stratum-props\" id=\"job-props\"><tbody>");
        b.append("<tr><th>State</th><td><span id=\"job-state\" data-test=\"job-state\">").append(esc(j.state().name()))
                .append("</span></td></tr>");
        b.append("<tr><th>Progress</th><td><progress id=\"job-progress\" data-test=\"job-progress\" max=\"100\" value=\"")
                .append(j.progress()).append("\"></progress> <span id=\"job-progress-text\">").append(j.progress())
                .append("%</span></td></tr>");
        b.append("<tr><th>Phase / task</th><td><span id=\"job-phase\">").append(esc(j.phase()))
                .append("</span> / <span id=\"job-task\">").append(esc(j.task())).append("</span> (attempt <span")
                .append(" id=\"job-attempts\">").append(j.attempts()).append("</span>)</td></tr>");
        b.append("<tr><th>Message</th><td id=\"job-message\" data-test=\"job-message\">").append(esc(j.message()))
                .append("</td></tr>");
        b.append("<tr><th>Error</th><td id=\"job-error\" data-test=\"job-error\" class=\"stratum-error-text\">")
                .append(esc(j.error())).append("</td></tr>");
        b.append("<tr><th>Account</th><td>").append(esc(j.account())).append("</td></tr>");
        b.append("<tr><th>Target</th><td id=\"job-target\">").append(targetLink(v, j)).append("</td></tr>");
        b.append("<tr><th>Requested by</th><td id=\"job-requested-by\" data-test=\"job-requested-by\">")
                .append(esc(j.requestedBy())).append("</td></tr>");
        b.append("<tr><th>Via</th><td id=\"job-via\" data-test=\"job-via\">").append(esc(j.requestedVia()))
                .append("</td></tr>");
        b.append("<tr><th>Cause</th><td id=\"job-cause\" data-test=\"job-cause\">").append(esc(j.cause()))
                .append("</td></tr>");
        b.append("<tr><th>Submitted</th><td>").append(esc(Html.time(j.createdAt()))).append("</td></tr>");
        b.append("<tr><th>Started</th><td id=\"job-started\">").append(esc(Html.time(j.startedAt())))
                .append("</td></tr>");
        b.append("<tr><th>Ended</th><td id=\"job-finished\">").append(esc(Html.time(j.finishedAt())))
                .append("</td></tr>");
        b.append("</tbody></table>");
        String url = targetUrl(v, j);
        b.append("<p id=\"job-done\" data-test=\"job-done\"").append(j.isDone() ? "" : " hidden").append(">The job has")
                .append(" ended: <strong id=\"job-outcome\">").append(esc(j.state().name())).append("</strong>");
        if (url != null) {
            b.append(" <a id=\"job-target-link\" data-test=\"job-target-link\" href=\"").append(esc(url))
                    .append("\">open ").append(esc(j.target())).append("</a>");
        }
        b.append("</p>");
        b.append("<p id=\"job-poll-error\" class=\"stratum-error-text\" hidden></p>");
        if (!j.isDone()) {
            b.append(v.form("/jobs/" + j.id() + "/cancel", "job-cancel-form"))
                    .append("<button type=\"submit\" id=\"job-cancel\" data-test=\"job-cancel\" data-confirm=\"")
                    .append(esc("Cancel job #" + j.id() + "? What it did is rolled back.")).append("\">Cancel job")
                    .append("</button></form>");
        }
        b.append("<h3>Steps</h3><table class=\"nicetable stratum-table\" id=\"job-steps\"><thead><tr><th>Phase</th>")
                .append("<th>Task</th><th>Kind</th><th>State</th><th>Attempts</th><th>Started</th><th>Ended</th>")
                .append("<th>Error</th></tr></thead><tbody id=\"job-steps-body\">");
        for (JobDTO.StepDTO s : j.steps()) {
            b.append("<tr data-test=\"job-step\"><td>").append(esc(s.phase())).append("</td><td>").append(esc(s.task()))
                    .append("</td><td>").append(s.compensation() ? "undo" : "do").append("</td><td>")
                    .append(esc(s.state())).append("</td><td>").append(s.attempts()).append("</td><td>")
                    .append(esc(Html.time(s.startedAt()))).append("</td><td>").append(esc(Html.time(s.finishedAt())))
                    .append("</td><td>").append(esc(s.error())).append("</td></tr>");
        }
        b.append("</tbody></table></div>");
        return b.toString();
    }

    /**
     * @param id the job's id
     * @return the job's snapshot as JSON, as the job page's script reads it
     */
    static String json(View v, long id) {
        JobDTO j = v.platform().getJob(id);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", j.id());
        m.put("kind", j.kind());
        m.put("account", j.account());
        m.put("target", j.target());
        m.put("state", j.state().name());
        m.put("done", j.isDone());
        m.put("progress", j.progress());
        m.put("phase", j.phase());
        m.put("task", j.task());
        m.put("attempts", j.attempts());
        m.put("message", j.message());
        m.put("error", j.error());
        m.put("createdAt", Html.time(j.createdAt()));
        m.put("startedAt", Html.time(j.startedAt()));
        m.put("finishedAt", Html.time(j.finishedAt()));
        m.put("requestedBy", j.requestedBy());
        m.put("requestedVia", j.requestedVia());
        m.put("cause", j.cause());
        m.put("targetUrl", targetUrl(v, j));
        List<Object> steps = new ArrayList<>();
        for (JobDTO.StepDTO s : j.steps()) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("phase", s.phase());
            step.put("task", s.task());
            step.put("compensation", s.compensation());
            step.put("state", s.state());
            step.put("attempts", s.attempts());
            step.put("error", s.error());
            step.put("startedAt", Html.time(s.startedAt()));
            step.put("finishedAt", Html.time(s.finishedAt()));
            steps.add(step);
        }
        m.put("steps", steps);
        return Json.write(m);
    }
}
