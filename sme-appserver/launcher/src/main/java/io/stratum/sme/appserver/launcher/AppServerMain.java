package io.stratum.sme.appserver.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ValveBase;
import org.apache.tomcat.util.scan.StandardJarScanFilter;

/**
 * One app server instance: an embedded Apache Tomcat on 127.0.0.1 serving one WAR. Every response carries an
 * {@value #INSTANCE_HEADER} header naming the instance, so clients and tests can tell instances apart behind a
 * load balancer. SIGTERM stops Tomcat gracefully (requests in flight finish).
 * <p>
 * Arguments: {@code --port N --war FILE --base DIR [--context /path] [--instance NAME] [--max-threads N]}. The
 * context path is {@code /} or a path such as {@code /notes}: between single slashes only letters, digits and
 * {@code - . _ ~}, no {@code .} or {@code ..} segment, at most 100 characters; {@code --max-threads} is the HTTP
 * connector's {@code maxThreads} (the most requests it serves at once), {@value #MIN_THREADS} to
 * {@value #MAX_THREADS}, default {@value #DEFAULT_THREADS}. Anything else is refused (exit status 1). Once started, it
 * prints {@code stratum: instance NAME serves APP at URL (maxThreads N)}, N read back from the running connector.
 */
public final class AppServerMain {

    /** Response header naming the instance that served the request. */
    public static final String INSTANCE_HEADER = "X-Stratum-Instance";
    /** The connector's {@code maxThreads} when {@code --max-threads} is not given (Tomcat's own default). */
    static final int DEFAULT_THREADS = 200;
    static final int MIN_THREADS = 1;
    /**
     * Most requests one keep-alive connection serves before the server closes it, as nginx's
     * {@code keepalive_requests} default (1,000) and above: closing bounds what one connection may hold on to, and
     * reopening costs a connection per that many requests.
     */
    static final int MAX_KEEP_ALIVE_REQUESTS = 10_000;
    static final int MAX_THREADS = 10000;

    private AppServerMain() {
    }

    /**
     * @param args see the class comment
     * @throws Exception if Tomcat cannot start; the process then exits with status 1
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        int port = Integer.parseInt(require(options, "port"));
        Path war = Path.of(require(options, "war")).toAbsolutePath();
        Path base = Path.of(require(options, "base")).toAbsolutePath();
        String contextPath;
        try {
            contextPath = contextPath(options.getOrDefault("context", "/"));
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
            return;
        }
        String instance = options.getOrDefault("instance", "i1");
        int maxThreads;
        try {
            maxThreads = maxThreads(options.get("max-threads"));
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
            return;
        }
        if (!Files.isRegularFile(war)) {
            fail("the application " + war + " does not exist");
        }
        Files.createDirectories(base.resolve("webapps"));

        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.getHost().setAppBase(base.resolve("webapps").toString());
        Connector connector = httpConnector(port, maxThreads);
        tomcat.setConnector(connector);
        tomcat.getHost().getPipeline().addValve(new InstanceHeader(instance));
        Context context = tomcat.addWebapp(contextPath, war.toString());
        // applications declare what they need in web.xml: skip scanning their libraries (much faster start)
        StandardJarScanFilter filter = new StandardJarScanFilter();
        filter.setDefaultTldScan(false);
        filter.setDefaultPluggabilityScan(false);
        context.getJarScanner().setJarScanFilter(filter);

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                tomcat.stop();
                tomcat.destroy();
            } catch (Exception e) {
                System.err.println("stratum: error while stopping: " + e);
            }
        }, "stratum-appserver-stop"));
        tomcat.start();
        if (context.getState() != LifecycleState.STARTED) {
            fail("the application " + war.getFileName() + " did not start (state " + context.getState()
                    + "); see the messages above");
        }
        Object running = connector.getProperty("maxThreads");
        System.out.println("stratum: instance " + instance + " serves " + war.getFileName() + " at http://127.0.0.1:"
                + port + contextPath + "/ (maxThreads " + running + ")");
        tomcat.getServer().await();
    }

    /**
     * @param port the port on 127.0.0.1 (0: any free one)
     * @param maxThreads the most requests served at once
     * @return the HTTP/1.1 connector: a keep-alive connection serves up to {@value #MAX_KEEP_ALIVE_REQUESTS}
     *     requests before Tomcat closes it (Tomcat's default, 100, makes a proxy in front of it, such as the web tier,
     *     open a new connection every 100 requests on each of its pooled connections)
     */
    static Connector httpConnector(int port, int maxThreads) {
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxThreads", Integer.toString(maxThreads));
        connector.setProperty("maxKeepAliveRequests", Integer.toString(MAX_KEEP_ALIVE_REQUESTS));
        return connector;
    }

    private static final Pattern CONTEXT_PATH = Pattern.compile("/|(/[A-Za-z0-9._~-]+)+/?");

    /**
     * @param value the {@code --context} argument
     * @return the context path Tomcat is given: {@code ""} for the root, else the path without a trailing slash
     * @throws IllegalArgumentException if it is not a plain path (see the class comment)
     */
    static String contextPath(String value) {
        boolean ok = value.length() <= 100 && CONTEXT_PATH.matcher(value).matches();
        for (String segment : value.split("/")) {
            ok &= !segment.equals(".") && !segment.equals("..");
        }
        if (!ok) {
            throw new IllegalArgumentException("--context '" + value.replaceAll("\\p{Cntrl}", "?") + "' is not "
                    + "allowed: it must be / or a path such as /notes (letters, digits and - . _ ~ between single "
                    + "slashes, no '.' or '..' segment, at most 100 characters)");
        }
        return value.equals("/") ? "" : value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    /**
     * @param value the {@code --max-threads} argument, or null
     * @return the connector's maxThreads
     * @throws IllegalArgumentException if it is not a whole number from {@value #MIN_THREADS} to
     *     {@value #MAX_THREADS}
     */
    static int maxThreads(String value) {
        if (value == null) {
            return DEFAULT_THREADS;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= MIN_THREADS && n <= MAX_THREADS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("--max-threads '" + value.replaceAll("\\p{Cntrl}", "?") + "' is not allowed:"
                + " it must be a whole number from " + MIN_THREADS + " to " + MAX_THREADS);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                fail("usage: --port N --war FILE --base DIR [--context /path] [--instance NAME] [--max-threads N]; got " + args[i]);
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }

    private static String require(Map<String, String> options, String key) {
        String value = options.get(key);
        if (value == null) {
            fail("--" + key + " is required");
        }
        return value;
    }

    private static void fail(String message) {
        System.err.println("stratum: " + message);
        System.exit(1);
    }

    /** Names the instance on every response. */
    static final class InstanceHeader extends ValveBase {
        private final String instance;

        InstanceHeader(String instance) {
            super(true);
            this.instance = instance;
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, jakarta.servlet.ServletException {
            response.setHeader(INSTANCE_HEADER, instance);
            getNext().invoke(request, response);
        }
    }
}
