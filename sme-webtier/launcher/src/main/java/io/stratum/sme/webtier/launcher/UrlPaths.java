package io.stratum.sme.webtier.launcher;

import java.util.regex.Pattern;

/**
 * What a route's health path may be: a path on the backend, never a place elsewhere. It starts with {@code /}, and
 * between single slashes has only letters, digits and {@code - . _ ~} (so no scheme, no host, no {@code //}, no
 * {@code .} or {@code ..} segment, no {@code ?}, {@code #}, {@code %}, spaces or control characters); at most
 * {@value #MAX_LENGTH} characters. The web tier's engine checks the same before it writes a route.
 */
final class UrlPaths {

    static final int MAX_LENGTH = 200;
    /** The rule, for messages. */
    static final String RULE = "a path such as /health: starts with '/', and between single slashes only letters, "
            + "digits and - . _ ~ (no scheme or host, no '//', no '.' or '..' segment, no '?', '#', '%', spaces or "
            + "control characters), at most " + MAX_LENGTH + " characters";
    private static final Pattern PATH = Pattern.compile("/|(/[A-Za-z0-9._~-]+)+/?");

    private UrlPaths() {
    }

    /**
     * @param path a path
     * @return whether it is allowed
     */
    static boolean valid(String path) {
        if (path == null || path.length() > MAX_LENGTH || !PATH.matcher(path).matches()) {
            return false;
        }
        for (String segment : path.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
