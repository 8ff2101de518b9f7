package io.stratum.platform.update.internal;

import io.stratum.platform.api.DurationText;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.zone.ZoneOffsetTransition;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A recurring time frame of a maintenance window: on some days of the week, from a local time, for a length.
 * Written {@code <days> HH:mm/<length>}: {@code <days>} is {@code daily}, a day ({@code Mon}), a range
 * ({@code Mon-Fri}, also across the week's end: {@code Fri-Mon}) or a list of days and ranges ({@code Sat,Sun},
 * {@code Mon-Wed,Fri}); day names are the English three-letter abbreviations, in any case; {@code <length>} a
 * duration such as {@code 2h}, {@code 90m} or {@code 1h30m}, longer than zero and at most a week.
 * <p>
 * Times are local to the window's zone: a frame beginning in a gap of a daylight-saving change begins when the gap
 * ends (02:30 on a night that jumps from 02:00 to 03:00 begins at 03:00); one beginning in an overlap begins at the
 * first of the two instants. The length is elapsed time.
 *
 * @param days the days it begins on
 * @param start the local time it begins at
 * @param length how long it lasts
 */
public record Frame(Set<DayOfWeek> days, LocalTime start, Duration length) {

    /** The grammar, shown in every error. */
    public static final String GRAMMAR = "write <days> HH:mm/<length>, e.g. 'daily 02:00/2h', 'Mon-Fri 22:30/90m' "
            + "or 'Sat,Sun 03:00/4h' (days: daily, Mon, Tue, Wed, Thu, Fri, Sat, Sun, ranges like Mon-Fri, lists like "
            + "Sat,Sun; length: e.g. 30m, 2h, 1h30m, at most 7d)";

    private static final Pattern SHAPE = Pattern.compile("(\\S+)\\s+(\\d{1,2}):(\\d{2})\\s*/\\s*(\\S+)");
    private static final List<String> NAMES = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

    /** Copies and checks. */
    public Frame {
        days = days.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(days));
        if (days.isEmpty()) {
            throw new IllegalArgumentException("a frame needs at least one day");
        }
        if (length.isNegative() || length.isZero() || length.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("a frame's length must be longer than zero and at most 7d");
        }
    }

    /**
     * @param text what the user wrote
     * @return the frame
     * @throws IllegalArgumentException saying what is wrong, with the grammar
     */
    public static Frame parse(String text) {
        String t = text == null ? "" : text.strip();
        Matcher m = SHAPE.matcher(t);
        if (!m.matches()) {
            throw invalid(t, "it is not <days> HH:mm/<length>");
        }
        Set<DayOfWeek> days = days(t, m.group(1));
        int hour = Integer.parseInt(m.group(2));
        int minute = Integer.parseInt(m.group(3));
        if (hour > 23 || minute > 59) {
            throw invalid(t, m.group(2) + ":" + m.group(3) + " is not a time of day (00:00 to 23:59)");
        }
        Duration length = DurationText.parse(m.group(4)).orElseThrow(() -> invalid(t, "'" + m.group(4)
                + "' is not a length"));
        if (length.isNegative() || length.isZero() || length.compareTo(Duration.ofDays(7)) > 0) {
            throw invalid(t, "the length " + m.group(4) + " must be longer than zero and at most 7d");
        }
        return new Frame(days, LocalTime.of(hour, minute), length);
    }

    private static Set<DayOfWeek> days(String text, String spec) {
        if (spec.equalsIgnoreCase("daily")) {
            return EnumSet.allOf(DayOfWeek.class);
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String part : spec.split(",", -1)) {
            String[] range = part.split("-", -1);
            if (range.length > 2 || part.isEmpty()) {
                throw invalid(text, "'" + part + "' is not a day or a range of days");
            }
            DayOfWeek from = day(text, range[0]);
            DayOfWeek to = range.length == 2 ? day(text, range[1]) : from;
            for (DayOfWeek d = from; ; d = d.plus(1)) {
                days.add(d);
                if (d == to) {
                    break;
                }
            }
        }
        return days;
    }

    private static DayOfWeek day(String text, String name) {
        int i = NAMES.indexOf(name.toLowerCase(Locale.ROOT));
        if (i < 0) {
            throw invalid(text, "'" + name + "' is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)");
        }
        return DayOfWeek.of(i + 1);
    }

    private static IllegalArgumentException invalid(String text, String what) {
        return new IllegalArgumentException("'" + text + "' is not a maintenance frame: " + what + "; " + GRAMMAR);
    }

    /** @return the frame as {@link #parse} reads it, days in the shortest form ({@code daily}, {@code Mon-Fri}) */
    public String format() {
        StringBuilder s = new StringBuilder();
        if (days.size() == 7) {
            s.append("daily");
        } else {
            // runs of consecutive days, Monday first
            DayOfWeek d = DayOfWeek.MONDAY;
            boolean first = true;
            for (int i = 0; i < 7; i++) {
                d = DayOfWeek.of(i + 1);
                if (!days.contains(d) || (i > 0 && days.contains(d.minus(1)))) {
                    continue;
                }
                int end = i;
                while (end + 1 < 7 && days.contains(DayOfWeek.of(end + 2))) {
                    end++;
                }
                if (!first) {
                    s.append(',');
                }
                first = false;
                s.append(name(d));
                if (end > i) {
                    s.append('-').append(name(DayOfWeek.of(end + 1)));
                }
            }
        }
        return s.append(' ').append(HH_MM.format(start)).append('/').append(formatLength(length)).toString();
    }

    private static String name(DayOfWeek d) {
        String n = NAMES.get(d.getValue() - 1);
        return Character.toUpperCase(n.charAt(0)) + n.substring(1);
    }

    static String formatLength(Duration d) {
        long m = d.toMinutes();
        if (d.toSeconds() % 60 != 0) {
            return d.toSeconds() + "s";
        }
        if (m % 60 == 0) {
            return m / 60 + "h";
        }
        return m >= 60 ? m / 60 + "h" + m % 60 + "m" : m + "m";
    }

    /**
     * @param now the time now
     * @param zone the window's zone
     * @return {@code now} if the frame is open now, else when it next begins
     */
    public Instant next(Instant now, ZoneId zone) {
        LocalDate today = now.atZone(zone).toLocalDate();
        // a frame that began up to 7 days ago may still be open
        for (int i = -8; i <= 8; i++) {
            LocalDate day = today.plusDays(i);
            if (!days.contains(day.getDayOfWeek())) {
                continue;
            }
            LocalDateTime local = LocalDateTime.of(day, start);
            ZoneOffsetTransition gap = zone.getRules().getTransition(local);
            Instant begins = gap != null && gap.isGap() ? gap.getInstant()
                    : ZonedDateTime.of(local, zone).toInstant(); // in an overlap: the earlier offset
            Instant ends = begins.plus(length);
            if (!ends.isAfter(now)) {
                continue;
            }
            return begins.isAfter(now) ? begins : now;
        }
        throw new IllegalStateException("no occurrence of " + format() + " within 8 days"); // cannot happen
    }

    /**
     * @param text a zone as users write it
     * @return the zone
     * @throws IllegalArgumentException saying what is accepted
     */
    public static ZoneId zone(String text) {
        try {
            return ZoneId.of(text == null ? "" : text.strip());
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a time zone: write a region such as "
                    + "Europe/Berlin or America/New_York, or UTC");
        }
    }
}
