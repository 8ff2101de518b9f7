package io.stratum.platform.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.JobQuery;
import io.stratum.platform.api.PlatformException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.karaf.shell.impl.action.command.DefaultActionPreparator;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** {@code env-create} on the real facade: what it refuses names the file (or standard input) it read. */
public class EnvCreateCommandTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private RealPlatform stratum;

    @Before
    public void setUp() throws Exception {
        stratum = new RealPlatform(tmp.newFolder("home").toPath());
    }

    @After
    public void tearDown() {
        stratum.close();
    }

    private EnvCreateCommand command() {
        EnvCreateCommand c = new EnvCreateCommand();
        c.platform = stratum.access.as(Caller.system("test"));
        c.out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return c;
    }

    private static PlatformException refused(EnvCreateCommand c) throws Exception {
        try {
            c.execute();
            fail("the description is refused");
            return null;
        } catch (org.apache.karaf.shell.support.CommandException e) {
            // the shell hands Karaf the platform's refusal as the cause of a CommandException (see CommandFailures)
            assertTrue(String.valueOf(e.getCause()), e.getCause() instanceof PlatformException);
            return (PlatformException) e.getCause();
        }
    }

    @Test
    public void aYamlSyntaxErrorNamesTheFileItsLineAndItsColumn() throws Exception {
        Path file = tmp.getRoot().toPath().resolve("shop-env.yaml");
        Files.writeString(file, "name: shop\nservices:\n  - name: db\n    type: database\n   plan: small\n");
        EnvCreateCommand c = command();
        c.file = file.toString();
        PlatformException e = refused(c);
        assertEquals(PlatformException.Reason.INVALID, e.reason());
        assertEquals(file + ": the environment description is not valid YAML at line 5, column 4 (see "
                + "examples/notes-env.yaml for the form)", e.getMessage());
        c = command();
        c.file = file.toString();
        c.dryRun = true;
        assertEquals("a dry run names it too", e.getMessage(), refused(c).getMessage());
        assertEquals(List.of(), stratum.access.as(Caller.system("test")).listJobs(JobQuery.recent()));
    }

    @Test
    public void everyProblemOfTheFileIsListedUnderItsName() throws Exception {
        Path file = tmp.getRoot().toPath().resolve("shop-env.yaml");
        Files.writeString(file, "name: shop\nservices:\n  - name: db\n    typ: database\n    plan: huge\n"
                + "  - name: Cache\n    type: cache\n");
        EnvCreateCommand c = command();
        c.file = file.toString();
        String message = refused(c).getMessage();
        assertTrue(message, message.startsWith(file + ": environment 'shop' is not valid; nothing was created. Its "
                + "4 problems:\n  - service 'db', type (line 3): a service type is required"));
        assertTrue(message, message.contains("\n  - service 'db', typ (line 4): unknown field (did you mean "
                + "'type'?)"));
        assertTrue(message, message.contains("\n  - service 'Cache', name (line 6): invalid service name 'Cache'"));
        assertTrue(message, message.contains("\n  - service 'Cache', type (line 7): no service type 'cache' is "
                + "installed"));
    }

    @Test
    public void aDashReadsTheDescriptionFromStandardInputAsKarafParsesIt() throws Exception {
        EnvCreateCommand c = command();
        // the parser of Karaf's shell takes every word that starts with '-' for an option
        new DefaultActionPreparator().prepare(c, null, List.of("-", "--wait"));
        c.in = new ByteArrayInputStream("name: piped\nservices:\n  - name: piped-db\n    type: databse\n"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals("what it read was checked", "standard input: environment 'piped' is not valid; nothing was "
                + "created. Its problem:\n  - service 'piped-db', type (line 4): no service type 'databse' is "
                + "installed; installed types: database", refused(c).getMessage());

        EnvCreateCommand nothing = command();
        new DefaultActionPreparator().prepare(nothing, null, List.of());
        assertEquals("give the environment's description: the path of a YAML or JSON file, or - to read it from "
                + "standard input", refused(nothing).getMessage());
    }

    @Test
    public void aDescriptionOnStandardInputIsNamedSo() throws Exception {
        EnvCreateCommand c = command();
        c.file = "-";
        c.in = new ByteArrayInputStream("name: shop\nservices: [\n".getBytes(StandardCharsets.UTF_8));
        String message = refused(c).getMessage();
        assertTrue(message, message.startsWith("standard input: the environment description is not valid YAML at "
                + "line 2"));
    }
}
