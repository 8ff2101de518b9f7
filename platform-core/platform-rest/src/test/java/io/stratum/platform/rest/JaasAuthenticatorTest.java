package io.stratum.platform.rest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.UserDTO;
import io.stratum.platform.api.UserEvents;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;
import org.osgi.service.event.Event;

/**
 * The authenticator through a real {@link javax.security.auth.login.LoginContext} and a JAAS configuration whose
 * realm {@code karaf} is {@link FakeLoginModule} over a {@link FakePlatform}: who gets in, what is remembered, and
 * what makes it forgotten.
 */
public class JaasAuthenticatorTest {

    private final FakePlatform fake = new FakePlatform();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private JaasAuthenticator authenticator(String role, Duration remember) {
        return new JaasAuthenticator("karaf", FakeLoginModule.configuration(fake, role), "stratum", remember,
                clock::get);
    }

    private static Optional<String> login(JaasAuthenticator a, String user, String password) {
        return a.authenticate(user, password.toCharArray());
    }

    @Test
    public void theRealmDecidesWhoGetsIn() {
        JaasAuthenticator a = authenticator("stratum", Duration.ZERO);
        assertEquals(Optional.of("alice"), login(a, "alice", FakePlatform.password("alice")));
        assertEquals(Optional.empty(), login(a, "alice", "wrong-password"));
        assertEquals(Optional.empty(), login(a, "nobody", "whatever-password"));
        assertEquals(Optional.empty(), login(a, "", "x"));
        assertEquals(Optional.empty(), a.authenticate("alice", null));
    }

    @Test
    public void aLoginWithoutTheRequiredRoleIsRefused() {
        JaasAuthenticator a = authenticator("ssh-only", Duration.ofMinutes(1));
        assertEquals(Optional.empty(), login(a, "alice", FakePlatform.password("alice")));
        JaasAuthenticator anyRole = new JaasAuthenticator("karaf", FakeLoginModule.configuration(fake, "ssh-only"),
                "", Duration.ZERO, clock::get);
        assertEquals(Optional.of("alice"), login(anyRole, "alice", FakePlatform.password("alice")));
    }

    @Test
    public void anUnknownRealmLetsNobodyIn() {
        JaasAuthenticator a = new JaasAuthenticator("no-such-realm", FakeLoginModule.configuration(fake, "stratum"),
                "stratum", Duration.ZERO, clock::get);
        assertEquals(Optional.empty(), login(a, "alice", FakePlatform.password("alice")));
    }

    @Test
    public void theThreadsContextClassLoaderIsRestored() {
        JaasAuthenticator a = authenticator("stratum", Duration.ZERO);
        ClassLoader mine = new ClassLoader(getClass().getClassLoader()) { };
        Thread.currentThread().setContextClassLoader(mine);
        try {
            login(a, "alice", FakePlatform.password("alice"));
            assertSame(mine, Thread.currentThread().getContextClassLoader());
            login(a, "alice", "wrong-password");
            assertSame(mine, Thread.currentThread().getContextClassLoader());
        } finally {
            Thread.currentThread().setContextClassLoader(getClass().getClassLoader());
        }
    }

    @Test
    public void aSuccessfulLoginIsRememberedForItsTimeAndOnlyWithTheSamePassword() {
        JaasAuthenticator a = authenticator("stratum", Duration.ofSeconds(60));
        String pw = FakePlatform.password("alice");
        assertEquals(Optional.of("alice"), login(a, "alice", pw));
        assertEquals(1, fake.logins);
        assertEquals(Optional.of("alice"), login(a, "alice", pw));
        assertEquals("remembered: the realm is not asked again", 1, fake.logins);
        assertEquals(Optional.empty(), login(a, "alice", pw + "x"));
        assertEquals("another password goes to the realm", 2, fake.logins);
        assertEquals(Optional.of("alice"), login(a, "alice", pw));
        assertEquals("a wrong password does not forget the right one", 2, fake.logins);
        clock.addAndGet(Duration.ofSeconds(61).toNanos());
        assertEquals(Optional.of("alice"), login(a, "alice", pw));
        assertEquals("expired: the realm is asked again", 3, fake.logins);
    }

    @Test
    public void withoutMemoryEveryLoginAsksTheRealm() {
        JaasAuthenticator a = authenticator("stratum", Duration.ZERO);
        login(a, "alice", FakePlatform.password("alice"));
        login(a, "alice", FakePlatform.password("alice"));
        assertEquals(2, fake.logins);
    }

    @Test
    public void aChangedUserIsForgottenAtOnce() {
        JaasAuthenticator a = authenticator("stratum", Duration.ofSeconds(60));
        login(a, "alice", FakePlatform.password("alice"));
        login(a, "bob", FakePlatform.password("bob"));
        a.handleEvent(new Event(UserEvents.TOPIC_CHANGED, Map.of(UserEvents.USER, "alice", UserEvents.CHANGE,
                UserEvents.PASSWORD)));
        login(a, "alice", FakePlatform.password("alice"));
        assertEquals("alice is asked again", 3, fake.logins);
        login(a, "bob", FakePlatform.password("bob"));
        assertEquals("bob is still remembered", 3, fake.logins);
    }

    @Test
    public void aLoginCheckedWhileTheUserChangedIsNotRemembered() {
        JaasAuthenticator[] a = new JaasAuthenticator[1];
        // the realm is asked; while it checks, the user's password changes (as a concurrent request would do it)
        FakePlatform racing = new FakePlatform();
        a[0] = new JaasAuthenticator("karaf", FakeLoginModule.configuration(new PlatformAccess() {
            @Override
            public PlatformService as(Caller caller) {
                return racing.as(caller);
            }

            @Override
            public Optional<UserDTO> authenticate(String user, char[] password) {
                Optional<UserDTO> u = racing.authenticate(user, password);
                a[0].handleEvent(new Event(UserEvents.TOPIC_CHANGED, Map.of(UserEvents.USER, user)));
                return u;
            }
        }, "stratum"), "stratum", Duration.ofSeconds(60), clock::get);
        assertEquals(Optional.of("alice"), login(a[0], "alice", FakePlatform.password("alice")));
        assertEquals(Optional.of("alice"), login(a[0], "alice", FakePlatform.password("alice")));
        assertEquals("the first login was not remembered", 2, racing.logins);
    }
}
