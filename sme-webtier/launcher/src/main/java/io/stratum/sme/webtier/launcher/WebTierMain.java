package io.stratum.sme.webtier.launcher;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * A web tier: a reverse proxy and load balancer on Eclipse Jetty, on 127.0.0.1, with an admin port.
 * <p>
 * Arguments: {@code --port N --admin-port N --routes FILE [--health-interval-ms MS]}.
 */
public final class WebTierMain {

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

        Server server = new Server();
        ServerConnector proxyConnector = new ServerConnector(server);
        proxyConnector.setHost("127.0.0.1");
        proxyConnector.setPort(port);
        proxyConnector.setName("proxy");
        ServerConnector adminConnector = new ServerConnector(server);
        adminConnector.setHost("127.0.0.1");
        adminConnector.setPort(adminPort);
        adminConnector.setName("admin");
        server.addConnector(proxyConnector);
        server.addConnector(adminConnector);
        // requests on the admin connector go to the admin handler; all others to the proxy
        Handler adminOnly = new Handler.Wrapper(admin) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                return "admin".equals(request.getConnectionMetaData().getConnector().getName())
                        && super.handle(request, response, callback);
            }
        };
        server.setHandler(new Handler.Sequence(adminOnly, front));
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
