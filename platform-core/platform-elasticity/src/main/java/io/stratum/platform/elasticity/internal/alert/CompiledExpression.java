package io.stratum.platform.elasticity.internal.alert;

import jakarta.el.ELException;
import jakarta.el.ExpressionFactory;
import jakarta.el.ValueExpression;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An alert's expression, checked ({@link AlertCompiler}): its windowed function calls and the condition over their
 * values and {@code instances}. Immutable; thread-safe.
 */
public final class CompiledExpression {

    private final String text;
    private final List<AlertCompiler.Call> calls;
    private final ValueExpression value;
    private final ExpressionFactory factory;

    CompiledExpression(String text, List<AlertCompiler.Call> calls, ValueExpression value, ExpressionFactory factory) {
        this.text = text;
        this.calls = calls;
        this.value = value;
        this.factory = factory;
    }

    /** @return the expression as written (tabs and line breaks as spaces) */
    public String text() {
        return text;
    }

    /** @return its distinct function calls, in the order they are written */
    public List<AlertCompiler.Call> calls() {
        return calls;
    }

    /**
     * @param values the value of each call, by {@link AlertCompiler.Call#key()}
     * @param instances the service's instance count
     * @return the condition's value
     * @throws ExpressionError (position 1) if the expression cannot be evaluated or does not give true or false
     */
    public boolean evaluate(Map<String, Double> values, int instances) throws ExpressionError {
        Map<String, Object> variables = new HashMap<>();
        for (int k = 0; k < calls.size(); k++) {
            Double v = values.get(calls.get(k).key());
            if (v == null) {
                throw new ExpressionError(1, "no value for " + calls.get(k).key(), text);
            }
            variables.put("call" + k, v);
        }
        variables.put(AlertCompiler.INSTANCES, instances);
        Object result;
        try {
            result = value.getValue(new Variables(factory, variables));
        } catch (ELException | ArithmeticException e) {
            throw new ExpressionError(1, "cannot evaluate: " + e.getMessage(), text);
        }
        if (result instanceof Boolean b) {
            return b;
        }
        throw new ExpressionError(1, "the expression must be a condition (true or false); it gives "
                + (result == null ? "nothing" : result.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT)
                + " " + result), text);
    }
}
