package io.stratum.platform.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.AccountDTO;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.QuotaDTO;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.karaf.shell.support.CommandException;
import org.junit.Test;

/** Commands as Karaf runs them: fields set, then execute(); the facade is a stub recording the calls. */
public class CommandsTest {

    private final List<Object[]> calls = new ArrayList<>();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    private static JobDTO job(JobState state, int progress, String task) {
        Instant now = Instant.now();
        return new JobDTO(7, "service.create", "default", "db1", "id", state, "provision", task, progress, 1,
                task, state == JobState.FAILED ? "provision/provision failed: disk full; rolled back" : "",
                now, now, now, state.isDone() ? now : null, List.of(), "alice", "shell", "");
    }

    /** A facade whose jobs run through two progress steps and end in {@code end}. */
    private PlatformService platform(JobState end) {
        return (PlatformService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PlatformService.class}, (proxy, method, args) -> {
                    calls.add(new Object[] {method.getName(), args});
                    switch (method.getName()) {
                        case "awaitJob":
                            @SuppressWarnings("unchecked")
                            Consumer<JobDTO> onChange = (Consumer<JobDTO>) args[2];
                            onChange.accept(job(JobState.RUNNING, 40, "provision"));
                            JobDTO last = job(end, end == JobState.SUCCEEDED ? 100 : 40, "provision");
                            onChange.accept(last);
                            return last;
                        case "getAccount":
                            return new AccountDTO("id", (String) args[0], Instant.now(), 1, new QuotaDTO(-1, -1, -1),
                                    new QuotaDTO(0, 0, 0));
                        case "setQuota":
                            return new AccountDTO("id", (String) args[0], Instant.now(), 2, (QuotaDTO) args[1],
                                    new QuotaDTO(0, 0, 0));
                        case "whoAmI":
                            return new io.stratum.platform.api.UserDTO("admin", true, Map.of(), Instant.now());
                        case "createService":
                        case "deleteService":
                        case "getJob":
                            return job(JobState.QUEUED, 0, "");
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private <T extends StratumCommand> T wire(T command, JobState end) {
        command.platform = platform(end);
        command.out = new PrintStream(output, true, StandardCharsets.UTF_8);
        return command;
    }

    private String printed() {
        return output.toString(StandardCharsets.UTF_8);
    }

    @Test
    public void optionsMayFollowTheArguments() throws Exception {
        ServiceCreateCommand c = wire(new ServiceCreateCommand(), JobState.SUCCEEDED);
        c.type = "database";
        c.name = "db1";
        c.trailing = List.of("--plan", "large", "-c", "mode=PostgreSQL", "--config=heapMb=64", "--account=acme",
                "--wait");
        c.execute();
        CreateServiceRequest r = (CreateServiceRequest) ((Object[]) calls.get(0)[1])[0];
        assertEquals(new CreateServiceRequest("acme", "database", "db1", "large", null,
                Map.of("mode", "PostgreSQL", "heapMb", "64")), r);
        assertEquals("--wait was applied", "awaitJob", calls.get(1)[0]);
        assertTrue(printed(), printed().contains("[ 40%] RUNNING"));
        assertTrue(printed(), printed().contains("Job 7 SUCCEEDED"));
    }

    @Test
    public void withoutWaitTheJobIdIsPrintedAtOnce() throws Exception {
        ServiceCreateCommand c = wire(new ServiceCreateCommand(), JobState.SUCCEEDED);
        c.type = "database";
        c.name = "db1";
        c.execute();
        assertEquals(1, calls.size());
        assertTrue(printed(), printed().contains("Job 7 submitted") && printed().contains("stratum:job-wait 7"));
    }

    @Test
    public void aFailedJobFailsTheCommandWithItsError() throws Exception {
        ServiceDeleteCommand c = wire(new ServiceDeleteCommand(), JobState.FAILED);
        c.name = "db1";
        c.trailing = List.of("--force", "-w");
        try {
            c.execute();
            fail("the command must fail when its job fails");
        } catch (CommandException e) {
            assertEquals("job 7 FAILED: provision/provision failed: disk full; rolled back", e.getMessage());
        }
        assertEquals("deleteService", calls.get(0)[0]);
        assertEquals(true, ((Object[]) calls.get(0)[1])[2]);
    }

    @Test
    public void unknownTrailingOptionsAndStrayArgumentsAreErrors() {
        ServiceStopCommand c = wire(new ServiceStopCommand(), JobState.SUCCEEDED);
        c.name = "db1";
        c.trailing = List.of("--bogus");
        expectError(c, "undefined option --bogus");
        c.trailing = List.of("db2");
        expectError(c, "too many arguments: 'db2'");
        ServiceCreateCommand create = wire(new ServiceCreateCommand(), JobState.SUCCEEDED);
        create.trailing = List.of("--plan");
        expectError(create, "missing value for option --plan");
        assertTrue("nothing was submitted", calls.isEmpty());
    }

    @Test
    public void wholeNumbersAfterTheArgumentsSetOptionsThatMayBeLeftOut() throws Exception {
        AccountQuotaCommand c = wire(new AccountQuotaCommand(), JobState.SUCCEEDED);
        c.account = "acme";
        c.trailing = List.of("--services", "10", "--instances=20", "--memory-mb", "4096");
        c.execute();
        assertEquals("setQuota", calls.get(1)[0]);
        assertEquals(new QuotaDTO(10, 20, 4096), ((Object[]) calls.get(1)[1])[1]);
        assertTrue(printed(), printed().contains("Quota of 'acme' set.") && printed().contains("0 / 4096"));

        AccountQuotaCommand bad = wire(new AccountQuotaCommand(), JobState.SUCCEEDED);
        bad.account = "acme";
        bad.trailing = List.of("--services", "ten");
        expectError(bad, "option --services takes a whole number, not 'ten'");
    }

    @Test
    public void configValuesMustBeKeyValue() {
        ServiceCreateCommand c = wire(new ServiceCreateCommand(), JobState.SUCCEEDED);
        c.type = "database";
        c.name = "db1";
        c.config = List.of("novalue");
        expectError(c, "--config takes key=value, not 'novalue'");
    }

    @Test
    public void anEnvironmentFileThatIsNotThereIsAClearError() {
        EnvCreateCommand c = wire(new EnvCreateCommand(), JobState.SUCCEEDED);
        c.file = "/nonexistent/notes-env.yaml";
        expectError(c, "no environment description at /nonexistent/notes-env.yaml: give the path of a YAML or JSON "
                + "file");
        c.file = System.getProperty("java.io.tmpdir");
        expectError(c, "(it is a directory)");
        assertTrue("nothing was submitted", calls.stream().noneMatch(call -> call[0].equals("createEnvironment")));
    }

    private static void expectError(StratumCommand c, String message) {
        try {
            c.execute();
            fail("expected: " + message);
        } catch (Exception e) {
            assertTrue(e.getMessage(), e.getMessage().contains(message));
        }
    }
}
