package io.stratum.platform.internal.service;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.AccountDTO;
import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.ExternalServiceRequest;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobQuery;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.QuotaDTO;
import io.stratum.platform.internal.account.UserDirectory;
import io.stratum.platform.internal.store.Sql;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@link PlatformService#deleteAccount} on the real store and orchestration engine ({@link PlatformFixture}): only a
 * platform admin deletes, only an account with nothing left in it, never the default one; its memberships, quota and
 * history go with it, and nothing of it reaches an account later made with the same name.
 */
public class AccountDeletionTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private PlatformFixture fixture;
    private PlatformService admin;

    @Before
    public void setUp() {
        fixture = new PlatformFixture(tmp.getRoot().toPath());
        admin = as(UserDirectory.INITIAL_ADMIN);
        admin.createAccount("acme");
        admin.createAccount("other");
        user("alice", "acme", AccountRole.MEMBER);
        user("adam", "acme", AccountRole.ADMIN);
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
        return fixture.access.as(Caller.user(user, Caller.VIA_SHELL));
    }

    private JobDTO done(JobDTO job) throws InterruptedException {
        JobDTO end = admin.awaitJob(job.id(), Duration.ofSeconds(20), null);
        assertEquals(end.error(), JobState.SUCCEEDED, end.state());
        return end;
    }

    private static PlatformException refused(Reason reason, String what, Runnable call) {
        try {
            call.run();
        } catch (PlatformException e) {
            assertEquals(what + ": " + e.getMessage(), reason, e.reason());
            return e;
        }
        throw new AssertionError(what + " should have been refused with " + reason);
    }

    private long rows(String table, String accountId) {
        return fixture.store.query(c -> Sql.one(c, "SELECT COUNT(*) FROM " + table + " WHERE account_id = ?",
                rs -> rs.getLong(1), accountId).orElseThrow());
    }

    private boolean exists(String account) {
        return admin.listAccounts().stream().anyMatch(a -> a.name().equals(account));
    }

    @Test
    public void anEmptyAccountIsDeletedWithItsMembershipsQuotaAndHistoryAndTheUsersStay() throws Exception {
        admin.setQuota("acme", new QuotaDTO(3, 3, 1024));
        JobDTO created = done(as("alice").createService(new CreateServiceRequest("acme", "database", "db1", null, null,
                Map.of())));
        done(as("alice").deleteService("acme", "db1"));
        String id = admin.getAccount("acme").id();
        assertTrue("it has history to lose", rows("account_versions", id) > 0);

        try (LogCapture log = new LogCapture("io.stratum")) {
            admin.deleteAccount("acme");
            assertTrue(log.text(), log.text().contains("Account 'acme' deleted by " + Caller.user(
                    UserDirectory.INITIAL_ADMIN, Caller.VIA_SHELL) + ", with 2 membership(s) and "));
        }
        assertFalse(exists("acme"));
        refused(Reason.NOT_FOUND, "the deleted account", () -> admin.getAccount("acme"));
        assertEquals(0, rows("memberships", id));
        assertEquals(0, rows("account_versions", id));
        assertEquals("its users stay, without it", Map.of(), as("alice").whoAmI().memberships());
        assertEquals(Map.of("other", AccountRole.ADMIN), as("carol").whoAmI().memberships());
        assertTrue(exists("other"));

        // a new account of the same name starts afresh: no quota, no history, no members, none of the old jobs
        admin.createAccount("acme");
        AccountDTO again = admin.getAccount("acme");
        assertEquals(QuotaDTO.UNLIMITED, again.quota());
        assertEquals(1, admin.accountHistory("acme", 0).size());
        user("dora", "acme", AccountRole.MEMBER);
        assertTrue(as("dora").listJobs(new JobQuery("acme", null, false, 100)).isEmpty());
        refused(Reason.NOT_FOUND, "a job of the deleted account", () -> as("dora").getJob(created.id()));
        refused(Reason.NOT_FOUND, "the old account to its old member", () -> as("alice").getAccount("acme"));
    }

    @Test
    public void anAccountWithServicesOrEnvironmentsIsRefusedNamingThemAndNothingChanges() throws Exception {
        PlatformService alice = as("alice");
        done(alice.createService(new CreateServiceRequest("acme", "database", "db1", null, null, Map.of())));
        alice.registerExternalService(new ExternalServiceRequest("acme", "database", "legacy",
                "jdbc:h2:tcp://127.0.0.1:1/x", "u", "pw-of-legacy", Map.of()));
        long versions = admin.getAccount("acme").version();
        PlatformException e = refused(Reason.INVALID, "an account with services", () -> admin.deleteAccount("acme"));
        assertTrue(e.getMessage(), e.getMessage().contains("services 'db1', 'legacy' (stratum:service-delete)"));
        assertFalse("no secret in the refusal", e.getMessage().contains("pw-of-legacy"));
        assertTrue(exists("acme"));
        assertEquals(versions, admin.getAccount("acme").version());
        assertEquals(AccountRole.MEMBER, alice.whoAmI().memberships().get("acme"));

        done(alice.deleteService("acme", "db1"));
        done(alice.deleteService("acme", "legacy"));
        done(alice.createEnvironment(new EnvironmentRequest("acme", "name: shop\nservices:\n  - name: shop-db\n"
                + "    type: database\n", null)));
        e = refused(Reason.INVALID, "an account with an environment", () -> admin.deleteAccount("acme"));
        assertTrue(e.getMessage(), e.getMessage().contains("environments 'shop' (stratum:env-delete)"));
        assertTrue(e.getMessage(), e.getMessage().contains("services 'shop-db'"));

        done(alice.deleteEnvironment("acme", "shop", false));
        admin.deleteAccount("acme");
        assertFalse(exists("acme"));
    }

    @Test
    public void whatOtherBundlesKeepOfAnAccountKeepsItUntilItIsGone() {
        String id = admin.getAccount("acme").id();
        List<String> asked = new ArrayList<>();
        List<String> backups = new ArrayList<>(List.of("backups 'b-1' "
                + "(stratum:backup-delete)"));
        fixture.access.accountContents(List.of(accountId -> {
            asked.add(accountId);
            return List.copyOf(backups);
        }));
        PlatformException e = refused(Reason.INVALID, "an account with backups", () -> admin.deleteAccount("acme"));
        assertTrue(e.getMessage(), e.getMessage().contains("account 'acme' still has backups 'b-1' "
                + "(stratum:backup-delete)"));
        assertEquals(List.of(id), asked);
        assertTrue(exists("acme"));

        fixture.access.accountContents(List.of(accountId -> {
            throw new IllegalStateException("the backup repository cannot be read");
        }));
        e = refused(Reason.UNAVAILABLE, "what is kept cannot be told", () -> admin.deleteAccount("acme"));
        assertTrue(e.getMessage(), e.getMessage().contains("the backup repository cannot be read"));
        assertTrue(exists("acme"));

        backups.clear();
        fixture.access.accountContents(List.of(accountId -> List.copyOf(backups)));
        admin.deleteAccount("acme");
        assertFalse(exists("acme"));
    }

    @Test
    public void onlyPlatformAdminsDeleteAccountsAndNeverTheDefaultOne() {
        refused(Reason.FORBIDDEN, "a member", () -> as("alice").deleteAccount("acme"));
        refused(Reason.FORBIDDEN, "an admin of the account", () -> as("adam").deleteAccount("acme"));
        PlatformException e = refused(Reason.FORBIDDEN, "an admin of another account",
                () -> as("carol").deleteAccount("acme"));
        assertFalse("tells nothing of the account", e.getMessage().contains("acme"));
        assertTrue(exists("acme"));

        e = refused(Reason.INVALID, "the default account", () -> admin.deleteAccount(PlatformService.DEFAULT_ACCOUNT));
        assertTrue(e.getMessage(), e.getMessage().contains("cannot be deleted"));
        assertTrue(exists(PlatformService.DEFAULT_ACCOUNT));
        refused(Reason.NOT_FOUND, "no such account", () -> admin.deleteAccount("nowhere"));
        refused(Reason.INVALID, "no name", () -> admin.deleteAccount(" "));
    }
}
