package io.stratum.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.AlertDTO;
import io.stratum.platform.api.AlertRequest;
import io.stratum.platform.api.AlertTransitionDTO;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.ElasticityAccess;
import io.stratum.platform.api.ElasticityService;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobQuery;
import io.stratum.platform.api.PolicyDTO;
import io.stratum.platform.api.ScalingDecisionDTO;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The elasticity manager end to end on the real distribution: real HTTP load through the real web tier scales the
 * notes application out and, once the load is gone and the stabilization window has passed, back in, with exactly
 * those two scale jobs; a metric source that disappears puts the alert in NO_DATA and the policy's fallback applies;
 * an email action reaches a real SMTP server started by the test.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ElasticityIT extends StratumTestSupport {

    /** Served by the elasticity bundle. */
    @Inject
    protected ElasticityAccess elasticityAccess;

    @Inject
    protected ConfigurationAdmin configAdmin;

    private ElasticityService elasticity() {
        return elasticityAccess.as(Caller.system("itest"));
    }

    @Test
    public void httpLoadScalesTheApplicationOutAndBackInWithoutFlapping() throws Exception {
        Path examples = Path.of(System.getProperty("karaf.base"), "examples");
        String document = Files.readString(examples.resolve("notes-env.yaml")).replace("instances: 2",
                "instances: 1");
        succeeded(platform.createEnvironment(new EnvironmentRequest(null, document, examples.toString())));
        String lb = platform.getService(null, "notes-lb").connection().url();
        ElasticityService el = elasticity();

        // the web tier reports the application's request rate: the metric is known before any load
        assertTrue("the web tier's request rate is a metric of the application before any load",
                el.metrics(null, "notes-app").stream().anyMatch(m -> m.metric().equals("http.requests.rate")));
        await("the web tier's first samples of notes-app", Duration.ofSeconds(30), () -> !el.series(null,
                "notes-app", "http.requests.rate", Duration.ofMinutes(1)).points().isEmpty());
        AlertDTO busy = el.createAlert(null, new AlertRequest("notes-app", "busy",
                "avg('http.requests.rate', '10s') > 20 * instances", Duration.ofSeconds(2), List.of("log", "event"),
                "more than 20 requests per second per instance"));
        assertEquals("user", busy.origin());
        PolicyDTO policy = el.setPolicy(null, "notes-app", new PolicyDTO("notes-app", true, "http.requests.rate",
                Duration.ofSeconds(10), 20, 1, 2, 1, Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(20),
                0.1, "HOLD", 0, null));
        assertEquals("account", policy.source());
        long before = lastJobId();

        // bounded load: 4 clients for at most 90 s, stopped early once the application has scaled out and held
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> running = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        for (int i = 0; i < 4; i++) {
            running.add(clients.submit(() -> {
                while (!stop.get() && System.nanoTime() < deadline) {
                    try {
                        if (status(lb + "health") == 200) {
                            ok.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        try {
            Duration out = await("notes-app to scale out to 2 instances under load", Duration.ofSeconds(60),
                    () -> instances("notes-app") == 2);
            System.out.println("scaled out " + out.toMillis() + " ms into the load, " + ok.get() + " requests served");
            // under continued load it stays at its maximum: no further job
            Thread.sleep(8_000);
            assertEquals(2, instances("notes-app"));
        } finally {
            stop.set(true);
            for (Future<?> f : running) {
                f.get(30, TimeUnit.SECONDS);
            }
            clients.shutdownNow();
        }
        System.out.println("load: " + ok.get() + " requests answered 200, " + failed.get() + " not");
        Duration in = await("notes-app to scale back in to 1 instance after the load", Duration.ofSeconds(120),
                () -> instances("notes-app") == 1);
        System.out.println("scaled back in " + in.toMillis() + " ms after the load stopped");
        // quiet: nothing more happens
        Thread.sleep(10_000);
        assertEquals(1, instances("notes-app"));

        // exactly two scale jobs, both by the elasticity manager, each with its reason
        List<JobDTO> scales = platform.listJobs(new JobQuery(null, "notes-app", false, 100)).stream()
                .filter(j -> j.id() > before && j.kind().equals("service.scale"))
                .sorted(Comparator.comparingLong(JobDTO::id)).toList();
        assertEquals(scales.toString(), 2, scales.size());
        for (JobDTO j : scales) {
            assertEquals("SUCCEEDED", j.state().name());
            assertTrue(j.requestedBy(), j.requestedBy().contains("elasticity"));
            assertTrue(j.cause(), j.cause().contains("http.requests.rate"));
        }
        List<ScalingDecisionDTO> submitted = el.decisions(null, "notes-app", 0).stream()
                .filter(d -> d.outcome().startsWith("SUBMITTED")).toList();
        assertEquals(submitted.toString(), 2, submitted.size());
        // newest first
        assertEquals(2, submitted.get(0).from());
        assertEquals(1, submitted.get(0).to());
        assertEquals(1, submitted.get(1).from());
        assertEquals(2, submitted.get(1).to());

        // the alert went into ALARM under the load and back to OK, with the values it saw
        List<AlertTransitionDTO> history = el.alertHistory(null, "notes-app", "busy", 0);
        assertTrue(history.toString(), history.stream().anyMatch(t -> t.to().equals("ALARM")
                && t.values().keySet().stream().anyMatch(k -> k.contains("http.requests.rate"))));
        assertEquals(history.toString(), "OK", history.get(0).to());

        // what a user sees in the shell
        String metrics = shell("stratum:metrics notes-app --window 5m");
        assertTrue(metrics, metrics.contains("http.requests.rate") && metrics.contains("process.cpu"));
        String shown = shell("stratum:policy-show notes-app");
        assertTrue(shown, shown.contains("SUBMITTED"));
        String alerts = shell("stratum:alert-history notes-app busy");
        assertTrue(alerts, alerts.contains("ALARM"));

        // the metric's source goes away (the web tier stops): NO_DATA, and the policy's fallback applies
        el.setPolicy(null, "notes-app", new PolicyDTO("notes-app", true, "http.requests.rate",
                Duration.ofSeconds(10), 20, 1, 2, 1, Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(20),
                0.1, "FIXED", 2, null));
        succeeded(platform.stopService(null, "notes-lb"));
        await("the alert to see no data", Duration.ofSeconds(60), () -> el.listAlerts(null, "notes-app").stream()
                .anyMatch(a -> a.name().equals("busy") && a.state().equals("NO_DATA")));
        await("the fallback of 2 instances", Duration.ofSeconds(60), () -> instances("notes-app") == 2);
        ScalingDecisionDTO fallback = el.decisions(null, "notes-app", 1).get(0);
        assertEquals(2, fallback.to());
        assertTrue(fallback.reason(), fallback.reason().contains("no sample of http.requests.rate"));
    }

    @Test
    public void anEmailActionReachesARealSmtpServer() throws Exception {
        int port = sparePort();
        Path log = Files.createTempFile("smtpd", ".log");
        // Python's standard SMTP server (Debian's python3), printing every message it receives
        Process smtpd = new ProcessBuilder("python3", "-u", "-W", "ignore", "-m", "smtpd", "-n", "-c",
                "DebuggingServer", "127.0.0.1:" + port).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await("the SMTP server", Duration.ofSeconds(20), () -> accepts(port));
            Configuration c = configAdmin.getConfiguration("io.stratum.elasticity.email", null);
            Dictionary<String, Object> props = new Hashtable<>();
            props.put("host", "127.0.0.1");
            props.put("port", port);
            props.put("from", "stratum@example.test");
            props.put("startTls", false); // the test's server speaks plain SMTP on loopback
            c.update(props);
            succeeded(platform.createService(new CreateServiceRequest(null, "database", "mail-db", null, null, Map.of())));
            ElasticityService el = elasticity();
            await("the email action to accept an address once configured", Duration.ofSeconds(30), () -> {
                try {
                    el.createAlert(null, new AlertRequest("mail-db", "always", "instances >= 1",
                            Duration.ofSeconds(1), List.of("email:ops@example.test"), "fires at once"));
                    return true;
                } catch (RuntimeException notYet) {
                    return false;
                }
            });
            try {
                await("the email at the SMTP server", Duration.ofSeconds(60), () -> {
                    try {
                        String received = Files.readString(log);
                        return received.contains("[Stratum] always") && received.contains("ops@example.test");
                    } catch (IOException e) {
                        return false;
                    }
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; alert history: " + el.alertHistory(null, "mail-db",
                        "always", 0) + "; SMTP server log: " + Files.readString(log), e);
            }
            List<AlertTransitionDTO> history = el.alertHistory(null, "mail-db", "always", 0);
            assertTrue(history.toString(), history.get(0).actions().stream().anyMatch(a -> a.startsWith("email")));
        } finally {
            smtpd.destroy();
            if (!smtpd.waitFor(10, TimeUnit.SECONDS)) {
                smtpd.destroyForcibly();
            }
            Files.deleteIfExists(log);
        }
    }

    private int instances(String service) {
        return platform.getService(null, service).runtimes().size();
    }

    private long lastJobId() {
        return platform.listJobs(new JobQuery(null, null, false, 1)).stream().mapToLong(JobDTO::id).max().orElse(0);
    }

    private static int status(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(5000);
        int status = c.getResponseCode();
        (status < 400 ? c.getInputStream() : c.getErrorStream()).readAllBytes();
        return status;
    }
}
