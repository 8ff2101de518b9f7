package io.stratum.platform.internal.util;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.slf4j.LoggerFactory;

/** Configuration values: typed, strings from .cfg files, absent, unconvertible and out of range. */
public class ConfigReaderTest {

    private static ConfigReader reader(Map<String, ?> properties) {
        return new ConfigReader("io.stratum.test", properties, LoggerFactory.getLogger(ConfigReaderTest.class));
    }

    @Test
    public void takesGoodValuesOfEveryFormAndDefaultsForAbsentKeys() {
        ConfigReader r = reader(Map.of("a", "12", "b", 13, "c", 14L, "d", " 15 ", "t", "TRUE", "f", false));
        assertEquals(12, r.intValue("a", 1, 2, 0, 100));
        assertEquals(13, r.intValue("b", 1, 2, 0, 100));
        assertEquals(14, r.longValue("c", 1, 2, 0, 100));
        assertEquals(15, r.intValue("d", 1, 2, 0, 100));
        assertEquals("absent: the default, not the kept value", 1, r.intValue("none", 1, 2, 0, 100));
        assertTrue(r.booleanValue("t", false, false));
        assertFalse(r.booleanValue("f", true, true));
        assertTrue(r.booleanValue("none", true, false));
        assertEquals(List.of(), r.refused());
        assertEquals("no properties at all: defaults", 7, reader(null).intValue("a", 7, 8, 0, 100));
    }

    @Test
    public void refusesBadValuesNamingThePidKeyValueAndTheValueKept() {
        Map<String, Object> p = new HashMap<>();
        p.put("workers", "-3");
        p.put("port", "abc");
        p.put("ratio", 1.5);
        p.put("big", "99999999999999999999");
        p.put("flag", "yes");
        ConfigReader r = reader(p);
        assertEquals(4, r.intValue("workers", 1, 4, 1, 256));
        assertEquals(20000, r.intValue("port", 1, 20000, 1024, 65535));
        assertEquals(3, r.longValue("ratio", 1, 3, 0, 10));
        assertEquals(5, r.longValue("big", 1, 5, 0, Long.MAX_VALUE));
        assertTrue(r.booleanValue("flag", false, true));
        r.refuse("portRangeStart/portRangeEnd", "30000-20000", "portRangeStart <= portRangeEnd", "20000-29999");
        assertEquals(List.of(
                "configuration io.stratum.test: workers = '-3' refused (allowed: a whole number from 1 to 256); "
                        + "keeping 4",
                "configuration io.stratum.test: port = 'abc' refused (allowed: a whole number from 1024 to 65535); "
                        + "keeping 20000",
                "configuration io.stratum.test: ratio = '1.5' refused (allowed: a whole number from 0 to 10); "
                        + "keeping 3",
                "configuration io.stratum.test: big = '99999999999999999999' refused (allowed: a whole number from 0 "
                        + "to 9223372036854775807); keeping 5",
                "configuration io.stratum.test: flag = 'yes' refused (allowed: true or false); keeping true",
                "configuration io.stratum.test: portRangeStart/portRangeEnd = '30000-20000' refused (allowed: "
                        + "portRangeStart <= portRangeEnd); keeping 20000-29999"), r.refused());
    }
}
