package io.stratum.platform.internal.store;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.junit.Test;

/** Sealing and opening single values (no store, no files). */
public class SecretBoxTest {

    private static SecretBox box() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new SecretBox(new SecretKeySpec(key, "AES"), Path.of("/keys/test.key"));
    }

    @Test
    public void sealsEachValueWithAFreshIvAndOpensIt() {
        SecretBox box = box();
        for (String secret : List.of("FzmkBHqAwV9xJJQzKB4CY84u", "", "pässwörd ✓ with spaces", "x".repeat(10_000))) {
            String a = box.seal(secret);
            String b = box.seal(secret);
            assertTrue(a.startsWith(SecretBox.PREFIX));
            assertTrue(SecretBox.isSealed(a));
            assertNotEquals("a random IV per value: equal secrets do not look equal", a, b);
            if (!secret.isEmpty()) {
                assertFalse(a.contains(secret));
            }
            assertEquals(secret, box.open(a));
            assertEquals(secret, box.open(b));
        }
        assertNull(box.seal(null));
        assertNull(box.open(null));
    }

    @Test
    public void plaintextWrittenBeforeSealingIsReadAsItIs() {
        SecretBox box = box();
        assertFalse(SecretBox.isSealed("s3cret"));
        assertEquals("s3cret", box.open("s3cret"));
        assertEquals("jdbc:h2:tcp://127.0.0.1:1/db", box.open("jdbc:h2:tcp://127.0.0.1:1/db"));
    }

    @Test
    public void aValueSealedWithAnotherKeyOrDamagedIsRefusedWithoutShowingIt() {
        String sealed = box().seal("the-secret-value");
        List<String> bad = List.of(sealed, SecretBox.PREFIX + "not base64!", SecretBox.PREFIX + "AAAA",
                damaged(sealed));
        SecretBox other = box();
        for (String stored : bad) {
            try {
                other.open(stored);
                fail("opened " + stored);
            } catch (StoreException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("/keys/test.key"));
                assertFalse(e.getMessage().contains("the-secret-value"));
                assertFalse(e.getMessage().contains(stored.substring(SecretBox.PREFIX.length())));
            }
        }
    }

    private static String damaged(String sealed) {
        byte[] bytes = Base64.getDecoder().decode(sealed.substring(SecretBox.PREFIX.length()));
        bytes[bytes.length - 1] ^= 1;
        return SecretBox.PREFIX + Base64.getEncoder().encodeToString(bytes);
    }

    @Test
    public void mapsKeepTheirKeysAndOrder() {
        SecretBox box = box();
        Map<String, String> binding = new LinkedHashMap<>();
        binding.put("url", "jdbc:h2:tcp://127.0.0.1:20001/db");
        binding.put("user", "app_1");
        binding.put("password", "pw");
        Map<String, String> sealed = box.sealValues(binding);
        assertEquals(List.of("url", "user", "password"), List.copyOf(sealed.keySet()));
        sealed.values().forEach(v -> assertTrue(v, SecretBox.isSealed(v)));
        assertEquals(binding, box.openValues(sealed));
        assertNull(box.sealValues(null));
    }

    @Test
    public void refusesAKeyThatIsNot256BitAes() {
        try {
            new SecretBox(new SecretKeySpec(new byte[16], "AES"), Path.of("k"));
            fail("a 128-bit key must be refused");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("256-bit"));
        }
    }

    /** Not an assertion: what sealing costs, printed so a change in it is seen. */
    @Test
    public void printsWhatSealingCosts() {
        SecretBox box = box();
        String value = "FzmkBHqAwV9xJJQzKB4CY84u";
        for (int i = 0; i < 20_000; i++) { // warm up
            box.open(box.seal(value));
        }
        int n = 50_000;
        long t0 = System.nanoTime();
        String[] sealed = new String[n];
        for (int i = 0; i < n; i++) {
            sealed[i] = box.seal(value);
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            box.open(sealed[i]);
        }
        long t2 = System.nanoTime();
        System.out.printf("SecretBox cost: seal %.1f us, open %.1f us per 24-character value; stored as %d "
                + "characters%n", (t1 - t0) / 1000.0 / n, (t2 - t1) / 1000.0 / n, sealed[0].length());
    }
}
