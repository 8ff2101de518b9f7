package io.stratum.platform.elasticity.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import org.junit.Test;

/** Durations as users write them. */
public class DurationsTest {

    @Test
    public void unitsCombinationsAndIso() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
        assertEquals(Duration.ofMinutes(5), Durations.parse(" 5M "));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        assertEquals(Duration.ofDays(1), Durations.parse("1d"));
        assertEquals(Duration.ofSeconds(90), Durations.parse("1m30s"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("PT30S"));
        assertEquals("500ms", Durations.format(Duration.ofMillis(500)));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("5m", Durations.format(Duration.ofMinutes(5)));
        assertEquals("24h", Durations.format(Duration.ofDays(1)));
    }

    @Test
    public void badOnesAreRefusedSayingWhatIsAccepted() {
        for (String bad : new String[] {"", "5", "m", "5 minutes", "-5s", "1.5m", "PT", "P1Y", "99999999999s"}) {
            IllegalArgumentException e = assertThrows(bad, IllegalArgumentException.class, () -> Durations.parse(bad));
            assertTrue(e.getMessage(), e.getMessage().contains("500ms, 30s, 1m"));
        }
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> Durations.parse("0s"));
        assertTrue(zero.getMessage(), zero.getMessage().contains("longer than zero"));
    }
}
