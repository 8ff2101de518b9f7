package io.stratum.platform.update.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import org.junit.Test;

public class FrameTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId UTC = ZoneId.of("UTC");

    @Test
    public void parsesDailyDaysRangesAndLists() {
        assertEquals(EnumSet.allOf(DayOfWeek.class), Frame.parse("daily 02:00/2h").days());
        assertEquals(Duration.ofHours(2), Frame.parse("daily 02:00/2h").length());
        assertEquals(LocalTime.of(22, 30), Frame.parse("Mon-Fri 22:30/90m").start());
        assertEquals(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), Frame.parse("Mon-Fri 22:30/90m").days());
        assertEquals(EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), Frame.parse("sat,SUN 03:00/4h").days());
        assertEquals(EnumSet.of(DayOfWeek.FRIDAY, DayOfWeek.SATURDAY, DayOfWeek.SUNDAY, DayOfWeek.MONDAY),
                Frame.parse("Fri-Mon 01:00/1h").days());
        assertEquals(EnumSet.of(DayOfWeek.TUESDAY), Frame.parse("Tue 02:00/2h").days());
    }

    @Test
    public void formatsWhatItParses() {
        for (String t : new String[] {"daily 02:00/2h", "Mon-Fri 22:30/1h30m", "Sat-Sun 03:00/4h", "Tue 02:00/45m",
            "Mon-Wed,Fri 00:05/3h"}) {
            assertEquals(t, Frame.parse(t).format());
        }
        assertEquals("Mon-Fri 22:30/1h30m", Frame.parse("mon-fri 22:30/90m").format());
    }

    @Test
    public void errorsSayWhatIsWrongAndShowTheGrammar() {
        assertInvalid("Mon 25:00/2h", "25:00 is not a time of day");
        assertInvalid("Mo 02:00/2h", "'Mo' is not a day");
        assertInvalid("daily 02:00/2x", "'2x' is not a length");
        assertInvalid("daily 02:00/8d", "at most 7d");
        assertInvalid("02:00/2h", "it is not <days> HH:mm/<length>");
        assertInvalid("Mon,,Tue 02:00/2h", "'' is not a day or a range of days");
    }

    private static void assertInvalid(String text, String says) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Frame.parse(text));
        assertTrue(e.getMessage(), e.getMessage().contains(says));
        assertTrue(e.getMessage(), e.getMessage().contains("write <days> HH:mm/<length>, e.g. 'daily 02:00/2h'"));
    }

    @Test
    public void nextIsTheNextStartOrNowWhenOpen() {
        Frame daily = Frame.parse("daily 02:00/2h");
        assertEquals(Instant.parse("2026-12-04T02:00:00Z"), daily.next(Instant.parse("2026-12-03T17:00:00Z"), UTC));
        Instant open = Instant.parse("2026-12-03T03:15:00Z");
        assertEquals(open, daily.next(open, UTC));
        // the frame's end is not in it
        assertEquals(Instant.parse("2026-12-04T02:00:00Z"), daily.next(Instant.parse("2026-12-03T04:00:00Z"), UTC));
    }

    @Test
    public void nextSkipsDaysNotInTheFrame() {
        // 2026-12-03 is a Thursday
        Frame weekend = Frame.parse("Sat,Sun 03:00/4h");
        assertEquals(Instant.parse("2026-12-05T03:00:00Z"), weekend.next(Instant.parse("2026-12-03T10:00:00Z"), UTC));
        Frame tue = Frame.parse("Tue 02:00/2h");
        assertEquals(Instant.parse("2026-12-08T02:00:00Z"), tue.next(Instant.parse("2026-12-03T10:00:00Z"), UTC));
        Frame workdays = Frame.parse("Mon-Fri 22:30/90m");
        // Friday 23:00 is in Friday's frame
        Instant fri = Instant.parse("2026-12-04T23:00:00Z");
        assertEquals(fri, workdays.next(fri, UTC));
        // Saturday: the next is Monday's
        assertEquals(Instant.parse("2026-12-07T22:30:00Z"), workdays.next(Instant.parse("2026-12-05T12:00:00Z"),
                UTC));
    }

    @Test
    public void aFrameOpenSinceTheDayBeforeIsOpenNow() {
        Frame night = Frame.parse("Sat 23:00/5h");
        Instant sundayMorning = Instant.parse("2026-12-06T02:00:00Z");
        assertEquals(sundayMorning, night.next(sundayMorning, UTC));
    }

    @Test
    public void honoursTheZone() {
        Frame daily = Frame.parse("daily 02:00/2h");
        // 02:00 in Berlin in winter is 01:00 UTC
        assertEquals(Instant.parse("2026-12-04T01:00:00Z"), daily.next(Instant.parse("2026-12-03T17:00:00Z"),
                BERLIN));
    }

    @Test
    public void aStartInTheSpringGapBeginsWhenTheGapEnds() {
        // 2026-03-29: Berlin jumps from 02:00 CET to 03:00 CEST; 02:30 does not exist that night
        Frame f = Frame.parse("daily 02:30/1h");
        assertEquals(Instant.parse("2026-03-29T01:00:00Z"), f.next(Instant.parse("2026-03-28T12:00:00Z"), BERLIN));
        // the next night it is 02:30 CEST = 00:30 UTC
        assertEquals(Instant.parse("2026-03-30T00:30:00Z"), f.next(Instant.parse("2026-03-29T03:00:00Z"), BERLIN));
    }

    @Test
    public void aStartInTheAutumnOverlapBeginsAtTheFirstInstantAndLastsElapsedTime() {
        // 2026-10-25: Berlin goes back from 03:00 CEST to 02:00 CET; 02:30 happens twice
        Frame f = Frame.parse("daily 02:30/1h");
        Instant first = Instant.parse("2026-10-25T00:30:00Z"); // 02:30 CEST
        assertEquals(first, f.next(Instant.parse("2026-10-24T12:00:00Z"), BERLIN));
        // one hour later (the second 02:30, CET) the frame has ended: the next is the day after, 02:30 CET
        assertEquals(Instant.parse("2026-10-26T01:30:00Z"), f.next(Instant.parse("2026-10-25T01:30:00Z"), BERLIN));
    }

    @Test
    public void zonesAreCheckedWithAClearError() {
        assertEquals(BERLIN, Frame.zone("Europe/Berlin"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Frame.zone("Mars/Base"));
        assertTrue(e.getMessage(), e.getMessage().contains("'Mars/Base' is not a time zone"));
    }
}
