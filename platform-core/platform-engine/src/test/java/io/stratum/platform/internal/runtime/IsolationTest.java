package io.stratum.platform.internal.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.junit.Test;

/** Reading the platform's privilege. */
public class IsolationTest {

    @Test
    public void readsTheEffectiveCapabilitiesFromProcStatus() {
        String status = "Name:\tjava\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n"
                + "CapEff:\t000001fffeffffff\nCapBnd:\t000001ffffffffff\n";
        assertEquals(0x1fffeffffffL, Isolation.effectiveCapabilities(status));
        assertTrue("root's usual set has everything", Isolation.missing(0x1fffeffffffL).isEmpty());
    }

    @Test
    public void namesWhatIsMissing() {
        assertEquals(List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_KILL", "CAP_SETGID", "CAP_SETUID"),
                Isolation.missing(0));
        long setuidAndSetgid = (1L << 7) | (1L << 6);
        assertEquals(List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_KILL"),
                Isolation.missing(setuidAndSetgid));
        assertEquals(0, Isolation.effectiveCapabilities("Name:\tjava\n"));
    }

    @Test
    public void parsesTheMode() {
        assertEquals(Isolation.Mode.REQUIRED, Isolation.Mode.parse(" Required "));
        try {
            Isolation.Mode.parse("yes");
            throw new AssertionError("expected an error");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("auto, off or required"));
        }
    }
}
