package io.stratum.platform.rest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.Test;
import org.slf4j.Logger;

/** A failure inside Stratum: logged by class and correlation id, its stack trace at DEBUG without any message. */
public class InternalErrorsTest {

    private static final String SECRET = "hunter2-secret";

    /** What was logged: level and the message with its arguments filled in; the throwable's printed trace apart. */
    private final List<String> lines = new ArrayList<>();
    private final List<String> traces = new ArrayList<>();
    private boolean debug = true;

    private Logger logger() {
        return (Logger) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.equals("isDebugEnabled")) {
                        return debug;
                    }
                    if (name.startsWith("is")) {
                        return true;
                    }
                    if (name.equals("getName")) {
                        return "test";
                    }
                    if (!List.of("error", "warn", "info", "debug", "trace").contains(name)) {
                        throw new UnsupportedOperationException(name);
                    }
                    if (name.equals("debug") && !debug) {
                        return null;
                    }
                    List<Object> values = new ArrayList<>();
                    for (Object a : Arrays.asList(args).subList(1, args.length)) {
                        if (a instanceof Object[] array) {
                            values.addAll(Arrays.asList(array));
                        } else {
                            values.add(a);
                        }
                    }
                    if (!values.isEmpty() && values.get(values.size() - 1) instanceof Throwable t) {
                        StringWriter w = new StringWriter();
                        t.printStackTrace(new PrintWriter(w));
                        traces.add(w.toString());
                        values.remove(values.size() - 1);
                    }
                    String text = (String) args[0];
                    for (Object v : values) {
                        text = text.replaceFirst("\\{}", java.util.regex.Matcher.quoteReplacement(String.valueOf(v)));
                    }
                    lines.add(name.toUpperCase() + " " + text);
                    return null;
                });
    }

    private static RuntimeException leaky() {
        SQLException cause = new SQLException("cannot open jdbc:h2:tcp://x/db;PASSWORD=" + SECRET);
        IllegalStateException e = new IllegalStateException("binding {password=" + SECRET + "} failed", cause);
        e.addSuppressed(new IllegalArgumentException("also " + SECRET));
        return e;
    }

    @Test
    public void aFailureIsLoggedByClassAndIdAndAnsweredWithTheIdOnly() {
        ApiException answer = new InternalErrors(logger(), () -> "c0ffee42").report("POST", "/api/v1/services", leaky());

        assertEquals(500, answer.status());
        assertEquals("INTERNAL", answer.code());
        assertTrue(answer.getMessage(), answer.getMessage().contains("see karaf.log, id c0ffee42"));
        assertFalse(answer.getMessage(), answer.getMessage().contains(SECRET));

        assertEquals(lines.toString(), 2, lines.size());
        String error = lines.get(0);
        assertTrue(error, error.startsWith("ERROR REST POST /api/v1/services failed inside Stratum with "
                + "java.lang.IllegalStateException (id c0ffee42)"));
        assertEquals("DEBUG REST failure id c0ffee42: stack trace", lines.get(1));
        assertEquals("only the DEBUG line has a stack trace", 1, traces.size());
        String trace = traces.get(0);
        assertTrue(trace, trace.startsWith("java.lang.IllegalStateException" + System.lineSeparator()
                + "\tat io.stratum.platform.rest.InternalErrorsTest.leaky("));
        assertTrue(trace, trace.contains("Caused by: java.sql.SQLException"));
        assertTrue(trace, trace.contains("Suppressed: java.lang.IllegalArgumentException"));
        assertFalse(trace, trace.contains(SECRET));
        assertFalse(trace, trace.contains("jdbc:"));
        assertFalse(String.join("\n", lines), String.join("\n", lines).contains(SECRET));
    }

    @Test
    public void withoutDebugNoTraceIsMade() {
        debug = false;
        new InternalErrors(logger(), () -> "1").report("GET", "/api/v1/sdps", leaky());
        assertEquals(lines.toString(), 1, lines.size());
        assertTrue(traces.isEmpty());
    }

    @Test
    public void aCycleOfCausesEnds() {
        IllegalStateException a = new IllegalStateException("a " + SECRET);
        IllegalArgumentException b = new IllegalArgumentException("b", a);
        a.initCause(b);
        a.addSuppressed(a.getCause());
        StringWriter w = new StringWriter();
        InternalErrors.withoutMessages(a).printStackTrace(new PrintWriter(w));
        assertTrue(w.toString(), w.toString().contains("Caused by: java.lang.IllegalArgumentException"));
        assertFalse(w.toString(), w.toString().contains(SECRET));
    }
}
