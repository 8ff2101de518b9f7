package io.stratum.platform.rest;

import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.api.UserDTO;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;

/**
 * A JAAS login module for the tests, shaped like Stratum's (platform-security): it asks the platform
 * ({@link PlatformAccess#authenticate}) and gives the subject a {@link UserPrincipal} and the role {@code stratum}
 * (and {@code admin} for platform admins). {@link #configuration} makes a JAAS configuration whose realm
 * {@code karaf} is this module, for a real {@link javax.security.auth.login.LoginContext}.
 */
public final class FakeLoginModule implements LoginModule {

    static final String ACCESS = "access";
    static final String ROLE = "role";

    private Subject subject;
    private CallbackHandler handler;
    private PlatformAccess access;
    private String role;
    private UserDTO user;

    /**
     * @param access the platform whose users log in
     * @param role the role every user gets
     * @return a JAAS configuration with the realm {@code karaf}
     */
    static Configuration configuration(PlatformAccess access, String role) {
        return new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return "karaf".equals(name) ? new AppConfigurationEntry[] {new AppConfigurationEntry(
                        FakeLoginModule.class.getName(), AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                        Map.of(ACCESS, access, ROLE, role))} : null;
            }
        };
    }

    @Override
    public void initialize(Subject subject, CallbackHandler handler, Map<String, ?> sharedState,
            Map<String, ?> options) {
        this.subject = subject;
        this.handler = handler;
        this.access = (PlatformAccess) options.get(ACCESS);
        this.role = (String) options.get(ROLE);
    }

    @Override
    public boolean login() throws LoginException {
        NameCallback name = new NameCallback("user: ");
        PasswordCallback password = new PasswordCallback("password: ", false);
        try {
            handler.handle(new Callback[] {name, password});
        } catch (IOException | UnsupportedCallbackException e) {
            throw new LoginException(e.toString());
        }
        Optional<UserDTO> found = access.authenticate(name.getName(), password.getPassword());
        password.clearPassword();
        user = found.orElseThrow(() -> new FailedLoginException("wrong user name or password"));
        return true;
    }

    @Override
    public boolean commit() {
        subject.getPrincipals().add(new UserPrincipal(user.name()));
        subject.getPrincipals().add(new RolePrincipal(role));
        if (user.platformAdmin()) {
            subject.getPrincipals().add(new RolePrincipal("admin"));
        }
        return true;
    }

    @Override
    public boolean abort() {
        return logout();
    }

    @Override
    public boolean logout() {
        subject.getPrincipals().clear();
        user = null;
        return true;
    }
}
