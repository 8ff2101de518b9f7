package io.stratum.platform.elasticity.internal.action;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stratum.platform.spi.AlertAction;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert action {@code webhook:<url>}: POSTs a JSON document about the change of state to an absolute
 * {@code http} or {@code https} URL:
 * <pre>
 * {"account":"acme","service":"shop","alert":"busy","expression":"avg('http.requests.rate','1m') &gt; 50",
 *  "from":"OK","to":"ALARM","values":{"avg('http.requests.rate','1m')":62.5},"at":"2026-05-04T10:15:30Z"}
 * </pre>
 * ({@code values}: numbers, {@code null} for one that is not finite). Any 2xx answer is success; any other status is a
 * failure that names it. The connection must be made within 2 s and the whole exchange, answer included, take no more
 * than 5 s.
 * <p>
 * The URL comes from a tenant, and the request leaves from the control plane, so: redirects are never followed (a
 * 3xx is a failure; a public URL cannot bounce the request elsewhere); no credentials are ever sent (a URL with
 * {@code user:password@} is refused, the client has no authenticator and no cookies); the answer's body is never
 * read into the alert's history (only its status); and messages show the URL only as {@code scheme://host:port/…}
 * (webhook paths and queries often carry tokens). Configuration PID {@value #PID}: {@code allowNonLoopback} (default
 * {@code true}: webhooks are for chat, paging and ticketing systems, which are not on the control plane's machine;
 * {@code false} allows only {@code localhost}, {@code 127.0.0.0/8} and {@code [::1]}, e.g. for a relay on the same
 * host in a network that must not be reached from the control plane), changes taken without a restart.
 */
@Component(service = AlertAction.class, configurationPid = WebhookAction.PID,
        property = AlertAction.NAME + "=" + WebhookAction.NAME)
@Designate(ocd = WebhookAction.Config.class)
public final class WebhookAction implements AlertAction {

    /** The action's name, as alerts name it. */
    public static final String NAME = "webhook";
    /** The configuration's PID. */
    public static final String PID = "io.stratum.elasticity.webhook";
    /** How long the connection may take. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** How long the whole exchange may take. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    /** Configuration (PID {@value #PID}). */
    @ObjectClassDefinition(name = "Stratum alert webhooks",
            description = "Where the elasticity manager's webhook action may send its requests")
    public @interface Config {
        @AttributeDefinition(description = "Whether webhook URLs may name hosts other than localhost, 127.0.0.0/8 "
                + "and [::1]")
        boolean allowNonLoopback() default true;
    }

    private static final Logger LOG = LoggerFactory.getLogger(WebhookAction.class);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final int MAX_URL = 2000;

    private final HttpClient client;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final ObjectMapper json = new ObjectMapper();
    private volatile boolean allowNonLoopback;

    /** @param properties the configuration {@link Config} describes */
    @Activate
    public WebhookAction(Map<String, Object> properties) {
        this(properties, CONNECT_TIMEOUT, REQUEST_TIMEOUT);
    }

    /**
     * @param properties the configuration
     * @param connectTimeout how long the connection may take
     * @param requestTimeout how long the whole exchange may take
     */
    WebhookAction(Map<String, Object> properties, Duration connectTimeout, Duration requestTimeout) {
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        configure(properties);
    }

    /** @param properties the changed configuration */
    @Modified
    void modified(Map<String, Object> properties) {
        configure(properties);
    }

    private void configure(Map<String, Object> properties) {
        Object value = properties.get("allowNonLoopback");
        String text = value == null ? "" : value.toString().strip().toLowerCase(Locale.ROOT);
        if (!text.isEmpty() && !text.equals("true") && !text.equals("false")) {
            LOG.warn("{}: allowNonLoopback '{}' is neither true nor false; webhooks may call the loopback only until "
                    + "it is fixed", PID, FiringText.oneLine(text));
        }
        allowNonLoopback = text.isEmpty() || text.equals("true");
    }

    @Override
    public void validate(String argument) {
        target(argument);
    }

    @Override
    public void run(Firing firing) throws IOException {
        URI target = target(firing.argument());
        String shown = shown(target);
        HttpRequest request = HttpRequest.newBuilder(target)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "Stratum-Elasticity")
                .POST(HttpRequest.BodyPublishers.ofByteArray(document(firing)))
                .build();
        CompletableFuture<HttpResponse<Void>> exchange =
                client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        HttpResponse<Void> response;
        try {
            response = exchange.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new IOException("webhook " + shown + " did not answer within " + requestTimeout.toMillis() + " ms",
                    e);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while calling webhook " + shown);
        } catch (ExecutionException e) {
            throw failure(shown, e.getCause() == null ? e : e.getCause());
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw new IOException("webhook " + shown + " answered " + status + (status / 100 == 3
                    ? " (a redirect: not followed; give the URL it redirects to)" : " (expected 2xx)"));
        }
    }

    /** @return the request's body */
    private byte[] document(Firing firing) throws IOException {
        ObjectNode document = json.createObjectNode();
        document.put("account", firing.account());
        document.put("service", firing.service());
        document.put("alert", firing.alert());
        document.put("expression", firing.expression());
        document.put("from", firing.from());
        document.put("to", firing.to());
        ObjectNode values = document.putObject("values");
        new TreeMap<>(firing.values()).forEach((name, value) -> {
            if (Double.isFinite(value)) {
                values.put(name, value);
            } else {
                values.putNull(name);
            }
        });
        document.put("at", firing.at().toString());
        return json.writeValueAsBytes(document);
    }

    private IOException failure(String shown, Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return new IOException("webhook " + shown + " could not be connected to within "
                    + connectTimeout.toMillis() + " ms", cause);
        }
        if (cause instanceof HttpTimeoutException) {
            return new IOException("webhook " + shown + " did not answer within " + requestTimeout.toMillis() + " ms",
                    cause);
        }
        Throwable last = cause;
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException) {
                return new IOException("webhook " + shown + " cannot be reached (connection refused)", cause);
            }
            if (t instanceof UnknownHostException) {
                return new IOException("webhook " + shown + " cannot be reached (unknown host)", cause);
            }
            last = t;
        }
        String message = last.getMessage() == null ? last.getClass().getSimpleName() : last.getMessage();
        return new IOException("webhook " + shown + " failed: " + FiringText.oneLine(message), cause);
    }

    /**
     * @param argument the action's argument
     * @return the URL it names
     * @throws IllegalArgumentException if it is not an absolute http(s) URL with a host and no credentials, or names
     *     a host other than the loopback while {@code allowNonLoopback} is false
     */
    URI target(String argument) {
        String text = argument == null ? "" : argument.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("webhook needs the URL to POST to: webhook:https://hooks.example.com/"
                    + "stratum");
        }
        if (text.length() > MAX_URL) {
            throw new IllegalArgumentException("a webhook URL has at most " + MAX_URL + " characters, not "
                    + text.length());
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the webhook URL is not a URL: " + FiringText.oneLine(e.getReason())
                    + " at index " + e.getIndex());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
            throw new IllegalArgumentException("a webhook URL is an absolute http:// or https:// URL, e.g. "
                    + "webhook:https://hooks.example.com/stratum");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("a webhook URL may not carry credentials (user:password@): webhooks "
                    + "never send any; put a token the receiver checks in the URL's path or query");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("the webhook URL " + FiringText.oneLine(scheme) + "://… names no valid"
                    + " host");
        }
        if (!allowNonLoopback && !loopback(uri.getHost())) {
            throw new IllegalArgumentException("webhooks may only call localhost, 127.0.0.0/8 or [::1] here, not "
                    + FiringText.oneLine(uri.getHost()) + " (allowNonLoopback=false in " + PID + ")");
        }
        return uri;
    }

    /**
     * @param host a URL's host, an IPv6 literal in brackets
     * @return whether it is {@code localhost} or a loopback address literal (no name is resolved)
     */
    static boolean loopback(String host) {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (name.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (IPV4.matcher(name).matches()) {
            String[] octets = name.split("\\.");
            for (String octet : octets) {
                if (Integer.parseInt(octet) > 255) {
                    return false;
                }
            }
            return Integer.parseInt(octets[0]) == 127;
        }
        if (name.indexOf(':') < 0) {
            return false;
        }
        try {
            // an IPv6 literal: parsed, never looked up
            return InetAddress.getByName(name).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** @return the URL as messages show it: scheme, host and port; path and query (often secret) elided */
    static String shown(URI uri) {
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        boolean more = !(path.isEmpty() || path.equals("/")) || uri.getRawQuery() != null;
        return uri.getScheme() + "://" + FiringText.oneLine(uri.getHost()) + (uri.getPort() < 0 ? "" : ":"
                + uri.getPort()) + (more ? "/…" : "/");
    }
}
