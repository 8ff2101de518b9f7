package io.stratum.platform.elasticity.internal.alert;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.PlatformException;
import io.stratum.platform.elasticity.internal.series.MetricHistory.Aggregation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.Test;

/** Alert expressions: what compiles, what it evaluates to, and where each kind of error is reported. */
public class AlertCompilerTest {

    private static final Set<String> METRICS = Set.of("http.requests.rate", "cpu", "http.latency.p95");
    private final AlertCompiler compiler = new AlertCompiler();

    private CompiledExpression compile(String expression) throws ExpressionError {
        return compiler.compile(expression, METRICS, Duration.ofHours(24));
    }

    private ExpressionError refused(String expression) {
        return assertThrows(expression, ExpressionError.class, () -> compile(expression));
    }

    private void refusedAt(String expression, int position, String problem) {
        ExpressionError e = refused(expression);
        assertEquals(e.getMessage(), position, e.position());
        assertTrue(e.getMessage(), e.getMessage().startsWith("at " + position + ": "));
        assertTrue(e.getMessage() + " should say " + problem, e.problem().contains(problem));
    }

    @Test
    public void aConditionOverWindowedFunctionsAndInstances() throws Exception {
        CompiledExpression c = compile("avg('http.requests.rate', '1m') > 50 && instances < 4");
        assertEquals(1, c.calls().size());
        AlertCompiler.Call call = c.calls().get(0);
        assertEquals("avg('http.requests.rate','1m')", call.key());
        assertEquals(Aggregation.AVG, call.aggregation());
        assertEquals("http.requests.rate", call.metric());
        assertEquals(Duration.ofMinutes(1), call.window());
        assertTrue(c.evaluate(Map.of(call.key(), 62.5), 1));
        assertFalse(c.evaluate(Map.of(call.key(), 62.5), 4));
        assertFalse(c.evaluate(Map.of(call.key(), 50.0), 1));
    }

    @Test
    public void everyFunctionAndOperatorAndTheSameCallOnce() throws Exception {
        CompiledExpression c = compile("min('cpu','5m') >= 0.5 and max(\"cpu\", \"5m\") le 0.9 || "
                + "(sum('cpu','1h') / count('cpu','1h') > 0.8 ? last('cpu','30s') != 0 : rate('cpu','1m') == 1) "
                + "|| p50('http.latency.p95','10m') + p95('http.latency.p95','10m') * 2 - p99('http.latency.p95','10m')"
                + " > 100 || !(avg('cpu','1m') < 0.1) && -avg('cpu','1m') % 2 < 3 || min('cpu', '5m') > 0.99");
        assertEquals(List.of("min('cpu','5m')", "max('cpu','5m')", "sum('cpu','1h')", "count('cpu','1h')",
                "last('cpu','30s')", "rate('cpu','1m')", "p50('http.latency.p95','10m')",
                "p95('http.latency.p95','10m')", "p99('http.latency.p95','10m')", "avg('cpu','1m')"),
                c.calls().stream().map(AlertCompiler.Call::key).toList());
        Map<String, Double> v = new java.util.HashMap<>();
        c.calls().forEach(k -> v.put(k.key(), 0.0));
        v.put("min('cpu','5m')", 0.6);
        v.put("max('cpu','5m')", 0.7);
        assertTrue(c.evaluate(v, 1));
        v.put("max('cpu','5m')", 0.95);
        assertFalse(c.evaluate(v, 1));
        v.put("avg('cpu','1m')", 0.05);
        assertFalse(c.evaluate(v, 1));
        v.put("avg('cpu','1m')", 0.5);
        assertTrue(c.evaluate(v, 1));
        assertTrue(compile("instances > 3").evaluate(Map.of(), 4));
        assertTrue(compile("avg('cpu',\n\t'1m') > 1").evaluate(Map.of("avg('cpu','1m')", 2.0), 1));
    }

    @Test
    public void syntaxErrorsAtTheirPosition() {
        refusedAt("avg('cpu', '1m') >", 19, "ends too early");
        refusedAt("avg('cpu' '1m') > 1", 11, "unexpected ''1m''");
        refusedAt("avg('cpu', '1m') > 50 @ 2", 23, "unexpected character '@'");
        refusedAt("avg('cpu', '1m') > 50 } || true", 23, "unexpected '}'");
        refusedAt("avg('cpu', '1m) > 1", 12, "quote that is not closed");
        refusedAt("", 1, "empty");
        refusedAt("   ", 1, "empty");
        refusedAt("x".repeat(AlertCompiler.MAX_LENGTH + 1), AlertCompiler.MAX_LENGTH + 1, "longer than");
    }

    @Test
    public void unknownFunctionsAndNamesAtTheirPosition() {
        refusedAt("avgg('cpu', '1m') > 1", 1, "unknown function 'avgg'");
        refusedAt("avg('cpu','1m') > 1 && median('cpu','1m') > 2", 24, "unknown function 'median'");
        refusedAt("avg('cpu','1m') > 1 && fn:avg('cpu','1m') > 2", 24, "unknown function 'fn:avg'");
        refusedAt("load > 1", 1, "unknown name 'load'");
        refusedAt("avg('cpu') > 1", 1, "takes two arguments");
        refusedAt("avg('cpu', '1m', 'x') > 1", 1, "takes two arguments");
        refusedAt("avg(cpu, '1m') > 1", 5, "quoted name");
        refusedAt("avg('cpu', 60) > 1", 12, "quoted duration");
    }

    @Test
    public void unknownMetricsAtTheirPosition() {
        ExpressionError e = refused("avg('cpu', '1m') > 1 && max('http.request.rate', '5m') > 2");
        assertEquals(29, e.position());
        assertTrue(e.getMessage(), e.problem().contains("unknown metric 'http.request.rate'"));
        assertTrue(e.getMessage(), e.problem().contains("cpu, http.latency.p95, http.requests.rate"));
        ExpressionError none = assertThrows(ExpressionError.class, () -> compiler.compile("avg('cpu','1m') > 1",
                Set.of(), Duration.ofHours(1)));
        assertTrue(none.getMessage(), none.problem().contains("no metrics yet"));
    }

    @Test
    public void badWindowsAtTheirPosition() {
        refusedAt("avg('cpu', '1 minute') > 1", 12, "bad window");
        refusedAt("avg('cpu', '0s') > 1", 12, "longer than zero");
        refusedAt("avg('cpu', '48h') > 1", 12, "longer than the 24h of history kept");
        refusedAt("avg('cpu', '') > 1", 12, "bad window");
    }

    @Test
    public void theLeftmostProblemIsReported() {
        refusedAt("foo('x','1m') > avg('nope','1m')", 1, "unknown function 'foo'");
        refusedAt("avg('nope','1m') > foo('x','1m')", 5, "unknown metric 'nope'");
    }

    @Test
    public void nothingBeyondItsValuesIsReachable() {
        refusedAt("instances.class.name == 'x'", 10, "properties and methods");
        refusedAt("'a'.length() > 1", 4, "properties and methods");
        refusedAt("instances[0] > 1", 10, "properties and methods");
        refusedAt("(x -> x + 1)(instances) > 1", 4, "lambda");
        refusedAt("instances = 3", 11, "assignments");
        refusedAt("instances > 1; true", 14, "';'");
        refusedAt("[1, 2].size() > 1", 1, "properties and methods");
        refusedAt("{1: 2} != null", 1, "maps");
        refusedAt("avg('cpu','1m') > '5'", 19, "text is allowed only");
        refusedAt("instances == null", 14, "'null'");
        refusedAt("empty instances", 1, "'empty'");
        refusedAt("#{instances > 1}", 2, "unexpected");
    }

    @Test
    public void anExpressionMustBeACondition() {
        refusedAt("avg('cpu','1m') + 1", 1, "must be a condition");
        refusedAt("instances", 1, "must be a condition");
    }

    @Test
    public void theMessageShowsTheExpressionWithACaret() {
        ExpressionError e = refused("avg('cpu', '1m') > 1 && max('nope', '5m') > 2");
        assertEquals("at 29: unknown metric 'nope'; the service's metrics are cpu, http.latency.p95, "
                + "http.requests.rate\n  avg('cpu', '1m') > 1 && max('nope', '5m') > 2\n"
                + "                              ^", e.describe());
        PlatformException p = e.toPlatformException();
        assertEquals(PlatformException.Reason.INVALID, p.reason());
        assertEquals(e.describe(), p.getMessage());
    }

    /**
     * In OSGi the thread's context class loader does not see Expressly, so EL's own lookup of a factory
     * ({@code ExpressionFactory.newInstance()}, which EL's type conversion falls back to) fails there. This runs the
     * compiler and an evaluation in a class space of their own (fresh statics, no application class path) with a
     * context class loader that sees nothing.
     */
    @Test
    public void itWorksWithoutAContextClassLoaderThatSeesTheEngineAsInOsgi() throws Exception {
        java.net.URL[] jars = java.util.stream.Stream.of(jakarta.el.ExpressionFactory.class,
                org.glassfish.expressly.ExpressionFactoryImpl.class, AlertCompiler.class, PlatformException.class)
                .map(c -> c.getProtectionDomain().getCodeSource().getLocation()).toArray(java.net.URL[]::new);
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        try (java.net.URLClassLoader isolated = new java.net.URLClassLoader(jars,
                ClassLoader.getPlatformClassLoader())) {
            t.setContextClassLoader(new ClassLoader(null) {
            });
            Class<?> compilerClass = isolated.loadClass(AlertCompiler.class.getName());
            assertTrue(compilerClass != AlertCompiler.class);
            Object fresh = compilerClass.getConstructor().newInstance();
            Object compiled = compilerClass.getMethod("compile", String.class, java.util.Collection.class,
                    Duration.class).invoke(fresh, "avg('cpu','1m') * 2 > 1.5 && instances < 4", METRICS,
                    Duration.ofHours(1));
            java.lang.reflect.Method evaluate = compiled.getClass().getMethod("evaluate", Map.class, int.class);
            assertEquals(true, evaluate.invoke(compiled, Map.of("avg('cpu','1m')", 1.0), 3));
            assertEquals(false, evaluate.invoke(compiled, Map.of("avg('cpu','1m')", 0.5), 3));
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new AssertionError("failed in a class space like OSGi's: " + e.getCause(), e.getCause());
        } finally {
            t.setContextClassLoader(before);
        }
    }
}
