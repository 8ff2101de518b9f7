package io.stratum.platform.security.internal;

import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.api.UserDTO;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;
import org.apache.karaf.jaas.boot.ProxyLoginModule;
import org.apache.karaf.jaas.config.JaasRealm;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Karaf's {@code karaf} JAAS realm, replaced (by rank) with one that logs in the platform's own users, so SSH, the
 * web console and (later) REST share them. There is no other login: Karaf's {@code etc/users.properties} and
 * {@code etc/keys.properties} are not consulted while this bundle runs.
 */
@Component(service = JaasRealm.class)
public final class StratumRealm implements JaasRealm {

    /** The realm Karaf's SSH server, console and web console use. */
    public static final String REALM = "karaf";
    /** Above Karaf's own realm of the same name. */
    public static final int RANK = 100;
    /** The login module option that carries the platform. */
    static final String ACCESS_OPTION = "io.stratum.platform.access";
    /** The role Karaf's SSH server asks for ({@code sshRole} in {@code etc/org.apache.karaf.shell.cfg}). */
    static final String ROLE_SSH = "ssh";
    /** The role every Stratum user has; the {@code stratum:} commands' ACL asks for it. */
    static final String ROLE_USER = "stratum";
    /** Karaf's own administrative roles, given to platform admins only. */
    static final List<String> ADMIN_ROLES = List.of("admin", "manager", "viewer", "systembundles");

    private static final Logger LOG = LoggerFactory.getLogger(StratumRealm.class);

    private final AppConfigurationEntry[] entries;

    /**
     * @param access the platform
     * @param context this bundle's context (the proxy login module loads the real one from this bundle)
     */
    @Activate
    public StratumRealm(@Reference PlatformAccess access, BundleContext context) {
        Map<String, Object> options = new HashMap<>();
        options.put(ProxyLoginModule.PROPERTY_MODULE, StratumLoginModule.class.getName());
        options.put(ProxyLoginModule.PROPERTY_BUNDLE, Long.toString(context.getBundle().getBundleId()));
        options.put(BundleContext.class.getName(), context);
        options.put(ACCESS_OPTION, access);
        entries = new AppConfigurationEntry[] {new AppConfigurationEntry(ProxyLoginModule.class.getName(),
                LoginModuleControlFlag.REQUIRED, options)};
        LOG.info("Logins (SSH, console) now use Stratum's users; etc/users.properties is not consulted");
    }

    @Override
    public String getName() {
        return REALM;
    }

    @Override
    public int getRank() {
        return RANK;
    }

    @Override
    public AppConfigurationEntry[] getEntries() {
        return entries.clone();
    }

    /**
     * @param user a user
     * @return the Karaf roles of that user
     */
    static List<String> roles(UserDTO user) {
        List<String> roles = new ArrayList<>(List.of(ROLE_SSH, ROLE_USER));
        if (user.platformAdmin()) {
            roles.addAll(ADMIN_ROLES);
        }
        return roles;
    }
}
