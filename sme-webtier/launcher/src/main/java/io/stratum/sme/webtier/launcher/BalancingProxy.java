package io.stratum.sme.webtier.launcher;

import java.net.ConnectException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The proxying part: {@link Front} picks the route and a healthy backend for a request (or answers 404/503), and
 * the Jetty reverse proxy forwards it there. A backend the proxy cannot reach is marked unhealthy at once
 * (passive health check), so the next requests avoid it until the active check finds it healthy again; a
 * request without a body that could not even connect (so its backend never saw it) is sent to another healthy
 * backend instead of failing.
 */
final class BalancingProxy extends ProxyHandler.Reverse {

    private static final String ROUTE = "stratum.route";
    private static final String BACKEND = "stratum.backend";
    private static final String START = "stratum.start";
    private static final String DONE = "stratum.done";
    private static final String RETRIES = "stratum.retries";
    private static final int MAX_RETRIES = 2;

    private final HealthChecker health;

    BalancingProxy(HealthChecker health) {
        super(request -> null);
        this.health = health;
    }

    /** @return the handler that routes and then proxies */
    Handler front(Router router) {
        return new Front(router, this);
    }

    @Override
    protected HttpURI rewriteHttpURI(Request request) {
        Backend b = (Backend) request.getAttribute(BACKEND);
        HttpURI in = request.getHttpURI();
        return HttpURI.build(b.uri.toString()).path(in.getPath()).query(in.getQuery());
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
        Backend b = (Backend) clientToProxyRequest.getAttribute(BACKEND);
        Route route = (Route) clientToProxyRequest.getAttribute(ROUTE);
        if (b != null) {
            b.failures.increment();
            health.markDown(route, b, "request failed: " + failure);
        }
        if (retry(clientToProxyRequest, proxyToClientResponse, proxyToClientCallback, failure, b, route)) {
            return;
        }
        done(clientToProxyRequest, true);
        super.onServerToProxyResponseFailure(clientToProxyRequest, proxyToServerRequest, serverToProxyResponse,
                proxyToClientResponse, proxyToClientCallback, failure);
    }

    /**
     * Sends a request that could not connect to another healthy backend, if that is safe: nothing was sent to the
     * client yet, the request has no body (GET, HEAD, OPTIONS, DELETE without content), and few retries were made.
     */
    private boolean retry(Request request, Response response, Callback callback, Throwable failure, Backend failed,
            Route route) {
        Integer retries = (Integer) request.getAttribute(RETRIES);
        int done = retries == null ? 0 : retries;
        String method = request.getMethod();
        boolean bodiless = "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method)
                || request.getLength() == 0;
        if (route == null || response.isCommitted() || done >= MAX_RETRIES || !bodiless
                || !(rootCause(failure) instanceof ConnectException)) {
            return false;
        }
        Backend next = route.next();
        if (next == null || next == failed) {
            return false;
        }
        failed.inFlight.decrementAndGet();
        next.requests.increment();
        next.inFlight.incrementAndGet();
        request.setAttribute(BACKEND, next);
        request.setAttribute(RETRIES, done + 1);
        org.eclipse.jetty.client.Request again = newProxyToServerRequest(request, rewriteHttpURI(request));
        copyRequestHeaders(request, again);
        addProxyHeaders(request, again);
        sendProxyToServerRequest(request, again, response, callback);
        return true;
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
        AtomicBoolean done = (AtomicBoolean) request.getAttribute(DONE);
        if (done == null || !done.compareAndSet(false, true)) {
            return;
        }
        Route route = (Route) request.getAttribute(ROUTE);
        Backend backend = (Backend) request.getAttribute(BACKEND);
        backend.inFlight.decrementAndGet();
        if (error) {
            route.stats.errors.increment();
        }
        route.stats.recordLatency((System.nanoTime() - (Long) request.getAttribute(START)) / 1000);
    }

    /** Picks route and backend, or answers itself when there is none. */
    private static final class Front extends Handler.Wrapper {
        private final Router router;

        Front(Router router, Handler proxy) {
            super(proxy);
            this.router = router;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String host = request.getHeaders().get(HttpHeader.HOST);
            Route route = router.route(host);
            if (route == null) {
                return answer(response, callback, 404, "no route for host '" + host + "'");
            }
            route.stats.requests.increment();
            Backend backend = route.next();
            if (backend == null) {
                route.stats.errors.increment();
                return answer(response, callback, 503, "no healthy backend for route '" + route.name + "'");
            }
            backend.requests.increment();
            backend.inFlight.incrementAndGet();
            request.setAttribute(ROUTE, route);
            request.setAttribute(BACKEND, backend);
            request.setAttribute(START, System.nanoTime());
            request.setAttribute(DONE, new AtomicBoolean());
            return super.handle(request, response, callback);
        }

        private static boolean answer(Response response, Callback callback, int status, String text) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
            Content.Sink.write(response, true, text + "\n", callback);
            return true;
        }
    }
}
