package io.stratum.platform.clone.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.Test;

/** Masked values of the history, recovered from backups and live services. */
public class MaskedValuesTest {

    @Test
    public void anyValueFitsAFullyMaskedOneButAMaskedCopyDoesNot() {
        assertTrue(MaskedValues.fits("********", "s3cret"));
        assertFalse(MaskedValues.fits("********", null));
        assertFalse(MaskedValues.fits("********", "********"));
        assertTrue(MaskedValues.fits("plain", "plain"));
        assertFalse(MaskedValues.fits("plain", "other"));
    }

    @Test
    public void aPartlyMaskedUrlNeedsTheSameTextAroundTheMask() {
        String recorded = "jdbc:h2:tcp://app:********@10.0.0.1:9092/db;password=********";
        assertTrue(MaskedValues.fits(recorded, "jdbc:h2:tcp://app:pw1@10.0.0.1:9092/db;password=pw2"));
        assertFalse("another host", MaskedValues.fits(recorded, "jdbc:h2:tcp://app:pw1@10.0.0.2:9092/db;password=pw2"));
        assertFalse("another user", MaskedValues.fits(recorded, "jdbc:h2:tcp://web:pw1@10.0.0.1:9092/db;password=pw2"));
        assertTrue("regex characters in the text are text", MaskedValues.fits("a.b(********)", "a.b(x)"));
        assertFalse(MaskedValues.fits("a.b(********)", "aXb(x)"));
    }

    @Test
    public void eachMaskedValueComesFromTheFirstSourceThatFits() {
        Map<String, String> recorded = Map.of("war", "/w/a.war", "admin.password", "********", "api.token", "********",
                "url", "http://u:********@h/");
        Map<String, String> backup = Map.of("admin.password", "from-backup", "url", "http://u:b@other/");
        Map<String, String> live = Map.of("admin.password", "from-live", "api.token", "t0k", "url", "http://u:l@h/",
                "war", "/w/changed.war");

        MaskedValues.Recovered r = MaskedValues.recover(recorded, List.of(backup, live));

        assertEquals(Map.of("war", "/w/a.war", "admin.password", "from-backup", "api.token", "t0k",
                "url", "http://u:l@h/"), r.values());
        assertEquals(List.of(), r.unrecoverable());
    }

    @Test
    public void whatNoSourceHasIsNamed() {
        MaskedValues.Recovered r = MaskedValues.recover(Map.of("a.password", "********", "b.secret", "********",
                "c", "plain"), List.of(Map.of("b.secret", "x"), Map.of()));

        assertEquals(Map.of("b.secret", "x", "c", "plain"), r.values());
        assertEquals(List.of("a.password"), r.unrecoverable());
        assertEquals(List.of("a.password"), MaskedValues.recover(Map.of("a.password", "********"), List.of())
                .unrecoverable());
    }
}
