package io.stratum.platform.webconsole;

import io.stratum.platform.api.DurationText;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import java.time.Duration;

/**
 * Durations as users type them into the console's forms, as the platform's other interfaces take them: a number and a
 * unit ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}), several in a row ({@code 1m30s}), or ISO-8601
 * ({@code PT30S}). Units are case-insensitive; {@code m} is minutes.
 */
final class Durations {

    private Durations() {
    }

    /**
     * @param field the form field the text came from, as the form labels it (for the message)
     * @param text what the user typed
     * @param zero whether zero is a value of the field ({@code 0} is then accepted without a unit)
     * @return the duration
     * @throws PlatformException INVALID, saying what is accepted, when the text is not such a duration, or is zero for a
     *     field that may not be
     */
    static Duration parse(String field, String text, boolean zero) {
        String t = text == null ? "" : text.strip();
        Duration d = zero && t.equals("0") ? Duration.ZERO
                : DurationText.parse(t).orElseThrow(() -> invalid(field, text));
        if (d.isNegative() || (d.isZero() && !zero)) {
            throw new PlatformException(Reason.INVALID, field + " must be longer than zero, not '" + text + "'");
        }
        return d;
    }

    /**
     * @param d a duration, may be {@code null}
     * @return it in the largest unit that divides it ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 36h}), which
     *     {@link #parse} reads back; {@code 0s} for zero, empty for {@code null}
     */
    static String format(Duration d) {
        if (d == null) {
            return "";
        }
        if (d.isZero()) {
            return "0s";
        }
        if (d.isNegative()) {
            return d.toString();
        }
        long ms;
        try {
            ms = d.toMillis();
        } catch (ArithmeticException e) {
            return d.toString();
        }
        if (Duration.ofMillis(ms).compareTo(d) != 0) {
            return d.toString(); // finer than a millisecond
        }
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
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

    private static PlatformException invalid(String field, String text) {
        return new PlatformException(Reason.INVALID, field + " takes a duration such as 500ms, 30s, 5m or 1h (ms, s, m,"
                + " h, d; combined like 1m30s) or ISO-8601 such as PT30S, not '" + text + "'");
    }
}
