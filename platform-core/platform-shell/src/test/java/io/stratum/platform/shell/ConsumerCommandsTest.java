package io.stratum.platform.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.ConsumerDTO;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobPlanDTO;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.karaf.shell.support.CommandException;
import org.junit.Test;

/**
 * {@code stratum:consumer-list}, {@code consumer-info}, {@code consumer-bind} and {@code consumer-unbind} as Karaf runs
 * them: fields set, then execute(); the facade is a stub that records the calls and masks secrets as the platform
 * does unless they are asked for.
 */
public class ConsumerCommandsTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    private final List<String> calls = new ArrayList<>();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private List<ConsumerDTO> consumers = List.of(consumer("app1", ConsumerDTO.State.BOUND, 0),
            consumer("app2", ConsumerDTO.State.BINDING, 12));

    private static ConsumerDTO consumer(String name, ConsumerDTO.State state, long job) {
        return new ConsumerDTO("id-" + name, "acme", "orders", name, state, "", Map.of("backends", "a"),
                state == ConsumerDTO.State.BOUND ? Map.of("url", "jdbc:h2:tcp://127.0.0.1:5000/db", "user", "APP1",
                        "password", "********") : Map.of(), job, T0);
    }

    private static JobDTO job(String kind, JobState state) {
        return new JobDTO(9, kind, "acme", "orders", "id", state, "bind", "bind", state.isDone() ? 100 : 0, 1, "",
                "", T0, T0, T0, state.isDone() ? T0 : null, List.of(), "alice", "shell", "");
    }

    private PlatformService platform() {
        return (PlatformService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PlatformService.class}, (proxy, method, args) -> {
                    String name = method.getName();
                    if (!name.equals("preview")) {
                        calls.add(name + " " + Arrays.deepToString(args));
                    }
                    switch (name) {
                        case "listConsumers":
                            return consumers;
                        case "getConsumer":
                            ConsumerDTO c = consumers.get(0);
                            boolean credentials = (Boolean) args[3];
                            return new ConsumerDTO(c.id(), c.account(), c.service(), c.name(), c.state(), "",
                                    c.parameters(), Map.of("url", c.binding().get("url"), "user", "APP1",
                                    "password", credentials ? "app1-secret" : "********"), 0, T0);
                        case "bindConsumer":
                            return job("service.bind", JobState.QUEUED);
                        case "unbindConsumer":
                            return job("service.unbind", JobState.QUEUED);
                        case "awaitJob":
                            @SuppressWarnings("unchecked")
                            Consumer<JobDTO> onChange = (Consumer<JobDTO>) args[2];
                            JobDTO done = job("service.bind", JobState.SUCCEEDED);
                            onChange.accept(done);
                            return done;
                        case "preview":
                            @SuppressWarnings("unchecked")
                            Function<PlatformService, JobDTO> call = (Function<PlatformService, JobDTO>) args[0];
                            JobDTO planned = call.apply((PlatformService) proxy);
                            calls.add("preview of " + calls.remove(calls.size() - 1));
                            return new JobPlanDTO(planned.kind(), "orders", List.of(new JobPlanDTO.PhaseDTO("bind",
                                    List.of("bind"))), List.of("service orders"), List.of());
                        default:
                            throw new UnsupportedOperationException(name);
                    }
                });
    }

    private <T extends StratumCommand> T wire(T command) {
        command.platform = platform();
        command.out = new PrintStream(output, true, StandardCharsets.UTF_8);
        return command;
    }

    private String printed() {
        return output.toString(StandardCharsets.UTF_8);
    }

    @Test
    public void consumerListPrintsATableWithTheBindingsMasked() throws Exception {
        ConsumerListCommand c = wire(new ConsumerListCommand());
        c.name = "orders";
        c.trailing = List.of("--account", "acme");
        c.execute();
        assertEquals(List.of("listConsumers [acme, orders]"), calls);
        String[] lines = printed().split("\\R");
        assertTrue(printed(), lines[0].matches("Consumer\\s+\\| State\\s+\\| Job \\| Binding\\s+\\| Since\\s+\\| "
                + "Note\\s*"));
        assertTrue(printed(), lines[2].matches("app1\\s+\\| BOUND\\s+\\|\\s+\\| password=\\*{8}, url=jdbc:h2:tcp://"
                + "127.0.0.1:5000/db, user=APP1 \\| .*"));
        assertTrue(printed(), lines[3].matches("app2\\s+\\| BINDING\\s+\\|\\s+12 \\|\\s+\\| .*"));
    }

    @Test
    public void consumerListWithoutConsumersSaysHowToBindOne() throws Exception {
        consumers = List.of();
        ConsumerListCommand c = wire(new ConsumerListCommand());
        c.name = "orders";
        c.execute();
        assertEquals("No consumers are bound to 'orders'. Bind one with stratum:consumer-bind orders <consumer>."
                + System.lineSeparator(), printed());
    }

    @Test
    public void consumerInfoMasksSecretsUnlessCredentialsAreAskedFor() throws Exception {
        ConsumerInfoCommand masked = wire(new ConsumerInfoCommand());
        masked.service = "orders";
        masked.consumer = "app1";
        masked.account = "acme";
        masked.execute();
        assertEquals("getConsumer [acme, orders, app1, false]", calls.get(0));
        assertTrue(printed(), printed().contains("password:  ********   (shown with --credentials)"));
        assertTrue(printed(), printed().contains("url:       jdbc:h2:tcp://127.0.0.1:5000/db"));
        assertTrue(printed(), printed().contains("State:     BOUND"));
        assertFalse(printed(), printed().contains("app1-secret"));

        output.reset();
        ConsumerInfoCommand shown = wire(new ConsumerInfoCommand());
        shown.service = "orders";
        shown.consumer = "app1";
        shown.trailing = List.of("--credentials", "-A", "acme");
        shown.execute();
        assertEquals("getConsumer [acme, orders, app1, true]", calls.get(1));
        assertTrue(printed(), printed().contains("password:  app1-secret" + System.lineSeparator()));
    }

    @Test
    public void consumerBindSubmitsTheBindWithItsParametersAndWaits() throws Exception {
        ConsumerBindCommand c = wire(new ConsumerBindCommand());
        c.service = "orders";
        c.consumer = "app1";
        c.trailing = List.of("-p", "backends=a,b", "--parameter=weight=2", "--account", "acme", "--wait");
        c.execute();
        assertEquals("bindConsumer [acme, orders, app1, {backends=a,b, weight=2}]", calls.get(0));
        assertTrue(calls.get(1), calls.get(1).startsWith("awaitJob [9,"));
        assertTrue(printed(), printed().contains("Job 9 submitted: bind consumer 'app1' to 'orders'"));
        assertTrue(printed(), printed().contains("Job 9 SUCCEEDED"));
        assertTrue(printed(), printed().contains("Its binding: stratum:consumer-info orders app1 --account acme "
                + "--credentials"));
    }

    @Test
    public void consumerBindDryRunChangesNothing() throws Exception {
        ConsumerBindCommand c = wire(new ConsumerBindCommand());
        c.service = "orders";
        c.consumer = "app1";
        c.dryRun = true;
        c.execute();
        assertEquals(List.of("preview of bindConsumer [null, orders, app1, {}]"), calls);
        assertTrue(printed(), printed().contains("Nothing was changed (dry run)"));
    }

    @Test
    public void consumerBindRefusesParametersThatAreNotKeyValue() throws Exception {
        ConsumerBindCommand c = wire(new ConsumerBindCommand());
        c.service = "orders";
        c.consumer = "app1";
        c.parameters = List.of("novalue");
        try {
            c.execute();
            fail("a parameter without '=' must be refused");
        } catch (CommandException e) {
            assertTrue(e.getCause() instanceof PlatformException);
            assertEquals("--parameter takes key=value, not 'novalue'", e.getMessage());
        }
        assertTrue("nothing was submitted", calls.isEmpty());
    }

    @Test
    public void consumerUnbindSubmitsTheUnbind() throws Exception {
        ConsumerUnbindCommand c = wire(new ConsumerUnbindCommand());
        c.service = "orders";
        c.consumer = "app1";
        c.execute();
        assertEquals(List.of("unbindConsumer [null, orders, app1]"), calls);
        assertTrue(printed(), printed().contains("Job 9 submitted: unbind consumer 'app1' from 'orders'"));
        assertTrue(printed(), printed().contains("stratum:job-wait 9"));
    }
}
