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

    private static void assertProblem(String url, String expected) {
        Optional<String> problem = ExternalServices.checkUrl(url);
        assertTrue(url + " is refused", problem.isPresent());
        assertTrue(problem.get(), problem.get().contains(expected));
    }
}
