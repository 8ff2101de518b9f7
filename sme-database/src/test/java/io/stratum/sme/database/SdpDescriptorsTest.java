package io.stratum.sme.database;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * The two descriptors this module ships (1.1.0 in the main artifact, 1.0.0 in the {@code sdp-1.0.0} one) differ in
 * exactly what version 1.1.0 changed: the version, the {@code lockTimeoutMs} key and the sentence that describes it.
 */
public class SdpDescriptorsTest {

    private static final Path V110 = Path.of("src/main/resources/META-INF/stratum/sdp.json");
    private static final Path V100 = Path.of("src/sdp-1.0.0/META-INF/stratum/sdp.json");

    @Test
    public void version110AddsTheLiveLockTimeoutAndNothingElse() throws Exception {
        String v110 = Files.readString(V110, StandardCharsets.UTF_8);
        String v100 = Files.readString(V100, StandardCharsets.UTF_8);
        assertTrue(v110.contains("\"version\": \"1.1.0\""));
        assertTrue(v100.contains("\"version\": \"1.0.0\""));
        assertFalse("1.0.0 has no lock timeout", v100.contains(SdpMigrations.LOCK_TIMEOUT));

        Matcher key = Pattern.compile("\\n    \"lockTimeoutMs\": \\{[^}]*\\},").matcher(v110);
        assertTrue("1.1.0 has the key", key.find());
        String property = key.group();
        assertTrue(property, property.contains("\"type\": \"integer\""));
        assertTrue(property, property.contains("\"defaultValue\": \"10000\""));
        assertFalse("users may set it (userSettable defaults to true)", property.contains("userSettable"));

        String stripped = v110.replace(property, "")
                .replace("\"version\": \"1.1.0\"", "\"version\": \"1.0.0\"")
                .replaceFirst(" Since 1\\.1\\.0: [^\"]*\"", "\"");
        assertEquals("apart from what 1.1.0 changed, the descriptors are the same", v100, stripped);
    }
}
