package io.stratum.sme.webtier.launcher;

import io.stratum.testkit.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A keep-alive HTTP/1.1 backend on a plain server socket, which a test can make misbehave the ways a dying instance
 * does: hold the requests it reads without answering, close connections without answering (FIN), or die at once
 * ({@link #kill}: every connection reset, RST, and the port closed so that new connections are refused). Every answer
 * is a 200 whose body and {@code X-Backend} header are its name. {@code GET /health} is always answered until it is
 * killed.
 */
final class RawBackend implements AutoCloseable {

    /** What it does with a request it has read. */
    enum Mode {
        /** answers 200 */
        ANSWER,
        /** keeps the request unanswered until {@link #kill} */
        HOLD,
        /** closes the connection without a byte of answer */
        CLOSE
    }

    final String name;
    private final ServerSocket server;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger healthChecks = new AtomicInteger();
    private final CountDownLatch killed = new CountDownLatch(1);
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "raw-backend");
        t.setDaemon(true);
        return t;
    });
    private volatile Mode mode = Mode.ANSWER;

    RawBackend(String name) throws IOException {
        this.name = name;
        this.server = new ServerSocket(FreePorts.next(), 200, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    void mode(Mode mode) {
        this.mode = mode;
    }

    /**
     * @param method e.g. {@code GET}
     * @return requests of that method it has read, whatever it did with them, health checks ({@code /health}) left
     *     out
     */
    int received(String method) {
        AtomicInteger n = received.get(method);
        return n == null ? 0 : n.get();
    }

    /** @return health checks ({@code GET /health}) it has answered */
    int healthChecks() {
        return healthChecks.get();
    }

    /** @return requests it has held unanswered (see {@link Mode#HOLD}) */
    int held() {
        return held.get();
    }

    /** Dies at once: its port is closed and every connection reset, requests it holds included. */
    void kill() {
        try {
            server.close();
        } catch (IOException e) {
            // closed already
        }
        for (Socket s : connections) {
            try {
                s.setSoLinger(true, 0);
                s.close();
            } catch (IOException e) {
                // closed already
            }
        }
        killed.countDown();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.add(s);
                if (killed.getCount() == 0) {
                    s.setSoLinger(true, 0);
                    s.close();
                    continue;
                }
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String requestLine = line(in);
                if (requestLine == null) {
                    return;
                }
                long length = 0;
                for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                    String lower = header.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        length = Long.parseLong(lower.substring(15).strip());
                    }
                }
                in.readNBytes((int) length);
                String[] parts = requestLine.split(" ", 3);
                String method = parts[0];
                boolean health = method.equals("GET") && parts.length > 1 && parts[1].equals("/health");
                Mode now = health ? Mode.ANSWER : mode;
                if (health) {
                    healthChecks.incrementAndGet();
                } else {
                    received.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
                }
                if (now == Mode.CLOSE) {
                    return;
                }
                if (now == Mode.HOLD) {
                    held.incrementAndGet();
                    killed.await();
                    return;
                }
                byte[] body = name.getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Backend: " + name + "\r\nContent-Length: "
                        + (method.equals("HEAD") ? 0 : body.length) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                if (!method.equals("HEAD")) {
                    out.write(body);
                }
                out.flush();
            }
        } catch (SocketException e) {
            // reset or killed
        } catch (IOException e) {
            // the other side went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            connections.remove(s);
            try {
                if (killed.getCount() == 0) {
                    s.setSoLinger(true, 0); // a dead process's connections are reset, not closed
                }
                s.close();
            } catch (IOException e) {
                // closed already
            }
        }
    }

    /** @return one line without its CRLF, or null at the end of the stream */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String line = buffer.toString(StandardCharsets.US_ASCII);
                return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            }
            buffer.write(c);
        }
        return buffer.size() == 0 ? null : buffer.toString(StandardCharsets.US_ASCII);
    }
}
