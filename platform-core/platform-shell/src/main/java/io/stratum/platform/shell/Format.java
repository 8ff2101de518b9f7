package io.stratum.platform.shell;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Formatting helpers for command output. */
final class Format {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private Format() {
    }

    static String time(Instant i) {
        return i == null ? "-" : TIME.format(i);
    }

    static String duration(Instant from, Instant to) {
        if (from == null) {
            return "-";
        }
        Duration d = Duration.between(from, to == null ? Instant.now() : to);
        if (d.toMillis() < 10_000) {
            return String.format("%.1f s", d.toMillis() / 1000.0);
        }
        if (d.toMinutes() < 2) {
            return d.toSeconds() + " s";
        }
        if (d.toHours() < 2) {
            return d.toMinutes() + " min";
        }
        return d.toHours() + " h";
    }

    static String age(Instant i) {
        return i == null ? "-" : duration(i, Instant.now()) + " ago";
    }

    static String cut(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
