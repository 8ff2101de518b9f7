package io.stratum.platform.internal.runtime;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.Assume;
import org.junit.Test;

/** Runtime ports: from the configured range, never one a runtime holds or a process listens on. */
public class PortAllocatorTest {

    @Test
    public void handsOutFreePortsOfTheRangeThatNoRuntimeHolds() throws IOException {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int first = busy.getLocalPort() - 2;
            Assume.assumeTrue(first >= 1024 && first + 4 <= 65535);
            PortAllocator ports = new PortAllocator(first, first + 4);
            Set<Integer> held = new HashSet<>(Set.of(first, first + 1));
            Set<Integer> given = new HashSet<>();
            try {
                for (int i = 0; i < 5; i++) {
                    int p = ports.allocate(held);
                    assertTrue(p + " is new, in the range, not held, not listened on", given.add(p) && p >= first
                            && p <= first + 4 && !held.contains(p) && p != busy.getLocalPort());
                    held.add(p);
                }
                fail("the range has at most two ports to give, yet it gave " + given);
            } catch (IOException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("portRangeStart"));
            }
            assertTrue(given.toString(), given.size() <= 2);
        }
    }

    @Test
    public void refusesARangeThatMakesNoSense() {
        for (int[] range : new int[][] {{80, 2000}, {3000, 2000}, {60000, 70000}}) {
            try {
                new PortAllocator(range[0], range[1]);
                fail(range[0] + "-" + range[1]);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("invalid runtime port range"));
            }
        }
    }
}
