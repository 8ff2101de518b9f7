package io.stratum.sme.webtier.launcher;

import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/**
 * The proxying part: {@link Front} picks the route and a healthy backend for a request (or answers 404/503), and
 * the Jetty reverse proxy forwards it there.
 * <p>
 * A request that fails at its backend (refused, reset, closed without an answer, timed out) takes that backend out
 * at once (passive health check): the next requests avoid it until the active check finds it healthy again. A failure
 * that is the client's (it hung up while its answer was being written) says nothing about the backend and leaves it
 * in.
 * <p>
 * The failed request is sent to another healthy backend of its route (as the route is now: a backend the route no
 * longer has gets nothing new), one it was not sent to before, at most {@value #MAX_TRIES} tries in all, when sending
 * it again cannot do harm:
 * <ul>
 * <li>nothing of the answer was sent to the client yet, and the client is still there;</li>
 * <li>it has no body (no {@code Content-Length} above 0, no {@code Transfer-Encoding}): a body is streamed from the
 * client, not kept, so it cannot be sent again;</li>
 * <li>and either its backend never saw it (the connection was refused), or its method is safe (RFC 9110, 9.2.1:
 * {@code GET}, {@code HEAD}, {@code OPTIONS}, {@code TRACE}) and it did not time out (a backend that is slow, not
 * dead, would get it twice). {@code PUT} and {@code DELETE} are idempotent by the RFC but are not sent again once a
 * backend may have seen them: idempotence is a promise of the application, which the proxy cannot check (a second
 * {@code DELETE} answers 404 where the first deleted), and a {@code PUT}'s body is gone. A {@code POST} that a backend
 * may have seen gets a 502, since the proxy cannot know whether to send it twice.</li>
 * </ul>
 * Each resend counts in its route's {@link RouteStats#retries}.
 * <p>
 * A route {@linkplain Route#inMaintenance() under maintenance} forwards nothing: each request gets
 * {@code 503 Service Unavailable} with {@code Retry-After}, {@value #MAINTENANCE_HEADER} (the route's name, so that
 * clients tell the page from a backend's 503) and a short HTML page naming the service. A request already forwarded
 * when the lockout began goes on to its end. The check is made after the request counts itself in flight at its
 * backend, against the route as it is then: whoever locks a route out and then reads that no request is in flight
 * (see the admin port's {@code /metrics}) knows that no request reaches its backends any more.
 * <p>
 * Nothing here blocks: a request is routed and sent on the thread that read it, and the backend's answer is handled
 * on the thread that read that ({@link #getInvocationType()}, {@link #newHttpClient()}). The client to the backends
 * keeps its connections open (HTTP/1.1 keep-alive, up to 64 per backend, closed after 30 s unused) and shares the
 * server's threads, scheduler and buffers.
 */
final class BalancingProxy extends ProxyHandler.Reverse {

    /** Most backends one request is sent to. */
    static final int MAX_TRIES = 3;
    /** Response header of the maintenance page: the name of the route (the service) under maintenance. */
    static final String MAINTENANCE_HEADER = "X-Stratum-Maintenance";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private final Router router;
    private final HealthChecker health;

    BalancingProxy(Router router, HealthChecker health) {
        super(request -> null);
        this.router = router;
        this.health = health;
    }

    /**
     * Non-blocking: routing, the counters and sending to the backend never wait, so the server runs this handler on
     * the selector thread that read the request instead of handing the request to a pool thread.
     */
    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    /**
     * The client to the backends: HTTP/1.1 only, one selector, on the server's thread pool, scheduler and buffer pool,
     * and non-blocking: an answer from a backend is handled on the selector thread that read it (writing it to the
     * client and the counters never wait), not handed to a pool thread.
     */
    @Override
    protected HttpClient newHttpClient() {
        Server server = getServer();
        ClientConnector connector = new ClientConnector();
        connector.setSelectors(1);
        connector.setExecutor(server.getThreadPool());
        connector.setScheduler(server.getScheduler());
        connector.setByteBufferPool(server.getByteBufferPool());
        HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(connector);
        transport.setInvocationType(InvocationType.NON_BLOCKING);
        HttpClient client = new HttpClient(transport);
        // the client's own User-Agent goes to the backend as it came; the proxy adds none of its own
        client.setUserAgentField(null);
        client.setExecutor(server.getThreadPool());
        client.setScheduler(server.getScheduler());
        client.setByteBufferPool(server.getByteBufferPool());
        return client;
    }

    /** @return the handler that routes and then proxies */
    Handler front() {
        return new Front(router, this);
    }

    @Override
    protected HttpURI rewriteHttpURI(Request request) {
        Backend b = ((Exchange) request).backend;
        HttpURI in = request.getHttpURI();
        return HttpURI.build(b.base).path(in.getPath()).query(in.getQuery());
    }

    /**
     * Adds {@code Forwarded: by="..";for="..";host="..";proto=..} as {@link ProxyHandler} does, without its
     * formatter when the request has no {@code Forwarded} header yet (the usual case); a request that has one gets
     * the new element appended by {@link ProxyHandler}.
     */
    @Override
    protected void addForwardedHeader(Request clientToProxyRequest,
            org.eclipse.jetty.client.Request proxyToServerRequest) {
        HttpFields headers = clientToProxyRequest.getHeaders();
        if (headers.contains(HttpHeader.FORWARDED) || proxyToServerRequest.getHeaders().contains(HttpHeader.FORWARDED)) {
            super.addForwardedHeader(clientToProxyRequest, proxyToServerRequest);
            return;
        }
        String scheme = clientToProxyRequest.getHttpURI().getScheme();
        StringBuilder value = new StringBuilder(96).append("by=");
        HttpField.PARAMETER_TOKENIZER.quote(value, Request.getLocalAddr(clientToProxyRequest));
        value.append(";for=");
        HttpField.PARAMETER_TOKENIZER.quote(value, Request.getRemoteAddr(clientToProxyRequest));
        value.append(";host=");
        HttpField.PARAMETER_TOKENIZER.quote(value, headers.get(HttpHeader.HOST));
        value.append(";proto=").append(scheme == null ? (clientToProxyRequest.isSecure() ? "https" : "http") : scheme);
        HttpField forwarded = new HttpField(HttpHeader.FORWARDED, value.toString());
        proxyToServerRequest.headers(h -> h.put(forwarded));
    }

    /** Watches what is written to the client, so that a failure to write there is not blamed on the backend. */
    @Override
    protected org.eclipse.jetty.client.Response.CompleteListener newServerToProxyResponseListener(
            Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest,
            Response proxyToClientResponse, Callback proxyToClientCallback) {
        Response watched = proxyToClientResponse instanceof ClientWrites ? proxyToClientResponse
                : new ClientWrites(clientToProxyRequest, proxyToClientResponse);
        return super.newServerToProxyResponseListener(clientToProxyRequest, proxyToServerRequest, watched,
                proxyToClientCallback);
    }

    @Override
    protected void onProxyToClientResponseComplete(Request clientToProxyRequest,
            org.eclipse.jetty.client.Request proxyToServerRequest,
            org.eclipse.jetty.client.Response serverToProxyResponse, Response proxyToClientResponse,
            Callback proxyToClientCallback) {
        done(clientToProxyRequest, proxyToClientResponse.getStatus() >= 500);
        super.onProxyToClientResponseComplete(clientToProxyRequest, proxyToServerRequest, serverToProxyResponse,
                proxyToClientResponse, proxyToClientCallback);
    }

    @Override
    protected void onServerToProxyResponseFailure(Request clientToProxyRequest,
            org.eclipse.jetty.client.Request proxyToServerRequest,
            org.eclipse.jetty.client.Response serverToProxyResponse, Response proxyToClientResponse,
            Callback proxyToClientCallback, Throwable failure) {
        Exchange exchange = (Exchange) clientToProxyRequest;
        Backend b = exchange.backend;
        Route route = exchange.route;
        boolean clientGone = proxyToClientResponse instanceof ClientWrites w && w.failed
                || !clientToProxyRequest.getConnectionMetaData().getConnection().getEndPoint().isOpen();
        if (b != null && !clientGone) {
            b.failures.increment();
            health.markDown(route, b, "request failed: " + failure);
        }
        if (!clientGone && resend(exchange, proxyToClientResponse, proxyToClientCallback, failure, b, route)) {
            return;
        }
        done(clientToProxyRequest, true);
        super.onServerToProxyResponseFailure(clientToProxyRequest, proxyToServerRequest, serverToProxyResponse,
                proxyToClientResponse, proxyToClientCallback, failure);
    }

    /**
     * Sends a failed request to another healthy backend if that is safe (see the class comment).
     *
     * @return whether it was sent again
     */
    private boolean resend(Exchange request, Response response, Callback callback, Throwable failure, Backend failed,
            Route route) {
        if (route == null || failed == null || response.isCommitted() || !bodiless(request)) {
            return false;
        }
        Throwable cause = rootCause(failure);
        boolean neverSeen = cause instanceof ConnectException;
        boolean safe = SAFE_METHODS.contains(request.getMethod()) && !(cause instanceof TimeoutException);
        if (!neverSeen && !safe) {
            return false;
        }
        Route now = router.named(route.name);
        Route current = now != null ? now : route;
        if (current.inMaintenance()) {
            return false; // locked out: nothing new goes to its backends
        }
        List<Backend> tried = request.tried;
        if (tried == null) {
            tried = new ArrayList<>(MAX_TRIES);
            tried.add(failed);
            request.tried = tried;
        }
        if (tried.size() >= MAX_TRIES) {
            return false;
        }
        Backend next = current.next(tried);
        if (next == null) {
            return false;
        }
        response.reset(); // the failed backend may have sent a status and headers, never a byte of body
        tried.add(next);
        route.stats.retries.increment();
        failed.inFlight.decrementAndGet();
        next.requests.increment();
        next.inFlight.incrementAndGet();
        request.backend = next;
        return handle(request, response, callback);
    }

    /** @return whether a request has no body, so that nothing of it is lost when it is sent again */
    private static boolean bodiless(Request request) {
        return request.getLength() <= 0 && request.getHeaders().get(HttpHeader.TRANSFER_ENCODING) == null;
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    @Override
    protected void onProxyToClientResponseFailure(Request clientToProxyRequest,
            org.eclipse.jetty.client.Request proxyToServerRequest,
            org.eclipse.jetty.client.Response serverToProxyResponse, Response proxyToClientResponse,
            Callback proxyToClientCallback, Throwable failure) {
        done(clientToProxyRequest, true);
        super.onProxyToClientResponseFailure(clientToProxyRequest, proxyToServerRequest, serverToProxyResponse,
                proxyToClientResponse, proxyToClientCallback, failure);
    }

    /** Records a finished request once, whichever way it ended. */
    private static void done(Request request, boolean error) {
        if (!(request instanceof Exchange exchange) || !DONE.compareAndSet(exchange, 0, 1)) {
            return;
        }
        Route route = exchange.route;
        exchange.backend.inFlight.decrementAndGet();
        if (error) {
            route.stats.errors.increment();
        }
        route.stats.recordLatency((System.nanoTime() - exchange.start) / 1000);
    }

    private static final AtomicIntegerFieldUpdater<Exchange> DONE =
            AtomicIntegerFieldUpdater.newUpdater(Exchange.class, "done");

    /**
     * A request on its way to a backend, with what the proxy keeps about it: its route, the backend it is at now, the
     * backends it was sent to (once it was sent again), when it came and whether it was recorded as finished. Fields
     * of the request itself rather than request attributes: those cost a map per request.
     */
    private static final class Exchange extends Request.Wrapper {
        final Route route;
        final long start = System.nanoTime();
        /** The backend the request is at now: changes when it is sent again, on the thread that handles its failure. */
        volatile Backend backend;
        /** The backends it was sent to, once it was sent again; else null. */
        volatile List<Backend> tried;
        /** 1 once recorded as finished ({@link #done}). */
        volatile int done;

        Exchange(Request request, Route route, Backend backend) {
            super(request);
            this.route = route;
            this.backend = backend;
        }
    }

    /** The response to the client, which remembers whether writing to the client failed. */
    private static final class ClientWrites extends Response.Wrapper {
        volatile boolean failed;

        ClientWrites(Request request, Response wrapped) {
            super(request, wrapped);
        }

        @Override
        public void write(boolean last, ByteBuffer content, Callback callback) {
            super.write(last, content, new Callback() {
                @Override
                public void succeeded() {
                    callback.succeeded();
                }

                @Override
                public void failed(Throwable x) {
                    ClientWrites.this.failed = true;
                    callback.failed(x);
                }

                @Override
                public InvocationType getInvocationType() {
                    return callback.getInvocationType();
                }
            });
        }
    }

    /** Picks route and backend, or answers itself when there is none. */
    private static final class Front extends Handler.Wrapper {
        private final Router router;

        Front(Router router, Handler proxy) {
            super(false, proxy); // not dynamic: takes the proxy's invocation type (non-blocking)
            this.router = router;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String host = request.getHeaders().get(HttpHeader.HOST);
            Route route = router.route(host);
            if (route == null) {
                return answer(response, callback, 404, "no route for host '" + host + "'");
            }
            if (route.inMaintenance()) {
                return maintenancePage(route, response, callback);
            }
            route.stats.requests.increment();
            Backend backend = null;
            for (int tries = 0; backend == null; tries++) {
                Backend picked = route.next();
                if (picked == null) {
                    route.stats.errors.increment();
                    return answer(response, callback, 503, "no healthy backend for route '" + route.name + "'");
                }
                picked.requests.increment();
                picked.inFlight.incrementAndGet();
                Route now = router.named(route.name);
                if (now != null && now.inMaintenance()) {
                    // locked out since the route was picked: whoever waits for the requests in flight may already
                    // have read none, so this one must not go on
                    picked.inFlight.decrementAndGet();
                    picked.requests.decrement();
                    route.stats.requests.decrement();
                    return maintenancePage(now, response, callback);
                }
                if (now != null && now != route && !now.backends.contains(picked) && tries < 3) {
                    // taken out of the route since it was picked (a scale-down or a rolling update drains it): whoever
                    // waits for its requests in flight may already have read none, so pick again from the route now
                    picked.inFlight.decrementAndGet();
                    picked.requests.decrement();
                    route = now;
                    continue;
                }
                backend = picked;
            }
            return super.handle(new Exchange(request, route, backend), response, callback);
        }

        private static boolean answer(Response response, Callback callback, int status, String text) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
            Content.Sink.write(response, true, text + "\n", callback);
            return true;
        }

        private static boolean maintenancePage(Route route, Response response, Callback callback) {
            route.stats.maintenancePages.increment();
            response.setStatus(503);
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(route.maintenanceRetryAfter));
            response.getHeaders().put(MAINTENANCE_HEADER, route.name);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html;charset=utf-8");
            Content.Sink.write(response, true, page(route.name, route.maintenanceRetryAfter), callback);
            return true;
        }
    }

    /** @return the maintenance page of a service */
    static String page(String service, int retryAfterSeconds) {
        String name = html(service);
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>" + name
                + " is under maintenance</title></head>\n<body>\n<h1>" + name + " is under maintenance</h1>\n"
                + "<p>The service is being updated. Please try again in " + retryAfterSeconds + " seconds.</p>\n"
                + "</body>\n</html>\n";
    }

    private static String html(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(Character.isISOControl(c) ? '?' : c);
            }
        }
        return out.toString();
    }
}
