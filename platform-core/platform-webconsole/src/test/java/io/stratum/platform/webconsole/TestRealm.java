package io.stratum.platform.webconsole;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;

/**
 * A JAAS realm named {@code karaf} for the tests, with the roles Stratum's realm gives: every user {@code ssh} and
 * {@code stratum}, platform admins also {@code admin}; {@code guest} has only {@code ssh} (a role that opens no part
 * of the console). It counts the logins it is asked for.
 */
final class TestRealm extends Configuration {

    /** Users, with their password first and then their roles. */
    static final Map<String, List<String>> USERS = Map.of(
            "admin", List.of("pw-admin", "ssh", "stratum", "admin", "manager", "viewer", "systembundles"),
            "alice", List.of("pw-alice", "ssh", "stratum"),
            "victor", List.of("pw-victor", "ssh", "stratum"),
            "guest", List.of("pw-guest", "ssh"));

    final AtomicInteger logins = new AtomicInteger();

    /** @return the security provider under test, logging in through this realm, remembering logins for a minute */
    ConsoleSecurity security() {
        return security(System::nanoTime);
    }

    /** @return the security provider under test, on the given clock */
    ConsoleSecurity security(LongSupplier clock) {
        return new ConsoleSecurity("karaf", this, "admin", "stratum", "/system/console", Duration.ofMinutes(1), clock);
    }

    /** @return a user's password */
    static String password(String user) {
        return USERS.get(user).get(0);
    }

    @Override
    public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
        if (!"karaf".equals(name)) {
            return null;
        }
        return new AppConfigurationEntry[] {new AppConfigurationEntry(Module.class.getName(),
                LoginModuleControlFlag.REQUIRED, Map.of("realm", this))};
    }

    /** The realm's login module (public, with a public constructor: JAAS creates it by reflection). */
    public static final class Module implements LoginModule {

        private Subject subject;
        private CallbackHandler handler;
        private TestRealm realm;
        private String user;

        @Override
        public void initialize(Subject subject, CallbackHandler handler, Map<String, ?> sharedState,
                Map<String, ?> options) {
            this.subject = subject;
            this.handler = handler;
            this.realm = (TestRealm) options.get("realm");
        }

        @Override
        public boolean login() throws LoginException {
            realm.logins.incrementAndGet();
            NameCallback name = new NameCallback("user");
            PasswordCallback password = new PasswordCallback("password", false);
            try {
                handler.handle(new Callback[] {name, password});
            } catch (IOException | UnsupportedCallbackException e) {
                throw new LoginException(e.toString());
            }
            List<String> entry = USERS.get(name.getName());
            char[] given = password.getPassword();
            if (entry == null || given == null || !Arrays.equals(entry.get(0).toCharArray(), given)) {
                throw new FailedLoginException("wrong user name or password");
            }
            user = name.getName();
            return true;
        }

        @Override
        public boolean commit() {
            subject.getPrincipals().add(new UserPrincipal(user));
            for (String role : USERS.get(user).subList(1, USERS.get(user).size())) {
                subject.getPrincipals().add(new RolePrincipal(role));
            }
            return true;
        }

        @Override
        public boolean abort() {
            return true;
        }

        @Override
        public boolean logout() {
            return true;
        }
    }
}
