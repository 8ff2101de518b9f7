package io.stratum.platform.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.ExternalServiceRequest;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.ServiceDTO;
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.internal.service.HealthWatch;
import io.stratum.sme.api.HealthState;
import io.stratum.sme.api.ServiceHealth;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * What {@code service-list}, {@code service-info} and {@code service-register} show of a service's state and health:
 * the list has a health column, an external service reads {@code EXTERNAL} (Stratum runs nothing of it) beside the
 * health Stratum sees, and a registered password is shown only as {@code service-info --credentials} would. On the
 * real facade ({@link RealPlatform}) where it matters, else on a stub.
 */
public class ServiceOutputTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private RealPlatform stratum;
    private PlatformService admin;
    private HealthWatch watch;

    @Before
    public void setUp() throws Exception {
        stratum = new RealPlatform(tmp.newFolder("home").toPath());
        admin = stratum.access.as(Caller.user("admin", Caller.VIA_SHELL));
    }

    @After
    public void tearDown() {
        if (watch != null) {
            watch.deactivate();
        }
        stratum.close();
    }

    private String run(PlatformService platform, StratumCommand command) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        command.platform = platform;
        command.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        command.execute();
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static ServiceListCommand list() {
        ServiceListCommand c = new ServiceListCommand();
        c.noFormat = true;
        return c;
    }

    /** @return the row of a service in a list printed with --no-format: its cells */
    private static List<String> row(String table, String name) {
        return table.lines().map(l -> Arrays.asList(l.split("\t"))).filter(cells -> cells.get(0).strip().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no row " + name + " in\n" + table)).stream()
                .map(String::strip).toList();
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    public void aServiceThatAnswersErrorsReadsUnhealthyInTheListNotOnlyRunning() throws Exception {
        JobDTO job = admin.createService(new CreateServiceRequest(null, "database", "db1", null, null, Map.of()));
        assertEquals(JobState.SUCCEEDED, admin.awaitJob(job.id(), Duration.ofSeconds(20), null).state());
        List<String> healthy = row(run(admin, list()), "db1");
        assertEquals(List.of("db1", "database", "1.0.0", "small", "RUNNING", "HEALTHY"), healthy.subList(0, 6));

        stratum.health = ServiceHealth.of(HealthState.UNHEALTHY, "1 of 1 instances unhealthy: i1 answered HTTP 503 "
                + "on /health after 12 ms");
        watch = new HealthWatch(stratum.services, 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<String> cells = row(run(admin, list()), "db1");
        while (!cells.get(5).startsWith("UNHEALTHY") && System.nanoTime() < deadline) {
            Thread.sleep(20);
            cells = row(run(admin, list()), "db1");
        }
        assertEquals("RUNNING", cells.get(4));
        assertEquals("the reason, shortened", "UNHEALTHY: 1 of 1 instances unhealthy: i1 answered HTTP ...",
                cells.get(5));
    }

    @Test
    public void anExternalServiceReadsExternalInTheListAndInServiceInfo() throws Exception {
        admin.registerExternalService(new ExternalServiceRequest(null, "database", "legacy", "jdbc:postgresql://"
                + "127.0.0.1:" + closedPort() + "/legacy", "app", "legacy-secret-1", Map.of()));
        List<String> cells = row(run(admin, list()), "legacy");
        assertEquals("EXTERNAL", cells.get(4));
        assertTrue(cells.toString(), cells.get(5).startsWith("UNHEALTHY: external service; 127.0.0.1:"));
        assertEquals("neither version, plan nor runtimes of Stratum's", List.of("", "", ""), List.of(cells.get(2),
                cells.get(3), cells.get(6)));

        ServiceInfoCommand info = new ServiceInfoCommand();
        info.name = "legacy";
        String shown = run(admin, info);
        assertTrue(shown, shown.contains("\nState:     EXTERNAL - registered by URL; Stratum does not run it\n"));
        assertTrue(shown, shown.contains("\nHealth:    UNHEALTHY - external service; 127.0.0.1:"));
        assertFalse(shown, shown.contains("RUNNING"));
    }

    @Test
    public void serviceRegisterShowsWhatServiceInfoShowsWithThePasswordMasked() throws Exception {
        ServiceRegisterCommand register = new ServiceRegisterCommand();
        register.type = "database";
        register.name = "legacy";
        register.trailing = List.of("--url", "jdbc:postgresql://127.0.0.1:" + closedPort() + "/legacy", "--user",
                "app", "--password", "legacy-secret-1");
        String registered = run(admin, register);
        assertFalse(registered, registered.contains("legacy-secret-1"));
        assertTrue(registered, registered.contains("\nPassword:  ********   (stratum:service-info legacy --credentials "
                + "shows it)\n"));
        assertTrue(registered, registered.contains("\nConfig:    {password=********, url=jdbc:postgresql://"));
        assertTrue(registered, registered.contains("\nState:     EXTERNAL - "));
        assertFalse(registered, registered.contains("RUNNING"));

        ServiceInfoCommand info = new ServiceInfoCommand();
        info.name = "legacy";
        String shown = run(admin, info);
        List<String> fields = registered.lines().skip(1).map(l -> l.replace("stratum:service-info legacy "
                + "--credentials shows it", "shown with --credentials")).toList();
        assertEquals("service-register shows the service as service-info does", shown.lines().toList(), fields);

        info.credentials = true;
        assertTrue("service-info --credentials shows it to a member", run(admin, info).contains(
                "\nPassword:  legacy-secret-1\n"));
    }

    @Test
    public void serviceRegisterMasksThePasswordWhateverThePlatformAnswers() throws Exception {
        PlatformService careless = (PlatformService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PlatformService.class}, (proxy, method, args) -> {
                    Instant now = Instant.now();
                    return new ServiceDTO("id", "default", "legacy", "database", "external", "0.0.0", "external",
                            Map.of("password", "********"), ServiceState.RUNNING, "", true, "UNHEALTHY",
                            "external service; 127.0.0.1:1 does not accept connections: Connection refused",
                            new ServiceDTO.ConnectionDTO("jdbc:x://127.0.0.1:1/d", "app", "in-clear-secret", Map.of()),
                            List.of(), 0, now, now, Map.of(), List.of(), "", true);
                });
        ServiceRegisterCommand register = new ServiceRegisterCommand();
        register.type = "database";
        register.name = "legacy";
        register.trailing = List.of("--url", "jdbc:x://127.0.0.1:1/d", "--user", "app", "--password",
                "in-clear-secret");
        String registered = run(careless, register);
        assertFalse(registered, registered.contains("in-clear-secret"));
        assertTrue(registered, registered.contains("State:     EXTERNAL"));
    }
}
