package io.stratum.platform.webconsole;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.ListResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.servlet.ServletConfig;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.felix.webconsole.internal.filter.FilteringResponseWrapper;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * The plugin in a real servlet container (Jetty 9.4, as inside Karaf 4.4.10), at {@code /system/console/stratum},
 * behind a servlet that does what the web console does around a plain-servlet plugin: it asks the security provider
 * first (the real {@link ConsoleSecurity}, logging in through a test realm; a refusal whose answer is not committed
 * becomes a bare 403, as Pax Web 8 does it), sets the console's request attributes,
 * wraps the response in the console's own response filter (Felix's {@code FilteringResponseWrapper}, which rewrites
 * {@code ${...}} in HTML), and puts the adapter's header and footer around pages (GETs without an extension). The
 * console's other pages ({@code /system/console/bundles}, {@code /configMgr}, ...) and its static files
 * ({@code /system/console/res/...}, a servlet of its own as in the console) are stand-ins that answer 200 and record
 * who opened them.
 */
final class ConsoleServer implements AutoCloseable {

    static final String ROOT = "/system/console/stratum";

    private final Server server;
    private final URI base;
    /** The stand-in pages and files opened, as "user path". */
    final List<String> opened = new CopyOnWriteArrayList<>();

    /**
     * @param plugin the plugin
     * @param security the security provider; {@code null}: nobody logs in (a console without a security provider),
     *     every request reaches the plugin without a user
     */
    ConsoleServer(StratumConsolePlugin plugin, ConsoleSecurity security) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new Console(plugin, security, opened)), "/system/console/*");
        context.addServlet(new ServletHolder(new Resources(security, opened)), "/system/console/res/*");
        server.setHandler(context);
        server.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    /** @return the URI of a path below the server, e.g. {@code /system/console/stratum/jobs} */
    URI uri(String path) {
        return base.resolve(path);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the test's servlet container did not stop", e);
        }
    }

    /** As Pax Web 8 (OsgiFilterChain) after a refusal: a bare 403 unless the security provider committed an answer. */
    private static void refused(HttpServletResponse response) throws IOException {
        if (!response.isCommitted()) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN);
        }
    }

    private static String user(HttpServletRequest request) {
        return String.valueOf(request.getAttribute(ConsoleUser.REMOTE_USER));
    }

    /** The console's static files (OsgiManager registers them as resources of the same HTTP context). */
    private static final class Resources extends HttpServlet {

        private static final long serialVersionUID = 1L;

        private final transient ConsoleSecurity security;
        private final transient List<String> opened;

        Resources(ConsoleSecurity security, List<String> opened) {
            this.security = security;
            this.opened = opened;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (security != null && !security.authenticate(request, response)) {
                refused(response);
                return;
            }
            opened.add(user(request) + " " + request.getRequestURI());
            response.setContentType("text/css");
            response.getWriter().write("/* " + request.getPathInfo() + " */");
        }
    }

    private static final class Console extends HttpServlet {

        private static final long serialVersionUID = 1L;

        private final transient StratumConsolePlugin plugin;
        private final transient ConsoleSecurity security;
        private final transient List<String> opened;

        Console(StratumConsolePlugin plugin, ConsoleSecurity security, List<String> opened) {
            this.plugin = plugin;
            this.security = security;
            this.opened = opened;
        }

        @Override
        public void init(ServletConfig config) throws ServletException {
            super.init(config);
            plugin.init(config);
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response)
                throws ServletException, IOException {
            if (security != null && !security.authenticate(request, response)) {
                refused(response);
                return;
            }
            String info = request.getPathInfo();
            String app = request.getContextPath() + request.getServletPath();
            if (info == null || info.equals("/")) { // as OsgiManager: the root goes to the default page
                response.sendRedirect(app + "/bundles");
                return;
            }
            if (!(info.equals("/stratum") || info.startsWith("/stratum/"))) {
                opened.add(user(request) + " " + request.getRequestURI());
                response.setContentType("text/html;charset=utf-8");
                response.getWriter().write("<html><body>the console page " + info + "</body></html>");
                return;
            }
            request.setAttribute("felix.webconsole.appRoot", app);
            request.setAttribute("felix.webconsole.pluginRoot", app + "/stratum");
            HttpServletResponse filtered = new FilteringResponseWrapper(response, new ListResourceBundle() {
                @Override
                protected Object[][] getContents() {
                    return new Object[][] {{"status", "Status"}};
                }
            }, request);
            if (request.getMethod().equals("GET") && isHtml(request.getRequestURI())) {
                filtered.setCharacterEncoding("utf-8");
                filtered.setContentType("text/html");
                PrintWriter out = filtered.getWriter();
                // the console links each plugin's style sheet (felix.webconsole.css)
                out.println("<!DOCTYPE html><html><head><title>Apache Karaf WebConsole - ${status}</title>"
                        + "<link rel='stylesheet' href='/system/console/stratum/res/stratum.css'></head><body>");
                out.println("<div id='content'>");
                plugin.service(request, filtered);
                out.println("</div>");
                out.println("</body></html>");
                out.flush();
            } else {
                plugin.service(request, filtered);
            }
        }

        /** As WebConsolePluginAdapter.isHtmlRequest: no extension in the last segment, or {@code .html}. */
        private static boolean isHtml(String uri) {
            if (uri.endsWith(".html")) {
                return true;
            }
            return uri.indexOf('.', uri.lastIndexOf('/') + 1) < 0;
        }
    }
}
