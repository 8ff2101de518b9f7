package io.stratum.platform.internal.account;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.internal.store.Store;
import io.stratum.platform.internal.store.TestStores;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A login verified a moment ago is let in again without the hash, and only with the same password and stored hash. */
public class VerifiedLoginsTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-03T10:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @Test
    public void theSamePasswordAgainstTheSameHashIsRememberedForAMinute() {
        VerifiedLogins logins = new VerifiedLogins(clock);
        assertFalse("nothing remembered yet", logins.verified("alice", "h1", "right-password".toCharArray()));
        logins.remember("alice", "h1", "right-password".toCharArray());
        assertTrue(logins.verified("alice", "h1", "right-password".toCharArray()));
        assertFalse("another password", logins.verified("alice", "h1", "wrong-password".toCharArray()));
        assertFalse("a prefix of it", logins.verified("alice", "h1", "right-passwor".toCharArray()));
        assertFalse("another user", logins.verified("bob", "h1", "right-password".toCharArray()));
        assertFalse("the stored hash changed (a new password)", logins.verified("alice", "h2",
                "right-password".toCharArray()));
        now.set(now.get().plus(VerifiedLogins.KEEP).minusSeconds(1));
        assertTrue(logins.verified("alice", "h1", "right-password".toCharArray()));
        now.set(now.get().plus(Duration.ofSeconds(1)));
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
