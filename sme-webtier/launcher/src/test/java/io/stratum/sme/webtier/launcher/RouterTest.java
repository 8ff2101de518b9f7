package io.stratum.sme.webtier.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Routes whose health path or backends point elsewhere than a plain path on a backend are refused. */
public class RouterTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void healthPathsAreRelativePlainPaths() {
        for (String ok : List.of("/", "/health", "/app/health", "/app/health/", "/a-b_c.d~e/x1")) {
            assertTrue(ok, UrlPaths.valid(ok));
        }
        for (String bad : List.of("", "health", "http://evil.example/x", "//evil.example/x", "/a//b", "/../etc",
                "/a/./b", "/a/..", "/h?x=1", "/h#f", "/h%2e", "/a b", "/a\nb", "/a\u0000", "/" + "x".repeat(200),
                "\\\\host\\x", "/caf\u00e9")) {
            assertFalse(bad, UrlPaths.valid(bad));
        }
    }

    @Test
    public void aRouteWithABadHealthPathOrBackendIsRefusedAndTheOthersServed() throws Exception {
        Path file = tmp.getRoot().toPath().resolve("routes.properties");
        Files.writeString(file, "default = good\n"
                + "route.good.backends = http://127.0.0.1:8081\nroute.good.healthPath = /health\n"
                + "route.away.backends = http://127.0.0.1:8082\nroute.away.healthPath = //evil.example/x\n"
                + "route.up.backends = http://127.0.0.1:8083\nroute.up.healthPath = /../../admin\n"
                + "route.odd.backends = ftp://127.0.0.1:21\n"
                + "route.user.backends = http://me:secret@127.0.0.1:8084\n");
        Router router = new Router(file);
        assertEquals(1, router.reload());
        assertEquals("good", router.routes().get(0).name);
        assertEquals(List.of("away", "odd", "up", "user"), List.copyOf(router.refused().keySet()));
        assertTrue(router.refused().get("away"), router.refused().get("away").startsWith(
                "healthPath '//evil.example/x' is not a path such as /health"));
        assertTrue(router.refused().get("odd"), router.refused().get("odd").contains("not an http://host:port URL"));
        assertFalse("no secret in the reason", router.refused().get("user").contains("secret"));
        assertEquals("no route for the refused one's host, so the default answers", "good",
                router.route("away.localhost").name);
    }

    @Test
    public void aRouteThatLeavesMaintenanceSendsToItsBackendsAtOnceAndOnlyThen() throws Exception {
        Path file = tmp.getRoot().toPath().resolve("routes.properties");
        Files.writeString(file, "route.app.backends = http://127.0.0.1:8081\nroute.app.maintenance = 5\n");
        Router router = new Router(file);
        router.reload();
        Backend b = router.routes().get(0).backends.get(0);
        b.markUnhealthy("connection refused"); // the instance was stopped during the lockout
        router.reload();
        assertFalse("still locked out: the state stays", b.isHealthy());
        Files.writeString(file, "route.app.backends = http://127.0.0.1:8081\n");
        router.reload();
        assertTrue("opened again", router.routes().get(0).backends.get(0).isHealthy());
        b.markUnhealthy("connection refused");
        router.reload();
        assertFalse("a route that was not locked out keeps what the checks found", b.isHealthy());
    }
}
