package io.stratum.platform.webconsole;

import static io.stratum.platform.webconsole.Html.esc;

import io.stratum.platform.api.UserEvents;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Principal;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
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
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.felix.webconsole.WebConsoleSecurityProvider;
import org.apache.felix.webconsole.WebConsoleSecurityProvider2;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console's login, and which part of the console each user may open: platform admins (Karaf role
 * {@code admin}) every page; every other Stratum user (role {@code stratum}: the members of accounts, "tenants") only
 * the Stratum pages, where the platform decides on every call what their accounts let them see and do; anyone else
 * nothing.
 * <p>
 * <b>Why a security provider.</b> The Felix Web Console in Karaf 4.4.10 (4.8.12) has no per-page authorization: for
 * every request to its servlet and its static resources it asks one {@link WebConsoleSecurityProvider}, the one with
 * the highest service ranking, and runs whatever page the path names. Karaf registers its
 * {@code JaasSecurityProvider} (ranking 0), which admits only the one role of {@code etc/org.apache.karaf.webconsole.cfg}
 * to all pages, and whose {@code authorize(user, role)} answers yes to everything. Lowering that role to
 * {@code stratum} would hand tenants the bundles, the configuration manager and the Gogo shell. A
 * {@link WebConsoleSecurityProvider2} is given the whole request before any page runs, so this one (ranking
 * {@value #RANKING}) decides by the path: it logs in through the same JAAS realm as Karaf's (Stratum's users), and
 * admits a tenant only to {@code <root>/stratum} and below, the console's static files ({@code <root>/res/}) and
 * {@code <root>/logout}; {@code <root>} itself sends a tenant to the Stratum pages; any other path is answered 403
 * with a message saying where they can go. If this bundle stops, Karaf's provider is used again and only platform
 * admins get in: the console fails closed.
 * <p>
 * Like Karaf's provider it sets the JAAS subject as the request attribute {@value ConsoleUser#KARAF_SUBJECT} (Karaf's
 * console runs the page as that subject, and the Stratum pages act for its user), the user name as the remote user,
 * and the subject as the console's {@link WebConsoleSecurityProvider2#USER_ATTRIBUTE}; it adds the user's
 * {@link ConsoleScope}. Unlike it, it keeps nothing in the HTTP session (Karaf's re-admits a session's subject without
 * looking at the credentials the request carries; a subject a Stratum login put there would give a tenant the whole
 * console if Karaf's provider took over).
 * <p>
 * The realm hashes passwords slowly on purpose, which every request with Basic credentials would pay (a page loads a
 * dozen files, a job page polls every second). A successful login is therefore remembered for
 * {@link ConsoleSecurityConfig#loginCacheSeconds()}, as the REST API does: per user, an HMAC-SHA256 of the password
 * under a key drawn at random when this component starts (never the password), compared in constant time; a user
 * deleted or whose password changed ({@link UserEvents#TOPIC_CHANGED}) is forgotten at once.
 */
@Component(service = {WebConsoleSecurityProvider.class, WebConsoleSecurityProvider2.class, EventHandler.class},
        configurationPid = ConsoleSecurityConfig.PID, property = {
            Constants.SERVICE_RANKING + ":Integer=" + ConsoleSecurity.RANKING,
            EventConstants.EVENT_TOPIC + "=" + UserEvents.TOPIC_CHANGED})
@Designate(ocd = ConsoleSecurityConfig.class)
public final class ConsoleSecurity implements WebConsoleSecurityProvider2, EventHandler {

    /** Above Karaf's own provider (no ranking: 0), which the console would otherwise ask. */
    static final int RANKING = 100;
    /** Where the HTTP service's spec puts the user name (HttpContext.REMOTE_USER). */
    static final String REMOTE_USER = ConsoleUser.REMOTE_USER;
    /** Where the HTTP service's spec puts the authentication scheme (HttpContext.AUTHENTICATION_TYPE). */
    static final String AUTHENTICATION_TYPE = "org.osgi.service.http.authentication.type";

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleSecurity.class);
    /** More remembered logins than this and the expired ones are dropped (all, if none has expired). */
    private static final int MAX_REMEMBERED = 10_000;

    /** What a request may do, by the user's scope and the path. */
    enum Decision {
        /** Run the page. */
        ADMIT,
        /** A tenant at the console's root: sent to the Stratum pages. */
        TO_STRATUM,
        /** A tenant asking for a page other than the Stratum pages: 403. */
        PAGE_REFUSED,
        /** A user with neither role: 403 on every page. */
        USER_REFUSED
    }

    /** A user the realm logged in: the name it gave, the subject, the roles. */
    record Login(String name, Subject subject, Set<String> roles) {
    }

    private record Remembered(Login login, byte[] mac, long expiresNanos) {
    }

    private final String realm;
    private final Configuration configuration;
    private final String adminRole;
    private final String tenantRole;
    private final String managerRoot;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final SecretKeySpec key;
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();
    private final AtomicLong forgets = new AtomicLong();

    /**
     * @param config the realm, the two roles, the console's root and how long logins are remembered
     */
    @Activate
    public ConsoleSecurity(ConsoleSecurityConfig config) {
        this(config.realm(), null, config.adminRole(), config.tenantRole(), config.managerRoot(),
                Duration.ofSeconds(Math.max(0, config.loginCacheSeconds())), System::nanoTime);
    }

    /**
     * @param realm the JAAS realm's name
     * @param configuration the JAAS configuration that has it, or {@code null} for the installed one (Karaf's)
     * @param adminRole the role that opens every page
     * @param tenantRole the role that opens the Stratum pages
     * @param managerRoot the console's root path, e.g. {@code /system/console}
     * @param remember how long a successful login is remembered (zero: never)
     * @param nanoTime the clock of that
     */
    ConsoleSecurity(String realm, Configuration configuration, String adminRole, String tenantRole,
            String managerRoot, Duration remember, LongSupplier nanoTime) {
        this.realm = realm;
        this.configuration = configuration;
        this.adminRole = adminRole == null ? "" : adminRole.strip();
        this.tenantRole = tenantRole == null ? "" : tenantRole.strip();
        String root = managerRoot == null ? "" : managerRoot.strip();
        this.managerRoot = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        this.ttlNanos = remember.toNanos();
        this.nanoTime = nanoTime;
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
    }

    /**
     * Logs in the request's HTTP Basic credentials and decides whether its user may open the page it asks for. When
     * it may not, the answer is sent (and committed) here: 401 asking for credentials (none, or wrong ones), a
     * redirect to the Stratum pages, or 403 with what the user may open instead. Pax Web 8 (Karaf's HTTP service)
     * replaces the answer to a refused request that is not yet committed with a bare 403.
     *
     * @return {@code true} if the console may run the page, with the request attributes set
     */
    @Override
    public boolean authenticate(HttpServletRequest request, HttpServletResponse response) {
        Optional<Login> login = basic(request.getHeader("Authorization")).flatMap(c -> login(c.user(), c.password()));
        try {
            if (login.isEmpty()) {
                challenge(response);
                return false;
            }
            Login user = login.get();
            ConsoleScope scope = scope(user.roles());
            String path = consolePath(request);
            switch (decide(scope, path)) {
                case ADMIT -> {
                    request.setAttribute(AUTHENTICATION_TYPE, HttpServletRequest.BASIC_AUTH);
                    request.setAttribute(REMOTE_USER, user.name());
                    request.setAttribute(USER_ATTRIBUTE, user.subject());
                    request.setAttribute(ConsoleUser.KARAF_SUBJECT, user.subject());
                    request.setAttribute(ConsoleScope.ATTRIBUTE, scope);
                    return true;
                }
                case TO_STRATUM -> {
                    response.setStatus(HttpServletResponse.SC_FOUND);
                    response.setHeader("Location", stratumRoot(request));
                    response.setContentLength(0);
                    response.flushBuffer(); // committed: Pax Web answers 403 to a refusal it finds uncommitted
                    return false;
                }
                case PAGE_REFUSED -> {
                    LOG.info("Refused the web console page {} to '{}': it may open only the Stratum pages", path == null
                            ? request.getRequestURI() : managerRoot + path, user.name());
                    refuse(response, "The web console page '" + request.getRequestURI() + "' is only for platform"
                            + " administrators; nothing was done. As '" + user.name() + "' you can use the Stratum"
                            + " pages.", stratumRoot(request));
                    return false;
                }
                default -> {
                    LOG.info("Refused the web console to '{}': it has neither the role '{}' nor '{}'", user.name(),
                            adminRole, tenantRole);
                    refuse(response, "'" + user.name() + "' may not use the web console: it needs the role '"
                            + adminRole + "' (platform administrators: every page) or '" + tenantRole + "' (Stratum"
                            + " users: the Stratum pages). Ask a platform administrator; nothing was done.", null);
                    return false;
                }
            }
        } catch (IOException e) {
            LOG.debug("Could not answer a web console request that was not admitted: {}", e.toString());
            return false;
        }
    }

    /**
     * Logs in a user name and password (the console calls this only for providers without
     * {@link #authenticate(HttpServletRequest, HttpServletResponse)}, so never for this one).
     *
     * @return the JAAS subject of a user who may use some of the console, else {@code null}
     */
    @Override
    public Object authenticate(String user, String password) {
        if (password == null) {
            return null;
        }
        return login(user, password.toCharArray()).filter(l -> scope(l.roles()) != null).map(Login::subject)
                .orElse(null);
    }

    /**
     * @param user the subject this provider logged in (the console's {@link #USER_ATTRIBUTE})
     * @param role a role a plugin asks about
     * @return whether the user has that role; a platform admin has every role
     */
    @Override
    public boolean authorize(Object user, String role) {
        if (!(user instanceof Subject subject) || role == null) {
            return false;
        }
        Set<String> roles = roles(subject);
        return (!adminRole.isEmpty() && roles.contains(adminRole)) || roles.contains(role);
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
        remembered.entrySet().removeIf(e -> e.getKey().equals(user) || e.getValue().login().name().equals(user));
    }

    /**
     * @param roles the user's roles
     * @return the part of the console they open, or {@code null} for none
     */
    ConsoleScope scope(Set<String> roles) {
        if (!adminRole.isEmpty() && roles.contains(adminRole)) {
            return ConsoleScope.CONSOLE;
        }
        if (!tenantRole.isEmpty() && roles.contains(tenantRole)) {
            return ConsoleScope.STRATUM;
        }
        return null;
    }

    /**
     * @param scope the user's scope, {@code null} for none
     * @param path the path below the console's root ({@link #consolePath}), {@code null} if outside it
     * @return what the request may do
     */
    static Decision decide(ConsoleScope scope, String path) {
        if (scope == null) {
            return Decision.USER_REFUSED;
        }
        if (scope == ConsoleScope.CONSOLE) {
            return Decision.ADMIT;
        }
        if (path == null || !plain(path)) {
            return Decision.PAGE_REFUSED;
        }
        String stratum = "/" + StratumConsolePlugin.LABEL;
        if (path.equals("/")) {
            return Decision.TO_STRATUM;
        }
        if (path.equals(stratum) || path.startsWith(stratum + "/") || path.startsWith("/res/")
                || path.equals("/logout")) {
            return Decision.ADMIT;
        }
        return Decision.PAGE_REFUSED;
    }

    /** @return whether a path has no segment that could mean another path once some layer normalizes it */
    private static boolean plain(String path) {
        if (path.contains("//") || path.contains("\\") || path.contains(";") || path.indexOf('\0') >= 0
                || path.contains("%")) {
            return false;
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /**
     * The path the container mapped (servlet path and path info, decoded and normalized); if the HTTP service asks
     * before it has mapped the request, the request URI as sent, which {@link #decide} admits for a tenant only when
     * it has nothing to decode or normalize (so it is the same path).
     *
     * @return the request's path below the console's root, e.g. {@code /bundles} or {@code /stratum/jobs/4}
     *     ({@code /} for the root itself); {@code null} if it is not below the root
     */
    String consolePath(HttpServletRequest request) {
        String servletPath = request.getServletPath() == null ? "" : request.getServletPath();
        String mapped = below(servletPath + (request.getPathInfo() == null ? "" : request.getPathInfo()));
        if (mapped != null) {
            return mapped;
        }
        String uri = request.getRequestURI() == null ? "" : request.getRequestURI();
        String context = request.getContextPath() == null ? "" : request.getContextPath();
        return uri.startsWith(context) ? below(uri.substring(context.length())) : null;
    }

    private String below(String path) {
        if (path.equals(managerRoot) || path.equals(managerRoot + "/")) {
            return "/";
        }
        return path.startsWith(managerRoot + "/") ? path.substring(managerRoot.length()) : null;
    }

    private String stratumRoot(HttpServletRequest request) {
        String context = request.getContextPath() == null ? "" : request.getContextPath();
        return context + managerRoot + "/" + StratumConsolePlugin.LABEL;
    }

    private record Credentials(String user, char[] password) {
    }

    /** @return the user name and password of an HTTP Basic {@code Authorization} header, if it is one */
    private static Optional<Credentials> basic(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String h = header.strip();
        int blank = h.indexOf(' ');
        if (blank < 0 || !h.substring(0, blank).equalsIgnoreCase("Basic")) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(h.substring(blank + 1).strip());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
        Arrays.fill(bytes, (byte) 0);
        char[] pair = new char[chars.remaining()];
        chars.get(pair);
        if (chars.hasArray()) {
            Arrays.fill(chars.array(), '\0');
        }
        int colon = -1;
        for (int i = 0; i < pair.length && colon < 0; i++) {
            if (pair[i] == ':') {
                colon = i;
            }
        }
        if (colon <= 0) {
            Arrays.fill(pair, '\0');
            return Optional.empty();
        }
        String user = new String(pair, 0, colon);
        char[] password = Arrays.copyOfRange(pair, colon + 1, pair.length);
        Arrays.fill(pair, '\0');
        return Optional.of(new Credentials(user, password));
    }

    /** @return the login of a user name and password (remembered, or by the realm); the password is cleared */
    Optional<Login> login(String user, char[] password) {
        try {
            if (user == null || user.isEmpty()) {
                return Optional.empty();
            }
            byte[] mac = ttlNanos > 0 ? mac(user, password) : null;
            if (mac != null) {
                Remembered r = remembered.get(user);
                if (r != null && nanoTime.getAsLong() - r.expiresNanos() < 0 && MessageDigest.isEqual(r.mac(), mac)) {
                    return Optional.of(r.login());
                }
            }
            long forgetsBefore = forgets.get();
            Optional<Login> login = realmLogin(user, password);
            if (mac != null && login.isPresent()) {
                remember(user, new Remembered(login.get(), mac, nanoTime.getAsLong() + ttlNanos), forgetsBefore);
            }
            return login;
        } finally {
            Arrays.fill(password, '\0');
        }
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

    private Optional<Login> realmLogin(String user, char[] password) {
        Subject subject = new Subject();
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        // LoginContext loads the realm's login module (Karaf's ProxyLoginModule) through the context class loader
        thread.setContextClassLoader(ConsoleSecurity.class.getClassLoader());
        try {
            LoginContext context = new LoginContext(realm, subject, callbacks -> {
                for (Callback c : callbacks) {
                    if (c instanceof NameCallback n) {
                        n.setName(user);
                    } else if (c instanceof PasswordCallback p) {
                        p.setPassword(password); // copied by the callback
                    } else {
                        throw new UnsupportedCallbackException(c, "the web console has only a user name and password");
                    }
                }
            }, configuration);
            context.login();
            Optional<String> name = subject.getPrincipals(UserPrincipal.class).stream().map(Principal::getName)
                    .filter(n -> n != null && !n.isBlank()).findFirst();
            if (name.isEmpty()) {
                LOG.warn("Web console login of '{}' refused: the {} realm accepted it but named no user", user, realm);
                return Optional.empty();
            }
            return Optional.of(new Login(name.get(), subject, roles(subject)));
        } catch (FailedLoginException e) {
            LOG.debug("Web console login of '{}' refused by the {} realm", user, realm);
            return Optional.empty();
        } catch (LoginException e) { // not a wrong password: the realm is missing or broken
            LOG.warn("Web console login of '{}' failed in the {} realm: {}", user, realm, e.getMessage());
            return Optional.empty();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    private static Set<String> roles(Subject subject) {
        return subject.getPrincipals(RolePrincipal.class).stream().map(Principal::getName)
                .collect(Collectors.toUnmodifiableSet());
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

    private void challenge(HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader("WWW-Authenticate", "Basic realm=\"" + realm + "\", charset=\"UTF-8\"");
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("text/plain;charset=utf-8");
        PrintWriter out = response.getWriter();
        out.write("Log in with your Stratum user name and password.\n");
        out.flush();
    }

    private static void refuse(HttpServletResponse response, String text, String stratum) throws IOException {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentType("text/html;charset=utf-8");
        PrintWriter out = response.getWriter();
        out.write("<!DOCTYPE html><html><head><title>Not allowed</title></head><body>"
                + StratumConsolePlugin.message(true, text)
                + (stratum == null ? "" : "<p><a id=\"stratum-pages\" href=\"" + esc(stratum) + "\">The Stratum pages"
                        + "</a></p>") + "</body></html>");
        out.flush();
    }
}
