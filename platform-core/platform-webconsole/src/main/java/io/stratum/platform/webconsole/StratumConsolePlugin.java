package io.stratum.platform.webconsole;

import static io.stratum.platform.webconsole.Html.esc;

import io.stratum.platform.api.BackupAccess;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CloneAccess;
import io.stratum.platform.api.ElasticityAccess;
import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.UpdateAccess;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "Stratum" pages of the Felix Web Console, at {@code /system/console/stratum}: a plain servlet the console
 * finds by its {@value #LABEL_PROPERTY} property and wraps in its own page (header, navigation, login).
 * <p>
 * Every request acts for the user the console logged in ({@link ConsoleUser}), through
 * {@link PlatformAccess#as(Caller)} with {@link Caller#VIA_CONSOLE}; what that user may see and do is decided by the
 * platform on each call, and a refused call shows the platform's message. A request without a logged-in user is
 * refused: the console never acts as a system caller. Who reaches these pages at all is decided before, by
 * {@link ConsoleSecurity}: platform admins and every other Stratum user (who may open nothing else of the console).
 * <p>
 * GET requests without an extension are pages (the console adds its header and footer); {@code /jobs/{id}.json} is
 * a job's snapshot for the page's script, {@code /elasticity.json} a service's metrics and alert states for the
 * elasticity page's script, and {@code /res/*} the scripts and style sheet, sent as they are. The backup, clone,
 * elasticity and update bundles are optional: while one is absent, its pages and forms say so. Every POST
 * must carry the session's form token ({@link CsrfTokens}); without it nothing is done. A POST is answered with a
 * redirect: to the job it submitted, or back to its form with the platform's message.
 */
@Component(service = Servlet.class, property = {
    StratumConsolePlugin.LABEL_PROPERTY + "=" + StratumConsolePlugin.LABEL,
    "felix.webconsole.title=Stratum",
    "felix.webconsole.category=Stratum",
    "felix.webconsole.css=/" + StratumConsolePlugin.LABEL + "/res/stratum.css"})
public final class StratumConsolePlugin extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The service property the web console finds its plugins by. */
    static final String LABEL_PROPERTY = "felix.webconsole.label";
    /** The plugin's label: its pages are at {@code /system/console/stratum}. */
    static final String LABEL = "stratum";
    /** The request attribute in which the web console passes a plugin its root URL path. */
    static final String PLUGIN_ROOT = "felix.webconsole.pluginRoot";

    private static final Logger LOG = LoggerFactory.getLogger(StratumConsolePlugin.class);
    private static final Pattern JOB = Pattern.compile("/jobs/(\\d{1,18})");
    private static final Pattern JOB_JSON = Pattern.compile("/jobs/(\\d{1,18})\\.json");
    private static final Map<String, String> RESOURCES = Map.of(
            "/res/stratum.js", "application/javascript;charset=utf-8",
            "/res/elasticity.js", "application/javascript;charset=utf-8",
            "/res/updates.js", "application/javascript;charset=utf-8",
            "/res/stratum.css", "text/css;charset=utf-8");
    private static final Map<String, String> TABS = tabs();

    private final transient PlatformAccess access;
    private final String deployDir;
    private final transient CsrfTokens csrf = new CsrfTokens();
    private final transient Clock clock;

    /** The backup bundle's access, while it is installed. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile transient BackupAccess backupAccess;

    /** The clone bundle's access, while it is installed. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile transient CloneAccess cloneAccess;

    /** The elasticity bundle's access, while it is installed. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile transient ElasticityAccess elasticityAccess;

    /** The update bundle's access, while it is installed. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile transient UpdateAccess updateAccess;

    /**
     * @param access the way into the platform
     * @param context this bundle's context (for Karaf's home, where {@code deploy/} is)
     */
    @Activate
    public StratumConsolePlugin(@Reference PlatformAccess access, BundleContext context) {
        this(access, deployDir(context.getProperty("karaf.base")), Clock.systemUTC());
    }

    /**
     * @param access the way into the platform
     * @param deployDir the folder SDP bundles are dropped into, as shown to users
     */
    StratumConsolePlugin(PlatformAccess access, String deployDir) {
        this(access, deployDir, Clock.systemUTC());
    }

    /**
     * @param access the way into the platform
     * @param deployDir the folder SDP bundles are dropped into, as shown to users
     * @param clock the time the metric plots end at
     */
    StratumConsolePlugin(PlatformAccess access, String deployDir, Clock clock) {
        this.access = access;
        this.deployDir = deployDir;
        this.clock = clock;
    }

    private static String deployDir(String karafBase) {
        return karafBase == null ? "Karaf's deploy/ folder" : karafBase + "/deploy";
    }

    private static Map<String, String> tabs() {
        Map<String, String> tabs = new LinkedHashMap<>();
        tabs.put("/services", "Services");
        tabs.put("/environments", "Environments");
        tabs.put("/jobs", "Jobs");
        tabs.put("/alerts", "Alerts");
        tabs.put("/updates", "Updates");
        tabs.put("/backups", "Backups");
        tabs.put("/sdps", "SDPs");
        tabs.put("/accounts", "Accounts");
        tabs.put("/users", "Users");
        return tabs;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = subPath(request);
        secure(response);
        if (RESOURCES.containsKey(path)) {
            resource(path, response);
            return;
        }
        Optional<Caller> caller = ConsoleUser.of(request);
        if (caller.isEmpty()) {
            noUser(response);
            return;
        }
        Matcher json = JOB_JSON.matcher(path);
        if (json.matches()) {
            long id = Long.parseLong(json.group(1));
            json(view(request, caller.get(), false), "job " + id, v -> JobPages.json(v, id), response);
            return;
        }
        if (path.equals(ElasticityPages.JSON)) {
            json(view(request, caller.get(), false), "metrics", v -> ElasticityPages.json(v, clock.instant()),
                    response);
            return;
        }
        View v = view(request, caller.get(), true);
        String content;
        try {
            content = page(v, path, clock.instant());
            if (content == null) {
                response.setStatus(HttpServletResponse.SC_NOT_FOUND);
                content = message(true, "There is no Stratum page '" + path + "'.");
            }
        } catch (PlatformException e) {
            response.setStatus(status(e.reason()));
            content = message(true, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("The console page {} failed", path, e);
            response.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            content = message(true, "This page failed inside the platform (" + e.getClass().getSimpleName()
                    + "). See the Karaf log (data/log/karaf.log) for details.");
        }
        if (response.getContentType() == null) {
            response.setContentType("text/html;charset=utf-8");
        }
        PrintWriter out = response.getWriter();
        out.write(layout(v, path, content));
        out.flush();
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        secure(response);
        Optional<Caller> caller = ConsoleUser.of(request);
        if (caller.isEmpty()) {
            noUser(response);
            return;
        }
        String path = subPath(request);
        if (!csrf.check(request, caller.get().user())) {
            LOG.warn("Refused a console POST to {} by '{}' without this session's form token", path,
                    caller.get().user());
            plain(response, HttpServletResponse.SC_FORBIDDEN, "This form has expired or was not sent from the Stratum"
                    + " console page; nothing was done. Reload the page and try again.", root(request));
            return;
        }
        Actions.Outcome outcome = Actions.handle(view(request, caller.get(), false), path);
        if (outcome == null) {
            plain(response, HttpServletResponse.SC_NOT_FOUND, "There is no Stratum action '" + path
                    + "'; nothing was done.", root(request));
            return;
        }
        if (outcome.message() != null) {
            Flash.add(request, outcome.error(), outcome.message());
        }
        response.setStatus(HttpServletResponse.SC_SEE_OTHER);
        response.setHeader("Location", outcome.location());
    }

    private View view(HttpServletRequest request, Caller caller, boolean page) {
        PlatformService platform = access.as(caller);
        BackupAccess backups = backupAccess;
        CloneAccess clones = cloneAccess;
        ElasticityAccess elasticity = elasticityAccess;
        UpdateAccess updates = updateAccess;
        return new View(root(request), caller.user(), platform, backups == null ? null : backups.as(caller),
                clones == null ? null : clones.as(caller), elasticity == null ? null : elasticity.as(caller),
                updates == null ? null : updates.as(caller),
                page ? csrf.issue(request, caller.user()) : null, request, deployDir);
    }

    /** @return the content of a page, or {@code null} if there is none at that path */
    private static String page(View v, String path, java.time.Instant now) {
        Matcher job = JOB.matcher(path);
        if (job.matches()) {
            return JobPages.detail(v, Long.parseLong(job.group(1)));
        }
        return switch (path) {
            case "/", "/services" -> ServicePages.list(v);
            case "/service" -> ServicePages.detail(v);
            case "/environments" -> EnvironmentPages.list(v);
            case "/environment" -> EnvironmentPages.detail(v);
            case "/jobs" -> JobPages.list(v);
            case "/alerts" -> ElasticityPages.alerts(v);
            case "/elasticity" -> ElasticityPages.service(v);
            case "/updates" -> UpdatePages.list(v, now);
            case "/window" -> UpdatePages.window(v, now);
            case "/backups" -> CatalogPages.backups(v);
            case "/backup" -> CatalogPages.backup(v);
            case "/sdps" -> CatalogPages.sdps(v);
            case "/accounts" -> CatalogPages.accounts(v);
            case "/users" -> CatalogPages.users(v);
            default -> null;
        };
    }

    /**
     * The page around the content: the tabs, the messages of the last form, and the script. The user's
     * {@link ConsoleScope} is on the page ({@code data-console-scope}): for a user who may open only the Stratum pages
     * the script takes the other pages out of the console's menu (the console draws the menu before a plugin runs, and
     * has no hook to change it; {@link ConsoleSecurity} refuses those pages whether they are shown or not).
     */
    private static String layout(View v, String path, String content) {
        String active = switch (path) {
            case "/", "/service", "/elasticity" -> "/services";
            case "/environment" -> "/environments";
            case "/window" -> "/updates";
            case "/backup" -> "/backups";
            default -> path.startsWith("/jobs/") ? "/jobs" : path;
        };
        StringBuilder b = new StringBuilder();
        b.append("<div id=\"stratum\" class=\"stratum\" data-root=\"").append(esc(v.root()))
                .append("\" data-console-scope=\"").append(ConsoleScope.of(v.request()).name()).append("\">");
        b.append("<ul class=\"stratum-tabs\" id=\"stratum-tabs\">");
        for (Map.Entry<String, String> tab : TABS.entrySet()) {
            String id = "tab-" + tab.getKey().substring(1);
            b.append("<li").append(tab.getKey().equals(active) ? " class=\"active\"" : "").append("><a id=\"")
                    .append(id).append("\" data-test=\"").append(id).append("\" href=\"").append(esc(v.url(tab.getKey())))
                    .append("\">").append(tab.getValue()).append("</a></li>");
        }
        b.append("</ul><p class=\"stratum-user\" id=\"stratum-user\">Logged in as <strong>").append(esc(v.user()))
                .append("</strong></p>");
        List<Flash.Message> messages = Flash.take(v.request());
        if (!messages.isEmpty()) {
            b.append("<div id=\"stratum-messages\">");
            for (Flash.Message m : messages) {
                b.append(message(m.error(), m.text()));
            }
            b.append("</div>");
        }
        b.append(content).append("</div>");
        b.append("<script src=\"").append(esc(v.url("/res/stratum.js"))).append("\"></script>");
        return b.toString();
    }

    /**
     * @return a message box: a refusal or failure, or a confirmation; a message of several lines is preformatted, so
     *     that lines the platform aligned stay aligned (an expression and the caret under its error)
     */
    static String message(boolean error, String text) {
        String tag = text != null && text.indexOf('\n') >= 0 ? "pre" : "p";
        return error
                ? "<" + tag + " class=\"stratum-message stratum-error\" data-test=\"message-error\" role=\"alert\">"
                        + esc(text) + "</" + tag + ">"
                : "<" + tag + " class=\"stratum-message stratum-info\" data-test=\"message-info\">" + esc(text) + "</"
                        + tag + ">";
    }

    /** Answers a JSON document for a page's script; a refusal is a JSON document too, with the platform's message. */
    private static void json(View v, String what, Function<View, String> document,
            HttpServletResponse response) throws IOException {
        String body;
        try {
            body = document.apply(v);
        } catch (PlatformException e) {
            response.setStatus(status(e.reason()));
            body = Json.write(Map.of("error", e.reason().name(), "message", String.valueOf(e.getMessage())));
        } catch (RuntimeException e) {
            LOG.error("The console's snapshot of {} failed", what, e);
            response.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            body = Json.write(Map.of("error", "INTERNAL", "message", "the platform failed; see the Karaf log"));
        }
        response.setContentType("application/json;charset=utf-8");
        response.getWriter().write(body);
    }

    private static void resource(String path, HttpServletResponse response) throws IOException {
        try (InputStream in = StratumConsolePlugin.class.getResourceAsStream("res/" + path.substring(5))) {
            if (in == null) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            byte[] bytes = in.readAllBytes();
            response.setContentType(RESOURCES.get(path));
            response.setHeader("Cache-Control", "no-cache");
            response.setContentLength(bytes.length);
            response.getOutputStream().write(bytes);
        }
    }

    private static void noUser(HttpServletResponse response) throws IOException {
        plain(response, HttpServletResponse.SC_FORBIDDEN, "The Stratum pages need a user logged in to the web console"
                + " (its login is the platform's users, JAAS realm 'karaf'); this request has none, so nothing was"
                + " done.", null);
    }

    private static void plain(HttpServletResponse response, int status, String text, String back) throws IOException {
        response.setStatus(status);
        response.setContentType("text/html;charset=utf-8");
        PrintWriter out = response.getWriter();
        out.write("<!DOCTYPE html><html><head><title>Stratum</title></head><body>" + message(true, text)
                + (back == null ? "" : "<p><a href=\"" + esc(back) + "\">Back to Stratum</a></p>") + "</body></html>");
        out.flush();
    }

    /** Headers every answer carries: nothing is cached (pages may show credentials), sniffed or framed elsewhere. */
    private static void secure(HttpServletResponse response) {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "SAMEORIGIN");
        response.setHeader("Referrer-Policy", "same-origin");
    }

    static int status(PlatformException.Reason reason) {
        return switch (reason) {
            case NOT_FOUND -> HttpServletResponse.SC_NOT_FOUND;
            case FORBIDDEN -> HttpServletResponse.SC_FORBIDDEN;
            case INVALID -> HttpServletResponse.SC_BAD_REQUEST;
            case ALREADY_EXISTS, CONCURRENCY -> HttpServletResponse.SC_CONFLICT;
            case QUOTA_EXCEEDED -> 422;
            case UNAVAILABLE -> HttpServletResponse.SC_SERVICE_UNAVAILABLE;
            case INTERNAL -> HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        };
    }

    /** @return the plugin's root URL path, as the web console passes it (else derived from the request) */
    static String root(HttpServletRequest request) {
        if (request.getAttribute(PLUGIN_ROOT) instanceof String root && !root.isEmpty()) {
            return root;
        }
        return request.getContextPath() + request.getServletPath() + "/" + LABEL;
    }

    /** @return the path below the plugin's root, e.g. {@code /jobs/5} ({@code /} for the root itself) */
    static String subPath(HttpServletRequest request) {
        String info = request.getPathInfo();
        if (info == null) {
            return "/";
        }
        String prefix = "/" + LABEL;
        if (info.equals(prefix) || info.equals(prefix + "/")) {
            return "/";
        }
        return info.startsWith(prefix + "/") ? info.substring(prefix.length()) : info;
    }
}
