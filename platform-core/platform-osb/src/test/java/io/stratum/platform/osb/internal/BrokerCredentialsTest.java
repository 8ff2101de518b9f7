package io.stratum.platform.osb.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

/** The broker's own login: a PBKDF2 hash in the configuration, never the password. */
public class BrokerCredentialsTest {

    private static final String HASH = BrokerPassword.hash("a-long-broker-password".toCharArray(), 1000);

    @Test
    public void onlyTheConfiguredUserAndPasswordAreAccepted() {
        BrokerCredentials c = new BrokerCredentials("cf", HASH);
        assertNull(c.problem());
        assertFalse(c.accepts(null));
        assertFalse(c.accepts("Bearer x"));
        assertFalse(c.accepts(BrokerHarness.basic("cf", "wrong")));
        assertFalse(c.accepts(BrokerHarness.basic("other", "a-long-broker-password")));
        assertTrue(c.accepts(BrokerHarness.basic("cf", "a-long-broker-password")));
        // remembered after the first match; other passwords are still checked in full
        assertTrue(c.accepts(BrokerHarness.basic("cf", "a-long-broker-password")));
        assertFalse(c.accepts(BrokerHarness.basic("cf", "a-long-broker-passwore")));
        assertFalse(c.accepts(BrokerHarness.basic("cf", "")));
        assertTrue(c.accepts("basic " + BrokerHarness.basic("cf", "a-long-broker-password").substring(6)));
    }

    @Test
    public void withoutAUsableConfigurationNothingIsAccepted() {
        assertEquals("no broker credentials are configured", new BrokerCredentials("", "").problem());
        assertEquals("no broker credentials are configured", new BrokerCredentials("cf", null).problem());
        assertTrue(new BrokerCredentials("cf", "secret").problem().startsWith("the configured passwordHash is not "
                + "usable"));
        assertTrue(new BrokerCredentials("cf", "pbkdf2-sha512$10$AAAA$AAAA").problem().contains("below 1000"));
        assertTrue(new BrokerCredentials("c:f", HASH).problem().contains("':'"));
        BrokerCredentials none = new BrokerCredentials(null, null);
        assertFalse(none.accepts(BrokerHarness.basic("", "")));
        assertFalse(none.accepts(BrokerHarness.basic("cf", "a-long-broker-password")));
    }

    @Test
    public void hashesAreSaltedAndNeverThePassword() {
        String a = BrokerPassword.hash("same-password-here".toCharArray(), 1000);
        String b = BrokerPassword.hash("same-password-here".toCharArray(), 1000);
        assertFalse(a.equals(b));
        assertFalse(a.contains("same-password-here"));
        assertNull(BrokerPassword.problem(a));
        assertTrue(BrokerPassword.matches("same-password-here".toCharArray(), b));
        assertFalse(BrokerPassword.matches("same-password-herE".toCharArray(), b));
    }
}
