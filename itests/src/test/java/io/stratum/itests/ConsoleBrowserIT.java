package io.stratum.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.stratum.testkit.KarafInstance;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.Assume;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Stratum pages of the web console in a real browser (Debian's headless Chromium, driven by Selenium) on a copy
 * of the distribution: log in, create a database from the page, watch its job reach SUCCEEDED without reloading, see
 * the service RUNNING, open the environment's graph. Screenshots of each step are kept in
 * {@code target/screenshots/console}. Skipped, visibly, where {@code chromium} and {@code chromedriver} are missing
 * ({@code .ci/run} installs them).
 */
public class ConsoleBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots", "console");

    @Test
    public void anAdminCreatesADatabaseFromThePageAndWatchesItsJobWithoutReloading() throws Exception {
        boolean browser = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!browser) {
            System.out.println("SKIPPED: ConsoleBrowserIT needs Debian's chromium and chromium-driver packages "
                    + "(apt-get install chromium chromium-driver; .ci/run installs them)");
        }
        Assume.assumeTrue("chromium and chromedriver are not installed", browser);
        Files.createDirectories(SCREENSHOTS);
        Path profile = Files.createTempDirectory(Files.createDirectories(Path.of("target", "chromium")), "profile-");
        try (KarafInstance stratum = KarafInstance.copyOf(Path.of(System.getProperty("stratum.assembly")),
                Path.of("target", "instances"), "console")) {
            stratum.start("stratum:sdp-list", "AVAILABLE", Duration.ofSeconds(120));
            String login = "admin:" + stratum.password();
            String base = "http://127.0.0.1:" + stratum.httpPort() + "/system/console/stratum";

            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run", "--window-size=1280,1024",
                    "--user-data-dir=" + profile.toAbsolutePath());
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service, options);
            try {
                // the console's login is HTTP Basic: the browser sends it with every request, the page's polls too
                driver.executeCdpCommand("Network.enable", Map.of());
                driver.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(login.getBytes(StandardCharsets.UTF_8)))));
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(120));

                driver.get(base + "/services");
                wait.until(d -> d.findElement(By.id("stratum-user")).getText().contains("admin"));
                shot(driver, "01-services");

                // create a database, as an environment (so that it has a graph)
                new Select(driver.findElement(By.id("create-type"))).selectByValue("database");
                driver.findElement(By.id("create-name")).sendKeys("shop");
                WebElement environment = driver.findElement(By.id("create-environment"));
                if (!environment.isSelected()) {
                    environment.click();
                }
                shot(driver, "02-create-form");
                driver.findElement(By.id("create-submit")).click();

                // the job's page: its state changes without a reload (a marker set on the page survives)
                wait.until(d -> d.getCurrentUrl().contains("/jobs/"));
                String jobPage = driver.getCurrentUrl();
                ((JavascriptExecutor) driver).executeScript("window.stratumNotReloaded = true;");
                wait.until(d -> "true".equals(d.findElement(By.id("stratum-job")).getAttribute("data-done")));
                assertEquals("the job page was not reloaded", Boolean.TRUE,
                        ((JavascriptExecutor) driver).executeScript("return window.stratumNotReloaded === true;"));
                assertEquals(jobPage, driver.getCurrentUrl());
                assertEquals("SUCCEEDED", driver.findElement(By.id("job-state")).getText().strip());
                assertTrue(driver.findElement(By.id("job-via")).getText().contains("console"));
                shot(driver, "03-job-succeeded");

                // the service, running
                driver.get(base + "/service?account=default&name=shop");
                WebElement state = wait.until(d -> d.findElement(By.id("service-state")));
                assertEquals("RUNNING", state.getAttribute("data-state"));
                shot(driver, "04-service-running");

                // the environment's graph
                driver.get(base + "/environment?account=default&name=shop");
                WebElement graph = wait.until(d -> d.findElement(By.id("environment-graph")));
                List<WebElement> nodes = graph.findElements(By.cssSelector("g[data-test=graph-node]"));
                assertEquals(1, nodes.size());
                assertEquals("shop", nodes.get(0).getAttribute("data-name"));
                shot(driver, "05-environment-graph");
            } finally {
                driver.quit();
                service.stop();
            }
            String deleted = stratum.exec("stratum:env-delete shop --wait");
            assertTrue(deleted, deleted.contains("SUCCEEDED"));
        } finally {
            deleteRecursively(profile);
        }
    }

    private static void shot(ChromeDriver driver, String name) throws Exception {
        File png = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void deleteRecursively(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // a temporary profile below target/: the next clean removes it
        }
    }
}
