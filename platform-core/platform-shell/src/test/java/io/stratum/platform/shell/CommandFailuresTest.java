package io.stratum.platform.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import javax.security.auth.Subject;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.Terminal;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.ShellUtil;
import org.junit.Test;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

/**
 * A failed command as its user and the operator see it: one line for the user (plain without a terminal), and in
 * Karaf's log an ERROR with a stack trace only when the platform failed, not when the user's input was refused.
 */
public class CommandFailuresTest {

    /** One call to the logger: its level, the message as it reads, and the exception it carries, if any. */
    private record Logged(String level, String message, Throwable thrown) {
    }

    private final List<Logged> logged = new ArrayList<>();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    /** A logger that keeps what it is given. */
    private Logger recorder() {
        return (Logger) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.startsWith("is")) {
                        return true;
                    }
                    if (name.equals("getName")) {
                        return "recorder";
                    }
                    Object[] rest = Arrays.copyOfRange(args, 1, args.length);
                    if (rest.length == 1 && rest[0] instanceof Object[] varargs) {
                        rest = varargs;
                    }
                    var formatted = MessageFormatter.arrayFormat((String) args[0], rest);
                    logged.add(new Logged(name, formatted.getMessage(), formatted.getThrowable()));
                    return null;
                });
    }

    /** A session whose terminal is of that type ({@code null}: no terminal, as for a command given over SSH). */
    private Session session(String terminalType) {
        Terminal terminal = terminalType == null ? null : (Terminal) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {Terminal.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getType")) {
                        return terminalType;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
        return (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getTerminal" -> terminal;
                    case "getConsole" -> out;
                    case "get", "put" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A facade that answers every call with what {@code answer} gives or throws. */
    private static PlatformService platform(Supplier<Object> answer) {
        return (PlatformService) Proxy.newProxyInstance(CommandFailuresTest.class.getClassLoader(),
                new Class<?>[] {PlatformService.class}, (proxy, method, args) -> answer.get());
    }

    private static Supplier<Object> throwing(RuntimeException e) {
        return () -> {
            throw e;
        };
    }

    private <T extends StratumCommand> T wire(T command, Supplier<Object> answer, String terminalType) {
        command.platform = platform(answer);
        command.session = session(terminalType);
        command.out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        command.log = recorder();
        return command;
    }

    private static ServiceInfoCommand info() {
        ServiceInfoCommand c = new ServiceInfoCommand();
        c.name = "nope";
        return c;
    }

    /** Runs the command as alice, logged in over SSH, and returns how it failed. */
    private static CommandException failure(StratumCommand command) throws Exception {
        Subject alice = new Subject();
        alice.getPrincipals().add(new UserPrincipal("alice"));
        try {
            Subject.doAs(alice, (PrivilegedExceptionAction<Object>) command::execute);
        } catch (PrivilegedActionException e) {
            if (e.getException() instanceof CommandException failed) {
                return failed;
            }
            throw e.getException();
        }
        fail(command.getClass().getSimpleName() + " did not fail");
        return null;
    }

    private Logged onlyLogged() {
        assertEquals(logged.toString(), 1, logged.size());
        return logged.get(0);
    }

    @Test
    public void refusalsOfTheUsersRequestAreOneInfoLineWithoutAStackTrace() throws Exception {
        for (Reason reason : List.of(Reason.INVALID, Reason.NOT_FOUND, Reason.FORBIDDEN, Reason.ALREADY_EXISTS,
                Reason.QUOTA_EXCEEDED, Reason.CONCURRENCY)) {
            logged.clear();
            PlatformException refusal = new PlatformException(reason, "no service 'nope' in account 'default'");
            CommandException e = failure(wire(info(), throwing(refusal), null));
            assertEquals("Error executing command: no service 'nope' in account 'default'", e.getNiceHelp());
            assertSame(refusal, e.getCause());
            Logged line = onlyLogged();
            assertEquals(reason.toString(), "info", line.level());
            assertEquals("stratum:service-info by alice refused (" + reason + "): no service 'nope' in account "
                    + "'default'", line.message());
            assertEquals("no stack trace", null, line.thrown());
        }
    }

    @Test
    public void aMistypedCommandLineIsToldInFullButLoggedWithoutWhatWasTyped() throws Exception {
        ServiceStopCommand stop = wire(new ServiceStopCommand(), () -> {
            throw new AssertionError("nothing may be called");
        }, null);
        stop.name = "db1";
        stop.trailing = List.of("--pasword=hunter2");
        CommandException e = failure(stop);
        assertEquals("Error executing command: undefined option --pasword=hunter2", e.getNiceHelp());
        Logged line = onlyLogged();
        assertEquals("info", line.level());
        assertEquals("stratum:service-stop by alice refused: undefined option (see --help)", line.message());
        assertEquals(null, line.thrown());

        logged.clear();
        stop.trailing = List.of("db2", "hunter2");
        assertEquals("Error executing command: too many arguments: 'db2' (see --help)", failure(stop).getNiceHelp());
        assertFalse(onlyLogged().message(), onlyLogged().message().contains("db2"));
    }

    @Test
    public void aFailureOfThePlatformIsAnErrorWithItsStackTrace() throws Exception {
        for (RuntimeException failed : List.of(new PlatformException(Reason.INTERNAL, "the store cannot be written"),
                new PlatformException(Reason.UNAVAILABLE, "no engine for type 'database'"),
                new IllegalStateException("a bug"))) {
            logged.clear();
            CommandException e = failure(wire(info(), throwing(failed), null));
            assertEquals("Error executing command: " + failed.getMessage(), e.getNiceHelp());
            Logged line = onlyLogged();
            assertEquals("error", line.level());
            assertEquals("stratum:service-info by alice failed: " + failed.getMessage(), line.message());
            assertSame("the stack trace is logged", failed, line.thrown());
        }
        logged.clear();
        CommandException e = failure(wire(info(), throwing(new NullPointerException()), null));
        assertEquals("Error executing command: java.lang.NullPointerException", e.getNiceHelp());
        assertEquals("error", onlyLogged().level());
    }

    @Test
    public void aJobThatDidNotSucceedIsReportedNotLoggedAsAnError() throws Exception {
        Instant now = Instant.now();
        JobDTO failedJob = new JobDTO(7, "service.stop", "default", "db1", "id", JobState.FAILED, "stop", "stop", 40,
                1, "stop", "stop/stop failed: the process did not stop", now, now, now, now, List.of(), "alice",
                "shell", "");
        ServiceStopCommand stop = wire(new ServiceStopCommand(), () -> failedJob, null);
        stop.name = "db1";
        stop.wait = true;
        CommandException e = failure(stop);
        assertEquals("Error executing command: job 7 FAILED: stop/stop failed: the process did not stop",
                e.getNiceHelp());
        Logged line = onlyLogged();
        assertEquals("info", line.level());
        assertEquals(null, line.thrown());
    }

    @Test
    public void colourOnlyOnATerminalThatShowsIt() throws Exception {
        PlatformException refusal = new PlatformException(Reason.NOT_FOUND, "no service 'nope'");
        String coloured = failure(wire(info(), throwing(refusal), "xterm-256color")).getNiceHelp();
        assertEquals("\u001B[31mError executing command: \u001B[1mno service 'nope'\u001B[22m\u001B[39m", coloured);
        for (String plain : Arrays.asList(null, "dumb")) {
            String line = failure(wire(info(), throwing(refusal), plain)).getNiceHelp();
            assertEquals(String.valueOf(plain), "Error executing command: no service 'nope'", line);
        }
    }

    /**
     * Karaf's shell (ShellUtil, which both the console and SSH commands go through) prints the line as it is and does
     * not log an error for it; handed the refusal itself, it would have logged "Exception caught while executing
     * command" at ERROR and coloured the line.
     */
    @Test
    public void karafPrintsTheLineAsItIsAndLogsNoError() throws Exception {
        PlatformException refusal = new PlatformException(Reason.NOT_FOUND, "no service 'nope'");
        Session session = session(null);
        CommandException e = failure(wire(info(), throwing(refusal), null));
        PrintStream err = System.err;
        ByteArrayOutputStream karafLog = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(karafLog, true, StandardCharsets.UTF_8));
            ShellUtil.logException(session, e);
            assertEquals("Error executing command: no service 'nope'" + System.lineSeparator(),
                    console.toString(StandardCharsets.UTF_8));
            assertFalse(karafLog.toString(StandardCharsets.UTF_8), karafLog.toString(StandardCharsets.UTF_8)
                    .contains("ERROR"));

            console.reset();
            ShellUtil.logException(session, refusal);
            assertTrue("the log is captured", karafLog.toString(StandardCharsets.UTF_8)
                    .contains("ERROR org.apache.karaf.shell.support.ShellUtil - Exception caught while executing command"));
            assertTrue(console.toString(StandardCharsets.UTF_8), console.toString(StandardCharsets.UTF_8)
                    .contains("\u001B["));
        } finally {
            System.setErr(err);
        }
    }
}
