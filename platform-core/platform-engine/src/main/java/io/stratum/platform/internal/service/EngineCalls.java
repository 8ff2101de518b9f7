package io.stratum.platform.internal.service;

import io.stratum.platform.internal.sdp.SdpEntry;
import io.stratum.platform.internal.util.DaemonThreads;
import io.stratum.sme.api.SmeException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The threads engine calls run on: a bounded pool per SDP bundle (so per engine). At most {@code threads} calls of
 * one engine run at a time and at most {@code queue} more wait for a thread; a call beyond that is refused at once
 * with an error that says the engine is busy. So an engine whose calls hang (e.g. the health check of a stopped
 * process that never answers, which ignores interruption) holds at most its own {@code threads} threads, and the
 * calls of other engines are not affected. Idle threads end after {@value #IDLE_SECONDS} s.
 * <p>
 * A call counts against its engine's limit from submission until its body returns, or until it is
 * {@linkplain Call#abandon() abandoned} before it started: a call that was told to stop (interrupted) but goes on
 * keeps its thread, and is counted, until it really ends.
 */
final class EngineCalls {

    static final int IDLE_SECONDS = 30;
    /** Thread names start with this, then the SDP's name. */
    static final String THREAD_PREFIX = "stratum-engine-call-";

    private final Map<Long, Pool> pools = new ConcurrentHashMap<>();
    private final Supplier<Set<Long>> installed;
    private volatile int threads;
    private volatile int queue;
    private volatile boolean closed;

    /**
     * @param threads calls of one engine that run at once (at least 1)
     * @param queue calls of one engine that may wait for a thread (at least 0)
     * @param installed the bundle ids of the SDPs in the catalog now: the pools of others end once idle
     */
    EngineCalls(int threads, int queue, Supplier<Set<Long>> installed) {
        this.installed = installed;
        limits(threads, queue);
    }

    /**
     * Changes the limits; pools already made take the new number of threads at once.
     *
     * @param threads calls of one engine that run at once (at least 1)
     * @param queue calls of one engine that may wait for a thread (at least 0)
     */
    void limits(int threads, int queue) {
        if (threads < 1 || queue < 0) {
            throw new IllegalArgumentException("engine calls need at least 1 thread and 0 waiting, not " + threads
                    + " and " + queue);
        }
        this.threads = threads;
        this.queue = queue;
        for (Pool p : pools.values()) {
            p.resize(threads);
        }
    }

    /**
     * Submits a call of an engine.
     *
     * @param <T> its result
     * @param sdp the SDP whose engine is called
     * @param what what is called, for the error when the engine is busy (e.g. "health check of 'orders'")
     * @param body the call
     * @return the call, running or waiting for a thread
     * @throws SmeException (transient) if the engine already has as many calls running and waiting as allowed
     */
    <T> Call<T> submit(SdpEntry sdp, String what, Callable<T> body) throws SmeException {
        if (closed) {
            throw new SmeException("the platform is stopping; " + what + " was not started");
        }
        Pool pool = pools.get(sdp.bundleId());
        if (pool == null) {
            forgetAllBut(installed.get());
            pool = pools.computeIfAbsent(sdp.bundleId(), id -> new Pool(sdp, threads));
        }
        int limit = threads + queue;
        if (pool.accepted.incrementAndGet() > limit) {
            pool.accepted.decrementAndGet();
            throw SmeException.transientFailure(busy(sdp, pool) + "; " + what + " was not started. Try again "
                    + "later; if it stays busy, the engine's calls hang (raise engineCallThreads in "
                    + "etc/io.stratum.services.cfg only if the engine is merely slow)", null);
        }
        Call<T> call = new Call<>(pool, body);
        try {
            pool.executor.execute(call);
        } catch (RejectedExecutionException e) {
            call.release();
            throw closed ? new SmeException("the platform is stopping; " + what + " was not started", e)
                    : SmeException.transientFailure("the SDP of engine " + sdp.label() + " left the catalog; " + what
                            + " was not started", e);
        }
        return call;
    }

    /**
     * @param sdp an SDP
     * @param pool its pool
     * @return "engine X is busy: N calls in progress, M waiting"
     */
    private static String busy(SdpEntry sdp, Pool pool) {
        int running = pool.running.get();
        return "engine " + sdp.label() + " is busy: " + running + " call(s) in progress, "
                + Math.max(0, pool.accepted.get() - running) + " waiting";
    }

    /**
     * @param sdp an SDP
     * @return "engine X is busy: N calls in progress, M waiting" for the SDP's engine now
     */
    String busy(SdpEntry sdp) {
        Pool pool = pools.get(sdp.bundleId());
        return pool == null ? "engine " + sdp.label() + " has no calls" : busy(sdp, pool);
    }

    /**
     * Ends the pools of SDP bundles that left, once they have no calls left.
     *
     * @param installed the bundle ids of the SDPs in the catalog now
     */
    void forgetAllBut(Set<Long> installed) {
        pools.entrySet().removeIf(e -> {
            if (installed.contains(e.getKey()) || e.getValue().accepted.get() > 0) {
                return false;
            }
            e.getValue().executor.shutdown();
            return true;
        });
    }

    /** @return the number of pools (engines with threads or calls) */
    int pools() {
        return pools.size();
    }

    /** Stops every pool and interrupts the calls that run. */
    void close() {
        closed = true;
        pools.values().forEach(p -> p.executor.shutdownNow());
        pools.clear();
    }

    /** One engine's threads and counters. */
    private static final class Pool {
        final ThreadPoolExecutor executor;
        /** Calls submitted and not yet ended or abandoned. */
        final AtomicInteger accepted = new AtomicInteger();
        /** Calls whose body runs now. */
        final AtomicInteger running = new AtomicInteger();

        Pool(SdpEntry sdp, int threads) {
            String name = sdp.descriptor() == null || sdp.descriptor().name() == null
                    ? sdp.bundleSymbolicName() : sdp.descriptor().name();
            executor = new ThreadPoolExecutor(threads, threads, IDLE_SECONDS, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), new DaemonThreads(THREAD_PREFIX + name));
            executor.allowCoreThreadTimeOut(true);
        }

        synchronized void resize(int threads) {
            if (threads > executor.getMaximumPoolSize()) {
                executor.setMaximumPoolSize(threads);
                executor.setCorePoolSize(threads);
            } else {
                executor.setCorePoolSize(threads);
                executor.setMaximumPoolSize(threads);
            }
        }
    }

    /**
     * A submitted engine call.
     *
     * @param <T> its result
     */
    static final class Call<T> extends FutureTask<T> {
        private final Pool pool;
        private final AtomicBoolean counted = new AtomicBoolean(true);
        private volatile boolean started;

        Call(Pool pool, Callable<T> body) {
            super(body);
            this.pool = pool;
        }

        @Override
        public void run() {
            started = true;
            pool.running.incrementAndGet();
            try {
                super.run();
            } finally {
                pool.running.decrementAndGet();
                release();
            }
        }

        /** @return whether its body began to run (on an engine thread) */
        boolean started() {
            return started;
        }

        /**
         * Gives up on the call: interrupts it if it runs (it still counts until it really ends), and takes it out
         * of the queue if it did not start (it no longer counts).
         */
        void abandon() {
            cancel(true);
            if (pool.executor.remove(this)) {
                release();
            }
        }

        private void release() {
            if (counted.compareAndSet(true, false)) {
                pool.accepted.decrementAndGet();
            }
        }
    }
}
