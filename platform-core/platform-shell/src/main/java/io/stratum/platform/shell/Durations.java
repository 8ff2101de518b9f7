package io.stratum.platform.shell;

import io.stratum.platform.api.DurationText;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import java.time.Duration;

/**
 * Durations as users type them: a number and a unit ({@code 45s}, {@code 30m}, {@code 12h}, {@code 7d},
 * {@code 2w}), several in a row ({@code 1d12h}), or ISO-8601 ({@code PT12H}, {@code P7D}). Units are
 * case-insensitive; {@code m} is minutes (a month is not a fixed length, so there is no month unit).
 */
final class Durations {

    private Durations() {
    }

    /**
     * @param option the option the text came with, for the message (e.g. {@code --keep-for})
     * @param text what the user typed
     * @return the duration, longer than zero
     * @throws PlatformException INVALID, saying what is accepted, when the text is not such a duration
     */
    static Duration parse(String option, String text) {
        Duration d = DurationText.parse(text).orElseThrow(() -> invalid(option, text));
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
