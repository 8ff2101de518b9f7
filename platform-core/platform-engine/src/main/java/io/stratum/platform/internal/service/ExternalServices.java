package io.stratum.platform.internal.service;

import io.stratum.platform.spi.Secrets;
import io.stratum.sme.api.ConnectionInfo;
import io.stratum.sme.api.HealthState;
import io.stratum.sme.api.ServiceHealth;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Services Stratum does not run (providers registered by URL). Their configuration is their binding:
 * {@code url}, {@code user}, {@code password} and any further values; it is sealed in the store like every
 * service's configuration ({@link ServiceRepository}). A URL may hold a password too
 * ({@code scheme://user:password@host}, {@code ?password=}): messages show it through {@link #shown(String)}.
 */
final class ExternalServices {

    /** Sdp name recorded for external services. */
    static final String SDP = "external";

    /** {@code //host:port}, after any {@code user:password@} (which is never taken for a host and port). */
    private static final Pattern HOST_PORT = Pattern.compile("//(?:[^/@\\s]*@)?([^/:;?@\\s]+):(\\d+)");
    private static final Pattern SCHEME = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*:\\S+");

    private ExternalServices() {
    }

    /** @return the binding dependants get: the registered values */
    static Map<String, String> binding(ServiceRecord service) {
        return new LinkedHashMap<>(service.config());
    }

    static ConnectionInfo connectionInfo(ServiceRecord service) {
        Map<String, String> rest = new LinkedHashMap<>(service.config());
        String url = rest.remove("url");
        String user = rest.remove("user");
        String password = rest.remove("password");
        return new ConnectionInfo(url, user, password, rest);
    }

    /**
     * @param url a URL as registered
     * @return it as messages may show it: any password in it blanked out
     */
    static String shown(String url) {
        return Secrets.maskUrls(url);
    }

    /**
     * Checks a URL before it is recorded.
     *
     * @param url the URL dependants are to use
     * @return what is wrong with it, if anything
     */
    static Optional<String> checkUrl(String url) {
        if (!SCHEME.matcher(url).matches()) {
            return Optional.of("expected a URL such as jdbc:h2:tcp://db.example.com:9092/orders or "
                    + "http://host:8080/, with a scheme and no spaces");
        }
        Matcher m = HOST_PORT.matcher(url);
        if (m.find()) {
            String digits = m.group(2);
            int port = digits.length() > 5 ? -1 : Integer.parseInt(digits);
            if (port < 1 || port > 65535) {
                return Optional.of("port " + digits + " is not between 1 and 65535");
            }
        }
        return Optional.empty();
    }

    /** Checks that the URL's host and port accept TCP connections; says so when the URL names none. */
    static ServiceHealth health(ServiceRecord service, Duration timeout) {
        String url = service.config().getOrDefault("url", "");
        Matcher m = HOST_PORT.matcher(url);
        if (!m.find()) {
            return ServiceHealth.of(HealthState.UNKNOWN, "external service; its URL names no host:port to check");
        }
        String host = m.group(1);
        try (Socket s = new Socket()) {
            int port = Integer.parseInt(m.group(2));
            s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            return ServiceHealth.healthy("external service; " + host + ":" + port + " accepts connections");
        } catch (RuntimeException e) { // a URL recorded before it was checked: bad port, unresolvable host
            return ServiceHealth.of(HealthState.UNKNOWN, "external service; cannot check " + host + ":" + m.group(2)
                    + ": " + e.getMessage());
        } catch (IOException e) {
            return ServiceHealth.of(HealthState.UNHEALTHY, "external service; " + host + ":" + m.group(2)
                    + " does not accept connections: " + e.getMessage());
        }
    }
}
