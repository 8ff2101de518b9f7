package io.stratum.sme.database;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.ServerSocket;
import org.junit.Test;

/** JDBC helpers of the engine that need no server process. */
public class H2DatabaseTest {

    @Test
    public void acceptsTellsWhetherAServerListensOnThePort() throws Exception {
        int port;
        try (ServerSocket listening = new ServerSocket(0, 5, H2Database.LOOPBACK)) {
            port = listening.getLocalPort();
            assertTrue("a listening port accepts", H2Database.accepts(port));
        }
        long start = System.nanoTime();
        assertFalse("a closed port does not", H2Database.accepts(port));
        assertTrue("a refused connection is known at once, not after the driver's retries",
                System.nanoTime() - start < H2Database.PROBE_TIMEOUT.toNanos());
    }
}
