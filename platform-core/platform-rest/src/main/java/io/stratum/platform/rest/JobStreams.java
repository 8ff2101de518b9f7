package io.stratum.platform.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformService;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import javax.servlet.http.HttpServletResponse;

/**
 * Following a job over HTTP: the long poll of {@code GET /jobs/{id}?wait=30s} and the Server-Sent Events of
 * {@code GET /jobs/{id}/events}. Both wait in {@link PlatformService#awaitJob} on the request's thread; at most
 * {@code maxStreams} of them at once (more get 503 with {@code Retry-After}), so waiting clients cannot take every
 * thread of the web container. {@link #close()} ends every wait (when the servlet is taken out of service).
 * <p>
 * The event stream sends an event {@code progress} with the job (as JSON, in {@code data}) when it is opened and at
 * each change of its state, phase, task, progress, attempts or message, a comment {@code : keep-alive} every
 * heartbeat while nothing changes (a client that has gone is noticed there), and once the job has ended an event
 * {@code done} with the job and its steps, then ends. Events carry increasing {@code id}s. If the job can no longer be
 * read (it is not the caller's any more), an event {@code error} with the error body ends the stream.
 */
final class JobStreams {

    private final ObjectMapper mapper;
    private final Duration maxWait;
    private final Duration heartbeat;
    private final Semaphore permits;
    private final int maxStreams;
    private final Set<Thread> waiting = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param mapper writes the job
     * @param maxWait the longest long poll
     * @param heartbeat the time between keep-alive comments of an event stream
     * @param maxStreams the most long polls and streams at once
     */
    JobStreams(ObjectMapper mapper, Duration maxWait, Duration heartbeat, int maxStreams) {
        this.mapper = mapper;
        this.maxWait = maxWait;
        this.heartbeat = heartbeat;
        this.maxStreams = Math.max(1, maxStreams);
        this.permits = new Semaphore(this.maxStreams);
    }

    /** @return the longest long poll */
    Duration maxWait() {
        return maxWait;
    }

    /**
     * @param p the caller's facade
     * @param id the job
     * @param wait how long to wait for it to end, or {@code null} not to wait
     * @return the job with its steps: ended, or as it is when the wait is over
     * @throws InterruptedException if the wait was ended by {@link #close()}
     */
    JobDTO poll(PlatformService p, long id, Duration wait) throws InterruptedException {
        if (wait != null && wait.compareTo(maxWait) > 0) {
            throw ApiException.invalid("query parameter 'wait' is at most " + maxWait.toSeconds() + "s; wait again "
                    + "if the job has not ended by then");
        }
        JobDTO now = p.getJob(id);
        if (wait == null || wait.isZero() || now.isDone()) {
            return now;
        }
        enter();
        try {
            p.awaitJob(id, wait, null);
        } finally {
            leave();
        }
        return p.getJob(id);
    }

    /**
     * Streams a job's progress until it ends; answers a 404 (as JSON, before the stream starts) if the caller may
     * not see it.
     *
     * @param p the caller's facade
     * @param id the job
     * @param response where the stream goes
     * @throws IOException if the response cannot be started
     * @throws InterruptedException if the stream was ended by {@link #close()}
     */
    void events(PlatformService p, long id, HttpServletResponse response) throws IOException, InterruptedException {
        p.getJob(id);
        enter();
        try {
            response.setStatus(200);
            response.setContentType("text/event-stream;charset=UTF-8");
            response.setHeader("Cache-Control", "no-store");
            response.setHeader("X-Accel-Buffering", "no");
            response.setHeader("X-Content-Type-Options", "nosniff");
            OutputStream out = response.getOutputStream();
            Sender sender = new Sender(out, response);
            sender.write("retry: 3000\n\n");
            JobDTO[] last = {null};
            Consumer<JobDTO> onChange = j -> {
                if (last[0] == null || changed(last[0], j)) {
                    sender.event("progress", j);
                    last[0] = j;
                }
            };
            try {
                while (true) {
                    JobDTO j = p.awaitJob(id, heartbeat, onChange);
                    if (j.isDone()) {
                        onChange.accept(j);
                        sender.event("done", p.getJob(id));
                        return;
                    }
                    sender.write(": keep-alive\n\n");
                }
            } catch (PlatformException e) {
                ApiException a = ApiException.of(e);
                sender.event("error", new RestServlet.ErrorBody(a.code(), a.getMessage()));
            } catch (InterruptedException e) {
                sender.event("error", new RestServlet.ErrorBody(PlatformException.Reason.UNAVAILABLE.name(),
                        "the REST API is stopping; the job goes on: follow it again when Stratum is back"));
                throw e;
            }
        } catch (UncheckedIOException gone) {
            // the client went away: nothing to answer
        } finally {
            leave();
        }
    }

    /** Ends every long poll and stream now and refuses new ones (503). */
    void close() {
        closed = true;
        waiting.forEach(Thread::interrupt);
    }

    /** @return how many long polls and streams are open */
    int open() {
        return maxStreams - permits.availablePermits();
    }

    private void enter() {
        if (closed) {
            throw new ApiException(503, ApiException.TOO_MANY_WAITS, "the REST API is stopping; try again when "
                    + "Stratum is back", Map.of("Retry-After", "10"));
        }
        if (!permits.tryAcquire()) {
            throw new ApiException(503, ApiException.TOO_MANY_WAITS, "already " + maxStreams + " long polls and "
                    + "event streams open (maxStreams in etc/" + RestConfig.PID + ".cfg); try again shortly, or "
                    + "poll GET /jobs/{id} without wait", Map.of("Retry-After", "5"));
        }
        waiting.add(Thread.currentThread());
    }

    private void leave() {
        waiting.remove(Thread.currentThread());
        permits.release();
        if (closed) {
            Thread.interrupted(); // the web container's thread goes back to its pool without our interrupt
        }
    }

    private static boolean changed(JobDTO a, JobDTO b) {
        return a.state() != b.state() || a.progress() != b.progress() || a.attempts() != b.attempts()
                || !a.phase().equals(b.phase()) || !a.task().equals(b.task()) || !a.message().equals(b.message());
    }

    /** Writes events, each flushed at once; a write that fails means the client has gone. */
    private final class Sender {
        private final OutputStream out;
        private final HttpServletResponse response;
        private long nextId = 1;

        Sender(OutputStream out, HttpServletResponse response) {
            this.out = out;
            this.response = response;
        }

        void event(String name, Object data) {
            String json;
            try {
                json = mapper.writeValueAsString(data);
            } catch (IOException e) {
                throw new IllegalStateException("cannot write a job as JSON", e);
            }
            write("id: " + nextId++ + "\nevent: " + name + "\ndata: " + json + "\n\n");
        }

        void write(String text) {
            try {
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
                response.flushBuffer();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
