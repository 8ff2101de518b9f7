package io.stratum.sme.appserver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.Test;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

/**
 * The example patch the distribution ships ({@code examples/patches/appserver-maxthreads.json}) is one the update
 * manager takes: its checksum file matches it (so editing one without the other fails here, not at an operator's),
 * it has exactly the patch fields, and it sets keys of this SDP's configuration schema to allowed values for a
 * version range that holds this SDP's version.
 */
public class ExamplePatchTest {

    private static final String ID = "appserver-maxthreads";
    private static final Set<String> FIELDS = Set.of("id", "title", "description", "serviceType", "sdpVersions",
            "configuration");

    private final ObjectMapper json = new ObjectMapper();

    private static Path patches() {
        return Path.of(System.getProperty("examples.dir")).resolve("patches");
    }

    @Test
    public void theChecksumFileMatchesThePatchInSha256sumFormat() throws Exception {
        Path patch = patches().resolve(ID + ".json");
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(patch)));
        assertEquals("recompute it with: sha256sum " + ID + ".json > " + ID + ".json.sha256",
                expected + "  " + ID + ".json\n", Files.readString(patches().resolve(ID + ".json.sha256")));
    }

    @Test
    public void itSetsKnownKeysOfThisSdpToAllowedValues() throws Exception {
        JsonNode patch = json.readTree(patches().resolve(ID + ".json").toFile());
        JsonNode sdp;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/stratum/sdp.json")) {
            sdp = json.readTree(in);
        }
        Set<String> fields = new TreeSet<>();
        patch.fieldNames().forEachRemaining(fields::add);
        assertEquals(new TreeSet<>(FIELDS), fields);
        assertEquals("the id is the file's name", ID, patch.get("id").asText());
        assertEquals(sdp.get("serviceType").asText(), patch.get("serviceType").asText());
        assertTrue("this SDP's version is in the patch's range", new VersionRange(patch.get("sdpVersions").asText())
                .includes(Version.parseVersion(sdp.get("version").asText())));
        assertEquals(Map.of("maxThreads", "100"), json.convertValue(patch.get("configuration"), Map.class));
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.get("configuration").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode schema = sdp.get("configSchema").get(e.getKey());
            assertTrue(e.getKey() + " is a key of the descriptor", schema != null);
            assertTrue("values are strings, as in a configuration", e.getValue().isTextual());
            if ("integer".equals(schema.get("type").asText())) {
                long value = Long.parseLong(e.getValue().asText());
                assertTrue(e.getKey() + " within its minimum and maximum", value >= schema.get("minimum").asLong()
                        && value <= schema.get("maximum").asLong());
            }
            assertTrue(e.getKey() + " is settable by users", !schema.has("userSettable")
                    || schema.get("userSettable").asBoolean());
        }
        for (String text : List.of("title", "description")) {
            assertTrue(text, !patch.get(text).asText().isBlank());
        }
    }
}
