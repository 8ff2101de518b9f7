package io.stratum.platform.update.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.Test;

public class BundleSdpCatalogTest {

    @Test
    public void readsTheKeysAndDefaultsOfAShippedDescriptor() throws Exception {
        Path descriptor = Path.of("../../sme-database/src/main/resources/META-INF/stratum/sdp.json");
        try (InputStream in = Files.newInputStream(descriptor)) {
            Map<String, String> schema = BundleSdpCatalog.schema(in);
            assertEquals("64", schema.get("heapMb"));
            assertEquals("REGULAR", schema.get("mode"));
        }
    }

    @Test
    public void aKeyWithoutDefaultIsKnownWithNone() throws Exception {
        Map<String, String> schema = BundleSdpCatalog.schema(new ByteArrayInputStream(("{\"name\": \"x\", "
                + "\"configSchema\": {\"a\": {\"type\": \"string\"}, \"b\": {\"defaultValue\": 5}}}")
                .getBytes(StandardCharsets.UTF_8)));
        assertTrue(schema.containsKey("a"));
        assertEquals(null, schema.get("a"));
        assertEquals("5", schema.get("b"));
    }
}
