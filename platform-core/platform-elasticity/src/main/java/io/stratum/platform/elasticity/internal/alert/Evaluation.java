package io.stratum.platform.elasticity.internal.alert;

import io.stratum.platform.elasticity.internal.Durations;
import io.stratum.platform.elasticity.internal.series.MetricHistory;
import io.stratum.platform.elasticity.internal.series.MetricHistory.Aggregation;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * One evaluation of an alert: the state it leads to, the values the expression saw and why.
 *
 * @param state OK when the condition does not hold, ALARM when it does, NO_DATA when a windowed function has no sample
 *     in its window (or the expression cannot be evaluated)
 * @param values each call's value as written (e.g. {@code avg('http.requests.rate','1m')}; calls without data are left
 *     out) and {@code instances}, in the expression's order
 * @param message why, for users
 */
public record Evaluation(AlertState state, Map<String, Double> values, String message) {

    /** Keeps the order of the values. */
    public Evaluation {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * Evaluates an alert now.
     *
     * @param expression the alert's expression
     * @param history the time series
     * @param serviceId the service it watches
     * @param instances the service's instance count
     * @return the evaluation
     */
    public static Evaluation of(CompiledExpression expression, MetricHistory history, String serviceId,
            int instances) {
        Map<String, Double> values = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (AlertCompiler.Call call : expression.calls()) {
            OptionalDouble v = history.aggregate(serviceId, call.metric(), call.window(), call.aggregation());
            if (v.isPresent()) {
                values.put(call.key(), v.getAsDouble());
            } else {
                missing.add((call.aggregation() == Aggregation.RATE ? "fewer than two samples" : "no sample")
                        + " of '" + call.metric() + "' in the last " + Durations.format(call.window()));
            }
        }
        Map<String, Double> seen = new LinkedHashMap<>(values);
        seen.put(AlertCompiler.INSTANCES, (double) instances);
        if (!missing.isEmpty()) {
            return new Evaluation(AlertState.NO_DATA, seen, "no data: " + String.join("; ", missing));
        }
        try {
            boolean holds = expression.evaluate(values, instances);
            return new Evaluation(holds ? AlertState.ALARM : AlertState.OK, seen, (holds ? "true" : "false")
                    + " with " + describe(seen));
        } catch (ExpressionError e) {
            return new Evaluation(AlertState.NO_DATA, seen, e.problem());
        }
    }

    /**
     * @param values values by name
     * @return them as {@code name = value, ...}
     */
    static String describe(Map<String, Double> values) {
        return values.entrySet().stream().map(e -> e.getKey() + " = " + format(e.getValue()))
                .collect(Collectors.joining(", "));
    }

    /**
     * @param v a value
     * @return it with at most four decimals, without trailing zeros
     */
    static String format(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        return BigDecimal.valueOf(v).setScale(4, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
