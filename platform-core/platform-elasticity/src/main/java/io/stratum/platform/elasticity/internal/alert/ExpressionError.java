package io.stratum.platform.elasticity.internal.alert;

import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;

/** Why an alert's expression is refused, and where. */
public final class ExpressionError extends Exception {

    private static final long serialVersionUID = 1L;

    private final int position;
    private final String problem;
    private final String expression;
    private final boolean unknownMetric;

    /**
     * @param position the 1-based character position of the error in the expression
     * @param problem what is wrong, for users
     * @param expression the expression, as shown under the message (tabs and line breaks as spaces)
     */
    ExpressionError(int position, String problem, String expression) {
        this(position, problem, expression, false);
    }

    /**
     * @param position the 1-based character position of the error in the expression
     * @param problem what is wrong, for users
     * @param expression the expression, as shown under the message (tabs and line breaks as spaces)
     * @param unknownMetric whether the problem is a metric the service does not have (yet)
     */
    ExpressionError(int position, String problem, String expression, boolean unknownMetric) {
        super("at " + position + ": " + problem);
        this.position = position;
        this.problem = problem;
        this.expression = expression;
        this.unknownMetric = unknownMetric;
    }

    /** @return whether the problem is a metric the service does not have (yet: a gatherer may come later) */
    public boolean unknownMetric() {
        return unknownMetric;
    }

    /** @return the 1-based character position of the error */
    public int position() {
        return position;
    }

    /** @return what is wrong */
    public String problem() {
        return problem;
    }

    /**
     * @return {@code at <position>: <problem>}, then the expression and a caret under the position, each on a line of
     *     its own, indented by two spaces
     */
    public String describe() {
        int caret = Math.max(0, Math.min(position - 1, expression.length()));
        return getMessage() + "\n  " + expression + "\n  " + " ".repeat(caret) + "^";
    }

    /** @return the error as the facade reports it: INVALID with {@link #describe()} */
    public PlatformException toPlatformException() {
        return new PlatformException(Reason.INVALID, describe());
    }
}
