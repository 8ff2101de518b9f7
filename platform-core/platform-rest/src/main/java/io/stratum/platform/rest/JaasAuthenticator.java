package io.stratum.platform.rest;

import io.stratum.platform.api.UserEvents;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Principal;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks HTTP Basic credentials through a JAAS realm: Karaf's {@code karaf} realm, which Stratum's login module
 * (platform-security) backs with the platform's own users, so the REST API has the same users as SSH and the web
 * console. A login succeeds when the realm accepts the name and password and gives the subject a
 * {@link UserPrincipal} and the required {@link RolePrincipal} ({@code stratum}, which Stratum's realm gives every
 * user); the user principal's name is the caller.
 * <p>
 * The realm hashes passwords slowly (PBKDF2, on purpose), which every request with Basic credentials would pay. A
 * successful login is therefore remembered for {@link RestConfig#loginCacheSeconds()}: per user, an HMAC-SHA256 of
 * the password under a key drawn at random when this component starts (never the password; never written anywhere),
 * compared in constant time. Only the same password matches; a wrong one goes to the realm. When a user is deleted or
 * their password changes ({@link UserEvents#TOPIC_CHANGED}), what is remembered of them is forgotten at once, and a
 * login that was in flight while it happened is not remembered.
 * <p>
 * {@link LoginContext} loads the realm's login module (Karaf's {@code ProxyLoginModule}) through the thread's context
 * class loader, which inside a servlet is the web container's: it is set to this bundle's loader for the login
 * (the bundle imports {@code org.apache.karaf.jaas.boot} for that, see {@code bnd.bnd}).
 */
@Component(service = {Authenticator.class, EventHandler.class}, configurationPid = RestConfig.PID,
        property = EventConstants.EVENT_TOPIC + "=" + UserEvents.TOPIC_CHANGED)
public final class JaasAuthenticator implements Authenticator, EventHandler {

    private static final Logger LOG = LoggerFactory.getLogger(JaasAuthenticator.class);
    /** More remembered logins than this and the expired ones are dropped (all, if none has expired). */
    private static final int MAX_REMEMBERED = 10_000;

    private final String realm;
    private final Configuration configuration;
    private final String requiredRole;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final SecretKeySpec key;
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();
    private final AtomicLong forgets = new AtomicLong();

    private record Remembered(String name, byte[] mac, long expiresNanos) {
    }

    /**
     * @param config the realm, the required role and how long logins are remembered
     */
    @Activate
    public JaasAuthenticator(RestConfig config) {
        this(config.realm(), null, config.requiredRole(), Duration.ofSeconds(Math.max(0, config.loginCacheSeconds())),
                System::nanoTime);
    }

    /**
     * @param realm the JAAS realm's name
     * @param configuration the JAAS configuration that has it, or {@code null} for the installed one (Karaf's)
     * @param requiredRole the role a login needs, or empty for none
     * @param remember how long a successful login is remembered (zero: never)
     * @param nanoTime the clock of that
     */
    JaasAuthenticator(String realm, Configuration configuration, String requiredRole, Duration remember,
            LongSupplier nanoTime) {
        this.realm = realm;
        this.configuration = configuration;
        this.requiredRole = requiredRole == null ? "" : requiredRole.strip();
        this.ttlNanos = remember.toNanos();
        this.nanoTime = nanoTime;
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
    }

    @Override
    public Optional<String> authenticate(String user, char[] password) {
        if (user == null || user.isEmpty() || password == null) {
            return Optional.empty();
        }
        byte[] mac = ttlNanos > 0 ? mac(user, password) : null;
        if (mac != null) {
            Remembered r = remembered.get(user);
            if (r != null && nanoTime.getAsLong() - r.expiresNanos() < 0 && MessageDigest.isEqual(r.mac(), mac)) {
                return Optional.of(r.name());
            }
        }
        long forgetsBefore = forgets.get();
        Optional<String> name = login(user, password);
        if (mac != null && name.isPresent()) {
            remember(user, new Remembered(name.get(), mac, nanoTime.getAsLong() + ttlNanos), forgetsBefore);
        }
        return name;
    }

    private void remember(String user, Remembered r, long forgetsBefore) {
        if (remembered.size() >= MAX_REMEMBERED) {
            long now = nanoTime.getAsLong();
            remembered.values().removeIf(e -> now - e.expiresNanos() >= 0);
            if (remembered.size() >= MAX_REMEMBERED) {
                remembered.clear();
            }
        }
        remembered.put(user, r);
        if (forgets.get() != forgetsBefore) {
            // a user changed while the realm checked this login: it may have checked the old password
            remembered.remove(user, r);
        }
    }

    /** Forgets the logins of a user who was deleted or whose password changed. */
    @Override
    public void handleEvent(Event event) {
        Object user = event.getProperty(UserEvents.USER);
        forgets.incrementAndGet();
        if (user == null) {
            remembered.clear();
            return;
        }
        remembered.entrySet().removeIf(e -> e.getKey().equals(user) || e.getValue().name().equals(user));
    }

    private Optional<String> login(String user, char[] password) {
        Subject subject = new Subject();
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(JaasAuthenticator.class.getClassLoader());
        try {
            LoginContext context = new LoginContext(realm, subject, callbacks -> {
                for (Callback c : callbacks) {
                    if (c instanceof NameCallback n) {
                        n.setName(user);
                    } else if (c instanceof PasswordCallback p) {
                        p.setPassword(password); // copied by the callback
                    } else {
                        throw new UnsupportedCallbackException(c, "the REST API has only a user name and password");
                    }
                }
            }, configuration);
            context.login();
            try {
                Optional<String> name = subject.getPrincipals(UserPrincipal.class).stream().map(Principal::getName)
                        .findFirst();
                boolean hasRole = requiredRole.isEmpty() || subject.getPrincipals(RolePrincipal.class).stream()
                        .anyMatch(r -> requiredRole.equals(r.getName()));
                if (name.isEmpty() || !hasRole) {
                    LOG.info("REST login of '{}' refused: the {} realm accepted it but gave it {}", user, realm,
                            name.isEmpty() ? "no user principal" : "not the role '" + requiredRole + "'");
                    return Optional.empty();
                }
                return name;
            } finally {
                try {
                    context.logout();
                } catch (LoginException e) {
                    LOG.debug("JAAS logout after a REST login failed: {}", e.toString());
                }
            }
        } catch (FailedLoginException e) {
            LOG.debug("REST login of '{}' refused by the {} realm", user, realm);
            return Optional.empty();
        } catch (LoginException e) { // not a wrong password: the realm is missing or broken
            LOG.warn("REST login of '{}' failed in the {} realm: {}", user, realm, e.getMessage());
            return Optional.empty();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    private byte[] mac(String user, char[] password) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] secret = new byte[bytes.remaining()];
        bytes.get(secret);
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            m.update(user.getBytes(StandardCharsets.UTF_8));
            m.update((byte) 0);
            return m.doFinal(secret);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        } finally {
            Arrays.fill(secret, (byte) 0);
            if (bytes.hasArray()) {
                Arrays.fill(bytes.array(), (byte) 0);
            }
        }
    }
}
