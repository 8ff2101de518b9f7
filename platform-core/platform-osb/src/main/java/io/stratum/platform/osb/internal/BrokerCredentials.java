package io.stratum.platform.osb.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The broker's own login (HTTP basic authentication), apart from Stratum's users: a user name and a PBKDF2 hash of the
 * password ({@link BrokerPassword}). A request whose password matches once is remembered by a SHA-256 of its
 * credentials, so later requests of the platform cost a hash, not a PBKDF2 run; a wrong password always pays the
 * PBKDF2 run. Without both settings nothing is accepted.
 */
final class BrokerCredentials {

    private final String username;
    private final String passwordHash;
    private final String problem;
    private volatile byte[] accepted;

    /**
     * @param username the configured user name, or empty
     * @param passwordHash the configured hash, or empty
     */
    BrokerCredentials(String username, String passwordHash) {
        this.username = username == null ? "" : username.strip();
        this.passwordHash = passwordHash == null ? "" : passwordHash.strip();
        if (this.username.isEmpty() || this.passwordHash.isEmpty()) {
            problem = "no broker credentials are configured";
        } else if (this.username.contains(":")) {
            problem = "the configured username contains ':', which basic authentication cannot carry";
        } else {
            String bad = BrokerPassword.problem(this.passwordHash);
            problem = bad == null ? null : "the configured passwordHash is not usable: " + bad;
        }
    }

    /** @return why nothing is accepted, or {@code null} if credentials are configured */
    String problem() {
        return problem;
    }

    /**
     * @param authorization the request's {@code Authorization} header, or {@code null}
     * @return whether it carries the broker's user and password
     */
    boolean accepts(String authorization) {
        if (problem != null || authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(authorization.substring(6).strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] digest = sha256(decoded);
        byte[] known = accepted;
        if (known != null && MessageDigest.isEqual(known, digest)) {
            return true;
        }
        // (the header is a String already, so the password cannot be wiped from memory here either)
        String pair = new String(decoded, StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        boolean userMatches = colon >= 0 && username.equals(pair.substring(0, colon));
        // a wrong user name costs the same PBKDF2 run as a wrong password, so the two are not told apart by time
        char[] password = colon < 0 ? new char[0] : pair.substring(colon + 1).toCharArray();
        try {
            if (BrokerPassword.matches(password, passwordHash) && userMatches) {
                accepted = digest;
                return true;
            }
            return false;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
