package io.stratum.platform.internal.runtime;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A runtime for tests: listens on 127.0.0.1 at the port given and answers every connection with a greeting. */
public final class PortListener {

    private PortListener() {
    }

    /**
     * @param args the port, and the greeting
     * @throws Exception if the port cannot be bound
     */
    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])));
            System.out.println("listening on " + args[0]);
            System.out.flush();
            while (true) {
                try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                    out.write((args[1] + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }
}
