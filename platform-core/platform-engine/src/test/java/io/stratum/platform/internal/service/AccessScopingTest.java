package io.stratum.platform.internal.service;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.AccountVersionDTO;
import io.stratum.platform.api.AccountVersionDTO.ChangeDTO;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.EnvironmentDTO;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.ExternalServiceRequest;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobQuery;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.QuotaDTO;
import io.stratum.platform.api.ServiceDTO;
import io.stratum.platform.api.UserDTO;
import io.stratum.platform.internal.account.Passwords;
import io.stratum.platform.internal.account.UserDirectory;
import io.stratum.platform.internal.store.Sql;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The facade's scoping through the real store and orchestration engine ({@link PlatformFixture}): who may see and
 * change what, quotas, the audit trail of jobs and the account history.
 */
public class AccessScopingTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private PlatformFixture fixture;
    private PlatformAccessImpl access;
    private PlatformService admin;

    @Before
    public void setUp() throws Exception {
        fixture = new PlatformFixture(tmp.getRoot().toPath());
        access = fixture.access;
        admin = access.as(Caller.user(UserDirectory.INITIAL_ADMIN, Caller.VIA_SHELL));
        admin.createAccount("acme");
        admin.createAccount("other");
        user("alice", "acme", AccountRole.MEMBER);
        user("bob", "acme", AccountRole.VIEWER);
        user("carol", "other", AccountRole.ADMIN);
    }

    @After
    public void tearDown() {
        fixture.close();
    }

    private void user(String name, String account, AccountRole role) {
        admin.createUser(name, (name + "-password-1").toCharArray(), false);
        admin.grant(account, name, role);
    }

    private PlatformService as(String user) {
        return access.as(Caller.user(user, Caller.VIA_SHELL));
    }

    private JobDTO done(PlatformService p, JobDTO job) throws InterruptedException {
        JobDTO end = p.awaitJob(job.id(), Duration.ofSeconds(20), null);
        assertEquals(end.error(), JobState.SUCCEEDED, end.state());
        return end;
    }

    private static void refused(Reason reason, String what, Runnable call) {
        try {
            call.run();
            fail(what + " should have been refused with " + reason);
        } catch (PlatformException e) {
            assertEquals(what + ": " + e.getMessage(), reason, e.reason());
        }
    }

    private static <T> void refused(Reason reason, String what, Supplier<T> call) {
        refused(reason, what, (Runnable) call::get);
    }

    private long services() {
        return fixture.store.query(c -> Sql.one(c, "SELECT COUNT(*) FROM services", rs -> rs.getLong(1)).orElseThrow());
    }

    @Test
    public void aUserOfOneAccountMayLeaveTheAccountOut() throws Exception {
        PlatformService alice = as("alice");
        done(alice, alice.createService(new CreateServiceRequest(null, "database", "db1", null, null, Map.of())));
        assertEquals("acme", alice.getService(null, "db1").account());
        assertEquals(1, alice.listServices("acme").size());
        ServiceDTO ext = alice.registerExternalService(new ExternalServiceRequest(null, "database", "ext1",
                "jdbc:h2:tcp://127.0.0.1:9/x", "u", "p", Map.of()));
        assertEquals("acme", ext.account());
    }

    @Test
    public void anotherAccountsThingsAreNotFoundAndNothingChanges() throws Exception {
        PlatformService alice = as("alice");
        JobDTO created = done(alice, alice.createService(new CreateServiceRequest("acme", "database", "db1", null, null,
                Map.of())));
        PlatformService carol = as("carol");
        long before = services();
        refused(Reason.NOT_FOUND, "getService", () -> carol.getService("acme", "db1"));
        refused(Reason.NOT_FOUND, "listServices", () -> carol.listServices("acme"));
        refused(Reason.NOT_FOUND, "deleteService", () -> carol.deleteService("acme", "db1"));
        refused(Reason.NOT_FOUND, "stopService", () -> carol.stopService("acme", "db1"));
        refused(Reason.NOT_FOUND, "scaleService", () -> carol.scaleService("acme", "db1", 2));
        refused(Reason.NOT_FOUND, "createService", () -> carol.createService(new CreateServiceRequest("acme",
                "database", "intruder", null, null, Map.of())));
        refused(Reason.NOT_FOUND, "getJob", () -> carol.getJob(created.id()));
        refused(Reason.NOT_FOUND, "cancelJob", () -> carol.cancelJob(created.id()));
        refused(Reason.NOT_FOUND, "awaitJob", () -> {
            try {
                return carol.awaitJob(created.id(), Duration.ofMillis(10), null);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        refused(Reason.NOT_FOUND, "accountHistory", () -> carol.accountHistory("acme", 0));
        refused(Reason.NOT_FOUND, "grant", () -> carol.grant("acme", "carol", AccountRole.ADMIN));
        assertTrue(carol.listJobs(new JobQuery(null, null, false, 0)).stream().noneMatch(j -> j.id() == created.id()));
        assertEquals(List.of("other"), carol.listAccounts().stream().map(a -> a.name()).toList());
        assertEquals("the refusals changed nothing", before, services());
        assertEquals("RUNNING", alice.getService("acme", "db1").state().name());
        // the same answer as for an account that does not exist at all
        PlatformException missing = null;
        PlatformException hidden = null;
        try {
            carol.listServices("no-such-account");
        } catch (PlatformException e) {
            missing = e;
        }
        try {
            carol.listServices("acme");
        } catch (PlatformException e) {
            hidden = e;
        }
        assertEquals(missing.getMessage().replace("no-such-account", "X"), hidden.getMessage().replace("acme", "X"));
    }

    @Test
    public void viewersReadButCannotChangeOrSeeSecrets() throws Exception {
        PlatformService alice = as("alice");
        done(alice, alice.createService(new CreateServiceRequest("acme", "database", "db1", null, null, Map.of())));
        PlatformService bob = as("bob");
        assertEquals("db1", bob.getService("acme", "db1").name());
        assertEquals("masked for everyone without --credentials", "********",
                bob.getService("acme", "db1").connection().password());
        assertEquals("s3cret-of-db1", alice.getService("acme", "db1", true).connection().password());
        refused(Reason.FORBIDDEN, "credentials", () -> bob.getService("acme", "db1", true));
        refused(Reason.FORBIDDEN, "delete", () -> bob.deleteService("acme", "db1"));
        refused(Reason.FORBIDDEN, "stop", () -> bob.stopService("acme", "db1"));
        refused(Reason.FORBIDDEN, "create", () -> bob.createService(new CreateServiceRequest("acme", "database", "db2",
                null, null, Map.of())));
        refused(Reason.FORBIDDEN, "register", () -> bob.registerExternalService(new ExternalServiceRequest("acme",
                "database", "ext", "jdbc:h2:tcp://127.0.0.1:1/x", "u", "p", Map.of())));
        refused(Reason.FORBIDDEN, "grant", () -> bob.grant("acme", "bob", AccountRole.ADMIN));
        refused(Reason.FORBIDDEN, "members grant too", () -> alice.grant("acme", "alice", AccountRole.ADMIN));
        refused(Reason.FORBIDDEN, "createAccount", () -> alice.createAccount("mine"));
        refused(Reason.FORBIDDEN, "createUser", () -> alice.createUser("eve", "a-long-password".toCharArray(), true));
        refused(Reason.FORBIDDEN, "refused SDPs", () -> alice.listSdps(true));
        refused(Reason.FORBIDDEN, "setQuota", () -> alice.setQuota("acme", QuotaDTO.UNLIMITED));
        refused(Reason.FORBIDDEN, "other's password", () -> alice.setPassword("bob", "a-long-password".toCharArray()));
        assertEquals(1, services());
        assertEquals("RUNNING", bob.getService("acme", "db1").state().name());
        assertEquals("viewers see the catalog (database and appserver)", 2, bob.listSdps(false).size());
    }

    @Test
    public void jobsRecordWhoAskedAndHow() throws Exception {
        PlatformService alice = as("alice");
        JobDTO job = done(alice, alice.createService(new CreateServiceRequest("acme", "database", "db1", null, null,
                Map.of())));
        assertEquals("alice", job.requestedBy());
        assertEquals("shell", job.requestedVia());
        JobDTO system = done(admin, access.as(Caller.system("elasticity").because("alert high-load"))
                .deleteService("acme", "db1"));
        assertEquals("system:elasticity", system.requestedBy());
        assertEquals("alert high-load", system.cause());
    }

    @Test
    public void quotasRefuseBeforeAnythingIsCreatedWithTheNumbers() throws Exception {
        admin.setQuota("acme", new QuotaDTO(1, -1, 100));
        PlatformService alice = as("alice");
        done(alice, alice.createService(new CreateServiceRequest("acme", "database", "db1", null, null, Map.of())));
        try {
            alice.createService(new CreateServiceRequest("acme", "database", "db2", null, null, Map.of()));
            fail("over the quota");
        } catch (PlatformException e) {
            assertEquals(Reason.QUOTA_EXCEEDED, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("services: 1 used + 1 asked = 2 > limit 1"));
            assertTrue(e.getMessage(), e.getMessage().contains("memory (MiB): 64 used + 64 asked = 128 > limit 100"));
        }
        assertEquals(1, services());
        refused(Reason.QUOTA_EXCEEDED, "register", () -> alice.registerExternalService(new ExternalServiceRequest(
                "acme", "database", "ext", "jdbc:h2:tcp://127.0.0.1:1/x", "u", "p", Map.of())));
        assertEquals(1, services());
        assertEquals(new QuotaDTO(1, 1, 64), alice.getAccount("acme").usage());
        admin.setQuota("acme", QuotaDTO.UNLIMITED);
        done(alice, alice.createService(new CreateServiceRequest("acme", "database", "db2", null, null, Map.of())));
    }

    /** What a refused request must leave as it was: rows, usage, jobs (none left running or holding a lock), versions. */
    private record Footprint(long services, long environments, long runtimes, long jobs, long unfinishedJobs,
            long lockHolders, QuotaDTO usage, long version, long versions) {
    }

    private Footprint footprint(String account) {
        return fixture.store.query(c -> new Footprint(
                count(c, "SELECT COUNT(*) FROM services"),
                count(c, "SELECT COUNT(*) FROM environments"),
                count(c, "SELECT COUNT(*) FROM runtimes"),
                count(c, "SELECT COUNT(*) FROM jobs"),
                count(c, "SELECT COUNT(*) FROM jobs WHERE state NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED')"),
                count(c, "SELECT (SELECT COUNT(*) FROM services WHERE active_job_id IS NOT NULL AND active_job_id <> 0)"
                        + " + (SELECT COUNT(*) FROM accounts WHERE active_job_id IS NOT NULL AND active_job_id <> 0)"),
                admin.getAccount(account).usage(),
                admin.getAccount(account).version(),
                count(c, "SELECT COUNT(*) FROM account_versions")));
    }

    private static long count(java.sql.Connection c, String sql) throws java.sql.SQLException {
        return Sql.one(c, sql, rs -> rs.getLong(1)).orElseThrow();
    }

    /** Calls what must be refused for the quota, and returns the refusal's message. */
    private static String overQuota(String what, Runnable call) {
        try {
            call.run();
            throw new AssertionError(what + " should have been refused for the quota");
        } catch (PlatformException e) {
            assertEquals(what + ": " + e.getMessage(), Reason.QUOTA_EXCEEDED, e.reason());
            return e.getMessage();
        }
    }

    @Test
    public void aScaleOverTheInstanceOrMemoryQuotaIsRefusedBeforeAnythingChangesWithTheNumbers() throws Exception {
        PlatformService alice = as("alice");
        done(alice, alice.createService(new CreateServiceRequest("acme", "database", "db1", null, null, Map.of())));
        done(alice, alice.createService(new CreateServiceRequest("acme", "appserver", "app", null, null, Map.of(),
                Map.of("database", "db1"), false)));
        assertEquals(new QuotaDTO(2, 2, 128), alice.getAccount("acme").usage());
        String app = alice.getService("acme", "app").id();

        admin.setQuota("acme", new QuotaDTO(-1, 3, -1));
        Footprint before = footprint("acme");
        String instances = overQuota("scale over the instances", () -> alice.scaleService("acme", "app", 3));
        assertTrue(instances, instances.startsWith("scaling 'app' to 3 would exceed the quota of account 'acme': "));
        assertTrue(instances, instances.contains("instances: 2 used + 2 asked = 4 > limit 3"));
        assertFalse("memory is unlimited: " + instances, instances.contains("memory"));
        assertEquals("a refused scale leaves no trace", before, footprint("acme"));

        admin.setQuota("acme", new QuotaDTO(-1, -1, 200));
        before = footprint("acme");
        String memory = overQuota("scale over the memory", () -> alice.scaleService("acme", "app", 3));
        assertTrue(memory, memory.contains("memory (MiB): 128 used + 128 asked = 256 > limit 200"));
        assertFalse("instances are unlimited: " + memory, memory.contains("instances:"));
        assertEquals("a refused scale leaves no trace", before, footprint("acme"));

        assertEquals("the engine was never asked to scale", List.of(), fixture.calls.stream()
                .filter(c -> c.startsWith("scale")).toList());
        assertEquals(1, (int) fixture.instances.get(app));
        assertEquals("RUNNING", alice.getService("acme", "app").state().name());
        assertEquals(0, alice.getService("acme", "app").activeJobId());

        // scaling down needs no room; within the quota, scaling up goes ahead
        admin.setQuota("acme", new QuotaDTO(-1, 3, 192));
        done(alice, alice.scaleService("acme", "app", 2));
        assertEquals(2, (int) fixture.instances.get(app));
        assertEquals(new QuotaDTO(2, 3, 192), alice.getAccount("acme").usage());
        overQuota("one more", () -> alice.scaleService("acme", "app", 3));
        admin.setQuota("acme", new QuotaDTO(-1, 1, 64));
        done(alice, alice.scaleService("acme", "app", 1));
        assertEquals(1, (int) fixture.instances.get(app));
    }

    @Test
    public void anEnvironmentOverTheServicesQuotaIsRefusedBeforeAnythingIsCreatedWithTheNumbers() throws Exception {
        PlatformService alice = as("alice");
        done(alice, alice.createService(new CreateServiceRequest("acme", "database", "db1", null, null, Map.of())));
        done(alice, alice.createService(new CreateServiceRequest("acme", "database", "db2", null, null, Map.of())));
        admin.setQuota("acme", new QuotaDTO(3, -1, -1));
        String shop = "{\"name\": \"shop\", \"account\": \"acme\", \"services\": ["
                + "{\"name\": \"shop-db\", \"type\": \"database\"},"
                + "{\"name\": \"shop-app\", \"type\": \"appserver\", \"providers\": {\"database\": \"shop-db\"}}]}";
        Footprint before = footprint("acme");
        String message = overQuota("env-create over the services", () -> alice.createEnvironment(
                new EnvironmentRequest("acme", shop, tmp.getRoot().toString())));
        assertTrue(message, message.startsWith("creating environment 'shop' would exceed the quota of account "
                + "'acme': "));
        assertTrue(message, message.contains("services: 2 used + 2 asked = 4 > limit 3"));
        assertEquals("a refused environment leaves no trace", before, footprint("acme"));
        assertEquals(List.of(), alice.listEnvironments("acme"));
        assertEquals(List.of("db1", "db2"), alice.listServices("acme").stream().map(s -> s.name()).toList());
        refused(Reason.NOT_FOUND, "no environment", () -> alice.getEnvironment("acme", "shop"));

        // the instances and the memory of its members count too
        admin.setQuota("acme", new QuotaDTO(-1, 3, 200));
        before = footprint("acme");
        message = overQuota("env-create over instances and memory", () -> alice.createEnvironment(
                new EnvironmentRequest("acme", shop, tmp.getRoot().toString())));
        assertTrue(message, message.contains("instances: 2 used + 2 asked = 4 > limit 3"));
        assertTrue(message, message.contains("memory (MiB): 128 used + 128 asked = 256 > limit 200"));
        assertEquals(before, footprint("acme"));

        admin.setQuota("acme", new QuotaDTO(4, 4, 256));
        done(alice, alice.createEnvironment(new EnvironmentRequest("acme", shop, tmp.getRoot().toString())));
        assertEquals(new QuotaDTO(4, 4, 256), alice.getAccount("acme").usage());
    }

    @Test
    public void historyAndDiffReproduceEveryChange() throws Exception {
        PlatformService alice = as("alice");
        done(alice, alice.createService(new CreateServiceRequest("acme", "database", "db1", null, null, Map.of())));
        alice.registerExternalService(new ExternalServiceRequest("acme", "database", "legacy",
                "jdbc:h2:tcp://127.0.0.1:1/x", "u", "pw-that-must-not-show", Map.of()));
        admin.setQuota("acme", new QuotaDTO(10, 20, 4096));
        admin.revoke("acme", "bob");
        done(alice, alice.deleteService("acme", "db1"));
        List<AccountVersionDTO> history = alice.accountHistory("acme", 0);
        List<String> summaries = history.stream().map(v -> v.version() + " " + v.user() + " " + v.summary()).toList();
        assertEquals(summaries.toString(), 8, history.size());
        assertTrue(summaries.toString(), summaries.get(0).startsWith("8 alice service 'db1' deleted (job "));
        assertEquals("7 admin member 'bob' removed", summaries.get(1));
        assertEquals("6 admin quota of 'acme' set to services 10, instances 20, memory 4096 MiB", summaries.get(2));
        assertEquals("5 alice external service 'legacy' registered", summaries.get(3));
        assertEquals("4 alice service 'db1' created", summaries.get(4));
        assertEquals("3 admin member 'bob' is now VIEWER", summaries.get(5));
        assertEquals("2 admin member 'alice' is now MEMBER", summaries.get(6));
        assertEquals("1 admin account 'acme' created", summaries.get(7));
        assertFalse("secrets are never recorded", history.toString().contains("pw-that-must-not-show"));

        List<ChangeDTO> all = alice.diffAccount("acme", 0, 8);
        assertTrue(all.toString(), all.contains(new ChangeDTO("service", "legacy", "binding.password", null,
                "********")));
        assertTrue(all.contains(new ChangeDTO("member", "alice", "role", null, "MEMBER")));
        assertTrue(all.contains(new ChangeDTO("quota", "quota", "maxInstances", "-1", "20")));
        assertTrue("bob came and went: no net change", all.stream().noneMatch(c -> c.name().equals("bob")));
        assertTrue("db1 came and went: no net change", all.stream().noneMatch(c -> c.name().equals("db1")));
        List<ChangeDTO> lastTwo = alice.diffAccount("acme", 6, 8);
        assertEquals(new ChangeDTO("member", "bob", "role", "VIEWER", null), lastTwo.get(0));
        assertTrue(lastTwo.toString(), lastTwo.contains(new ChangeDTO("service", "db1", "*", "exists", null)));
        assertTrue(lastTwo.contains(new ChangeDTO("service", "db1", "plan", "small", null)));
        refused(Reason.INVALID, "beyond the last version", () -> alice.diffAccount("acme", 0, 9));
    }

    /**
     * An account's administrative state as its users see it through the facade, field by field, in the history's
     * terms ("entity\0name\0field" to value): the account, its members, its quota, its services (type, SDP version,
     * plan, configuration, providers; an external one's binding as listings show it) and its environments.
     */
    private Map<String, String> state(String account) {
        Map<String, String> out = new TreeMap<>();
        out.put(key("account", account, "*"), "exists");
        for (UserDTO u : admin.listUsers()) {
            AccountRole role = u.memberships().get(account);
            if (role != null) {
                out.put(key("member", u.name(), "role"), role.name());
            }
        }
        QuotaDTO quota = admin.getAccount(account).quota();
        out.put(key("quota", "quota", "maxServices"), Long.toString(quota.maxServices()));
        out.put(key("quota", "quota", "maxInstances"), Long.toString(quota.maxInstances()));
        out.put(key("quota", "quota", "maxMemoryMb"), Long.toString(quota.maxMemoryMb()));
        for (ServiceDTO s : admin.listServices(account)) {
            out.put(key("service", s.name(), "*"), "exists");
            out.put(key("service", s.name(), "type"), s.serviceType());
            if (s.external()) {
                s.configuration().forEach((k, v) -> out.put(key("service", s.name(), "binding." + k), v));
                continue;
            }
            out.put(key("service", s.name(), "sdpVersion"), s.sdpVersion());
            out.put(key("service", s.name(), "plan"), s.plan());
            s.configuration().forEach((k, v) -> out.put(key("service", s.name(), "config." + k), v));
            s.providers().forEach((type, provider) -> out.put(key("service", s.name(), "provider." + type), provider));
        }
        for (EnvironmentDTO e : admin.listEnvironments(account)) {
            out.put(key("environment", e.name(), "*"), "exists");
            out.put(key("environment", e.name(), "members"), String.join(",", e.members().stream()
                    .map(EnvironmentDTO.Member::name).sorted().toList()));
        }
        return out;
    }

    private static String key(String entity, String name, String field) {
        return entity + "\0" + name + "\0" + field;
    }

    /** @return the changes from one state to another, in the history's order-free form */
    private static List<ChangeDTO> changes(Map<String, String> from, Map<String, String> to) {
        java.util.SortedSet<String> keys = new java.util.TreeSet<>(from.keySet());
        keys.addAll(to.keySet());
        List<ChangeDTO> out = new ArrayList<>();
        for (String k : keys) {
            if (!Objects.equals(from.get(k), to.get(k))) {
                String[] p = k.split("\0");
                out.add(new ChangeDTO(p[0], p[1], p[2], from.get(k), to.get(k)));
            }
        }
        return out;
    }

    private static List<ChangeDTO> sorted(List<ChangeDTO> changes) {
        return changes.stream().sorted(Comparator.comparing(ChangeDTO::entity).thenComparing(ChangeDTO::name)
                .thenComparing(ChangeDTO::field)).toList();
    }

    /** Runs the steps of a scripted sequence and checks the account's history and diffs after each. */
    private final class Script {
        final String account;
        /** The account's state after each step, by the version the step ended at (0: before the account). */
        final Map<Long, Map<String, String>> states = new LinkedHashMap<>();
        /** Every version so far: who made it and a pattern its summary matches. */
        final List<String> expected = new ArrayList<>();
        long version;

        Script(String account) {
            this.account = account;
            // before it exists, as the history has it: an account's quotas are unlimited until set
            states.put(0L, Map.of(key("quota", "quota", "maxServices"), "-1", key("quota", "quota", "maxInstances"),
                    "-1", key("quota", "quota", "maxMemoryMb"), "-1"));
        }

        /**
         * Runs one step and checks it: the versions it made are exactly one per summary given, made by {@code who},
         * each summary as given (a regular expression); the diff of each of those versions is exactly the fields of
         * one thing (a service, a member, ...) that changed in the state, every changed field is in one of them, and
         * the diff from version 0 is the whole state (the history replays to the state).
         */
        void step(String who, Callable<?> change, String... summaries) throws Exception {
            Map<String, String> before = states.get(version);
            change.call();
            Map<String, String> after = state(account);
            long now = admin.getAccount(account).version();
            String what = "step " + Arrays.toString(summaries);
            assertEquals(what + ": one version per change", version + summaries.length, now);
            List<ChangeDTO> delta = changes(before, after);
            assertEquals(what + ": the step's diff is what changed", sorted(delta),
                    sorted(admin.diffAccount(account, version, now)));
            Set<String> covered = new HashSet<>();
            for (long v = version + 1; v <= now; v++) {
                List<ChangeDTO> diff = admin.diffAccount(account, v - 1, v);
                Set<String> things = diff.stream().map(c -> c.entity() + " " + c.name()).collect(Collectors.toSet());
                assertEquals(what + ": version " + v + " changes one thing: " + diff, 1, things.size());
                String thing = things.iterator().next();
                assertTrue(what + ": " + thing + " changes in one version only", covered.add(thing));
                assertEquals(what + ": version " + v + " is exactly what changed of " + thing, sorted(delta.stream()
                        .filter(c -> (c.entity() + " " + c.name()).equals(thing)).toList()), sorted(diff));
                expected.add(who + " " + summaries[(int) (v - version - 1)]);
            }
            assertEquals(what + ": every change is in a version", delta.stream().map(c -> c.entity() + " " + c.name())
                    .collect(Collectors.toSet()), covered);
            assertEquals(what + ": the diff from 0 replays the state", sorted(changes(states.get(0L), after)),
                    sorted(admin.diffAccount(account, 0, now)));
            version = now;
            states.put(now, after);
        }
    }

    @Test
    public void everyVersionsDiffIsExactlyWhatItsStepChangedAndTheHistoryNamesWhoAndWhat() throws Exception {
        PlatformService alice = as("alice");
        admin.createUser("dave", "dave-password-1".toCharArray(), false);
        Script script = new Script("lab");
        script.step("admin", () -> admin.createAccount("lab"), "account 'lab' created");
        script.step("admin", () -> admin.grant("lab", "alice", AccountRole.MEMBER), "member 'alice' is now MEMBER");
        script.step("admin", () -> admin.grant("lab", "bob", AccountRole.VIEWER), "member 'bob' is now VIEWER");
        script.step("admin", () -> admin.grant("lab", "dave", AccountRole.VIEWER), "member 'dave' is now VIEWER");
        script.step("alice", () -> done(alice, alice.createService(new CreateServiceRequest("lab", "database", "db",
                null, null, Map.of()))), "service 'db' created");
        script.step("alice", () -> alice.registerExternalService(new ExternalServiceRequest("lab", "database",
                "legacy", "jdbc:h2:tcp://127.0.0.1:1/x", "u", "pw-that-must-not-show", Map.of())),
                "external service 'legacy' registered");
        script.step("alice", () -> done(alice, alice.createService(new CreateServiceRequest("lab", "appserver", "app",
                null, null, Map.of(), Map.of("database", "db"), false))), "service 'app' created");
        script.step("alice", () -> done(alice, alice.scaleService("lab", "app", 3)),
                "service 'app' scaled from 1 to 3 instances \\(job \\d+\\)");
        script.step("admin", () -> admin.setQuota("lab", new QuotaDTO(10, 20, 4096)),
                "quota of 'lab' set to services 10, instances 20, memory 4096 MiB");
        script.step("admin", () -> admin.grant("lab", "bob", AccountRole.MEMBER), "member 'bob' is now MEMBER");
        String shop = "{\"name\": \"shop\", \"services\": [{\"name\": \"shop-db\", \"type\": \"database\"},"
                + "{\"name\": \"shop-app\", \"type\": \"appserver\", \"providers\": {\"database\": \"shop-db\"}}]}";
        script.step("alice", () -> done(alice, alice.createEnvironment(new EnvironmentRequest("lab", shop,
                tmp.getRoot().toString()))), "environment 'shop' created", "service 'shop-db' created",
                "service 'shop-app' created");
        script.step("alice", () -> done(alice, alice.deleteService("lab", "app")),
                "service 'app' deleted \\(job \\d+\\)");
        script.step("admin", () -> admin.setQuota("lab", new QuotaDTO(10, -1, 4096)),
                "quota of 'lab' set to services 10, instances unlimited, memory 4096 MiB");
        script.step("alice", () -> done(alice, alice.deleteEnvironment("lab", "shop", false)),
                "service 'shop-app' deleted \\(job \\d+\\)", "service 'shop-db' deleted \\(job \\d+\\)",
                "environment 'shop' deleted \\(job \\d+\\)");
        script.step("admin", () -> admin.revoke("lab", "bob"), "member 'bob' removed");
        script.step("admin", () -> {
            admin.deleteUser("dave");
            return null;
        }, "member 'dave' removed \\(user deleted\\)");
        script.step("alice", () -> done(alice, alice.deleteService("lab", "legacy")),
                "service 'legacy' deleted \\(job \\d+\\)");

        List<AccountVersionDTO> history = alice.accountHistory("lab", 0);
        assertEquals(script.expected.size(), history.size());
        for (int i = 0; i < history.size(); i++) {
            AccountVersionDTO v = history.get(history.size() - 1 - i);
            assertEquals(i + 1, v.version());
            String line = v.user() + " " + v.summary();
            assertTrue("version " + v.version() + " is '" + line + "', expected '" + script.expected.get(i) + "'",
                    line.matches(script.expected.get(i)));
            assertEquals("shell", v.via());
            assertEquals("a version's changes are its diff", sorted(v.changes().stream()
                    .filter(c -> !Objects.equals(c.before(), c.after())).toList()),
                    sorted(alice.diffAccount("lab", v.version() - 1, v.version())));
        }
        assertFalse("secrets are never recorded", history.toString().contains("pw-that-must-not-show"));
        // any two versions: the diff is what changed between the states after their steps
        for (Map.Entry<Long, Map<String, String>> a : script.states.entrySet()) {
            for (Map.Entry<Long, Map<String, String>> b : script.states.entrySet()) {
                if (a.getKey() < b.getKey()) {
                    assertEquals(a.getKey() + ".." + b.getKey(), sorted(changes(a.getValue(), b.getValue())),
                            sorted(alice.diffAccount("lab", a.getKey(), b.getKey())));
                }
            }
        }
    }

    @Test
    public void aCreateThatIsUndoneRecordsTheRemovalOfEveryFieldItsCreationRecorded() throws Exception {
        PlatformService alice = as("alice");
        done(alice, alice.createService(new CreateServiceRequest("acme", "database", "db1", null, null, Map.of())));
        fixture.failingProvision.add("app");
        fixture.releaseProvisioning.countDown(); // it fails at once
        JobDTO failed = alice.awaitJob(alice.createService(new CreateServiceRequest("acme", "appserver", "app", null,
                null, Map.of(), Map.of("database", "db1"), false)).id(), Duration.ofSeconds(20), null);
        assertEquals(JobState.FAILED, failed.state());
        refused(Reason.NOT_FOUND, "undone", () -> alice.getService("acme", "app"));
        long removed = alice.getAccount("acme").version();
        String summary = alice.accountHistory("acme", 1).get(0).summary();
        assertTrue(summary, summary.matches("service 'app' .* \\(job " + failed.id() + "\\)"));
        List<ChangeDTO> creation = alice.diffAccount("acme", removed - 2, removed - 1);
        assertTrue(creation.toString(), creation.contains(new ChangeDTO("service", "app", "provider.database", null,
                "db1")));
        assertEquals("the removal ends what the creation began, its provider too", sorted(creation.stream()
                .map(c -> new ChangeDTO(c.entity(), c.name(), c.field(), c.after(), c.before())).toList()),
                sorted(alice.diffAccount("acme", removed - 1, removed)));
    }

    @Test
    public void aRemovalEndsEveryFieldSoANewServiceOfTheSameNameInheritsNone() throws Exception {
        PlatformService alice = as("alice");
        alice.registerExternalService(new ExternalServiceRequest("acme", "database", "thing",
                "jdbc:h2:tcp://127.0.0.1:1/x", "u", "secret", Map.of()));
        done(alice, alice.deleteService("acme", "thing"));
        done(alice, alice.createService(new CreateServiceRequest("acme", "database", "thing", null, null, Map.of())));
        long latest = alice.accountHistory("acme", 1).get(0).version();
        List<ChangeDTO> state = alice.diffAccount("acme", 0, latest).stream()
                .filter(c -> c.name().equals("thing")).toList();
        assertTrue(state.toString(), state.contains(new ChangeDTO("service", "thing", "plan", null, "small")));
        assertTrue("the external service's binding ended with it: " + state,
                state.stream().noneMatch(c -> c.field().startsWith("binding.")));
    }

    @Test
    public void theFirstAdminsPasswordIsGeneratedIntoAnOwnerOnlyFileUntilChanged() throws Exception {
        String password = Files.readString(fixture.users.initialPasswordFile()).strip();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                fixture.users.initialPasswordFile())));
        assertEquals(24, password.length());
        assertTrue(access.authenticate("admin", password.toCharArray()).orElseThrow().platformAdmin());
        assertTrue(access.authenticate("admin", "wrong-password".toCharArray()).isEmpty());
        assertTrue(access.authenticate("nobody", password.toCharArray()).isEmpty());
        assertEquals(AccountRole.MEMBER, access.authenticate("alice", "alice-password-1".toCharArray()).orElseThrow()
                .memberships().get("acme"));
        refused(Reason.INVALID, "too short", () -> admin.setPassword("admin", "short".toCharArray()));
        admin.setPassword("admin", "a-new-long-password".toCharArray());
        assertFalse(Files.exists(fixture.users.initialPasswordFile()));
        assertTrue(access.authenticate("admin", password.toCharArray()).isEmpty());
        assertTrue(access.authenticate("admin", "a-new-long-password".toCharArray()).isPresent());
        // a restart does not create another admin or file
        new UserDirectory(fixture.store, new Passwords(1000));
        assertFalse(Files.exists(fixture.users.initialPasswordFile()));
        assertNull(fixture.store.query(c -> Sql.one(c, "SELECT password_hash FROM users WHERE password_hash LIKE '%a-new%'",
                rs -> rs.getString(1))).orElse(null));
    }
}
