package io.stratum.platform.api;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as users write them in every interface (shell options, REST parameters and bodies, console forms, alert
 * windows and policies): a number and a unit ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 12h}, {@code 7d},
 * {@code 2w}), several in a row ({@code 1m30s}), or ISO-8601 ({@code PT30S}, {@code P7D}). Units are
 * case-insensitive; {@code m} is minutes (a month has no fixed length, so there is no month unit). Each interface says
 * in its own words what it accepts and whether zero is allowed; this is the one grammar they share.
 */
public final class DurationText {

    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|[smhdw])");
    private static final Pattern ALL = Pattern.compile("(\\d{1,9}(ms|[smhdw]))+");

    private DurationText() {
    }

    /**
     * @param text what the user wrote
     * @return the duration, empty when the text is not such a duration; only ISO-8601 text can give a negative one
     *     ({@code PT-5S}): the caller says whether zero or negative is allowed
     */
    public static Optional<Duration> parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (t.startsWith("p")) {
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
                return Optional.empty();
            }
            return Optional.of(d);
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
