package io.stratum.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.stratum.testkit.KarafInstance;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * of the distribution. A platform admin logs in, creates a database from the page and sees it RUNNING, then creates
 * an environment of three services (a database, a web tier, and an application of two Tomcat instances using both),
 * whose job the page is seen following live: a state that has not ended first, then SUCCEEDED, on the same page that
 * was never reloaded; the environment's graph has a box per member and an arrow from the application to each of its
 * providers. Then a tenant (a member of another account) logs in: the console takes them to the Stratum pages, its menu
 * shows nothing else, they see and create only their account's services, and the console's other pages answer 403.
 * On the way, the application's elasticity page: metrics plotted live, an alert created from the page going into
 * ALARM without a reload, a bad expression refused with its caret line, the policy set and reset from its form.
 * Screenshots of each step are kept in {@code target/screenshots/console}. Skipped, visibly, where {@code chromium} and
 * {@code chromedriver} are missing ({@code .ci/run} installs them).
 */
public class ConsoleBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots", "console");
    private static final Duration LONG = Duration.ofSeconds(180);
    private static final Set<String> ENDED = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
    private static final Pattern PASSWORD = Pattern.compile("Password: (\\S+)");

    @Test
    public void anAdminWatchesJobsLiveAndATenantUsesOnlyTheStratumPagesOfTheirAccount() throws Exception {
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
            awaitShell(stratum, "stratum:sdp-list", out -> List.of("database", "webtier", "appserver").stream()
                    .allMatch(type -> out.lines().anyMatch(l -> l.startsWith(type) && l.contains("AVAILABLE"))));
            String console = "http://127.0.0.1:" + stratum.httpPort() + "/system/console";
            String base = console + "/stratum";
            String adminPassword = stratum.password();
            // a tenant: a member of account acme
            stratum.exec("stratum:account-create acme");
            Matcher generated = PASSWORD.matcher(stratum.exec("stratum:user-create rosa --generate --account acme"));
            assertTrue(generated.find());
            String rosaPassword = generated.group(1);
            // the console's Stratum pages come up on their own, after the shell: a page the browser loaded before
            // would stay the console's "not found"
            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            awaitPage(http, base + "/services", "admin", adminPassword);

            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run", "--window-size=1280,1024",
                    "--user-data-dir=" + profile.toAbsolutePath());
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service, options);
            try {
                WebDriverWait wait = new WebDriverWait(driver, LONG);
                // live pages redraw what a condition looks at: a replaced element is looked up again
                wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
                driver.executeCdpCommand("Network.enable", Map.of());
                logIn(driver, "admin", adminPassword);

                driver.get(base + "/services");
                wait.until(d -> d.findElement(By.id("stratum-user")).getText().contains("admin"));
                assertTrue("an admin's menu has the console's other pages",
                        menuLinks(driver).stream().anyMatch(h -> h.endsWith("/system/console/bundles")));
                shot(driver, "01-services");

                // a database from the page; its job; the service RUNNING
                new Select(driver.findElement(By.id("create-account"))).selectByValue("default");
                new Select(driver.findElement(By.id("create-type"))).selectByValue("database");
                driver.findElement(By.id("create-name")).sendKeys("orders");
                shot(driver, "02-create-form");
                driver.findElement(By.id("create-submit")).click();
                awaitJobPage(wait);
                wait.until(d -> "true".equals(d.findElement(By.id("stratum-job")).getAttribute("data-done")));
                assertEquals("SUCCEEDED", driver.findElement(By.id("job-state")).getText().strip());
                assertTrue(driver.findElement(By.id("job-via")).getText().contains("console"));
                shot(driver, "03-database-job");
                driver.get(base + "/service?account=default&name=orders");
                assertEquals("RUNNING", wait.until(d -> d.findElement(By.id("service-state"))).getAttribute("data-state"));
                shot(driver, "04-service-running");

                // an environment whose job takes seconds (two Tomcat instances start and become healthy)
                driver.get(base + "/environments");
                new Select(wait.until(d -> d.findElement(By.id("environment-account")))).selectByValue("default");
                ((JavascriptExecutor) driver).executeScript("document.getElementById('environment-document').value ="
                        + " arguments[0];", notesEnvironment(stratum.home().resolve("examples/notes.war")));
                shot(driver, "05-environment-form");
                driver.findElement(By.id("environment-create-submit")).click();
                awaitJobPage(wait);
                String jobPage = driver.getCurrentUrl();
                watchLive(driver);
                String first = (String) js(driver, "return window.stratumSeen[0];");
                assertFalse("the page was loaded while the job ran, but it shows " + first, ENDED.contains(first));
                assertEquals("false", driver.findElement(By.id("stratum-job")).getAttribute("data-done"));
                shot(driver, "06-environment-job-running");
                wait.until(d -> "true".equals(d.findElement(By.id("stratum-job")).getAttribute("data-done")));
                assertEquals("the job page was not reloaded", Boolean.TRUE,
                        js(driver, "return window.stratumNotReloaded === true;"));
                assertEquals(jobPage, driver.getCurrentUrl());
                List<?> seen = (List<?>) js(driver, "return window.stratumSeen;");
                List<?> progress = (List<?>) js(driver, "return window.stratumProgress;");
                assertEquals("the states the page showed, in order: " + seen, "SUCCEEDED", seen.get(seen.size() - 1));
                assertTrue("the page showed the job's states as they came: " + seen, seen.size() >= 2);
                assertEquals("the progress the page showed: " + progress, "100%", progress.get(progress.size() - 1));
                assertTrue("the progress the page showed: " + progress, progress.size() >= 2);
                assertEquals("SUCCEEDED", driver.findElement(By.id("job-outcome")).getText().strip());
                shot(driver, "07-environment-job-succeeded");

                // the environment's graph: a box per member, an arrow from the application to each provider
                driver.get(base + "/environment?account=default&name=notes");
                WebElement graph = wait.until(d -> d.findElement(By.id("environment-graph")));
                Map<String, int[]> boxes = new HashMap<>();
                for (WebElement node : graph.findElements(By.cssSelector("g[data-test=graph-node]"))) {
                    WebElement rect = node.findElement(By.tagName("rect"));
                    boxes.put(node.getAttribute("data-name"), new int[] {num(rect, "x"), num(rect, "y"),
                            num(rect, "width"), num(rect, "height")});
                }
                assertEquals(Set.of("notes-db", "notes-lb", "notes-app"), boxes.keySet());
                List<String> edges = new ArrayList<>();
                for (WebElement edge : graph.findElements(By.cssSelector("g[data-test=graph-edge]"))) {
                    String from = edge.getAttribute("data-from");
                    String to = edge.getAttribute("data-to");
                    edges.add(from + " -" + edge.getAttribute("data-type") + "-> " + to);
                    WebElement line = edge.findElement(By.tagName("line"));
                    assertTrue(from + "'s arrow starts at its box", on(boxes.get(from), num(line, "x1"), num(line, "y1")));
                    assertTrue(from + "'s arrow ends at " + to + "'s box", on(boxes.get(to), num(line, "x2"),
                            num(line, "y2")));
                    assertTrue("the arrow is drawn", line.getRect().getHeight() > 0 || line.getRect().getWidth() > 0);
                }
                edges.sort(null);
                assertEquals(List.of("notes-app -database-> notes-db", "notes-app -webtier-> notes-lb"), edges);
                shot(driver, "08-environment-graph");

                elasticityPage(driver, wait, base);

                // the tenant logs in
                driver.manage().deleteAllCookies();
                logIn(driver, "rosa", rosaPassword);

                driver.get(console);
                wait.until(d -> d.findElement(By.id("stratum-user")).getText().contains("rosa"));
                assertTrue(driver.getCurrentUrl(), driver.getCurrentUrl().startsWith(base));
                List<String> menu = menuLinks(driver);
                assertTrue("the tenant's menu has the Stratum pages: " + menu, menu.contains(base));
                for (String link : menu) {
                    assertTrue("the tenant's menu shows only what they can open: " + menu, link.endsWith("#")
                            || link.equals(base) || link.startsWith(base + "/") || link.equals(console + "/logout"));
                }
                shot(driver, "09-tenant-services");

                new Select(driver.findElement(By.id("create-account"))).selectByValue("acme");
                new Select(driver.findElement(By.id("create-type"))).selectByValue("database");
                driver.findElement(By.id("create-name")).sendKeys("rosa-db");
                driver.findElement(By.id("create-submit")).click();
                awaitJobPage(wait);
                wait.until(d -> "true".equals(d.findElement(By.id("stratum-job")).getAttribute("data-done")));
                assertEquals("SUCCEEDED", driver.findElement(By.id("job-state")).getText().strip());
                assertEquals("rosa", driver.findElement(By.id("job-requested-by")).getText().strip());
                shot(driver, "10-tenant-job");

                driver.get(base + "/services");
                List<String> rows = new ArrayList<>();
                for (WebElement row : wait.until(d -> d.findElement(By.id("services-table")))
                        .findElements(By.cssSelector("tr[data-test=service-row]"))) {
                    rows.add(row.getAttribute("data-account") + "/" + row.getAttribute("data-name"));
                }
                assertEquals("the tenant sees only their account's services", List.of("acme/rosa-db"), rows);
                assertEquals(List.of("acme"), driver.findElements(By.cssSelector("#create-account option")).stream()
                        .map(o -> o.getAttribute("value")).toList());

                driver.get(console + "/bundles");
                String refused = wait.until(d -> d.findElement(By.tagName("body"))).getText();
                assertTrue(refused, refused.contains("is only for platform administrators; nothing was done"));
                shot(driver, "11-tenant-refused-bundles");
            } catch (RuntimeException | AssertionError e) {
                throw seen(driver, stratum, e);
            } finally {
                driver.quit();
                service.stop();
            }

            // the same over plain HTTP, with the status codes
            for (String page : List.of("/bundles", "/configMgr", "/gogo", "/vmstat")) {
                HttpResponse<String> r = get(http, console + page, "rosa", rosaPassword);
                assertEquals(page + ": " + r.body(), 403, r.statusCode());
                assertTrue(r.body(), r.body().contains("is only for platform administrators; nothing was done."));
            }
            for (String page : List.of("/bundles", "/configMgr")) {
                assertEquals(page, 200, get(http, console + page, "admin", adminPassword).statusCode());
            }
            assertEquals(200, get(http, base + "/services", "rosa", rosaPassword).statusCode());
            HttpResponse<String> root = get(http, console, "rosa", rosaPassword);
            assertEquals(302, root.statusCode());
            assertEquals("/system/console/stratum", root.headers().firstValue("Location").orElseThrow());
            assertEquals(401, get(http, console + "/bundles", "rosa", "not-her-password").statusCode());

            String deleted = stratum.exec("stratum:env-delete notes --wait");
            assertTrue(deleted, deleted.contains("SUCCEEDED"));
        } finally {
            deleteRecursively(profile);
        }
    }

    /**
     * The application's elasticity page: its memory plotted from the live series, the window switched in place; an
     * alert created from the page seen going into ALARM on the same, never reloaded page, and in the Alerts tab; a bad
     * expression refused with the caret under its error; the policy set from its form and reset; the alert deleted.
     */
    private static void elasticityPage(ChromeDriver driver, WebDriverWait wait, String base) throws Exception {
        String page = base + "/elasticity?account=default&name=notes-app";
        driver.get(page);
        js(driver, "window.stratumNotReloaded = true;");
        WebElement rss = wait.until(d -> d.findElement(By.cssSelector(
                "figure[data-metric='process.memory.rss'] path[data-test=plot-line]")));
        assertTrue("points plotted: " + rss.getAttribute("data-points"),
                Integer.parseInt(rss.getAttribute("data-points")) > 0);
        String last = driver.findElement(By.cssSelector("figure[data-metric='process.memory.rss'] [data-field=last]"))
                .getText().strip();
        assertTrue(last, last.matches("\\d+(\\.\\d)? (KiB|MiB|GiB)"));
        shot(driver, "08a-elasticity-metrics");

        // another window, in place: the axis shows minutes only, the address keeps the window for a reload
        driver.findElement(By.cssSelector("#metrics-windows a[data-window='1h']")).click();
        wait.until(d -> d.findElement(By.cssSelector(
                "figure[data-metric='process.memory.rss'] text[data-test=plot-x-label]")).getText().strip()
                .matches("\\d\\d:\\d\\dZ"));
        assertEquals("1h", driver.findElement(By.id("stratum-elasticity")).getAttribute("data-window"));
        assertTrue(driver.getCurrentUrl(), driver.getCurrentUrl().contains("window=1h"));
        assertEquals(Boolean.TRUE, js(driver, "return window.stratumNotReloaded === true;"));
        shot(driver, "08b-elasticity-window-1h");

        // an alert that is always true, evaluated every second: NO_DATA first, then ALARM without a reload
        driver.findElement(By.id("alert-name")).sendKeys("always");
        driver.findElement(By.id("alert-expression")).sendKeys("instances >= 1");
        driver.findElement(By.id("alert-every")).clear();
        driver.findElement(By.id("alert-every")).sendKeys("1s");
        driver.findElement(By.id("alert-create-submit")).click();
        String created = wait.until(d -> d.findElement(By.cssSelector("[data-test=message-info]"))).getText();
        assertTrue(created, created.contains("Alert 'always' of 'notes-app' created"));
        js(driver, "window.stratumNotReloaded = true;");
        String first = driver.findElement(By.cssSelector("tr[data-test=alert-row][data-alert=always]"))
                .getAttribute("data-state");
        wait.until(d -> "ALARM".equals(d.findElement(By.cssSelector("tr[data-test=alert-row][data-alert=always]"))
                .getAttribute("data-state")));
        assertEquals("ALARM", driver.findElement(By.cssSelector("tr[data-alert=always] [data-field=state]")).getText()
                .strip());
        assertEquals(Boolean.TRUE, js(driver, "return window.stratumNotReloaded === true;"));
        if (!"ALARM".equals(first)) { // it changed while the page was open (it may be evaluated before the page loads)
            assertTrue("the page says its alerts changed (first shown " + first + ")",
                    driver.findElement(By.id("alerts-changed")).isDisplayed());
        }
        shot(driver, "08c-alert-alarm");
        driver.get(base + "/alerts?account=default");
        assertEquals("ALARM", wait.until(d -> d.findElement(By.cssSelector(
                "#alerts-overview tr[data-service=notes-app][data-alert=always]"))).getAttribute("data-state"));
        shot(driver, "08d-alerts-tab");

        // a bad window: the platform's message, preformatted, its caret under the error; what was typed kept
        driver.get(page);
        String typo = "avg('process.memory.rss', '1x') > 1";
        driver.findElement(By.id("alert-name")).sendKeys("typo");
        driver.findElement(By.id("alert-expression")).sendKeys(typo);
        driver.findElement(By.id("alert-create-submit")).click();
        WebElement refused = wait.until(d -> d.findElement(By.cssSelector("[data-test=message-error]")));
        assertEquals("pre", refused.getTagName());
        String message = refused.getAttribute("textContent");
        String[] lines = message.split("\n");
        Matcher at = Pattern.compile("at (\\d+):").matcher(lines[0]);
        assertTrue(message, at.find() && lines.length >= 3);
        assertEquals(message, "  " + typo, lines[lines.length - 2]);
        assertEquals(message, 2 + Integer.parseInt(at.group(1)) - 1, lines[lines.length - 1].indexOf('^'));
        assertEquals(typo, driver.findElement(By.id("alert-expression")).getAttribute("value"));
        shot(driver, "08e-alert-refused");

        // the policy from its form, then back to the SDP's default
        WebElement max = driver.findElement(By.id("policy-max"));
        max.clear();
        max.sendKeys("2");
        driver.findElement(By.id("policy-submit")).click();
        String set = wait.until(d -> d.findElement(By.cssSelector("[data-test=message-info]"))).getText();
        assertTrue(set, set.contains("Scaling policy of 'notes-app' set"));
        assertEquals("account", driver.findElement(By.id("policy-props")).getAttribute("data-source"));
        assertEquals("2", driver.findElement(By.id("policy-max")).getAttribute("value"));
        shot(driver, "08f-policy-set");
        driver.findElement(By.id("policy-reset")).click();
        driver.switchTo().alert().accept();
        wait.until(d -> !"account".equals(d.findElement(By.id("policy-props")).getAttribute("data-source")));

        // the alert deleted from its row
        driver.findElement(By.cssSelector("form[id='alert-delete-form-always'] button")).click();
        driver.switchTo().alert().accept();
        wait.until(d -> d.findElement(By.cssSelector("[data-test=message-info]")).getText().contains("deleted"));
        assertTrue(driver.findElements(By.cssSelector("tr[data-alert=always]")).isEmpty());
    }

    /** The example environment, with the WAR at an absolute path (the page has no folder to resolve it against). */
    private static String notesEnvironment(Path war) {
        return "name: notes\n"
                + "services:\n"
                + "  - name: notes-db\n"
                + "    type: database\n"
                + "  - name: notes-lb\n"
                + "    type: webtier\n"
                + "  - name: notes-app\n"
                + "    type: appserver\n"
                + "    config:\n"
                + "      war: " + war.toAbsolutePath() + "\n"
                + "      instances: 2\n"
                + "      healthPath: /health\n"
                + "    providers:\n"
                + "      database: notes-db\n"
                + "      webtier: notes-lb\n";
    }

    /**
     * Marks the page (a reload would lose the mark) and records every state and progress the job page shows from now
     * on, starting with what it shows now.
     */
    private static void watchLive(ChromeDriver driver) {
        js(driver, "window.stratumNotReloaded = true;"
                + "var state = document.getElementById('job-state');"
                + "var progress = document.getElementById('job-progress-text');"
                + "window.stratumSeen = [state.textContent.trim()];"
                + "window.stratumProgress = [progress.textContent.trim()];"
                + "function note(list, el) { var v = el.textContent.trim(); if (list[list.length - 1] !== v) {"
                + "  list.push(v); } }"
                + "new MutationObserver(function () { note(window.stratumSeen, state); })"
                + "  .observe(state, {childList: true, characterData: true, subtree: true});"
                + "new MutationObserver(function () { note(window.stratumProgress, progress); })"
                + "  .observe(progress, {childList: true, characterData: true, subtree: true});");
    }

    private static Object js(ChromeDriver driver, String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** The console's login is HTTP Basic: the browser sends it with every request, the page's polls too. */
    private static void logIn(ChromeDriver driver, String user, String password) {
        driver.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization",
                basic(user, password))));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** @return the links of the console's menu, as the browser resolved them */
    private static List<String> menuLinks(ChromeDriver driver) {
        return driver.findElements(By.cssSelector("#navmenu a")).stream().map(a -> a.getAttribute("href")).toList();
    }

    private static int num(WebElement element, String attribute) {
        return (int) Math.round(Double.parseDouble(element.getAttribute(attribute)));
    }

    /** @return whether a point is on a box (its border included) */
    private static boolean on(int[] box, int x, int y) {
        return box != null && x >= box[0] && x <= box[0] + box[2] && y >= box[1] && y <= box[1] + box[3];
    }

    private static HttpResponse<String> get(HttpClient http, String url, String user, String password)
            throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", basic(user, password))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits for a page to answer 200 (a refused connection or another status is tried again), within LONG. */
    private static void awaitPage(HttpClient http, String url, String user, String password) throws Exception {
        long deadline = System.nanoTime() + LONG.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = get(http, url, user, password);
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (java.io.IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new AssertionError(url + " did not answer 200 within " + LONG.toSeconds() + " s; last: " + last);
    }

    private static void awaitShell(KarafInstance stratum, String command, Predicate<String> ready) throws Exception {
        long deadline = System.nanoTime() + LONG.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = stratum.exec(command);
            if (ready.test(last)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("'" + command + "' did not answer as expected within " + LONG.toSeconds() + " s:\n"
                + last);
    }

    /**
     * Waits for the job page a form's POST leads to; a refusal (an error message, or a page that did nothing) fails at
     * once with what it said.
     */
    private static void awaitJobPage(WebDriverWait wait) {
        String url = wait.until(d -> d.getCurrentUrl().contains("/jobs/")
                || !d.findElements(By.cssSelector(".stratum-error")).isEmpty()
                || d.findElement(By.tagName("body")).getText().contains("nothing was done") ? d.getCurrentUrl() : null);
        assertTrue("the form did not lead to its job's page", url.contains("/jobs/"));
    }

    /**
     * @return a failure that says, on its first line, where the browser was and what the page told (its messages, or
     *     the start of its text), with karaf.log's last warnings below; the page's source and a screenshot are kept
     *     beside the other screenshots
     */
    private static AssertionError seen(ChromeDriver driver, KarafInstance stratum, Throwable failure) {
        String where;
        try {
            String url = driver.getCurrentUrl();
            List<String> messages = driver.findElements(By.cssSelector(".stratum-message")).stream()
                    .map(WebElement::getText).toList();
            String text = messages.isEmpty() ? driver.findElement(By.tagName("body")).getText() : String.join(" | ",
                    messages);
            where = "at " + url + " the page said: " + text.replace('\n', ' ').substring(0, Math.min(300,
                    text.length()));
            Files.writeString(SCREENSHOTS.resolve("failure.html"), driver.getPageSource());
            shot(driver, "failure");
        } catch (Exception e) {
            where = "(the browser could not tell where it was: " + e + ")";
        }
        return new AssertionError(where + "\n" + failure.getMessage() + "\nkaraf.log's last warnings and errors:\n"
                + stratum.problems(), failure);
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
