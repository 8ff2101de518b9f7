package io.stratum.platform.osb.internal;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The broker's password as {@code etc/io.stratum.osb.cfg} keeps it: a salted PBKDF2 hash in the format of Stratum's
 * user store, {@code pbkdf2-sha512$<iterations>$<salt>$<hash>} (Base64), never the password itself. Comparison is
 * constant-time. {@link #main} makes a hash for an operator:
 * <pre>
 * java -cp system/io/stratum/platform-osb/VERSION/platform-osb-VERSION.jar io.stratum.platform.osb.internal.BrokerPassword
 * </pre>
 * reads the password without echoing it (or a line of standard input) and prints the {@code passwordHash} line.
 */
public final class BrokerPassword {

    static final String SCHEME = "pbkdf2-sha512";
    private static final String ALGORITHM = "PBKDF2WithHmacSHA512";
    /** OWASP's figure for PBKDF2-HMAC-SHA512. */
    static final int ITERATIONS = 210_000;
    /** Shortest password a hash is made for. */
    static final int MIN_LENGTH = 16;

    private BrokerPassword() {
    }

    /**
     * @param password a password
     * @param iterations the PBKDF2 cost
     * @return its salted hash
     */
    static String hash(char[] password, int iterations) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(pbkdf2(password, salt, iterations));
    }

    /**
     * @param stored a configured hash
     * @return why it is not a hash of this format, or {@code null} if it is one
     */
    static String problem(String stored) {
        String[] parts = stored.split("\\$");
        if (parts.length != 4 || !SCHEME.equals(parts[0])) {
            return "it is not of the form " + SCHEME + "$<iterations>$<salt>$<hash>";
        }
        try {
            int n = Integer.parseInt(parts[1]);
            if (n < 1000) {
                return "its iteration count " + n + " is below 1000";
            }
            Base64.getDecoder().decode(parts[2]);
            if (Base64.getDecoder().decode(parts[3]).length != 64) {
                return "its hash is not 64 bytes";
            }
            return null;
        } catch (IllegalArgumentException e) {
            return "it has a part that is not a number or Base64";
        }
    }

    /**
     * @param password a password offered
     * @param stored a hash that {@link #problem} accepts
     * @return whether they match
     */
    static boolean matches(char[] password, String stored) {
        String[] parts = stored.split("\\$");
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        return MessageDigest.isEqual(expected, pbkdf2(password, salt, Integer.parseInt(parts[1])));
    }

    private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 512);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + ALGORITHM, e);
        } finally {
            spec.clearPassword();
        }
    }

    /**
     * Prints the configuration line for a password read from the console (not echoed) or standard input.
     *
     * @param args none
     * @throws IOException if standard input cannot be read
     */
    public static void main(String[] args) throws IOException {
        Console console = System.console();
        char[] password;
        if (console != null) {
            password = console.readPassword("Broker password (at least %d characters): ", MIN_LENGTH);
            char[] again = console.readPassword("Again: ");
            if (password == null || again == null || !Arrays.equals(password, again)) {
                System.err.println("The two passwords differ; nothing printed.");
                System.exit(1);
            }
            Arrays.fill(again, '\0');
        } else {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            password = line == null ? new char[0] : line.toCharArray();
        }
        if (password.length < MIN_LENGTH) {
            System.err.println("The password needs at least " + MIN_LENGTH + " characters; nothing printed.");
            System.exit(1);
        }
        System.out.println("passwordHash = " + hash(password, ITERATIONS));
        Arrays.fill(password, '\0');
    }
}
