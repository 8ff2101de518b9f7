package io.stratum.platform.webconsole;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.ListResourceBundle;
import java.util.Map;
import javax.security.auth.Subject;
import javax.servlet.ServletConfig;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.felix.webconsole.internal.filter.FilteringResponseWrapper;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * The plugin in a real servlet container (Jetty 9.4, as inside Karaf 4.4.10), at {@code /system/console/stratum},
 * behind a servlet that does what the web console does around a plain-servlet plugin: Karaf's JAAS security provider
 * (Basic login; the user name and the JAAS subject as request attributes), the console's request attributes, the
 * console's own response filter (Felix's {@code FilteringResponseWrapper}, which rewrites {@code ${...}} in HTML), and
 * the adapter's header and footer around pages (GETs without an extension).
 */
final class ConsoleServer implements AutoCloseable {

    static final String ROOT = "/system/console/stratum";

    private final Server server;
    private final URI base;

    /**
     * @param plugin the plugin
     * @param passwords the users who may log in, with their passwords; {@code null}: nobody logs in (a console
     *     without a security provider), every request reaches the plugin without a user
     */
    ConsoleServer(StratumConsolePlugin plugin, Map<String, String> passwords) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new Console(plugin, passwords)), "/system/console/*");
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

    private static final class Console extends HttpServlet {

        private static final long serialVersionUID = 1L;

        private final transient StratumConsolePlugin plugin;
        private final Map<String, String> passwords;

        Console(StratumConsolePlugin plugin, Map<String, String> passwords) {
            this.plugin = plugin;
            this.passwords = passwords;
        }

        @Override
        public void init(ServletConfig config) throws ServletException {
            super.init(config);
            plugin.init(config);
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response)
                throws ServletException, IOException {
            if (passwords != null && !login(request)) {
                response.setHeader("WWW-Authenticate", "Basic realm=\"karaf\"");
                response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
                return;
            }
            String info = request.getPathInfo();
            if (info == null || !(info.equals("/stratum") || info.startsWith("/stratum/"))) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            String app = request.getContextPath() + request.getServletPath();
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
                out.println("<!DOCTYPE html><html><head><title>Apache Karaf WebConsole - ${status}</title></head><body>");
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

        /** As Karaf's JaasSecurityProvider: Basic credentials, then the request attributes it sets. */
        private boolean login(HttpServletRequest request) {
            String header = request.getHeader("Authorization");
            if (header == null || !header.startsWith("Basic ")) {
                return false;
            }
            String pair = new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.ISO_8859_1);
            int colon = pair.indexOf(':');
            String user = pair.substring(0, colon);
            if (!pair.substring(colon + 1).equals(passwords.get(user))) {
                return false;
            }
            Subject subject = new Subject();
            subject.getPrincipals().add(new UserPrincipal(user));
            subject.getPrincipals().add(new RolePrincipal("admin"));
            request.setAttribute("org.osgi.service.http.authentication.type", HttpServletRequest.BASIC_AUTH);
            request.setAttribute("org.osgi.service.http.authentication.remote.user", user);
            request.setAttribute("org.apache.felix.webconsole.user", user);
            request.setAttribute("karaf.subject.runas", subject);
            return true;
        }
    }
}
