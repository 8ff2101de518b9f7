package io.stratum.platform.internal.account;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.KeySpec;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted password hashes: PBKDF2 with HMAC-SHA512 from the JDK, 210,000 iterations (OWASP's figure for it), a
 * 16-byte random salt per password, stored as {@code pbkdf2-sha512$<iterations>$<salt>$<hash>} (Base64), so the
 * iteration count can be raised later without invalidating stored hashes. Comparison is constant-time.
 */
public final class Passwords {

    /** Shortest password accepted. */
    public static final int MIN_LENGTH = 12;

    private static final String SCHEME = "pbkdf2-sha512";
    private static final String ALGORITHM = "PBKDF2WithHmacSHA512";
    private static final int ITERATIONS = 210_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 512;
    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    private final SecureRandom random = new SecureRandom();
    private final int iterations;

    /** Hashes with the default cost. */
    public Passwords() {
        this(ITERATIONS);
    }

    /**
     * @param iterations the PBKDF2 cost for new hashes (tests use a low one)
     */
    public Passwords(int iterations) {
        this.iterations = iterations;
    }

    /**
     * @param password a password
     * @return its salted hash, to store
     */
    public String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = pbkdf2(password, salt, iterations);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /**
     * @param password a password offered
     * @param stored a hash from {@link #hash}
     * @return whether they match
     */
    public boolean matches(char[] password, String stored) {
        String[] parts = stored == null ? new String[0] : stored.split("\\$");
        if (parts.length != 4 || !SCHEME.equals(parts[0])) {
            return false;
        }
        try {
            int n = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            return MessageDigest.isEqual(expected, pbkdf2(password, salt, n));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * @return a random password of 24 letters and digits (about 140 bits), without look-alike characters
     */
    public String generate() {
        char[] chars = new char[24];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }

    /**
     * @param password a proposed password
     * @return why it is not acceptable, or {@code null}
     */
    public static String weakness(char[] password) {
        if (password == null || password.length < MIN_LENGTH) {
            return "a password needs at least " + MIN_LENGTH + " characters";
        }
        boolean allSame = true;
        for (char c : password) {
            allSame &= c == password[0];
        }
        return allSame ? "a password of one repeated character is too easy to guess" : null;
    }

    private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
        KeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + ALGORITHM, e);
        } finally {
            ((PBEKeySpec) spec).clearPassword();
        }
    }
}
