package io.stratum.platform.osb.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.UpdateAccess;
import io.stratum.platform.api.UpdateService;
import io.stratum.platform.spi.store.DataStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Open Service Broker API v2.17 at {@code /osb/v2/*} on Karaf's HTTP service (an OSGi HTTP whiteboard servlet):
 * {@code GET /osb/v2/catalog}, {@code PUT|PATCH|GET|DELETE /osb/v2/service_instances/:id} (and
 * {@code .../last_operation}), {@code PUT|GET|DELETE .../service_bindings/:id} (and {@code .../last_operation}).
 * <p>
 * Every request needs the broker's own login (basic authentication; {@code 401} otherwise, and for every request
 * while none is configured) and {@code X-Broker-API-Version} 2.13 or a later 2.x ({@code 412} otherwise). It acts as
 * the platform component {@code system:osb} via {@code osb}; the {@code X-Broker-API-Originating-Identity} (the
 * platform's user) and {@code X-Broker-API-Request-Identity} are recorded as the cause of every job it starts, and the
 * request identity is echoed in the answer. What each request does is {@link Broker}'s.
 * <p>
 * Configuration PID {@value #PID} ({@code etc/io.stratum.osb.cfg}), changes taken without a restart.
 */
@Component(service = Servlet.class, configurationPid = OsbServlet.PID, property = {
        "osgi.http.whiteboard.servlet.pattern=/osb/v2/*",
        "osgi.http.whiteboard.servlet.name=stratum-osb"})
@Designate(ocd = OsbServlet.Config.class)
public final class OsbServlet extends HttpServlet {

    /** The configuration's PID. */
    public static final String PID = "io.stratum.osb";

    /** Configuration (PID {@value #PID}). */
    @ObjectClassDefinition(name = "Stratum Open Service Broker")
    public @interface Config {
        @AttributeDefinition(description = "The user name platforms log in to the broker with (not a Stratum user)")
        String username() default "";

        @AttributeDefinition(description = "PBKDF2 hash of the broker's password, pbkdf2-sha512$<iterations>$<salt>$"
                + "<hash>; make it with java -cp <platform-osb jar> io.stratum.platform.osb.internal.BrokerPassword")
        String passwordHash() default "";

        @AttributeDefinition(description = "Seconds a platform is asked to wait between polls of an operation in "
                + "progress (Retry-After; 1 to 3600)")
        int retryAfterSeconds() default 2;

        @AttributeDefinition(description = "UUID under which catalog ids are made; empty: one made on the first start "
                + "and kept in the store (set it to keep ids when moving to a new store)")
        String catalogNamespace() default "";
    }

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(OsbServlet.class);
    private static final Pattern VERSION = Pattern.compile("2\\.(\\d{1,4})");
    private static final int OLDEST_MINOR = 13;
    private static final int MAX_BODY = 1 << 20;
    private static final Pattern INSTANCE = Pattern.compile("/service_instances/([^/]+)(/last_operation)?");
    private static final Pattern BINDING = Pattern.compile(
            "/service_instances/([^/]+)/service_bindings/([^/]+)(/last_operation)?");

    private final transient PlatformAccess access;
    private final transient BrokerStore store;
    private final transient UUID storedNamespace;
    private transient volatile BrokerCredentials credentials;
    private transient volatile Broker broker;

    /** Served by the update bundle (upgrades asked for with a newer maintenance_info), when it is there. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile UpdateAccess updates;

    /**
     * @param access the way into the platform
     * @param dataStore the store (the broker's tables are migrated here)
     * @param properties the configuration {@link Config} describes
     */
    @Activate
    public OsbServlet(@Reference PlatformAccess access, @Reference DataStore dataStore,
            Map<String, Object> properties) {
        this.access = access;
        this.store = new BrokerStore(dataStore);
        this.storedNamespace = store.namespace();
        configure(properties);
    }

    /**
     * Takes a configuration change without a restart.
     *
     * @param properties the new configuration
     */
    @Modified
    public void modified(Map<String, Object> properties) {
        configure(properties);
    }

    private void configure(Map<String, Object> properties) {
        BrokerCredentials next = new BrokerCredentials(string(properties, "username"),
                string(properties, "passwordHash"));
        int retryAfter = 2;
        String value = string(properties, "retryAfterSeconds");
        if (!value.isEmpty()) {
            try {
                retryAfter = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                retryAfter = -1;
            }
            if (retryAfter < 1 || retryAfter > 3600) {
                LOG.warn("configuration {}: retryAfterSeconds = '{}' refused (allowed: a whole number from 1 to 3600); "
                        + "using 2; fix etc/{}.cfg", PID, value, PID);
                retryAfter = 2;
            }
        }
        UUID namespace = storedNamespace;
        String configured = string(properties, "catalogNamespace").strip();
        if (!configured.isEmpty()) {
            try {
                namespace = UUID.fromString(configured);
            } catch (IllegalArgumentException e) {
                LOG.warn("configuration {}: catalogNamespace = '{}' is not a UUID; using the one in the store ({}); "
                        + "fix etc/{}.cfg", PID, configured, storedNamespace, PID);
            }
        }
        if (next.problem() != null) {
            // not set up at all is how Stratum comes (the broker is off until an operator turns it on): INFO, so that a
            // clean first boot logs no warning; credentials that are set but wrong are a mistake to fix: WARN
            boolean unset = string(properties, "username").isBlank() && string(properties, "passwordHash").isBlank();
            String text = "The Open Service Broker at /osb/v2 answers every request with 401: {}. Set username and "
                    + "passwordHash in etc/{}.cfg; make the hash with: java -cp system/io/stratum/platform-osb/<version>/"
                    + "platform-osb-<version>.jar io.stratum.platform.osb.internal.BrokerPassword";
            if (unset) {
                LOG.info(text, next.problem(), PID);
            } else {
                LOG.warn(text, next.problem(), PID);
            }
        } else {
            LOG.info("Open Service Broker at /osb/v2: platforms log in as '{}'; catalog ids under {}",
                    string(properties, "username").strip(), namespace);
        }
        this.broker = new Broker(store, namespace, retryAfter);
        this.credentials = next;
    }

    private static String string(Map<String, Object> properties, String key) {
        Object v = properties.get(key);
        return v == null ? "" : v.toString();
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String requestIdentity = req.getHeader("X-Broker-API-Request-Identity");
        if (requestIdentity != null) {
            resp.setHeader("X-Broker-API-Request-Identity", requestIdentity);
        }
        String method = req.getMethod();
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        Broker.Reply reply;
        try {
            if (!credentials.accepts(req.getHeader("Authorization"))) {
                resp.setHeader("WWW-Authenticate", "Basic realm=\"Stratum Open Service Broker\", charset=\"UTF-8\"");
                reply = Broker.Reply.of(401, error("Unauthorized", "log in with the broker's user name and password "
                        + "(etc/" + PID + ".cfg); Stratum's own users cannot use the broker"));
            } else {
                checkVersion(req.getHeader("X-Broker-API-Version"));
                String cause = cause(req.getHeader("X-Broker-API-Originating-Identity"), requestIdentity);
                Caller caller = Caller.system("osb", Caller.VIA_OSB).because(cause);
                PlatformService platform = access.as(caller);
                reply = route(platform, () -> updates(caller), method, path, req);
                if (!method.equals("GET")) {
                    LOG.info("OSB {} {}: {}{}", method, path, reply.status(), cause.isEmpty() ? "" : " (" + cause + ")");
                }
            }
        } catch (OsbException e) {
            reply = Broker.Reply.of(e.status(), error(e.error(), e.getMessage()));
            if (e.status() == 405) {
                resp.setHeader("Allow", e.getMessage().substring(e.getMessage().indexOf(':') + 2));
            }
        } catch (PlatformException e) {
            boolean unavailable = e.reason() == PlatformException.Reason.UNAVAILABLE;
            if (!unavailable) {
                logFailure(method, path, e);
            }
            reply = Broker.Reply.of(unavailable ? 503 : 500, error(unavailable ? "Unavailable" : "InternalError",
                    e.getMessage()));
        } catch (RuntimeException e) {
            logFailure(method, path, e);
            reply = Broker.Reply.of(500, error("InternalError", "the broker failed (" + e.getClass().getSimpleName()
                    + "); see Stratum's log"));
        }
        resp.setStatus(reply.status());
        if (reply.retryAfter() > 0) {
            resp.setHeader("Retry-After", Integer.toString(reply.retryAfter()));
        }
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.getOutputStream().write(Requests.JSON.writeValueAsBytes(reply.body()));
    }

    /**
     * @param caller the broker's caller
     * @return the update manager for it
     * @throws PlatformException UNAVAILABLE (503) without the update bundle
     */
    private UpdateService updates(Caller caller) {
        UpdateAccess u = updates;
        if (u == null) {
            throw new PlatformException(PlatformException.Reason.UNAVAILABLE, "upgrades are not available: the update "
                    + "bundle (io.stratum.platform-update) is not installed or not active in this Stratum");
        }
        return u.as(caller);
    }

    private Broker.Reply route(PlatformService p, Supplier<UpdateService> updates, String method, String path,
            HttpServletRequest req) throws IOException {
        Broker b = broker;
        boolean async = "true".equals(req.getParameter("accepts_incomplete"));
        if (path.equals("/catalog")) {
            allow(method, "GET");
            return b.catalog(p);
        }
        Matcher m = BINDING.matcher(path);
        if (m.matches()) {
            String instance = m.group(1);
            String binding = m.group(2);
            if (m.group(3) != null) {
                allow(method, "GET");
                return b.bindingLastOperation(p, instance, binding, req.getParameter("operation"));
            }
            return switch (method) {
                case "PUT" -> b.bind(p, instance, binding, async, body(req));
                case "GET" -> b.fetchBinding(p, instance, binding);
                case "DELETE" -> b.unbind(p, instance, binding, async, req.getParameter("service_id"),
                        req.getParameter("plan_id"));
                default -> throw notAllowed("GET, PUT, DELETE");
            };
        }
        m = INSTANCE.matcher(path);
        if (m.matches()) {
            String instance = m.group(1);
            if (m.group(2) != null) {
                allow(method, "GET");
                return b.lastOperation(p, updates, instance, req.getParameter("operation"));
            }
            return switch (method) {
                case "PUT" -> b.provision(p, instance, async, body(req));
                case "PATCH" -> b.update(p, updates, instance, async, body(req));
                case "GET" -> b.fetchInstance(p, instance);
                case "DELETE" -> b.deprovision(p, instance, async, req.getParameter("service_id"),
                        req.getParameter("plan_id"));
                default -> throw notAllowed("GET, PUT, PATCH, DELETE");
            };
        }
        throw OsbException.notFound("no such endpoint: " + method + " /osb/v2" + path + " (see the Open Service Broker "
                + "API v2.17)");
    }

    private static void allow(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw notAllowed(allowed);
        }
    }

    private static OsbException notAllowed(String allowed) {
        return new OsbException(405, "MethodNotAllowed", "allowed: " + allowed);
    }

    private static JsonNode body(HttpServletRequest req) throws IOException {
        String type = req.getContentType();
        if (type != null && !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw OsbException.badRequest("the body must be JSON (Content-Type: application/json), not " + type);
        }
        byte[] bytes;
        try (InputStream in = req.getInputStream()) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) {
            throw OsbException.badRequest("the body is larger than " + MAX_BODY + " bytes");
        }
        if (bytes.length == 0) {
            throw OsbException.badRequest("the request needs a JSON body");
        }
        try {
            return Requests.JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw OsbException.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static void checkVersion(String header) {
        if (header == null || header.isBlank()) {
            throw new OsbException(412, "PreconditionFailed", "the X-Broker-API-Version header is required; this "
                    + "broker speaks 2." + OLDEST_MINOR + " to 2.17 (send 2.17)");
        }
        Matcher m = VERSION.matcher(header.strip());
        if (!m.matches() || Integer.parseInt(m.group(1)) < OLDEST_MINOR) {
            throw new OsbException(412, "PreconditionFailed", "X-Broker-API-Version " + header.strip() + " is not "
                    + "supported; this broker speaks 2." + OLDEST_MINOR + " to 2.17 (send 2.17)");
        }
    }

    /**
     * @return what the audit trail records as the cause of the jobs of a request: the platform's user, as the
     *     {@code X-Broker-API-Originating-Identity} header names them (its JSON decoded), and the request identity
     * @throws OsbException 400 if the originating identity is not {@code <platform> <base64 of a JSON object>}
     */
    static String cause(String originatingIdentity, String requestIdentity) {
        StringBuilder out = new StringBuilder();
        if (originatingIdentity != null && !originatingIdentity.isBlank()) {
            String[] parts = originatingIdentity.strip().split(" ", 2);
            JsonNode identity;
            try {
                if (parts.length != 2) {
                    throw new IllegalArgumentException("no value");
                }
                identity = Requests.JSON.readTree(Base64.getDecoder().decode(parts[1].strip()));
            } catch (IllegalArgumentException | IOException e) {
                identity = null;
            }
            if (identity == null || !identity.isObject() || !parts[0].matches("[\\x21-\\x7e]{1,64}")) {
                throw OsbException.badRequest("X-Broker-API-Originating-Identity must be '<platform> <Base64 of a "
                        + "JSON object>'");
            }
            out.append(parts[0]).append(" user ").append(compact(identity));
        }
        if (requestIdentity != null && !requestIdentity.isBlank()) {
            out.append(out.length() == 0 ? "" : ", ").append("request ")
                    .append(requestIdentity.strip().replaceAll("[^\\x21-\\x7e]", "?"));
        }
        String cause = out.toString();
        return cause.length() <= 900 ? cause : cause.substring(0, 899) + "…";
    }

    private static String compact(JsonNode identity) {
        try {
            return Requests.JSON.writeValueAsString(identity);
        } catch (JsonProcessingException e) {
            return "?";
        }
    }

    private static Map<String, Object> error(String error, String description) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("error", error);
        out.put("description", description == null || description.isEmpty() ? error : description);
        return out;
    }

    /**
     * Logs a failure inside Stratum by the exception's class only: its message may carry what it was handed (a
     * binding, a password), so the stack trace with messages is logged at DEBUG only.
     */
    private static void logFailure(String method, String path, Throwable e) {
        LOG.error("OSB {} {} failed inside Stratum with {}; the stack trace is logged at DEBUG", method, path,
                e.getClass().getName());
        LOG.debug("OSB {} {} failed", method, path, e);
    }
}
