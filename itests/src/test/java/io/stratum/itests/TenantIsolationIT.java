package io.stratum.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.BackupAccess;
import io.stratum.platform.api.BackupService;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.ExternalServiceRequest;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobQuery;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.ServiceDTO;
import io.stratum.platform.api.UpdateAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.karaf.shell.api.console.Command;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Several tenants on one Stratum, on the real distribution, through the shell as each user's SSH session would run
 * it: for every {@code stratum:*} command, a member of account red acting on account blue's services, environments
 * and jobs is refused and nothing of blue changes (checked through the platform); a viewer of red reads but cannot
 * change; a platform admin can. And the hole the issue starts from: a tenant's database credentials cannot read the
 * platform's store or write into {@code deploy/}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TenantIsolationIT extends StratumTestSupport {

    private static final Pattern REFUSED = Pattern.compile("no account 'blue'|no service|no job|no environment"
            + "|Insufficient credentials|Command not found|only platform admins|you can change only your own password"
            + "|only admins of account");

    /** Blue's state as its own member sees it: what must not change. */
    @Inject
    protected BackupAccess backupAccess;

    @Inject
    protected UpdateAccess updateAccess;

    private String blueState(PlatformService bert) throws Exception {
        StringBuilder out = new StringBuilder();
        BackupService bertsBackups = backupAccess.as(Caller.user("bert", Caller.VIA_SHELL));
        bertsBackups.listBackups("blue").forEach(b -> out.append("backup ").append(b.id()).append('\n'));
        bertsBackups.listSchedules("blue").forEach(b -> out.append("schedule ").append(b.id()).append('\n'));
        for (ServiceDTO s : bert.listServices("blue")) {
            out.append(s.name()).append(' ').append(s.state()).append(' ').append(s.configuration()).append('\n');
        }
        bert.listEnvironments("blue").forEach(e -> out.append("env ").append(e.name()).append(' ')
                .append(e.state()).append('\n'));
        for (JobDTO j : bert.listJobs(new JobQuery("blue", null, false, 100))) {
            out.append("job ").append(j.id()).append(' ').append(j.kind()).append(' ').append(j.state()).append('\n');
        }
        out.append("version ").append(bert.getAccount("blue").version()).append('\n');
        out.append("quota ").append(bert.getAccount("blue").quota()).append('\n');
        platform.listUsers().forEach(u -> out.append("user ").append(u.name()).append(' ').append(u.memberships())
                .append(' ').append(u.platformAdmin()).append('\n'));
        return out.toString();
    }

    private PlatformService as(String user) {
        return access.as(Caller.user(user, Caller.VIA_SHELL));
    }

    /** Runs a command as a user; returns null if it was refused, else its output. */
    private String attempt(String user, String command) {
        try {
            return shellAs(user, false, command);
        } catch (Exception thrown) {
            // the shell hands Karaf a CommandException carrying the platform's refusal as its cause
            Throwable e = thrown.getCause() instanceof PlatformException ? thrown.getCause() : thrown;
            String message = String.valueOf(e.getMessage());
            boolean refusal = e instanceof PlatformException pe
                    ? pe.reason() == PlatformException.Reason.NOT_FOUND || pe.reason() == PlatformException.Reason.FORBIDDEN
                    : REFUSED.matcher(message).find() || e instanceof SecurityException;
            assertTrue("'" + command + "' as " + user + " failed, but not as a refusal: " + e, refusal);
            assertFalse("'" + command + "' as " + user + " told about blue's things: " + message,
                    message.contains("blue-db") && !command.contains("blue-db"));
            return null;
        }
    }

    @Test
    public void tenantsCannotSeeChangeOrBreakWhatIsNotTheirs() throws Exception {
        platform.createAccount("red");
        platform.createAccount("blue");
        platform.createUser("rosa", "rosa-password-1".toCharArray(), false);
        platform.grant("red", "rosa", AccountRole.MEMBER);
        platform.createUser("vic", "vic-password-12".toCharArray(), false);
        platform.grant("red", "vic", AccountRole.VIEWER);
        platform.createUser("bert", "bert-password-1".toCharArray(), false);
        platform.grant("blue", "bert", AccountRole.ADMIN);

        PlatformService bert = as("bert");
        JobDTO blueJob = succeeded(bert.createService(new CreateServiceRequest("blue", "database", "blue-db", null,
                null, Map.of())));
        bert.registerExternalService(new ExternalServiceRequest("blue", "database", "blue-ext",
                "jdbc:h2:tcp://127.0.0.1:1/x", "u", "blue-secret-pw", Map.of()));
        succeeded(bert.createEnvironment(new EnvironmentRequest("blue",
                "name: blue-env\nservices:\n  - name: blue-env-db\n    type: database\n", null)));
        Path envFile = Path.of(System.getProperty("karaf.data"), "intruder-env.yaml");
        Files.writeString(envFile, "name: intruder\naccount: blue\nservices:\n  - name: intruder-db\n"
                + "    type: database\n");
        JobDTO backupJob = succeeded(backupAccess.as(Caller.user("bert", Caller.VIA_SHELL)).backup("blue",
                BackupService.SERVICE, "blue-db"));
        String backup = platform.getJob(backupJob.id()).message().replaceAll("(?s).*backup (\\S+) \\(.*", "$1");
        // a pending update of blue's (a patch file written here; a soft patch waits for blue-db's window)
        Path patches = Path.of(System.getProperty("karaf.base"), "patches");
        Files.createDirectories(patches);
        Path patchFile = patches.resolve("iso-lock.json");
        Files.writeString(patchFile, "{\"id\": \"iso-lock\", \"title\": \"t\", \"description\": \"d\", "
                + "\"serviceType\": \"database\", \"sdpVersions\": \"[1.0.0,2.0.0)\", \"configuration\": "
                + "{\"lockTimeoutMs\": \"1234\"}}");
        Files.writeString(patches.resolve("iso-lock.json.sha256"), java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(patchFile)))
                + "  iso-lock.json\n");
        await("the patch to be read", Duration.ofSeconds(30), () -> updateAccess.as(Caller.system("itest"))
                .patches().stream().anyMatch(x -> x.id().equals("iso-lock")));
        String blueUpdate = updateAccess.as(Caller.user("bert", Caller.VIA_SHELL)).applyPatch("iso-lock", "blue",
                "blue-db", false).get(0).id();
        String before = blueState(bert);
        long id = blueJob.id();

        // every stratum: command, aimed at blue by a member of red
        Map<String, String> matrix = new LinkedHashMap<>();
        matrix.put("service-list", "stratum:service-list --account blue");
        matrix.put("service-info", "stratum:service-info blue-db --account blue");
        matrix.put("service-info --credentials", "stratum:service-info blue-db --account blue --credentials");
        matrix.put("service-start", "stratum:service-start blue-db --account blue");
        matrix.put("service-stop", "stratum:service-stop blue-db --account blue");
        matrix.put("service-delete", "stratum:service-delete blue-db --account blue --force");
        matrix.put("service-scale", "stratum:service-scale blue-db 2 --account blue");
        matrix.put("service-create", "stratum:service-create database intruder --account blue");
        matrix.put("service-register", "stratum:service-register database intruder --account blue "
                + "--url jdbc:h2:tcp://127.0.0.1:1/x --user spy --password Leaked-Into-The-Log-7");
        matrix.put("consumer-list", "stratum:consumer-list blue-db --account blue");
        matrix.put("consumer-info", "stratum:consumer-info blue-db app --account blue --credentials");
        matrix.put("consumer-bind", "stratum:consumer-bind blue-db intruder --account blue");
        matrix.put("consumer-unbind", "stratum:consumer-unbind blue-db app --account blue");
        matrix.put("env-create", "stratum:env-create " + envFile);
        matrix.put("env-list", "stratum:env-list --account blue");
        matrix.put("env-info", "stratum:env-info blue-env --account blue");
        matrix.put("env-delete", "stratum:env-delete blue-env --account blue --force");
        matrix.put("job-info", "stratum:job-info " + id);
        matrix.put("job-wait", "stratum:job-wait " + id);
        matrix.put("job-cancel", "stratum:job-cancel " + id);
        matrix.put("job-list", "stratum:job-list --account blue");
        matrix.put("account-grant", "stratum:account-grant blue rosa admin");
        matrix.put("account-revoke", "stratum:account-revoke blue bert");
        matrix.put("account-quota", "stratum:account-quota blue");
        matrix.put("account-quota --services", "stratum:account-quota blue --services 0");
        matrix.put("account-history", "stratum:account-history blue");
        matrix.put("account-diff", "stratum:account-diff blue 0 1");
        matrix.put("account-create", "stratum:account-create evil");
        matrix.put("account-delete", "stratum:account-delete blue");
        matrix.put("user-create", "stratum:user-create mallory --generate --platform-admin");
        matrix.put("user-delete", "stratum:user-delete bert");
        matrix.put("user-passwd", "stratum:user-passwd bert --generate");
        matrix.put("sdp-list --all", "stratum:sdp-list --all");
        matrix.put("backup-create", "stratum:backup-create blue-db --account blue");
        matrix.put("backup-create --whole-account", "stratum:backup-create --whole-account --account blue");
        matrix.put("backup-list", "stratum:backup-list --account blue");
        matrix.put("backup-info", "stratum:backup-info " + backup);
        matrix.put("backup-verify", "stratum:backup-verify " + backup);
        matrix.put("backup-copy", "stratum:backup-copy " + backup);
        matrix.put("backup-delete", "stratum:backup-delete " + backup);
        matrix.put("backup-schedule", "stratum:backup-schedule blue-db --account blue --cron \"0 2 * * *\"");
        matrix.put("backup-schedule --list", "stratum:backup-schedule --list --account blue");
        matrix.put("restore", "stratum:restore " + backup);
        matrix.put("restore --dry-run", "stratum:restore " + backup + " --dry-run");
        matrix.put("service-clone", "stratum:service-clone blue-db stolen --account blue");
        matrix.put("service-clone --from-backup", "stratum:service-clone blue-db stolen --from-backup " + backup);
        matrix.put("env-clone", "stratum:env-clone blue-env stolen --account blue");
        matrix.put("account-clone", "stratum:account-clone blue stolen --version 1");
        matrix.put("metrics", "stratum:metrics blue-db --account blue");
        matrix.put("alert-list", "stratum:alert-list blue-db --account blue");
        matrix.put("alert-create", "stratum:alert-create blue-db spy \"instances > 5\" --account blue");
        matrix.put("alert-history", "stratum:alert-history blue-db many-connections --account blue");
        matrix.put("alert-delete", "stratum:alert-delete blue-db many-connections --account blue");
        matrix.put("policy-show", "stratum:policy-show blue-db --account blue");
        matrix.put("policy-set", "stratum:policy-set blue-db --enable --account blue");
        matrix.put("service-upgrade", "stratum:service-upgrade blue-db --account blue --force");
        matrix.put("service-upgrade --type", "stratum:service-upgrade --type database --account blue --force");
        matrix.put("patch-list", "stratum:patch-list");
        matrix.put("patch-info", "stratum:patch-info iso-lock");
        matrix.put("patch-apply", "stratum:patch-apply iso-lock blue-db --account blue --force");
        matrix.put("update-list --account", "stratum:update-list --account blue");
        matrix.put("update-info", "stratum:update-info " + blueUpdate);
        matrix.put("update-run", "stratum:update-run " + blueUpdate);
        matrix.put("update-cancel", "stratum:update-cancel " + blueUpdate);
        matrix.put("window-show", "stratum:window-show blue-db --account blue");
        matrix.put("window-set", "stratum:window-set blue-db --choose 2 --account blue");
        List<String> notRefused = new ArrayList<>();
        for (Map.Entry<String, String> row : matrix.entrySet()) {
            String output = attempt("rosa", row.getValue());
            if (output != null) {
                notRefused.add(row.getKey() + " -> " + output);
            }
        }
        assertEquals("every command on blue's things is refused to red's member", List.of(), notRefused);

        // the commands that work for everyone show nothing of blue
        Map<String, String> harmless = new LinkedHashMap<>();
        harmless.put("account-list", "stratum:account-list");
        harmless.put("user-list", "stratum:user-list");
        harmless.put("whoami", "stratum:whoami");
        harmless.put("sdp-list", "stratum:sdp-list");
        harmless.put("backup-list", "stratum:backup-list");
        harmless.put("sdp-versions", "stratum:sdp-versions");
        harmless.put("update-list", "stratum:update-list --all");
        for (Map.Entry<String, String> row : harmless.entrySet()) {
            String output = shellAs("rosa", false, row.getValue());
            assertFalse(row.getKey() + " shows blue's things: " + output, output.contains("blue")
                    || output.contains("bert"));
        }
        assertEquals("nothing of blue changed", before, blueState(bert));
        // a secret given as an option does not reach the log, not even through the thread's name (the command line)
        String log = Files.readString(Path.of(System.getProperty("karaf.data"), "log", "karaf.log"));
        assertFalse("karaf.log holds a password typed as an option", log.contains("Leaked-Into-The-Log-7"));

        // the matrix covers every stratum: command there is
        Set<String> commands = new TreeSet<>();
        for (Command c : sessionFactory.getRegistry().getCommands()) {
            if ("stratum".equals(c.getScope())) {
                commands.add(c.getName());
            }
        }
        Set<String> covered = new TreeSet<>();
        matrix.keySet().forEach(k -> covered.add(k.split(" ")[0]));
        harmless.keySet().forEach(covered::add);
        commands.removeAll(covered);
        assertEquals("stratum: commands the isolation matrix does not try; add them", Set.of(), commands);

        // a viewer of red reads red, and changes nothing
        PlatformService rosa = as("rosa");
        JobDTO redJob = succeeded(rosa.createService(new CreateServiceRequest("red", "database", "red-db", null, null,
                Map.of())));
        Path redEnvFile = Path.of(System.getProperty("karaf.data"), "viewer-env.yaml");
        Files.writeString(redEnvFile, "name: viewers\naccount: red\nservices:\n  - name: viewer-db\n    type: database\n");
        String info = shellAs("vic", false, "stratum:service-info red-db --account red");
        assertTrue(info, info.contains("Password:  ********"));
        List<String> viewerMayNot = List.of("stratum:service-info red-db --account red --credentials",
                "stratum:service-stop red-db --account red", "stratum:service-delete red-db --account red",
                "stratum:service-scale red-db 2 --account red", "stratum:service-create database x --account red",
                "stratum:env-create " + redEnvFile, "stratum:job-cancel " + redJob.id(),
                "stratum:account-grant red vic admin",
                "stratum:alert-create red-db spy \"instances > 5\" --account red",
                "stratum:alert-delete red-db many-connections --account red",
                "stratum:policy-set red-db --max 3 --account red");
        for (String command : viewerMayNot) {
            assertEquals(command, null, attempt("vic", command));
        }
        assertEquals("RUNNING", rosa.getService("red", "red-db").state().name());
        assertEquals(1, rosa.listServices("red").size());

        // the audit trail names who asked, and how
        assertEquals("rosa", platform.getJob(redJob.id()).requestedBy());
        String jobInfo = shellAs("rosa", false, "stratum:job-info " + redJob.id());
        assertTrue(jobInfo, jobInfo.contains("by rosa via shell"));

        // a platform admin may do all of it
        String adminView = shellAs("admin", true, "stratum:service-info blue-db --account blue --credentials");
        assertTrue(adminView, adminView.contains("blue-db") && !adminView.contains("********"));
        shellAs("admin", true, "stratum:service-stop blue-db --account blue --wait");
        assertEquals("STOPPED", bert.getService("blue", "blue-db").state().name());

        // with only the database credentials service-info gives its member, the platform is out of reach
        ServiceDTO red = rosa.getService("red", "red-db", true);
        Path store = stratumHome().resolve("store");
        Path deployed = deployFolder().resolve("planted.jar");
        try (Connection c = jdbc(red.connection().url(), red.connection().user(), red.connection().password());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes(id INT PRIMARY KEY, text VARCHAR(100))");
            s.execute("INSERT INTO notes VALUES (1, 'the tenant''s own data works')");
            List<String> escapes = List.of(
                    "SELECT FILE_READ('" + store.resolve("stratum.mv.db") + "')",
                    "SELECT FILE_WRITE('x', '" + deployed + "')",
                    "CALL CSVWRITE('" + deployed + "', 'SELECT 1')",
                    "SCRIPT TO '" + deployed + "'",
                    "CREATE ALIAS EXEC AS 'String e(String c) throws Exception { return c; }'",
                    "RUNSCRIPT FROM '" + store.resolve("stratum.mv.db") + "'",
                    "CREATE LINKED TABLE l('org.h2.Driver', 'jdbc:h2:" + store.resolve("stratum") + "', '', '', "
                            + "'ACCOUNTS')");
            List<String> allowed = new ArrayList<>();
            for (String sql : escapes) {
                try {
                    s.execute(sql);
                    allowed.add(sql);
                } catch (SQLException refused) {
                    // as it must be
                }
            }
            assertEquals("ways out of the tenant's database", List.of(), allowed);
        }
        assertFalse("nothing was planted into deploy/", Files.exists(deployed));

        // SSH logins (tenants' too) cannot forward ports to what listens on this host's 127.0.0.1
        org.osgi.framework.BundleContext context = org.osgi.framework.FrameworkUtil.getBundle(getClass())
                .getBundleContext();
        org.osgi.framework.ServiceReference<?> ssh = context.getServiceReference("org.apache.sshd.server.SshServer");
        assertTrue("Karaf's SSH server is registered", ssh != null);
        Object server = context.getService(ssh);
        Object filter = server.getClass().getMethod("getForwardingFilter").invoke(server);
        assertEquals("org.apache.sshd.server.forward.RejectAllForwardingFilter", filter.getClass().getName());
        context.ungetService(ssh);

        // and the database's process itself is not the platform's user (where the platform may change uids)
        String uid = uidOf(Path.of("/proc", Long.toString(red.runtimes().get(0).pid()), "status"));
        if (!"0".equals(uidOf(Path.of("/proc/self/status")))) {
            System.out.println("TenantIsolationIT: not running as root; the process-isolation check is skipped");
        } else {
            assertFalse("the tenant's database runs under a uid of its own, not root's", "0".equals(uid));
        }
    }

    /** @return the real uid in a /proc/PID/status file */
    private static String uidOf(Path status) throws java.io.IOException {
        Matcher m = Pattern.compile("(?m)^Uid:\\s+(\\d+)").matcher(Files.readString(status));
        assertTrue(status.toString(), m.find());
        return m.group(1);
    }
}
