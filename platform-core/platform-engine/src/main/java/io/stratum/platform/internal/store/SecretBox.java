package io.stratum.platform.internal.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals the secrets the store keeps, value by value, with a key kept apart from the store (see {@link KeyFile}).
 * <p>
 * <b>What is sealed.</b> The rule is by column, never by key name, so that no secret is missed because an engine
 * names it unexpectedly: every value of {@code service_properties} (engines keep generated passwords there, e.g.
 * {@code admin.password}, {@code binding.<id>.password}), every value of a service's configuration (an external
 * service's configuration is its credentials) and of an environment member's configuration, every value of an
 * association's binding, and every value of a runtime's environment (an app server instance gets
 * {@code DATABASE_PASSWORD} there). {@link SecretColumns} lists them; map keys stay readable.
 * <p>
 * <b>Format.</b> {@code enc:v1:} followed by Base64 of a random 96-bit IV, then the AES-256-GCM ciphertext with its
 * 128-bit tag. A value without the prefix was written by an earlier Stratum that did not seal, and is returned as it
 * is; {@link SecretColumns} seals such values when the store opens, so they stay plaintext only until then. A new version of the format gets a
 * new prefix, so values of every version can be told apart and read.
 * <p>
 * <b>Why field-level AES-GCM rather than H2's {@code CIPHER=AES}.</b> The file cipher would need the key in the JDBC
 * URL (and so in every place that URL is built or logged), would tie the store to H2 (PostgreSQL is meant to serve
 * a multi-node setup later, and it has no such option), and would leave secrets readable in anything taken from the
 * database through SQL (a {@code SCRIPT} export, a copy of a row, a trace file). Sealed values stay sealed in all of
 * those, and the few values sealed cost microseconds each (see {@code SecretBoxTest}).
 * <p>
 * <b>What it protects.</b> The confidentiality of secrets in a copy of the store (a backup, a disk image, a support
 * bundle) that is taken without the key file. It does not bind a value to its row: someone who can write to the
 * store can move a sealed value from one row to another; that is outside what encryption at rest defends against.
 * One key seals at most a few million values over its life here, far below the 2<sup>32</sup> random IVs GCM allows
 * per key.
 * <p>
 * Thread-safe.
 */
public final class SecretBox {

    /** The prefix of a value sealed by this version of the format. */
    public static final String PREFIX = "enc:v1:";

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final Path keyFile;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param key a 256-bit AES key
     * @param keyFile where the key is kept, for messages
     */
    public SecretBox(SecretKey key, Path keyFile) {
        if (!"AES".equals(key.getAlgorithm()) || key.getEncoded() == null || key.getEncoded().length != 32) {
            throw new IllegalArgumentException("the secrets key must be a 256-bit AES key");
        }
        this.key = key;
        this.keyFile = keyFile;
    }

    /** @return the file the key is kept in */
    public Path keyFile() {
        return keyFile;
    }

    /**
     * @param stored a value as read from the store, or {@code null}
     * @return whether it is sealed (by any version of the format this platform knows)
     */
    public static boolean isSealed(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }

    /**
     * @param plaintext a value, or {@code null}
     * @return the sealed value to store ({@code null} for {@code null}); a new random IV each time
     */
    public String seal(String plaintext) {
        if (plaintext == null) {
            return null;
        }
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + sealed.length)
                    .put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            // AES-GCM is in every JDK: this is a broken runtime, not a bad value
            throw new IllegalStateException("cannot seal a secret: " + e, e);
        }
    }

    /**
     * @param stored a value as read from the store: sealed, plaintext written before values were sealed, or
     *     {@code null}
     * @return the plaintext ({@code null} for {@code null})
     * @throws StoreException if a sealed value cannot be opened with this key (another key sealed it, or it is
     *     damaged); the message never holds the value
     */
    public String open(String stored) {
        if (!isSealed(stored)) {
            return stored;
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw cannotOpen(null);
        }
        if (bytes.length < IV_BYTES + TAG_BITS / 8) {
            throw cannotOpen(null);
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, IV_BYTES));
            byte[] plain = cipher.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException e) {
            throw cannotOpen(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot open a secret: " + e, e);
        }
    }

    /**
     * @param plaintext a map of values, or {@code null}
     * @return the same keys in the same order, each value sealed ({@code null} for {@code null})
     */
    public Map<String, String> sealValues(Map<String, String> plaintext) {
        if (plaintext == null) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        plaintext.forEach((k, v) -> out.put(k, seal(v)));
        return out;
    }

    /**
     * @param stored a map as read from the store, or {@code null}
     * @return the same keys in the same order, each value opened ({@code null} for {@code null})
     * @throws StoreException if a sealed value cannot be opened with this key
     */
    public Map<String, String> openValues(Map<String, String> stored) {
        if (stored == null) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        stored.forEach((k, v) -> out.put(k, open(v)));
        return out;
    }

    private StoreException cannotOpen(Throwable cause) {
        return new StoreException("a secret in the store cannot be decrypted with the key in " + keyFile
                + ": that file is not the key this store was written with, or the stored value is damaged; restore "
                + "the key file that belongs to this store", cause);
    }
}
