package io.stratum.sme.appserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import org.junit.Test;

/** The launcher refuses a context path that is not a plain path, before Tomcat is started. */
public class AppServerMainTest {

    @Test
    public void plainContextPathsAreTakenTheRootIsEmpty() {
        assertEquals("", AppServerMain.contextPath("/"));
        assertEquals("/notes", AppServerMain.contextPath("/notes"));
        assertEquals("/notes/v1", AppServerMain.contextPath("/notes/v1/"));
    }

    @Test
    public void anythingElseIsRefusedWithTheRule() {
        for (String bad : List.of("", "notes", "//evil.example/x", "http://evil.example", "/a/../b", "/.", "/a b",
                "/a\nb", "/a?b", "/" + "x".repeat(100))) {
            try {
                AppServerMain.contextPath(bad);
                fail(bad);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("is not allowed: it must be / or a path such as "
                        + "/notes"));
                assertTrue("no control character reaches the log", !e.getMessage().contains("\n"));
            }
        }
    }

    @Test
    public void maxThreadsIsAWholeNumberFromOneToTenThousandTwoHundredByDefault() {
        assertEquals(200, AppServerMain.maxThreads(null));
        assertEquals(1, AppServerMain.maxThreads("1"));
        assertEquals(10000, AppServerMain.maxThreads("10000"));
        for (String bad : List.of("0", "10001", "-1", "many", "", "1.5")) {
            try {
                AppServerMain.maxThreads(bad);
                fail(bad);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().endsWith("is not allowed: it must be a whole number from 1 "
                        + "to 10000"));
            }
        }
    }
}
