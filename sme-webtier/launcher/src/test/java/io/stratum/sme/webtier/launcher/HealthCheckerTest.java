package io.stratum.sme.webtier.launcher;

import static org.junit.Assert.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The health checker goes on checking whatever one check does. */
public class HealthCheckerTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private HttpServer backend;
    private HealthChecker checker;

    @After
    public void tearDown() {
        if (checker != null) {
            checker.close();
        }
        if (backend != null) {
            backend.stop(0);
        }
    }

    private static HttpServer serve(int port) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    @Test
    public void aCheckThatThrowsDoesNotStopTheChecks() throws Exception {
        backend = serve(0);
        int port = backend.getAddress().getPort();
        Path routes = tmp.getRoot().toPath().resolve("routes.properties");
        Files.writeString(routes, "default = app\nroute.app.backends = http://127.0.0.1:" + port
                + "\nroute.app.healthPath = /health\n");
        Router router = new Router(routes);
        router.reload();
        Backend b = router.routes().get(0).backends.get(0);

        AtomicInteger calls = new AtomicInteger();
        HealthChecker.Probe http = HealthChecker.httpProbe(1000);
        HealthChecker.Probe throwsOnce = uri -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("a bug in one check");
            }
            return http.status(uri);
        };
        checker = new HealthChecker(router, 50, throwsOnce);
        checker.start();
        await("the checks to go on after the one that threw", () -> calls.get() >= 3 && b.isHealthy());

        backend.stop(0);
        await("the backend to be seen down", () -> !b.isHealthy());
        assertTrue(b.lastProblem(), b.lastProblem().contains("/health"));
        backend = serve(port);
        await("the backend to be seen up again", b::isHealthy);
    }

    @Test
    public void aCheckThatThrowsMarksItsBackendDownWithTheReason() throws Exception {
        Path routes = tmp.getRoot().toPath().resolve("routes.properties");
        Files.writeString(routes, "default = app\nroute.app.backends = http://127.0.0.1:1\n");
        Router router = new Router(routes);
        router.reload();
        Backend b = router.routes().get(0).backends.get(0);
        checker = new HealthChecker(router, 60_000, uri -> {
            throw new IllegalStateException("a bug in one check");
        });
        checker.checkAll();
        assertTrue(b.lastProblem(), !b.isHealthy() && b.lastProblem().contains("a bug in one check"));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
