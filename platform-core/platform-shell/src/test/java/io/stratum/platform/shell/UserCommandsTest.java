package io.stratum.platform.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobQuery;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.ServiceDTO;
import io.stratum.platform.security.internal.StratumLoginModule;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.security.auth.Subject;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.CommandException;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The user and membership commands at work (not only refused): a platform admin creates users and grants them roles,
 * and each user then acts as themself. Every command runs as Karaf runs it, fields set and then {@code execute()},
 * inside the JAAS subject that Stratum's login module gives a login with that user's password (so the caller is
 * found as in an SSH session), on the real facade, store and orchestrator ({@link RealPlatform}).
 */
public class UserCommandsTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private RealPlatform stratum;
    private Subject admin;

    @Before
    public void setUp() throws Exception {
        stratum = new RealPlatform(tmp.newFolder("home").toPath());
        admin = login("admin", Files.readString(stratum.users.initialPasswordFile()).strip());
    }

    @After
    public void tearDown() {
        stratum.close();
    }

    /** Logs in through Stratum's JAAS login module, as Karaf's SSH server does; the subject is the session's. */
    private Subject login(String user, String password) throws LoginException {
        Subject subject = new Subject();
        StratumLoginModule module = new StratumLoginModule();
        module.initialize(subject, callbacks -> {
            for (var cb : callbacks) {
                if (cb instanceof NameCallback n) {
                    n.setName(user);
                } else if (cb instanceof PasswordCallback p) {
                    p.setPassword(password.toCharArray());
                }
            }
        }, new HashMap<>(), Map.of("io.stratum.platform.access", stratum.access));
        module.login();
        module.commit();
        return subject;
    }

    private boolean canLogIn(String user, String password) throws LoginException {
        try {
            login(user, password);
            return true;
        } catch (FailedLoginException refused) {
            return false;
        }
    }

    /** A console whose user types these answers, one per prompt. */
    private Session typing(String... answers) {
        Deque<String> left = new ArrayDeque<>(Arrays.asList(answers));
        return (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "readLine" -> left.pop();
                    case "currentDir" -> tmp.getRoot().toPath();
                    case "getTerminal" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Runs a command in a user's session and returns what it printed. */
    private String run(Subject who, StratumCommand command) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        command.access = stratum.access;
        command.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        try {
            Subject.doAs(who, (PrivilegedExceptionAction<Object>) command::execute);
        } catch (PrivilegedActionException e) {
            throw e.getException();
        }
        return printed.toString(StandardCharsets.UTF_8);
    }

    private PlatformException refused(Reason reason, Subject who, StratumCommand command) throws Exception {
        try {
            String printed = run(who, command);
            fail(command.getClass().getSimpleName() + " should have been refused, but printed: " + printed);
            return null;
        } catch (CommandException failed) {
            PlatformException e = (PlatformException) failed.getCause();
            assertEquals(e.getMessage(), reason, e.reason());
            return e;
        }
    }

    // ------------------------------------------------------------------ the commands, as typed

    private static AccountCreateCommand accountCreate(String name) {
        AccountCreateCommand c = new AccountCreateCommand();
        c.name = name;
        return c;
    }

    private static AccountGrantCommand grant(String account, String user, String role) {
        AccountGrantCommand c = new AccountGrantCommand();
        c.account = account;
        c.user = user;
        c.role = role;
        return c;
    }

    private static AccountRevokeCommand revoke(String account, String user) {
        AccountRevokeCommand c = new AccountRevokeCommand();
        c.account = account;
        c.user = user;
        return c;
    }

    private UserCreateCommand userCreate(String name, String... typed) {
        UserCreateCommand c = new UserCreateCommand();
        c.name = name;
        c.session = typing(typed);
        return c;
    }

    private UserPasswdCommand passwd(String... typed) {
        UserPasswdCommand c = new UserPasswdCommand();
        c.session = typing(typed);
        return c;
    }

    private static ServiceCreateCommand create(String account, String name) {
        ServiceCreateCommand c = new ServiceCreateCommand();
        c.type = "database";
        c.name = name;
        c.account = account;
        c.wait = true;
        return c;
    }

    private static ServiceListCommand list(String account) {
        ServiceListCommand c = new ServiceListCommand();
        c.account = account;
        c.noFormat = true;
        return c;
    }

    private static AccountListCommand accounts() {
        AccountListCommand c = new AccountListCommand();
        c.noFormat = true;
        return c;
    }

    private static UserListCommand users() {
        UserListCommand c = new UserListCommand();
        c.noFormat = true;
        return c;
    }

    /** @return the first column of a table printed with --no-format (which has no header), sorted */
    private static List<String> firstColumn(String table) {
        return table.lines().map(l -> l.split("\\s+")[0]).filter(s -> !s.isEmpty()).sorted().toList();
    }

    /** The platform as its first admin sees it, to check what the commands changed. */
    private PlatformService platform() {
        return stratum.access.as(Caller.user("admin", Caller.VIA_SHELL));
    }

    // ------------------------------------------------------------------ tests

    @Test
    public void aMemberMadeByAPlatformAdminUsesTheAccountAViewerOnlyLooksAndARevokedUserNoLongerSeesIt()
            throws Exception {
        assertEquals("Account 'acme' created.\n", run(admin, accountCreate("acme")));
        run(admin, create("acme", "db1"));
        assertEquals("User 'rosa' created.\n", run(admin, userCreate("rosa", "rosa-password-1", "rosa-password-1")));
        assertEquals("'rosa' is member of account 'acme'.\n", run(admin, grant("acme", "rosa", "member")));

        Subject rosa = login("rosa", "rosa-password-1");
        String whoami = run(rosa, new WhoAmICommand());
        assertTrue(whoami, whoami.contains("User:      rosa\n") && whoami.contains("Accounts:  acme (member)"));
        assertFalse("not a platform admin: " + whoami, whoami.contains("platform admin"));
        assertEquals(List.of("db1"), firstColumn(run(rosa, list("acme"))));
        String created = run(rosa, create("acme", "db2"));
        assertTrue(created, created.contains("SUCCEEDED"));
        assertEquals(List.of("db1", "db2"), firstColumn(run(rosa, list("acme"))));
        ServiceDTO db2 = platform().getService("acme", "db2");
        assertEquals("RUNNING", db2.state().name());
        JobDTO job = platform().listJobs(new JobQuery("acme", "db2", false, 0)).get(0);
        assertEquals("the job was hers, asked over the shell", "rosa shell", job.requestedBy() + " "
                + job.requestedVia());

        // a viewer, with a generated password: sees the services, cannot create one
        UserCreateCommand vic = userCreate("vic");
        vic.generate = true;
        vic.account = "acme";
        vic.role = "viewer";
        String made = run(admin, vic);
        Matcher generated = Pattern.compile("Password: (\\S{24}) ").matcher(made);
        assertTrue(made, generated.find());
        assertTrue(made, made.contains("'vic' is viewer of account 'acme'."));
        Subject viewer = login("vic", generated.group(1));
        assertEquals(List.of("db1", "db2"), firstColumn(run(viewer, list("acme"))));
        PlatformException forbidden = refused(Reason.FORBIDDEN, viewer, create("acme", "db3"));
        assertTrue(forbidden.getMessage(), forbidden.getMessage().contains("you can only view account 'acme'"));
        assertEquals(List.of("db1", "db2"), platform().listServices("acme").stream().map(ServiceDTO::name).toList());

        // her own password: the old one no longer logs in, the new one does
        assertEquals("Password of 'rosa' changed.\n", run(rosa, passwd("rosa-password-2", "rosa-password-2")));
        assertFalse("the old password is refused", canLogIn("rosa", "rosa-password-1"));
        Subject again = login("rosa", "rosa-password-2");
        assertEquals(List.of("db1", "db2"), firstColumn(run(again, list("acme"))));
        refused(Reason.FORBIDDEN, rosa, passwdOf("vic", "rosa-owns-vic-now", "rosa-owns-vic-now"));
        assertTrue("vic keeps his password", canLogIn("vic", generated.group(1)));

        // revoked: the account is gone for her, in a new session and in the one still open
        assertEquals("'rosa' is no longer a member of account 'acme'.\n", run(admin, revoke("acme", "rosa")));
        refused(Reason.NOT_FOUND, again, list("acme"));
        refused(Reason.NOT_FOUND, login("rosa", "rosa-password-2"), list("acme"));
        refused(Reason.NOT_FOUND, again, create("acme", "db4"));
        assertTrue(run(again, new WhoAmICommand()).contains("Accounts:  -"));
        assertEquals(List.of("db1", "db2"), platform().listServices("acme").stream().map(ServiceDTO::name).toList());
        assertTrue("she can still log in, to nothing", canLogIn("rosa", "rosa-password-2"));
    }

    private static AccountDeleteCommand accountDelete(String name) {
        AccountDeleteCommand c = new AccountDeleteCommand();
        c.name = name;
        return c;
    }

    @Test
    public void anAccountIsDeletedByAPlatformAdminOnceNothingIsLeftInIt() throws Exception {
        run(admin, accountCreate("acme"));
        run(admin, create("acme", "db1"));
        run(admin, userCreate("rosa", "rosa-password-1", "rosa-password-1"));
        run(admin, grant("acme", "rosa", "admin"));
        Subject rosa = login("rosa", "rosa-password-1");

        PlatformException e = refused(Reason.FORBIDDEN, rosa, accountDelete("acme"));
        assertTrue(e.getMessage(), e.getMessage().contains("only platform admins can delete accounts"));
        e = refused(Reason.INVALID, admin, accountDelete("acme"));
        assertTrue(e.getMessage(), e.getMessage().contains("account 'acme' still has services 'db1'"));
        assertEquals(List.of("acme", "default"), firstColumn(run(admin, accounts())));

        ServiceDeleteCommand delete = new ServiceDeleteCommand();
        delete.account = "acme";
        delete.name = "db1";
        delete.wait = true;
        run(rosa, delete);
        assertEquals("Account 'acme' deleted.\n", run(admin, accountDelete("acme")));
        assertEquals(List.of("default"), firstColumn(run(admin, accounts())));
        assertTrue("her membership went with it", run(rosa, new WhoAmICommand()).contains("Accounts:  -"));
        refused(Reason.INVALID, admin, accountDelete("default"));
    }

    private UserPasswdCommand passwdOf(String user, String... typed) {
        UserPasswdCommand c = passwd(typed);
        c.user = user;
        return c;
    }

    @Test
    public void aUserInTwoAccountsSeesBothAndOnlyBoth() throws Exception {
        for (String account : List.of("acme", "other", "third")) {
            run(admin, accountCreate(account));
            run(admin, create(account, account + "-db"));
        }
        run(admin, create(null, "default-db"));
        Path passwordFile = tmp.newFile("sam.txt").toPath();
        Files.writeString(passwordFile, "sam-password-1\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        UserCreateCommand sam = new UserCreateCommand();
        sam.name = "sam";
        sam.passwordFile = passwordFile.toString();
        assertEquals("User 'sam' created.\n", run(admin, sam));
        run(admin, grant("acme", "sam", "member"));
        run(admin, grant("other", "sam", "viewer"));

        Subject s = login("sam", "sam-password-1");
        assertEquals(List.of("acme", "other"), firstColumn(run(s, accounts())));
        assertEquals("the platform admin sees every account", List.of("acme", "default", "other", "third"),
                firstColumn(run(admin, accounts())));
        String whoami = run(s, new WhoAmICommand());
        Set<String> memberships = Arrays.stream(whoami.lines().filter(l -> l.startsWith("Accounts:")).findFirst()
                .orElseThrow().substring("Accounts:".length()).strip().split(", ")).collect(Collectors.toSet());
        assertEquals(Set.of("acme (member)", "other (viewer)"), memberships);
        assertEquals(List.of("acme-db"), firstColumn(run(s, list("acme"))));
        assertEquals(List.of("other-db"), firstColumn(run(s, list("other"))));
        refused(Reason.NOT_FOUND, s, list("third"));
        refused(Reason.NOT_FOUND, s, list("default"));
        refused(Reason.NOT_FOUND, s, list(null)); // no account named: neither of his is the default
        assertTrue(run(s, create("acme", "sams-db")).contains("SUCCEEDED"));
        refused(Reason.FORBIDDEN, s, create("other", "sams-db"));
        refused(Reason.NOT_FOUND, s, create("third", "sams-db"));
        assertEquals("users he can see: himself only", List.of("sam"), firstColumn(run(s, users())));
        assertEquals(List.of("acme-db", "sams-db"), platform().listServices("acme").stream().map(ServiceDTO::name)
                .toList());
        assertEquals(List.of("other-db"), platform().listServices("other").stream().map(ServiceDTO::name).toList());
        assertEquals(List.of("third-db"), platform().listServices("third").stream().map(ServiceDTO::name).toList());
    }
}
