package io.stratum.sme.appserver;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the configuration's {@code contextPath} and {@code healthPath} may be: a path on the instance itself, never a
 * place elsewhere. A leading {@code /} is added when missing; then, between single slashes, only letters, digits and
 * {@code - . _ ~} (so no scheme, no host, no {@code //}, no {@code .} or {@code ..} segment, no {@code ?}, {@code #},
 * {@code %}, spaces or control characters), at most {@value #MAX_LENGTH} characters. Empty means {@code /}.
 */
final class PathSettings {

    static final int MAX_LENGTH = 100;
    /** The rule, for messages. */
    static final String RULE = "a path such as /health: letters, digits and - . _ ~ between single slashes (a "
            + "leading '/' is added if missing); no scheme or host, no '//', no '.' or '..' segment, no '?', '#', "
            + "'%', spaces or control characters; at most " + MAX_LENGTH + " characters";
    private static final Pattern PATH = Pattern.compile("/|(/[A-Za-z0-9._~-]+)+/?");

    private PathSettings() {
    }

    /**
     * @param value a configured value, or {@code null}
     * @return the path it means: {@code /} if empty, else the value with a leading {@code /}
     */
    static String normalized(String value) {
        if (value == null || value.isBlank()) {
            return "/";
        }
        return value.startsWith("/") ? value : "/" + value;
    }

    /**
     * @param key the configuration key
     * @param value its value, or {@code null}
     * @return what is wrong with it, if anything
     */
    static Optional<String> problem(String key, String value) {
        String path = normalized(value);
        boolean ok = path.length() <= MAX_LENGTH && PATH.matcher(path).matches();
        for (String segment : path.split("/")) {
            ok &= !segment.equals(".") && !segment.equals("..");
        }
        return ok ? Optional.empty() : Optional.of("configuration '" + key + "' = '" + printable(value)
                + "' is not allowed: it must be " + RULE);
    }

    private static String printable(String value) {
        String shown = value.length() > 120 ? value.substring(0, 120) + "..." : value;
        return shown.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
