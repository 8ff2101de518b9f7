package io.stratum.platform.internal.sdp;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.PlatformException;
import io.stratum.sme.api.descriptor.ConfigProperty;
import io.stratum.sme.api.descriptor.ConfigType;
import io.stratum.sme.api.descriptor.Plan;
import io.stratum.sme.api.descriptor.SdpDescriptor;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class ConfigValuesTest {

    private static final SdpDescriptor D = new SdpDescriptor("x", "database", "1.0.0", "v", "d",
            List.of("native-process"), null, "small",
            List.of(new Plan("small", "", Map.of("heap", "64"))),
            Map.of("heap", new ConfigProperty(ConfigType.INTEGER, "", "32", 16L, 1024L, null, false),
                    "mode", new ConfigProperty(ConfigType.STRING, "", "A", null, null, List.of("A", "B"), null),
                    "ssl", new ConfigProperty(ConfigType.BOOLEAN, "", null, null, null, null, null)),
            null, null, null);

    @Test
    public void checksTypesAndBounds() {
        ConfigProperty heap = D.configSchema().get("heap");
        assertNull(ConfigValues.check("heap", heap, "64"));
        assertTrue(ConfigValues.check("heap", heap, "8").contains("at least 16"));
        assertTrue(ConfigValues.check("heap", heap, "lots").contains("whole number"));
        assertTrue(ConfigValues.check("ssl", D.configSchema().get("ssl"), "yes").contains("true or false"));
        assertTrue(ConfigValues.check("mode", D.configSchema().get("mode"), "C").contains("one of [A, B]"));
    }

    @Test
    public void aFileIsAPathAndIsNotLookedUpHere() {
        ConfigProperty war = new ConfigProperty(ConfigType.FILE, "", null, null, null, null, null);
        assertNull("existence and who may name it are the platform's to check, with the caller", ConfigValues.check(
                "war", war, "/no/such/app.war"));
        assertTrue(ConfigValues.check("war", war, " ").contains("must be the path of a file on the Stratum host"));
        assertTrue(ConfigValues.check("war", war, "a\0b").contains("must be the path of a file"));
    }

    @Test
    public void effectiveConfigurationLayersDefaultsPlanAndUser() {
        Map<String, String> c = ConfigValues.effective(D, D.plans().get(0), Map.of("mode", "B", "ssl", "true"));
        assertEquals(Map.of("heap", "64", "mode", "B", "ssl", "true"), c);
    }

    @Test
    public void rejectsUnknownPlanOnlyAndInvalidKeysAllAtOnce() {
        try {
            ConfigValues.effective(D, D.plans().get(0), Map.of("heap", "128", "colour", "red", "mode", "Z"));
            fail();
        } catch (PlatformException e) {
            assertEquals(PlatformException.Reason.INVALID, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("'heap' is set by the plan"));
            assertTrue(e.getMessage(), e.getMessage().contains("unknown configuration key 'colour'"));
            assertTrue(e.getMessage(), e.getMessage().contains("'mode' must be one of"));
        }
    }
}
