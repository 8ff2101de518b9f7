package io.stratum.platform.spi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** The one rule of which values are shown masked, as every core bundle applies it. */
public class SecretsTest {

    @Test
    public void secretLookingNamesInAnyCase() {
        for (String name : List.of("password", "admin.password", "DB_PASSWD", "pwd", "passphrase", "clientSecret",
                "apiToken", "credentials", "apikey", "api_key", "api-key", "private.pem", "authHeader", "oauth",
                "accessKey", "signing.key", "SSH_KEY", "encryptionKeys", "sshKeys", "keyPem", "tls.keyFile", "keyPair",
                "key.id", "tls-keys-dir", "keys")) {
            assertTrue(name, Secrets.isSecretName(name));
        }
        for (String name : List.of("heapMb", "war", "url", "user", "instances", "keyspace", "keyboardLayout",
                "contextPath", "author", "authority", "monkeys.count")) {
            assertFalse(name, Secrets.isSecretName(name));
        }
        assertFalse(Secrets.isSecretName(null));
    }

    @Test
    public void passwordsInsideUrlsAreBlankedAndTheRestKept() {
        assertEquals("http://rosa:********@lb.example:8080/notes?x=1",
                Secrets.maskUrls("http://rosa:s3cret@lb.example:8080/notes?x=1"));
        assertEquals("jdbc:h2:tcp://127.0.0.1:28001/db;USER=app;PASSWORD=********;MODE=PostgreSQL",
                Secrets.maskUrls("jdbc:h2:tcp://127.0.0.1:28001/db;USER=app;PASSWORD=hunter2;MODE=PostgreSQL"));
        assertEquals("https://api.example/v1?token=********&page=2",
                Secrets.maskUrls("https://api.example/v1?token=abc.def&page=2"));
        assertEquals("https://api.example/v1?page=2&access_token=********#top",
                Secrets.maskUrls("https://api.example/v1?page=2&access_token=abc#top"));
        assertEquals("https://api.example/v1?api-key=********&auth=********&credential=********&q=x",
                Secrets.maskUrls("https://api.example/v1?api-key=k1&auth=a2&credential=c3&q=x"));
        assertEquals("https://api.example/v1?author=ann&page=2",
                Secrets.maskUrls("https://api.example/v1?author=ann&page=2"));
        assertEquals("jdbc:h2:tcp://127.0.0.1:28001/db", Secrets.maskUrls("jdbc:h2:tcp://127.0.0.1:28001/db"));
        assertNull(Secrets.maskUrls(null));
    }

    @Test
    public void shownValuesAreMaskedByNameOrByTheirUrls() {
        Map<String, String> config = new HashMap<>();
        config.put("admin.password", "hunter2");
        config.put("backup.url", "sftp://ops:p4ss@backup.example/stratum");
        config.put("heapMb", "256");
        config.put("accessKey", null);
        assertEquals(Map.of("admin.password", Secrets.MASK, "backup.url", "sftp://ops:" + Secrets.MASK
                + "@backup.example/stratum", "heapMb", "256"), withoutNulls(Secrets.shown(config)));
        assertTrue("a missing value stays missing", Secrets.shown(config).containsKey("accessKey"));
        assertNull(Secrets.shown(config).get("accessKey"));
        assertEquals("sorted by name", List.of("accessKey", "admin.password", "backup.url", "heapMb"),
                List.copyOf(Secrets.shown(config).keySet()));
        assertNull(Secrets.shown((Map<String, String>) null));
    }

    private static Map<String, String> withoutNulls(Map<String, String> m) {
        Map<String, String> out = new HashMap<>(m);
        out.values().removeIf(v -> v == null);
        return out;
    }
}
