package io.stratum.platform.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.ExternalServiceRequest;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.ServiceDTO;
import io.stratum.platform.api.ServiceState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.CommandException;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code stratum:service-register} takes the password from a file or a prompt without echo, so it need not be on the
 * command line (and in the shell history). Run as Karaf runs it: fields set, then execute(); the facade and the
 * console session are stubs.
 */
public class ServiceRegisterCommandTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final List<ExternalServiceRequest> registered = new ArrayList<>();
    private final List<String> prompts = new ArrayList<>();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    /** What the console answers at the prompt; an exception is thrown as the console would. */
    private Object answer = "typed-secret";
    /** Whether the caller administers the platform (only they may name files on the host). */
    private boolean platformAdmin = true;

    private ServiceRegisterCommand command(String... trailing) {
        ServiceRegisterCommand c = new ServiceRegisterCommand();
        c.platform = (PlatformService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PlatformService.class}, (proxy, method, args) -> {
                    if (method.getName().equals("whoAmI")) {
                        return new io.stratum.platform.api.UserDTO("someone", platformAdmin, Map.of(), Instant.now());
                    }
                    if (!method.getName().equals("registerExternalService")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    ExternalServiceRequest r = Arrays.stream(args).filter(ExternalServiceRequest.class::isInstance)
                            .map(ExternalServiceRequest.class::cast).findFirst().orElseThrow();
                    registered.add(r);
                    Instant now = Instant.now();
                    return new ServiceDTO("id", "default", r.name(), r.serviceType(), "external", "0.0.0",
                            "external", Map.of(), ServiceState.RUNNING, "", true, "UNHEALTHY",
                            "external service; 127.0.0.1:1 does not accept connections", null, List.of(), 0, now, now,
                            Map.of(), List.of(), "", true);
                });
        c.session = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "readLine":
                            prompts.add(args[0] + " mask=" + args[1]);
                            if (answer instanceof Throwable t) {
                                throw t;
                            }
                            return answer;
                        case "currentDir":
                            return tmp.getRoot().toPath();
                        case "getTerminal":
                            return null;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
        c.out = new PrintStream(output, true, StandardCharsets.UTF_8);
        c.type = "database";
        c.name = "legacy";
        c.trailing = List.of(trailing);
        return c;
    }

    private String printed() {
        return output.toString(StandardCharsets.UTF_8);
    }

    private Path file(String name, String content, String mode) throws IOException {
        Path f = tmp.getRoot().toPath().resolve(name);
        Files.writeString(f, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    public void thePasswordIsTheFirstLineOfThePasswordFile() throws Exception {
        Path f = file("pw.txt", "first line secret\nsecond line\n", "rw-------");
        command("--url", "jdbc:postgresql://127.0.0.1:1/legacy", "--user", "app", "--password-file", f.toString())
                .execute();
        assertEquals(1, registered.size());
        assertEquals("app", registered.get(0).user());
        assertEquals("first line secret", registered.get(0).password());
        assertTrue("no prompt when the file gives it", prompts.isEmpty());
        assertFalse(printed(), printed().contains("secret"));
        assertTrue(printed(), printed().contains("External database 'legacy' registered"));
    }

    @Test
    public void aRelativePasswordFileIsFoundInTheSessionsCurrentDirectoryAndCrlfIsNotPartOfIt() throws Exception {
        file("pw.txt", "s3cret\r\n", "rw-------");
        command("--url", "jdbc:x://h:1/d", "--user", "app", "--password-file=pw.txt").execute();
        assertEquals("s3cret", registered.get(0).password());
    }

    @Test
    public void aPasswordFileOthersMayReadIsUsedWithANote() throws Exception {
        Path f = file("pw.txt", "s3cret\n", "rw-r--r--");
        command("--url", "jdbc:x://h:1/d", "--user", "app", "--password-file", f.toString()).execute();
        assertEquals("s3cret", registered.get(0).password());
        assertTrue(printed(), printed().contains("may be read by other users") && printed().contains("chmod 600"));
    }

    @Test
    public void aMissingEmptyOrUnreadablePasswordFileIsAClearErrorAndNothingIsRegistered() throws Exception {
        Path missing = tmp.getRoot().toPath().resolve("nope.txt");
        expectError(command("--url", "jdbc:x://h:1/d", "--user", "app", "--password-file", missing.toString()),
                "--password-file " + missing + " does not exist");
        Path empty = file("empty.txt", "", "rw-------");
        expectError(command("--url", "jdbc:x://h:1/d", "--user", "app", "--password-file", empty.toString()),
                "is empty: its first line must be the password");
        expectError(command("--url", "jdbc:x://h:1/d", "--user", "app", "--password-file",
                tmp.getRoot().toString()), "is not a file");
        expectError(command("--url", "jdbc:x://h:1/d", "--user", "app", "--password-file", empty.toString(),
                "--password", "x"), "not both");
        assertTrue(registered.isEmpty());
    }

    @Test
    public void withAUserAndNeitherOptionThePasswordIsAskedForWithoutEcho() throws Exception {
        command("--url", "jdbc:x://h:1/d", "--user", "app").execute();
        assertEquals(List.of("Password of app (empty for none):  mask=*"), prompts);
        assertEquals("typed-secret", registered.get(0).password());
        assertFalse(printed(), printed().contains("typed-secret"));
    }

    @Test
    public void anEmptyAnswerMeansNoPassword() throws Exception {
        answer = "";
        command("--url", "jdbc:x://h:1/d", "--user", "app").execute();
        assertNull(registered.get(0).password());
    }

    @Test
    public void aConsoleThatCannotAnswerIsAClearError() {
        answer = new IOException("closed");
        expectError(command("--url", "jdbc:x://h:1/d", "--user", "app"), "no password for --user");
        answer = null; // end of input
        expectError(command("--url", "jdbc:x://h:1/d", "--user", "app"), "--password-file FILE");
        assertTrue(registered.isEmpty());
    }

    @Test
    public void withoutAUserNothingIsAskedAndThePasswordOptionStillWorks() throws Exception {
        command("--url", "http://127.0.0.1:1/").execute();
        assertTrue(prompts.isEmpty());
        assertNull(registered.get(0).password());
        command("--url", "jdbc:x://h:1/d", "--user", "app", "--password", "visible").execute();
        assertEquals("visible", registered.get(1).password());
        assertTrue(prompts.isEmpty());
    }

    @Test
    public void theHelpSaysThePasswordOptionIsVisibleInTheShellHistory() throws Exception {
        Field f = ServiceRegisterCommand.class.getDeclaredField("password");
        assertTrue(f.getAnnotation(Option.class).description().contains("VISIBLE in the shell history"));
    }

    private void expectError(ServiceRegisterCommand c, String expected) {
        try {
            c.execute();
            fail("expected an error: " + expected);
        } catch (CommandException e) {
            assertTrue(e.getCause().toString(), e.getCause() instanceof PlatformException);
            assertTrue(e.getMessage(), e.getMessage().contains(expected));
        } catch (Exception e) {
            throw new AssertionError("unexpected " + e, e);
        }
    }

    @Test
    public void onlyPlatformAdminsMayNameAPasswordFileOnTheHost() throws Exception {
        platformAdmin = false;
        java.nio.file.Path file = java.nio.file.Files.createTempFile("key", ".txt");
        try {
            java.nio.file.Files.writeString(file, "first line of someone else's file");
            command("--url", "jdbc:x://h:1/d", "--user", "app", "--password-file", file.toString()).execute();
            org.junit.Assert.fail("a tenant could read a host file through --password-file");
        } catch (CommandException e) {
            org.junit.Assert.assertEquals(io.stratum.platform.api.PlatformException.Reason.FORBIDDEN,
                    ((io.stratum.platform.api.PlatformException) e.getCause()).reason());
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
        org.junit.Assert.assertTrue("nothing registered", registered.isEmpty());
    }
}
