package io.stratum.sme.webtier.launcher;

import java.util.concurrent.Executor;
import org.eclipse.jetty.io.Connection;

/**
 * The executor of the proxy's connector: it runs a client connection's resumption on the calling thread and hands
 * everything else (selectors, acceptors, Jetty's other tasks) to the thread pool.
 * <p>
 * When an answer to a client has been written, Jetty resumes reading that client's connection by handing the connection
 * to the connector's executor. A pool would wake a thread for that, once per request: the thread hop that made the
 * proxy cost about twice a native proxy's CPU per request. Since every handler of the proxy is non-blocking, reading
 * and routing the next request cannot block the thread that finished the last one (the backend side's selector), so
 * that thread does it itself: it reads what the client has sent (usually nothing yet), and asks the selector to wake
 * it when more comes.
 */
final class ResumeInline implements Executor {

    private final Executor pool;

    /** @param pool where every task but a connection's resumption runs */
    ResumeInline(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        if (task instanceof Connection) {
            task.run();
        } else {
            pool.execute(task);
        }
    }
}
