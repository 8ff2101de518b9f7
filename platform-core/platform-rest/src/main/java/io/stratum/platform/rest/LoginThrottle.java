package io.stratum.platform.rest;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Slows down password guessing over HTTP Basic, per user name. After {@code allowed} failed logins of one name, each
 * less than {@code window} after the one before, that name is refused for a delay ({@link #admit} answers how long),
 * without its password being checked: 1 s after the {@code allowed}-th failure, doubling with each further one up to
 * {@code maxDelay}. Once the delay has passed, one attempt at a time is checked for that name (so parallel requests
 * get no extra guesses); a failure starts a longer delay, a success forgets the name's failures. Names that are not
 * known get the same treatment, so the throttle does not tell which names exist.
 * <p>
 * Kept in memory only, for at most {@code maxNames} names: the failures of a name are forgotten {@code window} after
 * its last one (once its delay has passed), and when more names have failures than that, those whose last failure is
 * oldest are forgotten first. Thread-safe.
 */
final class LoginThrottle {

    /** The delay after the {@code allowed}-th failure; each further failure doubles it. */
    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    /** Names are compared on at most this many characters (Stratum's user names have 64 at most). */
    static final int KEY_LENGTH = 128;

    private final int allowed;
    private final long windowNanos;
    private final long maxDelayNanos;
    private final int maxNames;
    private final LongSupplier nanoTime;
    /** By name, in the order of their last failure (oldest first). */
    private final LinkedHashMap<String, Failures> failures = new LinkedHashMap<>();

    private static final class Failures {
        int count;
        long lastNanos;
        long blockedUntilNanos;
        /** An attempt admitted after a delay is being checked; others wait for its outcome. */
        boolean checking;
    }

    /**
     * @param allowed failures of a name before it is delayed; 0 or less: never delayed
     * @param window how long a failure counts towards the next ones
     * @param maxDelay the longest delay
     * @param maxNames the most names whose failures are remembered
     * @param nanoTime the clock ({@link System#nanoTime()} outside tests)
     */
    LoginThrottle(int allowed, Duration window, Duration maxDelay, int maxNames, LongSupplier nanoTime) {
        this.allowed = allowed;
        this.windowNanos = window.toNanos();
        this.maxDelayNanos = Math.max(FIRST_DELAY.toNanos(), maxDelay.toNanos());
        this.maxNames = Math.max(1, maxNames);
        this.nanoTime = nanoTime;
    }

    /**
     * Asks whether a login of this name may be checked now. If it may ({@link Duration#ZERO}), the caller checks it
     * and then reports {@link #succeeded}, {@link #failed} or {@link #abandoned}.
     *
     * @param user the name offered
     * @return zero if the login may be checked now; otherwise how long to wait before trying again
     */
    synchronized Duration admit(String user) {
        if (allowed <= 0) {
            return Duration.ZERO;
        }
        long now = nanoTime.getAsLong();
        forgetOld(now);
        Failures f = failures.get(key(user));
        if (f == null || f.count < allowed) {
            return Duration.ZERO;
        }
        if (now - f.blockedUntilNanos < 0) {
            return Duration.ofNanos(f.blockedUntilNanos - now);
        }
        if (f.checking) {
            return FIRST_DELAY; // another attempt of this name is being checked
        }
        f.checking = true;
        return Duration.ZERO;
    }

    /**
     * A login of this name succeeded: its failures are forgotten.
     *
     * @param user the name
     */
    synchronized void succeeded(String user) {
        failures.remove(key(user));
    }

    /**
     * A login of this name failed (unknown name, wrong password, no access).
     *
     * @param user the name
     * @return the delay this failure starts, or zero if the name may try again at once
     */
    synchronized Duration failed(String user) {
        if (allowed <= 0) {
            return Duration.ZERO;
        }
        long now = nanoTime.getAsLong();
        String key = key(user);
        Failures f = failures.remove(key); // put back last: the map stays in the order of last failures
        if (f == null || expired(f, now)) {
            f = new Failures();
        }
        f.count++;
        f.lastNanos = now;
        f.checking = false;
        long delay = 0;
        if (f.count >= allowed) {
            int doublings = Math.min(f.count - allowed, 40);
            delay = Math.min(maxDelayNanos, FIRST_DELAY.toNanos() << doublings);
            f.blockedUntilNanos = now + delay;
        }
        failures.put(key, f);
        forgetOld(now);
        while (failures.size() > maxNames) {
            Iterator<String> oldest = failures.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return Duration.ofNanos(delay);
    }

    /**
     * A login admitted by {@link #admit} was not checked to the end (the realm failed): it counts neither way.
     *
     * @param user the name
     */
    synchronized void abandoned(String user) {
        Failures f = failures.get(key(user));
        if (f != null) {
            f.checking = false;
        }
    }

    /** @return how many names have failures remembered */
    synchronized int size() {
        return failures.size();
    }

    private boolean expired(Failures f, long now) {
        return now - f.lastNanos >= windowNanos && now - f.blockedUntilNanos >= 0;
    }

    /** Forgets names from the oldest last failure on, while they have expired. */
    private void forgetOld(long now) {
        for (Iterator<Map.Entry<String, Failures>> it = failures.entrySet().iterator(); it.hasNext(); ) {
            if (!expired(it.next().getValue(), now)) {
                return;
            }
            it.remove();
        }
    }

    private static String key(String user) {
        return user.length() <= KEY_LENGTH ? user : user.substring(0, KEY_LENGTH);
    }
}
