package io.stratum.sme.webtier.launcher;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.http.HttpURI;

/** One backend of a route: its URL, whether it is healthy, and what it served. */
final class Backend {

    final URI uri;
    /** {@link #uri}, parsed once for the proxy to build each request's URI on */
    final HttpURI base;
    private volatile boolean healthy = true;
    private volatile String lastProblem = "";
    final LongAdder requests = new LongAdder();
    final LongAdder failures = new LongAdder();
    final AtomicInteger inFlight = new AtomicInteger();

    Backend(URI uri) {
        this.uri = uri;
        this.base = HttpURI.from(uri.toString());
    }

    boolean isHealthy() {
        return healthy;
    }

    String lastProblem() {
        return lastProblem;
    }

    /** @return whether this changed its state */
    boolean markHealthy() {
        boolean changed = !healthy;
        healthy = true;
        lastProblem = "";
        return changed;
    }

    /** @return whether this changed its state */
    boolean markUnhealthy(String problem) {
        boolean changed = healthy;
        healthy = false;
        lastProblem = problem;
        return changed;
    }
}
