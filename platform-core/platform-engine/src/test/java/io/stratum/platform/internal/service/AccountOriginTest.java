package io.stratum.platform.internal.service;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.AccountVersionDTO;
import io.stratum.platform.api.AccountVersionDTO.ChangeDTO;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.internal.account.AccessControl;
import io.stratum.platform.internal.account.AccountManager;
import io.stratum.platform.internal.account.AccountScopesService;
import io.stratum.platform.internal.account.UserDirectory;
import io.stratum.platform.spi.AccountScopes;
import java.util.List;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Where an account came from, recorded through the SPI in its history (as a clone does), on a real store. */
public class AccountOriginTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private PlatformFixture fixture;
    private PlatformService admin;
    private AccountScopes scopes;

    @Before
    public void setUp() {
        fixture = new PlatformFixture(tmp.getRoot().toPath());
        admin = fixture.access.as(Caller.user(UserDirectory.INITIAL_ADMIN, Caller.VIA_SHELL));
        AccountManager accounts = new AccountManager(fixture.store);
        scopes = new AccountScopesService(new AccessControl(fixture.users, accounts), accounts, fixture.store);
    }

    @After
    public void tearDown() {
        fixture.close();
    }

    @Test
    public void theOriginIsANewVersionOfTheAccountWithOneChange() {
        String id = admin.createAccount("copy").id();
        long version = scopes.recordOrigin(id, Caller.user(UserDirectory.INITIAL_ADMIN, Caller.VIA_SHELL),
                "clone of account 'shop' at version 12 (job 40)");

        assertEquals(2, version);
        assertEquals(2, admin.getAccount("copy").version());
        AccountVersionDTO v = admin.accountHistory("copy", 1).get(0);
        assertEquals(2, v.version());
        assertEquals(UserDirectory.INITIAL_ADMIN, v.user());
        assertEquals("account 'copy' is a clone of account 'shop' at version 12 (job 40)", v.summary());
        assertEquals(List.of(new ChangeDTO("account", "copy", "origin", null,
                "clone of account 'shop' at version 12 (job 40)")), v.changes());
        assertTrue(admin.diffAccount("copy", 0, 2).contains(new ChangeDTO("account", "copy", "origin", null,
                "clone of account 'shop' at version 12 (job 40)")));
    }

    @Test
    public void anUnknownAccountIsNotFoundAndNothingIsRecorded() {
        long before = admin.getAccount(PlatformService.DEFAULT_ACCOUNT).version();
        try {
            scopes.recordOrigin("no-such-id", Caller.system("test"), "clone of nothing");
            fail("an unknown account has no history");
        } catch (PlatformException e) {
            assertEquals(Reason.NOT_FOUND, e.reason());
        }
        assertEquals(before, admin.getAccount(PlatformService.DEFAULT_ACCOUNT).version());
    }
}
