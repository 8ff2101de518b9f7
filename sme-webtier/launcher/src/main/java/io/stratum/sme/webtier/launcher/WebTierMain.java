package io.stratum.sme.webtier.launcher;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A web tier: a reverse proxy and load balancer on Eclipse Jetty, on 127.0.0.1, with an admin port.
 * <p>
 * Arguments: {@code --port N --admin-port N --routes FILE [--health-interval-ms MS]}.
 * <p>
 * Built like an event-driven proxy: every handler is non-blocking, so a request is routed and sent to its backend on
 * the selector thread that read it, and the backend's answer is written to the client on the selector thread that read
 * it ({@link BalancingProxy}), without handing either to a pool thread. One selector takes the client side, one the
 * backend side, and the proxy's client to its backends shares the server's thread pool, scheduler and buffers: on a
 * small machine that is what keeps the proxy's throughput near a native proxy's, where a thread hop per request and a
 * pool of threads per side cost about half of it.
 */
public final class WebTierMain {

    /**
     * Most threads of the pool. With non-blocking handlers a request takes none of them; they run the selectors, the
     * acceptor, the admin port's slow work and whatever Jetty itself hands off.
     */
    static final int MAX_THREADS = 32;
    private static final int MIN_THREADS = 4;

    private WebTierMain() {
    }

    /**
     * @param args see the class comment
     * @throws Exception if the server cannot start; the process then exits with status 1
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                fail("usage: --port N --admin-port N --routes FILE [--health-interval-ms MS]");
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        int port = Integer.parseInt(require(options, "port"));
        int adminPort = Integer.parseInt(require(options, "admin-port"));
        Path routes = Path.of(require(options, "routes"));
        long interval = Long.parseLong(options.getOrDefault("health-interval-ms", "1000"));
        Server server = start(port, adminPort, routes, interval);
        System.out.println("stratum-webtier: proxying on 127.0.0.1:" + port + ", admin on 127.0.0.1:" + adminPort);
        server.join();
    }

    /** Starts a web tier; {@link Server#stop()} stops it. */
    static Server start(int port, int adminPort, Path routesFile, long healthIntervalMs) throws Exception {
        Router router = new Router(routesFile);
        router.reload();
        HealthChecker health = new HealthChecker(router, healthIntervalMs);
        BalancingProxy proxy = new BalancingProxy(router, health);
        Handler front = proxy.front();
        AdminHandler admin = new AdminHandler(router, health);

        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
        threads.setName("webtier");
        Server server = new Server(threads);
        // handlers fixed at start: lets the server take the invocation type of its handlers (non-blocking), which a
        // server whose handlers may change cannot
        server.setDynamic(false);
        ServerConnector proxyConnector = new ServerConnector(server, new ResumeInline(threads), null, null, 1, 1,
                new HttpConnectionFactory());
        proxyConnector.setHost("127.0.0.1");
        proxyConnector.setPort(port);
        proxyConnector.setName("proxy");
        ServerConnector adminConnector = new ServerConnector(server, 0, 1);
        adminConnector.setHost("127.0.0.1");
        adminConnector.setPort(adminPort);
        adminConnector.setName("admin");
        server.addConnector(proxyConnector);
        server.addConnector(adminConnector);
        // requests on the admin connector go to the admin handler; all others to the proxy
        Handler adminOnly = new Handler.Wrapper(false, admin) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                return "admin".equals(request.getConnectionMetaData().getConnector().getName())
                        && super.handle(request, response, callback);
            }
        };
        server.setHandler(new Handler.Sequence(false, List.of(adminOnly, front)));
        server.setStopTimeout(5000);
        server.setStopAtShutdown(true);
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStopping(LifeCycle event) {
                health.close();
            }
        });
        server.start();
        health.start();
        return server;
    }

    private static String require(Map<String, String> options, String key) {
        String value = options.get(key);
        if (value == null) {
            fail("--" + key + " is required");
        }
        return value;
    }

    private static void fail(String message) {
        System.err.println("stratum-webtier: " + message);
        System.exit(1);
    }
}
