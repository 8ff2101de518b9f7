package io.stratum.platform.rest;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the API takes them: seconds ({@code 30}), a number and a unit ({@code 500ms}, {@code 30s},
 * {@code 2m}, {@code 12h}, {@code 7d}, {@code 2w}), several in a row ({@code 1m30s}), or ISO-8601 ({@code PT30S},
 * {@code P7D}), as the shell takes them.
 */
final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|[smhdw])");
    private static final Pattern ALL = Pattern.compile("(\\d+(ms|[smhdw]))+");

    private Durations() {
    }

    /**
     * @param what what the text came as, for the message (e.g. {@code query parameter 'wait'})
     * @param text the text
     * @return the duration, zero or longer
     * @throws ApiException 400 saying what is accepted
     */
    static Duration parse(String what, String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (t.matches("\\d{1,9}")) {
                d = Duration.ofSeconds(Long.parseLong(t));
            } else if (t.startsWith("p")) {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            } else if (ALL.matcher(t).matches()) {
                d = Duration.ZERO;
                Matcher m = PART.matcher(t);
                while (m.find()) {
                    long n = Long.parseLong(m.group(1));
                    d = d.plus(switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        case "d" -> Duration.ofDays(n);
                        default -> Duration.ofDays(Math.multiplyExact(n, 7));
                    });
                }
            } else {
                throw invalid(what);
            }
            if (d.isNegative()) {
                throw invalid(what);
            }
            return d;
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw invalid(what);
        }
    }

    private static ApiException invalid(String what) {
        return ApiException.invalid(what + " takes a duration such as 30 (seconds), 30s, 2m, 12h, 7d or 2w "
                + "(combined like 1m30s) or ISO-8601 such as PT30S");
    }
}
