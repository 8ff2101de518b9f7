package io.stratum.platform.internal.service;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import io.stratum.sme.api.SmeException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** Secrets blanked out of engine messages. */
public class RedactionTest {

    @Test
    public void secretsAreFoundByTheNameTheyAreKeptUnder() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("admin.password", "adminpw-1");
        values.put("binding.3f2a.password", "bindpw-22");
        values.put("apiToken", "tok-333");
        values.put("DATABASE_PASSWORD", "envpw-4444");
        values.put("port", "20001");
        values.put("url", "jdbc:h2:tcp://127.0.0.1:20001/db");
        values.put("password", "abc"); // too short to blank safely
        // the platform's one rule (Secrets): the update manager and backups masked these, engine messages did not
        values.put("signing.passphrase", "phrase-55555");
        values.put("accessKey", "AKIA666666");
        List<String> secrets = new ArrayList<>();
        Redaction.collectSecrets(values, secrets);
        assertEquals(List.of("adminpw-1", "bindpw-22", "tok-333", "envpw-4444", "phrase-55555", "AKIA666666"),
                secrets);
    }

    @Test
    public void theHistoryRecordsWhatTheRuleMasks() {
        Map<String, String> recorded = new LinkedHashMap<>();
        History.created("svc", "database", "1.1.0", "small", Map.of("signing.passphrase", "phrase-55555", "accessKey",
                "AKIA666666", "target", "sftp://ops:pw@backup.example/x", "heapMb", "256"), Map.of())
                .forEach(c -> recorded.put(c.field(), c.after()));
        assertEquals("********", recorded.get("config.signing.passphrase"));
        assertEquals("********", recorded.get("config.accessKey"));
        assertEquals("sftp://ops:********@backup.example/x", recorded.get("config.target"));
        assertEquals("256", recorded.get("config.heapMb"));
    }

    @Test
    public void messagesLoseTheSecretsAndUrlPasswordsAndKeepTheRest() {
        List<String> secrets = List.of("adminpw-1");
        assertEquals("cannot log in as admin/******** at jdbc:h2:tcp://127.0.0.1:20001/db",
                Redaction.redact("cannot log in as admin/adminpw-1 at jdbc:h2:tcp://127.0.0.1:20001/db", secrets));
        assertEquals("GET http://u:********@host:80/?token=******** failed",
                Redaction.redact("GET http://u:pa55@host:80/?token=abcdef failed", secrets));
        assertEquals("nothing secret", Redaction.redact("nothing secret", secrets));
    }

    @Test
    public void anEngineFailureIsCopiedWithoutTheSecretAnywhereInItsChain() {
        List<String> secrets = List.of("adminpw-1");
        SmeException clean = SmeException.transientFailure("port busy", null);
        assertSame(clean, Redaction.redact(clean, secrets));

        SmeException leaky = SmeException.transientFailure("cannot connect",
                new IllegalStateException("statement ALTER USER a SET PASSWORD 'adminpw-1' failed"));
        SmeException copy = Redaction.redact(leaky, secrets);
        assertTrue("keeps its transience", copy.isTransient());
        assertEquals("cannot connect", copy.getMessage());
        StringWriter logged = new StringWriter();
        copy.printStackTrace(new PrintWriter(logged));
        assertFalse(logged.toString(), logged.toString().contains("adminpw-1"));
        assertTrue(logged.toString(), logged.toString().contains("java.lang.IllegalStateException: statement ALTER "
                + "USER a SET PASSWORD '********' failed"));
        assertTrue("with the stack trace it had", logged.toString().contains("RedactionTest"));
    }
}
