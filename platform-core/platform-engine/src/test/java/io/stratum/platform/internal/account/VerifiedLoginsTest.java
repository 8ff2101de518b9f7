package io.stratum.platform.internal.account;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.internal.store.Store;
import io.stratum.platform.internal.store.TestStores;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A login verified a moment ago is let in again without the hash, and only with the same password and stored hash. */
public class VerifiedLoginsTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final AtomicLong now = new AtomicLong(-5_000_000_000L); // nanoTime may be negative

    @Test
    public void theSamePasswordAgainstTheSameHashIsRememberedForAMinute() {
        VerifiedLogins logins = new VerifiedLogins(now::get);
        assertFalse("nothing remembered yet", logins.verified("alice", "h1", "right-password".toCharArray()));
        logins.remember("alice", "h1", "right-password".toCharArray());
        assertTrue(logins.verified("alice", "h1", "right-password".toCharArray()));
        assertFalse("another password", logins.verified("alice", "h1", "wrong-password".toCharArray()));
        assertFalse("a prefix of it", logins.verified("alice", "h1", "right-passwor".toCharArray()));
        assertFalse("another user", logins.verified("bob", "h1", "right-password".toCharArray()));
        assertFalse("the stored hash changed (a new password)", logins.verified("alice", "h2",
                "right-password".toCharArray()));
        now.addAndGet(VerifiedLogins.KEEP.toNanos() - 1_000_000_000L);
        assertTrue(logins.verified("alice", "h1", "right-password".toCharArray()));
        now.addAndGet(1_000_000_000L);
        assertFalse("a minute later it is hashed again", logins.verified("alice", "h1",
                "right-password".toCharArray()));
        logins.remember("alice", "h1", "right-password".toCharArray());
        logins.forget("alice");
        assertFalse("forgotten", logins.verified("alice", "h1", "right-password".toCharArray()));
    }

    @Test
    public void anOldPasswordIsRefusedAtOnceAfterAChangeAndAGoodOneStillWorks() {
        try (Store store = TestStores.open(tmp.getRoot().toPath())) {
            UserDirectory users = new UserDirectory(store, new Passwords(1000));
            char[] first = "first-password-1".toCharArray();
            store.transact(c -> users.create(c, "carol", first, false));
            assertTrue(users.authenticate("carol", first).isPresent());
            assertTrue("again, remembered", users.authenticate("carol", first).isPresent());
            assertFalse(users.authenticate("carol", "not-her-password".toCharArray()).isPresent());
            store.transact(c -> users.setPassword(c, "carol", "second-password-2".toCharArray()));
            assertFalse("the old password, a moment after it was remembered",
                    users.authenticate("carol", first).isPresent());
            assertTrue(users.authenticate("carol", "second-password-2".toCharArray()).isPresent());
            store.transact(c -> users.delete(c, "carol"));
            assertFalse("a deleted user", users.authenticate("carol", "second-password-2".toCharArray()).isPresent());
        }
    }
}
