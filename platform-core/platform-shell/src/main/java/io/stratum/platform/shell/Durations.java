package io.stratum.platform.shell;

import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as users type them: a number and a unit ({@code 45s}, {@code 30m}, {@code 12h}, {@code 7d},
 * {@code 2w}), several in a row ({@code 1d12h}), or ISO-8601 ({@code PT12H}, {@code P7D}). Units are
 * case-insensitive; {@code m} is minutes (a month is not a fixed length, so there is no month unit).
 */
final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+)([smhdw])");
    private static final Pattern ALL = Pattern.compile("(\\d+[smhdw])+");

    private Durations() {
    }

    /**
     * @param option the option the text came with, for the message (e.g. {@code --keep-for})
     * @param text what the user typed
     * @return the duration, longer than zero
     * @throws PlatformException INVALID, saying what is accepted, when the text is not such a duration
     */
    static Duration parse(String option, String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        Duration d;
        try {
            if (t.startsWith("p")) {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            } else if (ALL.matcher(t).matches()) {
                d = Duration.ZERO;
                Matcher m = PART.matcher(t);
                while (m.find()) {
                    long n = Long.parseLong(m.group(1));
                    d = d.plus(switch (m.group(2)) {
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        case "d" -> Duration.ofDays(n);
                        default -> Duration.ofDays(Math.multiplyExact(n, 7));
                    });
                }
            } else {
                throw invalid(option, text);
            }
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw invalid(option, text);
        }
        if (d.isNegative() || d.isZero()) {
            throw new PlatformException(Reason.INVALID, option + " must be longer than zero, not '" + text + "'");
        }
        return d;
    }

    /**
     * @param d a duration
     * @return it in the largest unit that divides it (e.g. {@code 2w}, {@code 36h}), so {@link #parse} reads it back;
     *     {@code 0s} for zero; "-" for {@code null}
     */
    static String format(Duration d) {
        if (d == null) {
            return "-";
        }
        if (d.isZero()) {
            return "0s";
        }
        long s = d.getSeconds();
        if (d.getNano() != 0 || s <= 0) {
            return d.toString();
        }
        long week = Duration.ofDays(7).getSeconds();
        if (s % week == 0) {
            return s / week + "w";
        }
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3_600 == 0) {
            return s / 3_600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    private static PlatformException invalid(String option, String text) {
        return new PlatformException(Reason.INVALID, option + " takes a duration such as 30m, 12h, 7d or 2w "
                + "(s, m, h, d, w; combined like 1d12h) or ISO-8601 such as PT12H, not '" + text + "'");
    }
}
