package io.stratum.platform.elasticity.internal;

import io.stratum.platform.api.DurationText;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import java.time.Duration;

/**
 * Durations as users write them in alerts, policies and the configuration: a number and a unit ({@code 500ms},
 * {@code 30s}, {@code 1m}, {@code 5m}, {@code 1h}, {@code 1d}), several in a row ({@code 1m30s}), or ISO-8601
 * ({@code PT30S}). Units are case-insensitive; {@code m} is minutes.
 */
public final class Durations {

    private Durations() {
    }

    /**
     * @param text what the user wrote
     * @return the duration, longer than zero
     * @throws IllegalArgumentException saying what is accepted, when the text is not such a duration or is not
     *     longer than zero
     */
    public static Duration parse(String text) {
        Duration d = parseOrZero(text);
        if (d.isZero()) {
            throw new IllegalArgumentException("a duration must be longer than zero, not '" + text + "'");
        }
        return d;
    }

    /**
     * For a field that may be zero (a cooldown, a stabilization window).
     *
     * @param text what the user wrote
     * @param field the field it is for, named in the error
     * @return the duration, zero or longer
     * @throws PlatformException INVALID naming the field, with examples of what is accepted
     */
    public static Duration parse(String text, String field) {
        try {
            return parseOrZero(text);
        } catch (IllegalArgumentException e) {
            throw new PlatformException(Reason.INVALID, field + ": '" + (text == null ? "" : text.strip())
                    + "' is not a duration; write e.g. 500ms, 30s, 5m, 1h or PT30S");
        }
    }

    private static Duration parseOrZero(String text) {
        Duration d = DurationText.parse(text).orElseThrow(() -> invalid(text));
        if (d.isNegative()) {
            throw invalid(text);
        }
        return d;
    }

    /**
     * @param d a duration
     * @return it in the largest unit that divides it ({@code 0s}, {@code 500ms}, {@code 30s}, {@code 5m},
     *     {@code 24h}), so {@link #parse} reads it back
     */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        long ms = d.toMillis();
        if (ms <= 0 || d.toNanos() % 1_000_000 != 0) {
            return d.toString();
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration: write a number and a unit such as "
                + "500ms, 30s, 1m, 5m, 1h (ms, s, m, h, d; combined like 1m30s) or ISO-8601 such as PT30S");
    }
}
