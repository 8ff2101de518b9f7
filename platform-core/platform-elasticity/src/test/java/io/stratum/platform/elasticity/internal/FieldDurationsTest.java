package io.stratum.platform.elasticity.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import io.stratum.platform.api.PlatformException;
import java.time.Duration;
import org.junit.Test;

/** Durations as users write them, and as reasons show them. */
public class FieldDurationsTest {

    @Test
    public void shortFormsAndIsoParse() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms", "window"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s", "window"));
        assertEquals(Duration.ofMinutes(5), Durations.parse(" 5m ", "window"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h", "window"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("PT30S", "window"));
        assertEquals(Duration.ZERO, Durations.parse("0s", "window"));
    }

    @Test
    public void aBadDurationIsRefusedNamingTheFieldAndWhatIsAccepted() {
        for (String bad : new String[] {"5x", "", "-30s", "PT-30S", "thirty seconds", "30"}) {
            try {
                Durations.parse(bad, "scaleUpCooldown");
                fail(bad);
            } catch (PlatformException e) {
                assertEquals(PlatformException.Reason.INVALID, e.reason());
                assertEquals("scaleUpCooldown: '" + bad.trim() + "' is not a duration; write e.g. 500ms, 30s, 5m, 1h "
                        + "or PT30S", e.getMessage());
            }
        }
    }

    @Test
    public void formatUsesTheLargestUnitThatDividesIt() {
        assertEquals("1m", Durations.format(Duration.ofSeconds(60)));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("500ms", Durations.format(Duration.ofMillis(500)));
        assertEquals("2h", Durations.format(Duration.ofMinutes(120)));
        assertEquals("0s", Durations.format(Duration.ZERO));
    }
}
