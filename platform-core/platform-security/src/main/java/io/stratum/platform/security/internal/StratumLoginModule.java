package io.stratum.platform.security.internal;

import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.api.UserDTO;
import java.io.IOException;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs users in against the platform's own users ({@link PlatformAccess#authenticate}), and gives the subject the
 * user's name and Karaf roles: every user may log in over SSH ({@value StratumRealm#ROLE_SSH}) and use the
 * {@code stratum:} commands ({@value StratumRealm#ROLE_USER}); platform admins also get Karaf's own administrative
 * roles. What a user may do to which account is decided by the platform on every call, not by these roles.
 */
public final class StratumLoginModule implements LoginModule {

    private static final Logger LOG = LoggerFactory.getLogger(StratumLoginModule.class);

    private Subject subject;
    private CallbackHandler handler;
    private PlatformAccess access;
    private UserDTO user;
    private final List<Principal> added = new ArrayList<>();

    @Override
    public void initialize(Subject subject, CallbackHandler handler, Map<String, ?> sharedState,
            Map<String, ?> options) {
        this.subject = subject;
        this.handler = handler;
        this.access = (PlatformAccess) options.get(StratumRealm.ACCESS_OPTION);
    }

    @Override
    public boolean login() throws LoginException {
        if (access == null) {
            throw new LoginException("the Stratum platform is not available");
        }
        NameCallback name = new NameCallback("Username: ");
        PasswordCallback password = new PasswordCallback("Password: ", false);
        try {
            handler.handle(new Callback[] {name, password});
        } catch (IOException | UnsupportedCallbackException e) {
            throw new LoginException("cannot read the credentials: " + e.getMessage());
        }
        char[] secret = password.getPassword();
        try {
            Optional<UserDTO> found = access.authenticate(name.getName(), secret);
            if (found.isEmpty()) {
                LOG.info("Login refused for user '{}'", name.getName());
                throw new FailedLoginException("login refused: wrong user name or password");
            }
            user = found.get();
            return true;
        } finally {
            if (secret != null) {
                Arrays.fill(secret, '\0');
            }
            password.clearPassword();
        }
    }

    @Override
    public boolean commit() {
        if (user == null) {
            return false;
        }
        added.add(new UserPrincipal(user.name()));
        for (String role : StratumRealm.roles(user)) {
            added.add(new RolePrincipal(role));
        }
        subject.getPrincipals().addAll(added);
        return true;
    }

    @Override
    public boolean abort() {
        logout();
        return true;
    }

    @Override
    public boolean logout() {
        subject.getPrincipals().removeAll(added);
        added.clear();
        user = null;
        return true;
    }
}
