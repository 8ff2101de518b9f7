package io.stratum.platform.internal.service;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures everything the platform logs, at every level (TRACE up), while it is open. The tests log through
 * slf4j-simple, which writes to {@code System.err} as it is at each call; its levels are fixed when a logger is
 * made, so the loggers made before are set to TRACE here (and back on close), and those made meanwhile get TRACE
 * from a system property.
 */
final class LogCapture implements AutoCloseable {

    private static final String LEVEL_PROPERTY = "org.slf4j.simpleLogger.log.";
    private static final int TRACE = 0;

    private final String prefix;
    private final PrintStream originalErr = System.err;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final Map<Logger, Integer> before = new HashMap<>();

    /**
     * @param prefix the logger names to capture at every level, e.g. {@code io.stratum}
     */
    LogCapture(String prefix) {
        this.prefix = prefix;
        System.setProperty(LEVEL_PROPERTY + prefix, "trace");
        for (Logger l : loggers().values()) {
            if (l.getName().startsWith(prefix)) {
                before.put(l, level(l));
                setLevel(l, TRACE);
            }
        }
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    }

    /** @return what was logged so far */
    String text() {
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        System.setErr(originalErr);
        System.clearProperty(LEVEL_PROPERTY + prefix);
        // the level a logger made now gets, without the property: what those made meanwhile go back to
        int normal = level(LoggerFactory.getLogger(prefix + ".logcapture.probe" + UUID.randomUUID().toString()
                .replace("-", "")));
        for (Logger l : loggers().values()) {
            if (l.getName().startsWith(prefix)) {
                setLevel(l, before.getOrDefault(l, normal));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Logger> loggers() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        try {
            Field map = factory.getClass().getDeclaredField("loggerMap");
            map.setAccessible(true);
            return Map.copyOf((Map<String, Logger>) map.get(factory));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the tests' slf4j binding is not slf4j-simple 1.7 ("
                    + factory.getClass().getName() + "): LogCapture cannot set its levels", e);
        }
    }

    private static Field levelField(Logger l) throws NoSuchFieldException {
        Field f = l.getClass().getDeclaredField("currentLogLevel");
        f.setAccessible(true);
        return f;
    }

    private static int level(Logger l) {
        try {
            return levelField(l).getInt(l);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the level of " + l.getName(), e);
        }
    }

    private static void setLevel(Logger l, int level) {
        try {
            levelField(l).setInt(l, level);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot set the level of " + l.getName(), e);
        }
    }
}
