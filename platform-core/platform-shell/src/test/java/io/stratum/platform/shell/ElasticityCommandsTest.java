package io.stratum.platform.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.AlertDTO;
import io.stratum.platform.api.AlertRequest;
import io.stratum.platform.api.AlertTransitionDTO;
import io.stratum.platform.api.ElasticityService;
import io.stratum.platform.api.MetricSeriesDTO;
import io.stratum.platform.api.MetricSeriesDTO.PointDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PolicyDTO;
import io.stratum.platform.api.ScalingDecisionDTO;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.support.CommandException;
import org.junit.Test;

/** The metrics, alert and policy commands as Karaf runs them, over a facade stub that records the calls. */
public class ElasticityCommandsTest {

    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
    private static final PolicyDTO SDP_DEFAULT = new PolicyDTO("app", false, "http.requests.rate",
            Duration.ofMinutes(1), 50, 1, 4, 1, Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(1),
            0.1, "HOLD", 0, "sdp");

    private final List<Object[]> calls = new ArrayList<>();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    private ElasticityService facade() {
        return (ElasticityService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ElasticityService.class}, (proxy, method, args) -> {
                    calls.add(new Object[] {method.getName(), args});
                    switch (method.getName()) {
                        case "metrics":
                            return List.of(new MetricSeriesDTO("app", "http.requests.rate", "req/s", "", List.of()),
                                    new MetricSeriesDTO("app", "process.cpu", "%", "", List.of()));
                        case "series":
                            String metric = (String) args[2];
                            if (metric.equals("process.cpu")) {
                                return new MetricSeriesDTO("app", metric, "%", "", List.of());
                            }
                            List<PointDTO> points = new ArrayList<>();
                            for (int i = 0; i < 8; i++) {
                                points.add(new PointDTO(T0.plusSeconds(10L * i), i * 10, i * 10, i * 10));
                            }
                            return new MetricSeriesDTO("app", metric, "req/s", "", points);
                        case "createAlert":
                            AlertRequest r = (AlertRequest) args[1];
                            return new AlertDTO("default", r.service(), r.name(), r.expression(),
                                    r.every() == null ? Duration.ofSeconds(30) : r.every(), r.actions(), "", "user",
                                    "NO_DATA", T0, null, Map.of());
                        case "alertHistory":
                            return List.of(new AlertTransitionDTO(T0, "OK", "ALARM",
                                    Map.of("instances", 1.0, "avg('http.requests.rate','1m')", 62.5), "",
                                    List.of("scale-up: job 42")));
                        case "policy":
                        case "setPolicy":
                            return args.length > 2 ? args[2] : SDP_DEFAULT;
                        case "decisions":
                            return List.of(new ScalingDecisionDTO(T0, "app", 1, 2, "rate 130 for 1 instance", "42",
                                    "SUBMITTED"));
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private <T extends ElasticityCommand> T wire(T command) {
        command.elasticity = facade();
        command.platform = (io.stratum.platform.api.PlatformService) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {io.stratum.platform.api.PlatformService.class},
                (p, m, a) -> {
                    throw new UnsupportedOperationException(m.getName());
                });
        command.out = new PrintStream(output, true, StandardCharsets.UTF_8);
        return command;
    }

    private String printed() {
        // tables without format are tab-separated, cells padded: compare without the padding
        return output.toString(StandardCharsets.UTF_8).replaceAll(" *\t *", "\t");
    }

    @Test
    public void metricsShowsEveryMetricWithASparklineAndNoDataWhereThereIsNone() throws Exception {
        MetricsCommand c = wire(new MetricsCommand());
        c.service = "app";
        c.noFormat = true;
        c.execute();
        String out = printed();
        assertTrue(out, out.contains("http.requests.rate\treq/s\t70\t0\t70\t35\t▁▂▃▄▅▆▇█"));
        assertTrue(out, out.contains("process.cpu\t%\t-\t-\t-\t-\t(no data)"));
        assertEquals(Duration.ofMinutes(10), ((Object[]) calls.get(1)[1])[3]);
    }

    @Test
    public void sparklineAveragesIntoItsWidthAndDrawsAFlatSeriesLow() {
        List<PointDTO> flat = List.of(new PointDTO(T0, 5, 5, 5), new PointDTO(T0, 5, 5, 5));
        assertEquals("▁▁", Sparkline.of(flat, 10));
        List<PointDTO> ramp = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ramp.add(new PointDTO(T0, i, i, i));
        }
        String line = Sparkline.of(ramp, 8);
        assertEquals(8, line.length());
        assertEquals('▁', line.charAt(0));
        assertEquals('█', line.charAt(7));
        assertEquals("", Sparkline.of(List.of(), 8));
    }

    @Test
    public void alertCreateSendsTheRequestWithTrailingOptions() throws Exception {
        AlertCreateCommand c = wire(new AlertCreateCommand());
        c.service = "app";
        c.name = "busy";
        c.expression = "avg('http.requests.rate', '1m') > 50";
        c.trailing = List.of("--every", "10s", "--action", "scale-up", "--action", "log");
        c.execute();
        AlertRequest r = (AlertRequest) ((Object[]) calls.get(0)[1])[1];
        assertEquals(Duration.ofSeconds(10), r.every());
        assertEquals(List.of("scale-up", "log"), r.actions());
        assertTrue(printed(), printed().contains("evaluated every 10s, actions scale-up, log"));
    }

    @Test
    public void alertHistoryShowsValuesAndActions() throws Exception {
        AlertHistoryCommand c = wire(new AlertHistoryCommand());
        c.service = "app";
        c.name = "busy";
        c.noFormat = true;
        c.execute();
        assertTrue(printed(), printed().contains("OK\tALARM\tavg('http.requests.rate','1m')=62.5, instances=1"));
        assertTrue(printed(), printed().contains("scale-up: job 42"));
    }

    @Test
    public void policySetChangesOnlyTheOptionsGiven() throws Exception {
        PolicySetCommand c = wire(new PolicySetCommand());
        c.service = "app";
        c.trailing = List.of("--enable", "--max", "2", "--stabilization", "20s", "--on-missing", "fixed:1",
                "--up-cooldown", "0");
        c.execute();
        PolicyDTO sent = (PolicyDTO) ((Object[]) calls.get(1)[1])[2];
        assertEquals(new PolicyDTO("app", true, "http.requests.rate", Duration.ofMinutes(1), 50, 1, 2, 1,
                Duration.ZERO, Duration.ofMinutes(1), Duration.ofSeconds(20), 0.1, "FIXED", 1, "sdp"), sent);
        assertTrue(printed(), printed().contains("cooldowns:      up 0s, down 1m"));
    }

    @Test
    public void policySetRefusesBadNumbersAndContradictions() throws Exception {
        for (List<String> bad : List.of(List.of("--target", "lots"), List.of("--min", "1.5"),
                List.of("--on-missing", "panic"), List.of("--enable", "--disable"), List.of("--reset", "--max", "3"))) {
            PolicySetCommand c = wire(new PolicySetCommand());
            c.service = "app";
            c.trailing = bad;
            try {
                c.execute();
                fail("accepted " + bad);
            } catch (CommandException e) {
                PlatformException refusal = (PlatformException) e.getCause();
                assertEquals(bad.toString(), PlatformException.Reason.INVALID, refusal.reason());
            }
        }
        assertTrue(calls.stream().noneMatch(call -> call[0].equals("setPolicy") || call[0].equals("resetPolicy")));
    }

    @Test
    public void policyShowPrintsThePolicyAndItsDecisions() throws Exception {
        PolicyShowCommand c = wire(new PolicyShowCommand());
        c.service = "app";
        c.noFormat = true;
        c.execute();
        String out = printed();
        assertTrue(out, out.contains("policy from sdp"));
        assertTrue(out, out.contains("http.requests.rate averaged over 1m, target 50 per instance, tolerance 0.1"));
        assertTrue(out, out.contains("1\t2\tSUBMITTED\t42\trate 130 for 1 instance"));
    }

    @Test
    public void withoutTheElasticityBundleTheCommandsSaySo() throws Exception {
        AlertListCommand c = new AlertListCommand();
        c.platform = wire(new AlertListCommand()).platform;
        c.out = new PrintStream(output, true, StandardCharsets.UTF_8);
        try {
            c.execute();
            fail();
        } catch (CommandException e) {
            assertEquals(PlatformException.Reason.UNAVAILABLE, ((PlatformException) e.getCause()).reason());
            assertTrue(e.getMessage(), e.getMessage().contains("bundle:list"));
        }
    }
}
