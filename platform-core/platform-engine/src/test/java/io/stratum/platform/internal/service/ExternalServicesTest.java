package io.stratum.platform.internal.service;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Optional;
import org.junit.Test;

/** The URL of an external provider is checked before it is recorded. */
public class ExternalServicesTest {

    @Test
    public void acceptsUrlsWithASchemeAndAPortInRange() {
        for (String url : new String[] {"jdbc:h2:tcp://db.example.com:9092/orders", "http://127.0.0.1:8080/",
                "jdbc:postgresql://pg:5432/app?ssl=true", "jdbc:h2:mem:test"}) {
            assertEquals(url, Optional.empty(), ExternalServices.checkUrl(url));
        }
    }

    @Test
    public void refusesUrlsItCouldNotUseOrCheck() {
        assertProblem("db.example.com", "with a scheme");
        assertProblem("jdbc:h2:tcp://db:9092/a b", "no spaces");
        assertProblem("jdbc:h2:tcp://db:0/orders", "port 0 is not between 1 and 65535");
        assertProblem("http://host:70000/", "port 70000 is not between 1 and 65535");
        assertProblem("http://host:99999999999/", "is not between 1 and 65535");
    }

    @Test
    public void aPasswordInTheUrlIsNeitherTakenForAPortNorShown() throws Exception {
        // user:password@ came before host:port: a numeric password was read as the port, refused and echoed
        assertEquals(Optional.empty(), ExternalServices.checkUrl("jdbc:postgresql://app:987654321@db:5432/orders"));
        assertEquals("jdbc:postgresql://app:********@db:5432/orders?ssl=true&password=********",
                ExternalServices.shown("jdbc:postgresql://app:987654321@db:5432/orders?ssl=true&password=hunter22"));
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        java.time.Instant now = java.time.Instant.now();
        ServiceRecord external = new ServiceRecord("id", "acc", "default", "pg", "database", ExternalServices.SDP,
                "0.0.0", "external", java.util.Map.of("url", "jdbc:postgresql://app:4242@127.0.0.1:" + closed + "/x"),
                io.stratum.platform.api.ServiceState.RUNNING, "", 0, now, now, null, true);
        String health = ExternalServices.health(external, java.time.Duration.ofSeconds(2)).message();
        assertTrue(health, health.contains("127.0.0.1:" + closed) && !health.contains("4242"));
    }

    private static void assertProblem(String url, String expected) {
        Optional<String> problem = ExternalServices.checkUrl(url);
        assertTrue(url + " is refused", problem.isPresent());
        assertTrue(problem.get(), problem.get().contains(expected));
    }
}
