package io.stratum.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on 127.0.0.1 for the servers tests and benchmarks start themselves (Karaf's SSH and RMI, baseline
 * H2 servers, external databases).
 *
 * <p>The ports come from 10000-19999: below the kernel's ephemeral range (Linux: 32768-60999) and below the range
 * Stratum gives its runtimes (20000-29999). A port from the ephemeral range ({@code new ServerSocket(0)}) can be
 * taken between the moment it is chosen and the moment the server binds it, by any outgoing connection, and above
 * all by the test itself: a client that polls a port nobody listens on yet can be given that same port as its own
 * local port and connect to itself, and a server that binds then fails for good (SSH that never comes up). Within
 * one JVM no port is handed out twice, so ports chosen one after the other are distinct.
 */
public final class FreePorts {

    private static final int FIRST = 10000;
    private static final int SIZE = 10000;
    private static int cursor = ThreadLocalRandom.current().nextInt(SIZE);

    private FreePorts() {
    }

    /**
     * @return a port in 10000-19999 that can be bound on 127.0.0.1 now and was not handed out before in this JVM
     * @throws UncheckedIOException if none is left
     */
    public static synchronized int next() {
        for (int i = 0; i < SIZE; i++) {
            int port = FIRST + cursor;
            cursor = (cursor + 1) % SIZE;
            if (bindable(port)) {
                return port;
            }
        }
        throw new UncheckedIOException(new IOException("no free TCP port left in " + FIRST + "-"
                + (FIRST + SIZE - 1) + " on 127.0.0.1"));
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
