package io.stratum.platform.rest;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * What the REST API does with a failure inside Stratum (anything but a refusal): it answers 500 {@code INTERNAL} with
 * a correlation id, and logs that id with the request's method and path and the exception's class at ERROR. An
 * exception's message may carry what it was handed (a JDBC URL with a password, a binding), so no message is logged
 * or answered: the stack trace is logged at DEBUG only, and even there each exception in it (causes and suppressed
 * ones too) shows its class, not its message.
 */
final class InternalErrors {

    private final Logger log;
    private final Supplier<String> ids;

    /**
     * @param log where failures are logged
     * @param ids makes a new correlation id for each failure
     */
    InternalErrors(Logger log, Supplier<String> ids) {
        this.log = log;
        this.ids = ids;
    }

    /**
     * Logs a failure and says how to answer it.
     *
     * @param method the request's method
     * @param path the request's path (without its query, which is not logged)
     * @param e what was thrown
     * @return the 500 to answer: {@code INTERNAL}, naming the correlation id to look for in karaf.log
     */
    ApiException report(String method, String path, Throwable e) {
        String id = ids.get();
        log.error("REST {} {} failed inside Stratum with {} (id {}); the stack trace is logged at DEBUG, without "
                + "exception messages", method, path, e.getClass().getName(), id);
        if (log.isDebugEnabled()) {
            log.debug("REST failure id {}: stack trace", id, withoutMessages(e));
        }
        return new ApiException(500, ApiException.INTERNAL, "the request failed inside Stratum; see karaf.log, id " + id
                + " (whether it changed something, see the resource or its job)", Map.of());
    }

    /**
     * @param e an exception
     * @return its stack trace, and those of its causes and suppressed exceptions, each showing only its class
     */
    static Throwable withoutMessages(Throwable e) {
        return Trace.of(e, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    /** One exception of a stack trace, shown by its class name only. */
    private static final class Trace extends Throwable {
        private static final long serialVersionUID = 1L;
        private final String type;

        private Trace(Throwable of, Trace cause) {
            super(null, cause, true, true);
            this.type = of.getClass().getName();
            setStackTrace(of.getStackTrace());
        }

        /** @return the trace of {@code e}, its cause and suppressed exceptions (each once: {@code seen}) */
        static Trace of(Throwable e, Set<Throwable> seen) {
            seen.add(e);
            Throwable c = e.getCause();
            Trace t = new Trace(e, c != null && !seen.contains(c) ? of(c, seen) : null);
            for (Throwable s : e.getSuppressed()) {
                if (!seen.contains(s)) {
                    t.addSuppressed(of(s, seen));
                }
            }
            return t;
        }

        @Override
        public String toString() {
            return type;
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // the stack trace is the original's, set in the constructor
        }
    }
}
