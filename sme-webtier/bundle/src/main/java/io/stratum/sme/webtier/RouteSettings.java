package io.stratum.sme.webtier;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a dependant may ask of its route, checked before the route is written (the proxy checks the same when it
 * reads its routes): the health path is a plain path on the backend, the host a host name, and each backend an
 * {@code http://host:port} URL.
 */
final class RouteSettings {

    static final int MAX_PATH_LENGTH = 200;
    /** The health path rule, for messages. */
    static final String PATH_RULE = "a path such as /health: letters, digits and - . _ ~ between single slashes (a "
            + "leading '/' is added if missing); no scheme or host, no '//', no '.' or '..' segment, no '?', '#', "
            + "'%', spaces or control characters; at most " + MAX_PATH_LENGTH + " characters";
    private static final Pattern PATH = Pattern.compile("/|(/[A-Za-z0-9._~-]+)+/?");
    private static final Pattern HOST = Pattern.compile(
            "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    private RouteSettings() {
    }

    /**
     * @param value a health path, or {@code null} for {@code /}
     * @return the path with a leading {@code /}
     * @throws IllegalArgumentException if it is not a plain path, saying what is allowed
     */
    static String healthPath(String value) {
        String path = value == null || value.isBlank() ? "/" : value.startsWith("/") ? value : "/" + value;
        boolean ok = path.length() <= MAX_PATH_LENGTH && PATH.matcher(path).matches();
        for (String segment : path.split("/")) {
            ok &= !segment.equals(".") && !segment.equals("..");
        }
        if (!ok) {
            throw new IllegalArgumentException("healthPath '" + printable(value) + "' is not allowed: it must be "
                    + PATH_RULE);
        }
        return path;
    }

    /**
     * @param value a host name
     * @return it in lower case
     * @throws IllegalArgumentException if it is not a host name
     */
    static String host(String value) {
        String host = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        if (host.length() > 253 || !HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("host '" + printable(value) + "' is not allowed: it must be a host "
                    + "name such as notes.localhost (letters, digits and dashes, dot-separated)");
        }
        return host;
    }

    /**
     * @param value backend URLs, comma-separated (empty: none yet)
     * @return them, each {@code http://host:port}, comma-separated
     * @throws IllegalArgumentException if one is not such a URL
     */
    static String backends(String value) {
        List<String> out = new ArrayList<>();
        for (String part : (value == null ? "" : value).split(",")) {
            String url = part.strip();
            if (url.isEmpty()) {
                continue;
            }
            if (!backendUrl(url)) {
                throw new IllegalArgumentException("backend '" + printable(url.replaceFirst("//[^/@]*@", "//***@"))
                        + "' is not allowed: it must be an http://host:port URL (no user, path or query)");
            }
            out.add(url);
        }
        return String.join(",", out);
    }

    private static boolean backendUrl(String url) {
        try {
            URI u = new URI(url);
            return "http".equals(u.getScheme()) && u.getHost() != null && u.getPort() > 0 && u.getRawUserInfo() == null
                    && (u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/"))
                    && u.getRawQuery() == null && u.getRawFragment() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String printable(String value) {
        if (value == null) {
            return "";
        }
        String shown = value.length() > 120 ? value.substring(0, 120) + "..." : value;
        return shown.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
