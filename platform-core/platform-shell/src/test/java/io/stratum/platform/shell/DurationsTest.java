package io.stratum.platform.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import io.stratum.platform.api.PlatformException;
import java.time.Duration;
import java.util.List;
import org.junit.Test;

/** Durations as users type them for --keep-for. */
public class DurationsTest {

    @Test
    public void unitsAndIsoAreRead() {
        assertEquals(Duration.ofSeconds(45), Durations.parse("--keep-for", "45s"));
        assertEquals(Duration.ofMinutes(30), Durations.parse("--keep-for", "30m"));
        assertEquals(Duration.ofHours(12), Durations.parse("--keep-for", "12h"));
        assertEquals(Duration.ofDays(7), Durations.parse("--keep-for", "7d"));
        assertEquals(Duration.ofDays(14), Durations.parse("--keep-for", "2w"));
        assertEquals(Duration.ofHours(36), Durations.parse("--keep-for", "1d12h"));
        assertEquals(Duration.ofDays(7), Durations.parse("--keep-for", " 7D "));
        assertEquals(Duration.ofHours(12), Durations.parse("--keep-for", "PT12H"));
        assertEquals(Duration.ofHours(12), Durations.parse("--keep-for", "pt12h"));
        assertEquals(Duration.ofDays(7), Durations.parse("--keep-for", "P7D"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("--keep-for", "PT1H30M"));
    }

    @Test
    public void anythingElseIsAClearError() {
        for (String bad : List.of("", "   ", "7", "d", "7 days", "7y", "1.5d", "7d3", "-1d", "P2W", "PTxH", "abc",
                "99999999999999999999d", "9999999999999999w")) {
            try {
                Durations.parse("--keep-for", bad);
                fail("accepted '" + bad + "'");
            } catch (PlatformException e) {
                assertEquals(PlatformException.Reason.INVALID, e.reason());
                assertEquals("--keep-for takes a duration such as 30m, 12h, 7d or 2w (s, m, h, d, w; combined like "
                        + "1d12h) or ISO-8601 such as PT12H, not '" + bad + "'", e.getMessage());
            }
        }
    }

    @Test
    public void zeroAndNegativeDurationsAreRefused() {
        for (String bad : List.of("0d", "0s0m", "PT0S", "PT-12H")) {
            try {
                Durations.parse("--keep-for", bad);
                fail("accepted '" + bad + "'");
            } catch (PlatformException e) {
                assertEquals("--keep-for must be longer than zero, not '" + bad + "'", e.getMessage());
            }
        }
    }

    @Test
    public void formattedDurationsReadBack() {
        for (Duration d : List.of(Duration.ofDays(14), Duration.ofDays(30), Duration.ofHours(36), Duration.ofMinutes(90),
                Duration.ofSeconds(61))) {
            assertEquals(d, Durations.parse("--keep-for", Durations.format(d)));
        }
        assertEquals("2w", Durations.format(Duration.ofDays(14)));
        assertEquals("36h", Durations.format(Duration.ofHours(36)));
        assertEquals("-", Durations.format(null));
    }
}
