package io.stratum.platform.elasticity.internal.action;

import static org.junit.Assert.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.Test;

public class FiringTextTest {

    @Test
    public void numbersAreWrittenWithoutNeedlessDigits() {
        assertEquals("1", FiringText.number(1.0));
        assertEquals("62.5", FiringText.number(62.5));
        assertEquals("0", FiringText.number(-0.0));
        assertEquals("0.000125", FiringText.number(0.000125));
        assertEquals("12000000000", FiringText.number(1.2e10));
        assertEquals("NaN", FiringText.number(Double.NaN));
        assertEquals("-Infinity", FiringText.number(Double.NEGATIVE_INFINITY));
    }

    @Test
    public void valuesAreOrderedByName() {
        Map<String, String> values = FiringText.values(Firings.firing("OK", "ALARM", ""));

        assertEquals(List.of("avg('http.requests.rate','1m')", "instances"), List.copyOf(values.keySet()));
        assertEquals(List.of("62.5", "1"), List.copyOf(values.values()));
    }

    @Test
    public void controlCharactersBecomeSpaces() {
        assertEquals("a b c\u00e9", FiringText.oneLine("a\r\nb\tc\u00e9".replace("\r\n", "\n")));
        assertEquals("", FiringText.oneLine(null));
    }
}
