package io.stratum.platform.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stratum.platform.api.BackupAccess;
import io.stratum.platform.api.BackupService;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CloneAccess;
import io.stratum.platform.api.CloneService;
import io.stratum.platform.api.ElasticityAccess;
import io.stratum.platform.api.ElasticityService;
import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.UpdateAccess;
import io.stratum.platform.api.UpdateService;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.HttpWhiteboardConstants;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API: one servlet at {@code /api/v1/*} of Karaf's HTTP service, registered with the OSGi HTTP Whiteboard.
 * It finds the request's route ({@link Router}, table in {@link ApiRoutes}), logs the caller in (HTTP Basic through
 * the JAAS realm, {@link Authenticator}), checks the request's form against the route (query parameters, media type,
 * body size), runs the route's handler with the facades of that caller ({@code PlatformAccess.as(Caller.user(name,
 * "rest"))}) and writes the answer as JSON. Errors are {@code {"error": CODE, "message": text}} with the status of
 * {@link ApiException}; nothing is called on the platform before the request's form has been checked, so a 400
 * changes nothing, and the platform's own refusals change nothing either. A failure inside Stratum is a 500 with a
 * correlation id, logged without the exception's message ({@link InternalErrors}).
 * <p>
 * Why the HTTP Whiteboard and not JAX-RS: one servlet and a route table of our own need only Pax Web, which Karaf has;
 * a JAX-RS whiteboard would add CXF or Aries bundles and boot time for a table of about seventy routes.
 * <p>
 * Browsers: a request that changes something and carries an {@code Origin} other than the server's own is refused
 * (403), so a web page cannot use credentials a browser remembers for this host (no CORS is offered). Every answer
 * is {@code Cache-Control: no-store} (they may hold credentials).
 */
@Component(service = Servlet.class, configurationPid = RestConfig.PID, property = {
    HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN + "=" + RestServlet.PATTERN,
    HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME + "=stratum-rest"})
@Designate(ocd = RestConfig.class)
public final class RestServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RestServlet.class);

    /** Where the API is served. */
    static final String PATTERN = "/api/v1/*";
    /** The largest request body (an environment description is the largest thing sent). */
    static final int MAX_BODY = 1024 * 1024;
    /** How much of a refused body is read and dropped before the 413, at most (see {@link #drain}). */
    static final long DRAIN_LIMIT = 8L * 1024 * 1024;
    /** The most user names whose failed logins are remembered ({@link LoginThrottle}). */
    static final int MAX_THROTTLED_NAMES = 10_000;
    /** The challenge of a 401. */
    static final String CHALLENGE = "Basic realm=\"Stratum\", charset=\"UTF-8\"";

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final Set<String> YAML = Set.of("application/yaml", "application/x-yaml", "text/yaml",
            "text/x-yaml");

    /**
     * The body of every error.
     *
     * @param error the code, e.g. {@code NOT_FOUND}
     * @param message what went wrong and what to do
     */
    record ErrorBody(String error, String message) {
    }

    private final transient PlatformAccess access;
    private final transient Authenticator authenticator;
    private final transient LoginThrottle throttle;
    private final transient Supplier<BackupAccess> backupAccess;
    private final transient Supplier<CloneAccess> cloneAccess;
    private final transient Supplier<ElasticityAccess> elasticityAccess;
    private final transient Supplier<UpdateAccess> updateAccess;
    private final transient ObjectMapper mapper;
    private final transient JobStreams streams;
    private final transient Router router;
    private final transient InternalErrors internalErrors = new InternalErrors(LOG,
            () -> UUID.randomUUID().toString().substring(0, 8));
    private final byte[] openApi;

    /** Served by the backup bundle, when it is there. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile BackupAccess backups;

    /** Served by the clone bundle, when it is there. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile CloneAccess clones;

    /** Served by the elasticity bundle (metrics, alerts, scaling policies), when it is there. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ElasticityAccess elasticity;

    /** Served by the update bundle (SDP versions, patches, updates, maintenance windows), when it is there. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile UpdateAccess updates;

    /**
     * @param access the platform
     * @param authenticator checks credentials
     * @param config limits
     */
    @Activate
    public RestServlet(@Reference PlatformAccess access, @Reference Authenticator authenticator, RestConfig config) {
        this.access = access;
        this.authenticator = authenticator;
        this.throttle = new LoginThrottle(config.loginFailuresAllowed(),
                Duration.ofSeconds(Math.max(0, config.loginFailureWindowSeconds())),
                Duration.ofSeconds(Math.max(1, config.loginMaxDelaySeconds())), MAX_THROTTLED_NAMES, System::nanoTime);
        this.backupAccess = () -> backups;
        this.cloneAccess = () -> clones;
        this.elasticityAccess = () -> elasticity;
        this.updateAccess = () -> updates;
        this.mapper = Json.mapper();
        this.streams = new JobStreams(mapper, Duration.ofSeconds(Math.max(0, config.maxWaitSeconds())),
                Duration.ofSeconds(Math.max(1, config.heartbeatSeconds())), config.maxStreams());
        this.router = new Router(new ApiRoutes(streams, new SecureRandom(), this::openApi).routes());
        this.openApi = serialize(OpenApi.document(router.routes(), mapper));
        LOG.info("REST API at {} ({} operations; HTTP Basic through the JAAS realm '{}'); its OpenAPI document at "
                + "/api/v1/openapi.json", PATTERN, router.routes().size(), config.realm());
    }

    /** Ends open long polls and event streams when the component goes (the container may still hold requests). */
    @Deactivate
    void deactivate() {
        streams.close();
    }

    /**
     * For tests: the servlet without OSGi.
     *
     * @param access the platform
     * @param authenticator checks credentials
     * @param backupAccess the backups, or a supplier of {@code null} when absent
     * @param cloneAccess the clones, or a supplier of {@code null} when absent
     * @param elasticityAccess metrics, alerts and policies, or a supplier of {@code null} when absent
     * @param updateAccess SDP versions, patches, updates and windows, or a supplier of {@code null} when absent
     * @param maxWait the longest long poll
     * @param heartbeat the time between keep-alive comments of event streams
     * @param maxStreams the most long polls and event streams at once
     * @param throttle delays user names after failed logins
     */
    RestServlet(PlatformAccess access, Authenticator authenticator, Supplier<BackupAccess> backupAccess,
            Supplier<CloneAccess> cloneAccess, Supplier<ElasticityAccess> elasticityAccess,
            Supplier<UpdateAccess> updateAccess, Duration maxWait, Duration heartbeat, int maxStreams,
            LoginThrottle throttle) {
        this.access = access;
        this.authenticator = authenticator;
        this.throttle = throttle;
        this.backupAccess = backupAccess;
        this.cloneAccess = cloneAccess;
        this.elasticityAccess = elasticityAccess;
        this.updateAccess = updateAccess;
        this.mapper = Json.mapper();
        this.streams = new JobStreams(mapper, maxWait, heartbeat, maxStreams);
        this.router = new Router(new ApiRoutes(streams, new SecureRandom(), this::openApi).routes());
        this.openApi = serialize(OpenApi.document(router.routes(), mapper));
    }

    /** @return the route table this servlet serves */
    Router router() {
        return router;
    }

    @Override
    public void destroy() {
        streams.close();
        super.destroy();
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String method = req.getMethod();
        boolean head = "HEAD".equals(method);
        try {
            List<String> segments = segments(req.getPathInfo());
            if ("OPTIONS".equals(method)) {
                options(segments, resp);
                return;
            }
            Router.Match match = router.match(method, segments);
            Route route = match.route();
            String user = route.open ? null : authenticate(req);
            refuseCrossOrigin(req, method);
            Map<String, String> query = query(req.getQueryString(), route);
            acceptable(req, route);
            byte[] body = body(req, route);
            Exchange x = new Exchange(req, resp, route, match.pathValues(), query, body, mapper, user,
                    user == null ? null : access.as(Caller.user(user, Caller.VIA_REST)),
                    () -> backups(user), () -> clones(user), () -> elasticity(user), () -> updates(user));
            if (head && "text/event-stream".equals(route.produces)) { // the headers of a stream, not the stream
                x.platform().getJob(x.pathId("id", "job"));
                resp.setStatus(200);
                resp.setContentType("text/event-stream;charset=UTF-8");
                resp.setHeader("Cache-Control", "no-store");
                return;
            }
            Reply reply = x.dryRun() ? route.preview.handle(x) : route.handler.handle(x);
            if (reply != Reply.WRITTEN) {
                write(resp, reply.status(), reply.headers(), reply.body(), head);
            }
        } catch (ApiException e) {
            error(resp, e, head);
        } catch (PlatformException e) {
            error(resp, ApiException.of(e), head);
        } catch (InterruptedException e) {
            // the interrupt was JobStreams.close() ending this request's wait; the container's thread is not asked
            // to stop, so the flag is not set again (JobStreams has cleared it)
            error(resp, new ApiException(503, Reason.UNAVAILABLE.name(), "the REST API is stopping; try again when "
                    + "Stratum is back", Map.of("Retry-After", "10")), head);
        } catch (Exception | LinkageError | AssertionError e) {
            error(resp, internalErrors.report(method, req.getRequestURI(), e), head);
        }
    }

    private Reply openApi(Exchange x) throws IOException {
        HttpServletResponse resp = x.response();
        resp.setStatus(200);
        resp.setContentType("application/json;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-cache");
        resp.setContentLength(openApi.length);
        if (!"HEAD".equals(x.method())) {
            resp.getOutputStream().write(openApi);
        }
        return Reply.WRITTEN;
    }

    private void options(List<String> segments, HttpServletResponse resp) throws IOException {
        Set<String> methods = router.methods(segments);
        if (methods.isEmpty()) {
            throw ApiException.notFound("no resource at this path; the API is described at /api/v1/openapi.json");
        }
        resp.setStatus(204);
        resp.setHeader("Allow", String.join(", ", methods));
        resp.setHeader("Cache-Control", "no-store");
        resp.flushBuffer();
    }

    // ------------------------------------------------------------------ login

    /**
     * @return the user the request's Basic credentials log in
     * @throws ApiException 401, the same for every failure (no credentials, malformed ones, unknown user, wrong
     *     password, a user without the required role); 429 with Retry-After for a user name refused after failed
     *     logins ({@link LoginThrottle}), whose password is then not checked
     */
    private String authenticate(HttpServletRequest req) {
        String header = req.getHeader("Authorization");
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw unauthorized();
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(header.substring(6).strip());
        } catch (IllegalArgumentException e) {
            throw unauthorized();
        }
        char[] chars = null;
        char[] password = null;
        try {
            CharBuffer cb = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(decoded));
            chars = new char[cb.remaining()];
            cb.get(chars);
            Arrays.fill(cb.array(), '\0');
            int colon = -1;
            for (int i = 0; i < chars.length; i++) {
                if (chars[i] == ':') {
                    colon = i;
                    break;
                }
            }
            if (colon <= 0) {
                throw unauthorized();
            }
            String user = new String(chars, 0, colon);
            password = Arrays.copyOfRange(chars, colon + 1, chars.length);
            Duration wait = throttle.admit(user);
            if (!wait.isZero()) {
                throw tooManyFailedLogins(wait);
            }
            Optional<String> name;
            try {
                name = authenticator.authenticate(user, password);
            } catch (RuntimeException | Error e) {
                throttle.abandoned(user);
                throw e;
            }
            if (name.isPresent()) {
                throttle.succeeded(user);
                return name.get();
            }
            Duration delay = throttle.failed(user);
            if (!delay.isZero()) {
                LOG.warn("REST logins of user name '{}' are refused for {} s after repeated failed logins",
                        printable(user), seconds(delay));
            }
            throw unauthorized();
        } catch (CharacterCodingException e) {
            throw unauthorized();
        } finally {
            Arrays.fill(decoded, (byte) 0);
            Bodies.clear(chars);
            Bodies.clear(password);
        }
    }

    private static ApiException tooManyFailedLogins(Duration wait) {
        long seconds = seconds(wait);
        return new ApiException(429, ApiException.TOO_MANY_FAILED_LOGINS, "too many failed logins with this user name; "
                + "try again in " + seconds + " s (its password is not checked until then)",
                Map.of("Retry-After", Long.toString(seconds)));
    }

    /** @return a duration in whole seconds, rounded up, at least 1 */
    private static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }

    /** @return a name offered at login as it may be logged: printable ASCII, at most 64 characters */
    private static String printable(String user) {
        String s = user.replaceAll("[^\\x20-\\x7e]", "?");
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }

    private static ApiException unauthorized() {
        return new ApiException(401, ApiException.UNAUTHORIZED, "log in with HTTP Basic: a Stratum user name and "
                + "password (wrong or missing)", Map.of("WWW-Authenticate", CHALLENGE));
    }

    /** A browser sends Origin; a change asked by a page of another origin is refused (no CORS is offered). */
    private static void refuseCrossOrigin(HttpServletRequest req, String method) {
        if (SAFE_METHODS.contains(method)) {
            return;
        }
        String origin = req.getHeader("Origin");
        if (origin == null) {
            return;
        }
        String host = req.getHeader("Host");
        String originHost;
        try {
            URI u = URI.create(origin.strip());
            originHost = u.getHost() == null ? null : u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
        } catch (IllegalArgumentException e) {
            originHost = null;
        }
        if (originHost == null || host == null || !originHost.equalsIgnoreCase(host.strip())) {
            throw new ApiException(403, ApiException.FORBIDDEN, "a change asked from a web page of another origin "
                    + "is refused; call the API from a program (no Origin header) or a page of this host",
                    Map.of());
        }
    }

    private BackupService backups(String user) {
        BackupAccess b = backupAccess.get();
        if (b == null) {
            throw new PlatformException(Reason.UNAVAILABLE, "backups are not available: the backup bundle "
                    + "(io.stratum.platform-backup) is not installed or not active in this Stratum");
        }
        return b.as(Caller.user(user, Caller.VIA_REST));
    }

    private CloneService clones(String user) {
        CloneAccess c = cloneAccess.get();
        if (c == null) {
            throw new PlatformException(Reason.UNAVAILABLE, "clones are not available: the clone bundle "
                    + "(io.stratum.platform-clone) is not installed or not active in this Stratum");
        }
        return c.as(Caller.user(user, Caller.VIA_REST));
    }

    private ElasticityService elasticity(String user) {
        ElasticityAccess e = elasticityAccess.get();
        if (e == null) {
            throw new PlatformException(Reason.UNAVAILABLE, "metrics, alerts and scaling policies are not available: "
                    + "the elasticity bundle (io.stratum.platform-elasticity) is not installed or not active in this "
                    + "Stratum; a platform admin can see its state with bundle:list and start it with bundle:start");
        }
        return e.as(Caller.user(user, Caller.VIA_REST));
    }

    private UpdateService updates(String user) {
        UpdateAccess u = updateAccess.get();
        if (u == null) {
            throw new PlatformException(Reason.UNAVAILABLE, "SDP versions, patches, updates and maintenance windows "
                    + "are not available: the update bundle (io.stratum.platform-update) is not installed or not "
                    + "active in this Stratum; a platform admin can see its state with bundle:list and start it with "
                    + "bundle:start");
        }
        return u.as(Caller.user(user, Caller.VIA_REST));
    }

    // ------------------------------------------------------------------ the request's form

    /** @return the path below {@code /api/v1}, split at {@code /}, empty segments dropped */
    static List<String> segments(String pathInfo) {
        return pathInfo == null ? List.of() : Route.segments(pathInfo);
    }

    /**
     * @return the query parameters, each declared by the route and of its type
     * @throws ApiException 400 naming the parameter that is unknown, repeated, of the wrong type, or missing
     */
    static Map<String, String> query(String raw, Route route) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name;
                String value;
                try {
                    name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw ApiException.invalid("the query string is not well-formed (a bad %-escape)");
                }
                Param p = route.queryParam(name);
                if (p == null) {
                    throw unknownParameter(name, route);
                }
                if (out.put(name, value) != null) {
                    throw ApiException.invalid("query parameter '" + name + "' is given twice");
                }
                checkType(p, value);
            }
        }
        for (Param p : route.query) {
            if (p.required() && !out.containsKey(p.name())) {
                throw ApiException.invalid("query parameter '" + p.name() + "' is required: " + p.description());
            }
        }
        return out;
    }

    private static ApiException unknownParameter(String name, Route route) {
        if (name.equalsIgnoreCase(Route.DRY_RUN)) {
            return ApiException.invalid(route.preview == null
                    ? "this operation has no dry run (nothing was done); leave out '" + name + "'"
                    : "the dry run parameter is spelt 'dryRun' (nothing was done)");
        }
        String known = route.query.stream().map(Param::name).collect(Collectors.joining(", "));
        return ApiException.invalid("unknown query parameter '" + name + "'; this operation takes "
                + (known.isEmpty() ? "none" : known) + " (nothing was done)");
    }

    private static void checkType(Param p, String value) {
        String what = "query parameter '" + p.name() + "'";
        switch (p.type()) {
            case BOOLEAN -> {
                if (!value.isEmpty() && !value.equals("true") && !value.equals("false")) {
                    throw ApiException.invalid(what + " is true or false");
                }
            }
            case INTEGER -> {
                if (!value.matches("-?\\d{1,18}")) {
                    throw ApiException.invalid(what + " is a whole number");
                }
            }
            case DURATION -> Durations.parse(what, value);
            default -> {
                if (value.isEmpty()) {
                    throw ApiException.invalid(what + " needs a value");
                }
            }
        }
    }

    /** @throws ApiException 406 if the client's Accept excludes what the route answers (errors are JSON anyway) */
    private static void acceptable(HttpServletRequest req, Route route) {
        String accept = req.getHeader("Accept");
        if (accept == null || accept.isBlank()) {
            return;
        }
        String produces = route.produces;
        String type = produces.substring(0, produces.indexOf('/'));
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String media = parts[0].strip().toLowerCase(Locale.ROOT);
            boolean refused = Arrays.stream(parts).skip(1).map(s -> s.strip().replace(" ", ""))
                    .anyMatch(s -> s.matches("q=0(\\.0*)?"));
            if (!refused && (media.equals("*/*") || media.equals(type + "/*") || media.equals(produces))) {
                return;
            }
        }
        throw new ApiException(406, ApiException.NOT_ACCEPTABLE, "this resource answers " + produces
                + ", which the Accept header excludes", Map.of());
    }

    /**
     * @return the body, at most {@link #MAX_BODY} bytes, of a media type the route takes (or empty)
     * @throws ApiException 413 if larger, 415 for another media type, 400 for a body where the route takes none, or
     *     none where it needs one, or an environment description in JSON that is not JSON
     */
    private byte[] body(HttpServletRequest req, Route route) throws IOException {
        long declared = req.getContentLengthLong();
        byte[] body;
        try (InputStream in = req.getInputStream()) {
            if (declared > MAX_BODY) {
                drain(in);
                throw tooLarge();
            }
            body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                drain(in);
                throw tooLarge();
            }
        }
        if (body.length == 0) {
            if (route.body == Route.Body.JSON || route.body == Route.Body.ENVIRONMENT) {
                throw ApiException.invalid("this operation takes a body: " + (route.body == Route.Body.ENVIRONMENT
                        ? "an environment description (application/json or application/yaml)"
                        : "a JSON object (" + route.bodySchema + " in /api/v1/openapi.json)"));
            }
            return body;
        }
        if (route.body == Route.Body.NONE) {
            throw ApiException.invalid("this operation takes no body (its options are query parameters)");
        }
        String media = mediaType(req.getContentType());
        boolean json = "application/json".equals(media);
        if (!json && !(route.body == Route.Body.ENVIRONMENT && YAML.contains(media))) {
            throw new ApiException(415, ApiException.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json"
                    + (route.body == Route.Body.ENVIRONMENT ? " or application/yaml" : "")
                    + (media == null ? " (no Content-Type was given)" : ", not " + media), Map.of());
        }
        if (json && route.body == Route.Body.ENVIRONMENT) {
            try {
                mapper.readTree(body);
            } catch (JsonProcessingException e) {
                throw Json.badBody(e);
            }
        }
        return body;
    }

    /**
     * @return the media type of a Content-Type, lower case, without parameters; {@code null} if none
     * @throws ApiException 415 if it names a charset other than UTF-8
     */
    static String mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return null;
        }
        String[] parts = contentType.split(";");
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip().toLowerCase(Locale.ROOT);
            if (p.startsWith("charset=") && !Set.of("utf-8", "\"utf-8\"", "utf8").contains(p.substring(8))) {
                throw new ApiException(415, ApiException.UNSUPPORTED_MEDIA_TYPE, "bodies are UTF-8, not "
                        + p.substring(8), Map.of());
            }
        }
        return parts[0].strip().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads and drops what is left of a refused body, up to {@link #DRAIN_LIMIT} bytes, so that the client, still
     * sending, is not reset before it reads the 413 (a server that closes with unread data resets the connection, and
     * the client's kernel then drops the answer). A larger body is left unread: the connection is closed on it.
     */
    private static void drain(InputStream in) throws IOException {
        long left = DRAIN_LIMIT;
        byte[] buffer = new byte[64 * 1024];
        int n;
        while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
            left -= n;
        }
    }

    private static ApiException tooLarge() {
        return new ApiException(413, ApiException.PAYLOAD_TOO_LARGE, "the body is larger than "
                + MAX_BODY / 1024 + " KiB", Map.of());
    }

    // ------------------------------------------------------------------ answers

    private void write(HttpServletResponse resp, int status, Map<String, String> headers, Object body, boolean head)
            throws IOException {
        resp.setStatus(status);
        headers.forEach(resp::setHeader);
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        if (body == null) {
            resp.setContentLength(0);
            return;
        }
        byte[] bytes = mapper.writeValueAsBytes(body);
        resp.setContentType("application/json;charset=UTF-8");
        resp.setContentLength(bytes.length);
        if (!head) {
            resp.getOutputStream().write(bytes);
        }
    }

    private void error(HttpServletResponse resp, ApiException e, boolean head) throws IOException {
        if (resp.isCommitted()) { // an event stream has started: it ends here
            LOG.debug("REST error after the response started: {} {}", e.code(), e.getMessage());
            return;
        }
        resp.reset();
        write(resp, e.status(), e.headers(), new ErrorBody(e.code(), e.getMessage()), head);
    }

    private byte[] serialize(Object doc) {
        try {
            return mapper.writeValueAsBytes(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the OpenAPI document", e);
        }
    }
}
