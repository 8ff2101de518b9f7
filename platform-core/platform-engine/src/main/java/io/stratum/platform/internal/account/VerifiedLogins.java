package io.stratum.platform.internal.account;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Logins whose password was verified a moment ago, so that the same user with the same password is let in again
 * without a second PBKDF2 run. Every SSH command of a script is a login of its own (Karaf ends the session after the
 * command), and each paid the full password hash, 0.2-0.3 s of CPU, before the command ran.
 * <p>
 * What is kept is not the password: per user, the stored hash it was checked against and an HMAC-SHA256 of user, stored
 * hash and password under a key made at random when the platform starts (never written anywhere), for {@link #KEEP} after
 * the check. A login is let in from here only with the same password while the stored hash is unchanged (a password
 * change or a deleted user ends it at once) and the time has not run out. A wrong password is never kept and always pays
 * the full hash: guessing gets no faster.
 */
final class VerifiedLogins {

    /** How long a verified login is remembered. */
    static final Duration KEEP = Duration.ofSeconds(60);
    /** Most users remembered at once (expired entries are dropped first, then all). */
    static final int MAX_USERS = 1024;

    /** @param until {@link System#nanoTime()} when the entry expires (a monotonic clock: no wall-clock step extends it) */
    private record Entry(String storedHash, byte[] tag, long until) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final SecretKeySpec key;
    private final LongSupplier nanoTime;

    /** @param nanoTime the monotonic clock ({@code System::nanoTime}; tests give their own) */
    VerifiedLogins(LongSupplier nanoTime) {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
        this.nanoTime = nanoTime;
    }

    /**
     * @param user a user name
     * @param storedHash the user's password hash as the store has it now
     * @param password the password offered
     * @return whether this password was verified against this hash for this user less than {@link #KEEP} ago
     */
    boolean verified(String user, String storedHash, char[] password) {
        Entry e = entries.get(user);
        if (e == null || !e.storedHash().equals(storedHash)) {
            return false;
        }
        if (nanoTime.getAsLong() - e.until() >= 0) {
            entries.remove(user, e);
            return false;
        }
        return MessageDigest.isEqual(e.tag(), tag(user, storedHash, password));
    }

    /** Remembers a login whose password the full hash just verified. */
    void remember(String user, String storedHash, char[] password) {
        if (entries.size() >= MAX_USERS) {
            long now = nanoTime.getAsLong();
            entries.values().removeIf(e -> now - e.until() >= 0);
            if (entries.size() >= MAX_USERS) {
                entries.clear();
            }
        }
        entries.put(user, new Entry(storedHash, tag(user, storedHash, password), nanoTime.getAsLong() + KEEP.toNanos()));
    }

    /** Forgets a user's login (its password changed, or it was deleted). */
    void forget(String user) {
        entries.remove(user);
    }

    private byte[] tag(String user, String storedHash, char[] password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(user.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(storedHash.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            // encoded straight from the char array (no String copy of the password left on the heap), then wiped
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(password));
            byte[] p = new byte[encoded.remaining()];
            encoded.get(p);
            try {
                return mac.doFinal(p);
            } finally {
                Arrays.fill(p, (byte) 0);
                if (encoded.hasArray()) {
                    Arrays.fill(encoded.array(), (byte) 0);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the password is not valid Unicode text", e);
        }
    }
}
