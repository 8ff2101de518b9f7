package io.stratum.platform.internal.runtime;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Collection;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks free TCP ports on 127.0.0.1 for runtimes from a range of its own. The range should lie outside the
 * operating system's ephemeral range (Linux: {@code /proc/sys/net/ipv4/ip_local_port_range}, usually 32768-60999):
 * a runtime keeps its ports while they stay free, and a port the OS also hands out to outgoing connections could be
 * taken while the runtime is stopped (it then gets a new one when it is launched again).
 */
final class PortAllocator {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final int first;
    private final int last;

    /**
     * @param first lowest port to hand out
     * @param last highest port to hand out
     */
    PortAllocator(int first, int last) {
        if (first < 1024 || last > 65535 || first > last) {
            throw new IllegalArgumentException("invalid runtime port range " + first + "-" + last
                    + ": expected 1024 <= first <= last <= 65535");
        }
        this.first = first;
        this.last = last;
    }

    /**
     * Finds a port in the range that no recorded runtime holds and that can be bound now. Callers serialize
     * allocation and recording, so that two runtimes never get the same port.
     *
     * @param reserved ports that recorded runtimes hold (running or not)
     * @return a free port
     * @throws IOException if the range has none left
     */
    int allocate(Collection<Integer> reserved) throws IOException {
        int size = last - first + 1;
        int start = ThreadLocalRandom.current().nextInt(size);
        for (int i = 0; i < size; i++) {
            int port = first + (start + i) % size;
            if (!reserved.contains(port) && bindable(port)) {
                return port;
            }
        }
        throw new IOException("no free TCP port left in " + first + "-" + last + " on 127.0.0.1 (" + reserved.size()
                + " held by runtimes); widen portRangeStart/portRangeEnd in io.stratum.runtime");
    }

    /**
     * Tells whether a port a stopped runtime holds is still free for it: nothing listens on it or holds it bound.
     * Unlike {@link #allocate}, a port that only has connections of the runtime's last process in TIME_WAIT counts
     * as free (servers bind with SO_REUSEADDR, as this check does).
     *
     * @param port a port
     * @return whether it can be bound on 127.0.0.1 now
     */
    static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(LOOPBACK, port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(LOOPBACK, port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
