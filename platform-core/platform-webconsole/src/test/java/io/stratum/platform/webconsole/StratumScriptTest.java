package io.stratum.platform.webconsole;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * The pages' scripts, run by Node.js (on every build machine) on minimal stand-ins for the page: a job page follows
 * its job to its end from the JSON snapshots, once a second, and stops polling when the job has ended; the console's
 * menu of a user who may open only the Stratum pages shows only them; a service's elasticity page plots its metrics
 * and follows its alerts' states from the JSON document, in the window chosen; the updates page follows the job of
 * each running update. The browser test of the distribution
 * runs them in Chromium.
 */
public class StratumScriptTest {

    @Test
    public void theJobPageFollowsTheJobUntilItHasEnded() throws Exception {
        assertEquals("OK", run("stratum.js", "stratum-js-check.js"));
    }

    @Test
    public void aTenantsConsoleMenuShowsOnlyTheStratumPages() throws Exception {
        assertEquals("OK", run("stratum.js", "stratum-menu-check.js"));
    }

    @Test
    public void theElasticityPagePlotsTheMetricsAndFollowsTheAlertsInTheChosenWindow() throws Exception {
        assertEquals("OK", run("elasticity.js", "elasticity-check.js"));
    }

    @Test
    public void theUpdatesPageFollowsEachRunningUpdatesJobUntilItHasEnded() throws Exception {
        assertEquals("OK", run("updates.js", "updates-check.js"));
    }

    /** @return what a check script printed about one of the pages' scripts, after it exited 0 */
    private static String run(String pageScript, String checkScript) throws Exception {
        Path node = Paths.get("/usr/bin/node");
        assumeTrue("Node.js is not installed at /usr/bin/node", Files.isExecutable(node));
        Path script = Paths.get("src/main/resources/io/stratum/platform/webconsole/res", pageScript).toAbsolutePath();
        Path check = Paths.get("src/test/resources/io/stratum/platform/webconsole", checkScript).toAbsolutePath();
        File output = Files.createTempFile("stratum-js", ".log").toFile();
        try {
            Process p = new ProcessBuilder(node.toString(), check.toString(), script.toString())
                    .redirectErrorStream(true).redirectOutput(output).start();
            try {
                assertTrue("node did not finish in 60 s", p.waitFor(60, TimeUnit.SECONDS));
            } finally {
                p.destroyForcibly();
            }
            String log = Files.readString(output.toPath(), StandardCharsets.UTF_8);
            assertEquals(log, 0, p.exitValue());
            return log.strip();
        } finally {
            Files.deleteIfExists(output.toPath());
        }
    }
}
