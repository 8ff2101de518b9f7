package io.stratum.platform.rest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

/** Failed logins per user name, on a clock the test moves. */
public class LoginThrottleTest {

    private final AtomicLong clock = new AtomicLong(-5_000_000_000L); // nanoTime may be negative
    private final LoginThrottle throttle = new LoginThrottle(5, Duration.ofMinutes(15), Duration.ofSeconds(30), 3,
            clock::get);

    private void pass(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    /** A login that is checked and fails. */
    private Duration fail(String user) {
        assertEquals(user + " is admitted", Duration.ZERO, throttle.admit(user));
        return throttle.failed(user);
    }

    @Test
    public void fiveFailuresAreAllowedThenTheNameWaitsWithoutItsPasswordBeingChecked() {
        for (int i = 1; i < 5; i++) {
            assertEquals("failure " + i, Duration.ZERO, fail("alice"));
        }
        assertEquals("the fifth failure starts a delay", Duration.ofSeconds(1), fail("alice"));
        assertEquals(Duration.ofSeconds(1), throttle.admit("alice"));
        pass(Duration.ofMillis(400));
        assertEquals(Duration.ofMillis(600), throttle.admit("alice"));
        assertEquals("another name is not affected", Duration.ZERO, throttle.admit("bob"));
        throttle.abandoned("bob");
    }

    @Test
    public void eachFurtherFailureDoublesTheDelayUpToTheLongest() {
        for (int i = 0; i < 4; i++) {
            fail("alice");
        }
        long[] expected = {1, 2, 4, 8, 16, 30, 30};
        for (long seconds : expected) {
            Duration delay = fail("alice");
            assertEquals(Duration.ofSeconds(seconds), delay);
            assertEquals(delay, throttle.admit("alice"));
            pass(delay);
        }
    }

    @Test
    public void aSuccessForgetsTheFailures() {
        for (int i = 0; i < 5; i++) {
            fail("alice");
        }
        pass(Duration.ofSeconds(1));
        assertEquals(Duration.ZERO, throttle.admit("alice"));
        throttle.succeeded("alice");
        for (int i = 1; i < 5; i++) {
            assertEquals("failure " + i + " after the success", Duration.ZERO, fail("alice"));
        }
        assertEquals(Duration.ofSeconds(1), fail("alice"));
    }

    @Test
    public void afterADelayOneAttemptAtATimeIsChecked() {
        for (int i = 0; i < 5; i++) {
            fail("alice");
        }
        pass(Duration.ofSeconds(1));
        assertEquals("the first attempt after the delay is checked", Duration.ZERO, throttle.admit("alice"));
        assertEquals("a parallel one waits for its outcome", Duration.ofSeconds(1), throttle.admit("alice"));
        throttle.abandoned("alice"); // the realm failed: neither a success nor a failure
        assertEquals(Duration.ZERO, throttle.admit("alice"));
        assertEquals(Duration.ofSeconds(2), throttle.failed("alice"));
    }

    @Test
    public void failuresFurtherApartThanTheWindowDoNotAddUp() {
        for (int i = 0; i < 4; i++) {
            fail("alice");
        }
        pass(Duration.ofMinutes(15));
        for (int i = 1; i < 5; i++) {
            assertEquals("failure " + i + " of a new window", Duration.ZERO, fail("alice"));
        }
        assertEquals(1, throttle.size());
        pass(Duration.ofMinutes(15));
        assertEquals(Duration.ZERO, throttle.admit("carol"));
        assertEquals("expired names are forgotten", 0, throttle.size());
    }

    @Test
    public void atMostMaxNamesAreRememberedTheOldestFailuresForgottenFirst() {
        for (String user : new String[] {"a", "b", "c"}) {
            for (int i = 0; i < 5; i++) {
                fail(user);
            }
            pass(Duration.ofMillis(10));
        }
        assertTrue(throttle.admit("a").compareTo(Duration.ZERO) > 0);
        fail("d");
        assertEquals(3, throttle.size());
        assertEquals("a had the oldest failure and was forgotten", Duration.ZERO, throttle.admit("a"));
        throttle.abandoned("a");
        assertTrue("b is still delayed", throttle.admit("b").compareTo(Duration.ZERO) > 0);
    }

    @Test
    public void veryLongNamesAreComparedOnTheirStart() {
        String base = "x".repeat(LoginThrottle.KEY_LENGTH);
        for (int i = 0; i < 5; i++) {
            fail(base + i);
        }
        assertEquals(Duration.ofSeconds(1), throttle.admit(base + "other"));
    }

    @Test
    public void zeroAllowedNeverDelays() {
        LoginThrottle off = new LoginThrottle(0, Duration.ofMinutes(15), Duration.ofSeconds(30), 3, clock::get);
        for (int i = 0; i < 20; i++) {
            assertEquals(Duration.ZERO, off.admit("alice"));
            assertEquals(Duration.ZERO, off.failed("alice"));
        }
        assertEquals(0, off.size());
    }
}
