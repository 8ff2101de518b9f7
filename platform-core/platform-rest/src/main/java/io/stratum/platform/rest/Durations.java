package io.stratum.platform.rest;

import io.stratum.platform.api.DurationText;
import java.time.Duration;

/**
 * Durations as the API takes them: seconds ({@code 30}), a number and a unit ({@code 500ms}, {@code 30s},
 * {@code 2m}, {@code 12h}, {@code 7d}, {@code 2w}), several in a row ({@code 1m30s}), or ISO-8601 ({@code PT30S},
 * {@code P7D}), as the shell takes them.
 */
final class Durations {

    private Durations() {
    }

    /**
     * @param what what the text came as, for the message (e.g. {@code query parameter 'wait'})
     * @param text the text
     * @return the duration, zero or longer
     * @throws ApiException 400 saying what is accepted
     */
    static Duration parse(String what, String text) {
        String t = text == null ? "" : text.strip();
        if (t.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(t));
        }
        return DurationText.parse(t).filter(d -> !d.isNegative()).orElseThrow(() -> invalid(what));
    }

    private static ApiException invalid(String what) {
        return ApiException.invalid(what + " takes a duration such as 30 (seconds), 30s, 2m, 12h, 7d or 2w "
                + "(combined like 1m30s) or ISO-8601 such as PT30S");
    }
}
