package io.stratum.platform.internal.runtime;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/** Picks free TCP ports on 127.0.0.1 that no recorded runtime holds. */
final class PortAllocator {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private PortAllocator() {
    }

    /**
     * @param reserved ports that recorded runtimes hold (running or not)
     * @return a port that is free now and not reserved
     * @throws IOException if none could be found
     */
    static int allocate(Collection<Integer> reserved) throws IOException {
        Set<Integer> taken = new HashSet<>(reserved);
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
                int port = socket.getLocalPort();
                if (!taken.contains(port)) {
                    return port;
                }
            }
        }
        throw new IOException("no free TCP port on 127.0.0.1 after 50 attempts");
    }
}
