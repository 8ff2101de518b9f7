package io.stratum.platform.elasticity.internal.alert;

import io.stratum.platform.elasticity.internal.Durations;
import io.stratum.platform.elasticity.internal.series.MetricHistory.Aggregation;
import jakarta.el.ELException;
import jakarta.el.ExpressionFactory;
import jakarta.el.ValueExpression;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.glassfish.expressly.ExpressionFactoryImpl;
import org.glassfish.expressly.parser.AstAnd;
import org.glassfish.expressly.parser.AstChoice;
import org.glassfish.expressly.parser.AstCompositeExpression;
import org.glassfish.expressly.parser.AstDiv;
import org.glassfish.expressly.parser.AstDynamicExpression;
import org.glassfish.expressly.parser.AstEqual;
import org.glassfish.expressly.parser.AstFalse;
import org.glassfish.expressly.parser.AstFloatingPoint;
import org.glassfish.expressly.parser.AstFunction;
import org.glassfish.expressly.parser.AstGreaterThan;
import org.glassfish.expressly.parser.AstGreaterThanEqual;
import org.glassfish.expressly.parser.AstIdentifier;
import org.glassfish.expressly.parser.AstInteger;
import org.glassfish.expressly.parser.AstLessThan;
import org.glassfish.expressly.parser.AstLessThanEqual;
import org.glassfish.expressly.parser.AstMethodArguments;
import org.glassfish.expressly.parser.AstMinus;
import org.glassfish.expressly.parser.AstMod;
import org.glassfish.expressly.parser.AstMult;
import org.glassfish.expressly.parser.AstNegative;
import org.glassfish.expressly.parser.AstNot;
import org.glassfish.expressly.parser.AstNotEqual;
import org.glassfish.expressly.parser.AstOr;
import org.glassfish.expressly.parser.AstPlus;
import org.glassfish.expressly.parser.AstString;
import org.glassfish.expressly.parser.AstTrue;
import org.glassfish.expressly.parser.ELParser;
import org.glassfish.expressly.parser.ELParserConstants;
import org.glassfish.expressly.parser.ELParserTokenManager;
import org.glassfish.expressly.parser.Node;
import org.glassfish.expressly.parser.ParseException;
import org.glassfish.expressly.parser.SimpleCharStream;
import org.glassfish.expressly.parser.Token;
import org.glassfish.expressly.parser.TokenMgrError;

/**
 * Compiles alert expressions: Jakarta Expression Language (Eclipse Expressly) boolean expressions over the windowed
 * functions {@code avg min max sum count last rate p50 p95 p99}, each called as {@code fn('metric', 'window')} with
 * quoted literals, and the variable {@code instances}, joined by EL's comparison, arithmetic, logical and
 * conditional operators, e.g. {@code avg('http.requests.rate', '1m') > 50 && instances < 4}.
 * <p>
 * Everything is checked when the alert is created: the syntax, that nothing but those functions, {@code instances},
 * numbers and operators is used (no properties, methods, lambdas, assignments, lists or maps: nothing an expression
 * could reach beyond its values), the function names, the metric names (against the service's catalog), the windows
 * (durations no longer than the retention) and that the expression gives true or false. An error is reported at the
 * 1-based position of the leftmost problem.
 * <p>
 * The factory is made with {@code new ExpressionFactoryImpl()} and every evaluation context carries it, so nothing is
 * looked up through the thread's context class loader or {@code ServiceLoader} (which fails in OSGi). Thread-safe.
 */
public final class AlertCompiler {

    /** Longest expression accepted, in characters. */
    public static final int MAX_LENGTH = 2000;
    /** The variable of the service's instance count. */
    public static final String INSTANCES = "instances";
    /** The windowed functions, by name. */
    public static final Map<String, Aggregation> FUNCTIONS;

    static {
        Map<String, Aggregation> f = new LinkedHashMap<>();
        for (Aggregation a : Aggregation.values()) {
            f.put(a.name().toLowerCase(Locale.ROOT), a);
        }
        FUNCTIONS = java.util.Collections.unmodifiableMap(f);
    }

    /** Nodes an expression may contain besides functions, their arguments and {@code instances}. */
    private static final Set<Class<?>> ALLOWED = Set.of(AstCompositeExpression.class, AstDynamicExpression.class,
            AstAnd.class, AstOr.class, AstNot.class, AstEqual.class, AstNotEqual.class, AstGreaterThan.class,
            AstGreaterThanEqual.class, AstLessThan.class, AstLessThanEqual.class, AstPlus.class, AstMinus.class,
            AstMult.class, AstDiv.class, AstMod.class, AstNegative.class, AstChoice.class, AstTrue.class,
            AstFalse.class, AstInteger.class, AstFloatingPoint.class, AstFunction.class, AstIdentifier.class);
    private static final Pattern COLUMN = Pattern.compile("column (\\d+)");
    private static final String OFFSET_HINT = "${";

    private final ExpressionFactory factory = new ExpressionFactoryImpl();

    /**
     * @param expression what the user wrote
     * @param metrics the metrics of the service the alert watches ({@code null}: any metric, for alerts created
     *     before, whose metrics may not be reported yet)
     * @param retention the longest window allowed (the history kept)
     * @return the compiled alert
     * @throws ExpressionError at the leftmost problem
     */
    public CompiledExpression compile(String expression, Collection<String> metrics, Duration retention)
            throws ExpressionError {
        String text = expression == null ? "" : expression.replaceAll("[\\t\\r\\n\\f]", " ");
        if (text.isBlank()) {
            throw new ExpressionError(1, "the expression is empty: write a condition such as "
                    + "avg('http.requests.rate', '1m') > 50", text);
        }
        if (text.length() > MAX_LENGTH) {
            throw new ExpressionError(MAX_LENGTH + 1, "the expression is longer than " + MAX_LENGTH + " characters",
                    text);
        }
        String wrapped = OFFSET_HINT + text + "}";
        List<Token> tokens = tokens(wrapped);
        Node root;
        try {
            root = new ELParser(new StringReader(wrapped)).CompositeExpression();
        } catch (ParseException e) {
            throw syntax(text, tokens, e);
        } catch (TokenMgrError e) {
            Matcher m = COLUMN.matcher(String.valueOf(e.getMessage()));
            int at = m.find() ? Integer.parseInt(m.group(1)) - 2 : 1;
            throw new ExpressionError(clamp(at, text), "cannot read the expression here", text);
        }
        List<Problem> problems = new ArrayList<>();
        if (root.jjtGetNumChildren() != 1 || !(root.jjtGetChild(0) instanceof AstDynamicExpression)) {
            int at = tokens.stream().filter(t -> t.kind == ELParserConstants.RCURL).findFirst()
                    .map(t -> position(t)).orElse(1);
            throw new ExpressionError(at, "unexpected '}'", text);
        }
        List<AstFunction> functions = new ArrayList<>();
        walk(root, functions, problems, tokens);
        List<Integer> sites = callSites(tokens);
        Map<String, Call> calls = new LinkedHashMap<>();
        List<int[]> spans = new ArrayList<>();
        List<String> spanKeys = new ArrayList<>();
        Set<String> known = metrics == null ? null : new TreeSet<>(metrics);
        for (int j = 0; j < functions.size(); j++) {
            AstFunction f = functions.get(j);
            Integer site = j < sites.size() ? sites.get(j) : null;
            call(f, site, tokens, known, retention, text, problems).ifPresent(c -> {
                calls.putIfAbsent(c.call.key(), c.call);
                spans.add(new int[] {c.start, c.end});
                spanKeys.add(c.call.key());
            });
        }
        checkNames(tokens, sites, problems);
        if (!problems.isEmpty()) {
            Problem first = problems.stream().min(Comparator.comparingInt(Problem::at)).orElseThrow();
            throw new ExpressionError(clamp(first.at, text), first.message, text, first.unknownMetric);
        }
        // the calls become variables: the expression evaluated sees only numbers
        StringBuilder rewritten = new StringBuilder(text);
        List<String> keys = new ArrayList<>(calls.keySet());
        for (int k = spans.size() - 1; k >= 0; k--) {
            int[] span = spans.get(k);
            rewritten.replace(span[0], span[1], " call" + keys.indexOf(spanKeys.get(k)) + " ");
        }
        ValueExpression value;
        try {
            value = factory.createValueExpression(new Variables(factory, Map.of()), "${" + rewritten + "}",
                    Object.class);
        } catch (ELException e) {
            throw new ExpressionError(1, "cannot compile the expression: " + e.getMessage(), text);
        }
        CompiledExpression compiled = new CompiledExpression(text, List.copyOf(calls.values()), value, factory);
        // a trial run: the expression must give true or false
        Map<String, Double> ones = new LinkedHashMap<>();
        calls.keySet().forEach(k -> ones.put(k, 1.0));
        try {
            compiled.evaluate(ones, 1);
        } catch (ExpressionError e) {
            throw new ExpressionError(1, e.problem(), text);
        }
        return compiled;
    }

    /** A problem found, at a 1-based position. */
    private record Problem(int at, String message, boolean unknownMetric) {
        Problem(int at, String message) {
            this(at, message, false);
        }
    }

    /** A call and its span (0-based, end exclusive) in the expression. */
    private record Site(Call call, int start, int end) {
    }

    private static int clamp(int at, String text) {
        return Math.max(1, Math.min(at, text.length() + 1));
    }

    /** @return the 1-based position in the user's expression of a token of the wrapped one */
    private static int position(Token t) {
        return t.beginColumn - OFFSET_HINT.length();
    }

    private static List<Token> tokens(String wrapped) {
        List<Token> tokens = new ArrayList<>();
        try {
            ELParserTokenManager tm = new ELParserTokenManager(new SimpleCharStream(new StringReader(wrapped)));
            for (Token t = tm.getNextToken(); t.kind != ELParserConstants.EOF; t = tm.getNextToken()) {
                tokens.add(t);
            }
        } catch (TokenMgrError e) {
            // the parser reports it
        }
        // the wrapping ${ and the closing } are not the user's
        if (!tokens.isEmpty() && tokens.get(0).kind == ELParserConstants.START_DYNAMIC_EXPRESSION) {
            tokens.remove(0);
        }
        if (!tokens.isEmpty() && tokens.get(tokens.size() - 1).kind == ELParserConstants.RCURL) {
            tokens.remove(tokens.size() - 1);
        }
        return tokens;
    }

    private static ExpressionError syntax(String text, List<Token> tokens, ParseException e) {
        Token bad = e.currentToken == null ? null : e.currentToken.next;
        int at = bad == null ? text.length() + 1 : position(bad);
        // a character the language does not have, or a quote never closed, comes first
        for (Token t : tokens) {
            if ((t.kind == ELParserConstants.ILLEGAL_CHARACTER
                    || t.kind == ELParserConstants.BADLY_ESCAPED_STRING_LITERAL) && position(t) <= at) {
                String c = t.image;
                return new ExpressionError(position(t), c.equals("'") || c.equals("\"")
                        ? "a quote that is not closed (quote names and windows as in 'http.requests.rate')"
                        : "unexpected character '" + c + "'", text);
            }
        }
        if (bad == null || bad.kind == ELParserConstants.EOF || at > text.length()) {
            return new ExpressionError(text.length() + 1, "the expression ends too early", text);
        }
        if (bad.kind == ELParserConstants.LPAREN) {
            Optional<ExpressionError> inside = insideCall(text, tokens, bad);
            if (inside.isPresent()) {
                return inside.get();
            }
        }
        return new ExpressionError(at, "unexpected '" + bad.image + "'", text);
    }

    /**
     * The parser reports a malformed argument list at the call's '(' (it backs out of the call). Reading the same
     * text with the call written as a list ({@code avg('cpu' '1m')} as {@code    ['cpu' '1m']}, same positions)
     * finds the argument that is wrong.
     */
    private static Optional<ExpressionError> insideCall(String text, List<Token> tokens, Token paren) {
        int open = -1;
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).beginColumn == paren.beginColumn && tokens.get(i).kind == ELParserConstants.LPAREN) {
                open = i;
                break;
            }
        }
        if (open < 1 || tokens.get(open - 1).kind != ELParserConstants.IDENTIFIER) {
            return Optional.empty();
        }
        StringBuilder b = new StringBuilder(text);
        Token name = tokens.get(open - 1);
        for (int c = position(name) - 1; c < position(name) - 1 + name.image.length(); c++) {
            b.setCharAt(c, ' ');
        }
        b.setCharAt(position(paren) - 1, '[');
        int depth = 0;
        for (int i = open; i < tokens.size(); i++) {
            int kind = tokens.get(i).kind;
            if (kind == ELParserConstants.LPAREN) {
                depth++;
            } else if (kind == ELParserConstants.RPAREN && --depth == 0) {
                b.setCharAt(position(tokens.get(i)) - 1, ']');
                break;
            }
        }
        String wrapped = OFFSET_HINT + b + "}";
        try {
            new ELParser(new StringReader(wrapped)).CompositeExpression();
        } catch (ParseException e) {
            Token bad = e.currentToken == null ? null : e.currentToken.next;
            if (bad != null && bad.kind != ELParserConstants.EOF && position(bad) > position(paren)
                    && position(bad) <= text.length()) {
                return Optional.of(new ExpressionError(position(bad), "unexpected '" + bad.image + "'", text));
            }
        } catch (TokenMgrError e) {
            // the original report stands
        }
        return Optional.empty();
    }

    /** Collects the functions in source order and the nodes that are not allowed. */
    private static void walk(Node n, List<AstFunction> functions, List<Problem> problems, List<Token> tokens) {
        if (n instanceof AstFunction f) {
            functions.add(f);
            // its arguments are checked with the call
            return;
        }
        if (!ALLOWED.contains(n.getClass())) {
            problems.add(notAllowed(n, tokens));
            return;
        }
        for (int i = 0; i < n.jjtGetNumChildren(); i++) {
            walk(n.jjtGetChild(i), functions, problems, tokens);
        }
    }

    private static Problem notAllowed(Node n, List<Token> tokens) {
        String type = n.getClass().getSimpleName();
        record Rule(Set<Integer> kinds, String message) {
        }
        Rule rule = switch (type) {
            case "AstValue", "AstDotSuffix", "AstBracketSuffix", "AstMethodArguments" -> new Rule(
                    Set.of(ELParserConstants.DOT, ELParserConstants.LBRACK, ELParserConstants.LPAREN),
                    "properties and methods are not allowed; an alert sees only its functions and instances");
            case "AstLambdaExpression", "AstLambdaParameters" -> new Rule(Set.of(ELParserConstants.ARROW),
                    "lambda expressions are not allowed");
            case "AstAssign" -> new Rule(Set.of(ELParserConstants.ASSIGN), "assignments are not allowed");
            case "AstSemiColon" -> new Rule(Set.of(ELParserConstants.SEMICOLON),
                    "';' is not allowed: write one condition");
            case "AstMapData", "AstMapEntry" -> new Rule(Set.of(ELParserConstants.START_MAP),
                    "maps and sets are not allowed");
            case "AstListData" -> new Rule(Set.of(ELParserConstants.LBRACK), "lists are not allowed");
            case "AstConcat" -> new Rule(Set.of(ELParserConstants.CONCAT), "'+=' is not allowed");
            case "AstNull" -> new Rule(Set.of(ELParserConstants.NULL), "'null' is not allowed");
            case "AstEmpty" -> new Rule(Set.of(ELParserConstants.EMPTY), "'empty' is not allowed");
            case "AstString" -> new Rule(Set.of(ELParserConstants.STRING_LITERAL),
                    "text is allowed only as a function's metric and window");
            default -> new Rule(Set.of(), "'" + type.replaceFirst("^Ast", "") + "' is not allowed");
        };
        if (type.equals("AstString")) {
            // the first string that is not an argument of a call
            List<Integer> sites = callSites(tokens);
            Set<Integer> arguments = new java.util.HashSet<>();
            for (int s : sites) {
                arguments.add(s + 2);
                arguments.add(s + 4);
            }
            for (int i = 0; i < tokens.size(); i++) {
                if (tokens.get(i).kind == ELParserConstants.STRING_LITERAL && !arguments.contains(i)) {
                    return new Problem(position(tokens.get(i)), rule.message);
                }
            }
        }
        int at = tokens.stream().filter(t -> rule.kinds.contains(t.kind)).findFirst().map(AlertCompiler::position)
                .orElse(1);
        return new Problem(at, rule.message);
    }

    /** @return the indexes of the tokens that name a function: an identifier followed by '(', not after a '.' */
    private static List<Integer> callSites(List<Token> tokens) {
        List<Integer> sites = new ArrayList<>();
        for (int i = 0; i + 1 < tokens.size(); i++) {
            if (tokens.get(i).kind == ELParserConstants.IDENTIFIER
                    && tokens.get(i + 1).kind == ELParserConstants.LPAREN
                    && (i == 0 || tokens.get(i - 1).kind != ELParserConstants.DOT)) {
                sites.add(i);
            }
        }
        return sites;
    }

    private Optional<Site> call(AstFunction f, Integer site, List<Token> tokens, Set<String> known,
            Duration retention, String text, List<Problem> problems) {
        int nameAt = site == null ? 1 : position(tokens.get(site));
        String prefix = f.getPrefix() == null ? "" : f.getPrefix();
        String name = f.getLocalName();
        if (!prefix.isEmpty()) {
            int at = site != null && site >= 2 ? position(tokens.get(site - 2)) : nameAt;
            problems.add(new Problem(at, "unknown function '" + prefix + ":" + name + "'; " + functionsHint()));
            return Optional.empty();
        }
        Aggregation aggregation = FUNCTIONS.get(name);
        if (aggregation == null) {
            problems.add(new Problem(nameAt, "unknown function '" + name + "'; " + functionsHint()));
            return Optional.empty();
        }
        Node args = f.jjtGetNumChildren() == 1 && f.jjtGetChild(0) instanceof AstMethodArguments a ? a : null;
        int argc = args == null ? -1 : args.jjtGetNumChildren();
        if (argc != 2) {
            problems.add(new Problem(nameAt, name + " takes two arguments, a metric and a window, e.g. " + name
                    + "('http.requests.rate', '1m')"));
            return Optional.empty();
        }
        int metricAt = site != null && site + 2 < tokens.size() ? position(tokens.get(site + 2)) : nameAt;
        if (!(args.jjtGetChild(0) instanceof AstString metricNode)) {
            problems.add(new Problem(metricAt, "the metric must be a quoted name, e.g. 'http.requests.rate'"));
            return Optional.empty();
        }
        int windowAt = site != null && site + 4 < tokens.size() ? position(tokens.get(site + 4)) : nameAt;
        if (!(args.jjtGetChild(1) instanceof AstString windowNode)) {
            problems.add(new Problem(windowAt, "the window must be a quoted duration, e.g. '1m'"));
            return Optional.empty();
        }
        String metric = metricNode.getString();
        String windowText = windowNode.getString();
        boolean ok = true;
        if (known != null && !known.contains(metric)) {
            problems.add(new Problem(metricAt, "unknown metric '" + metric + "'; " + (known.isEmpty()
                    ? "the service has no metrics yet (no gatherer reports for its type)"
                    : "the service's metrics are " + String.join(", ", known)), true));
            ok = false;
        }
        Duration window = null;
        try {
            window = Durations.parse(windowText);
            if (window.compareTo(retention) > 0) {
                problems.add(new Problem(windowAt, "the window '" + windowText + "' is longer than the "
                        + Durations.format(retention) + " of history kept (retention in "
                        + "etc/io.stratum.elasticity.cfg)"));
                ok = false;
            }
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(windowAt, "bad window: " + e.getMessage()));
            ok = false;
        }
        if (!ok || site == null || site + 5 >= tokens.size()
                || tokens.get(site + 5).kind != ELParserConstants.RPAREN) {
            return Optional.empty();
        }
        int start = tokens.get(site).beginColumn - OFFSET_HINT.length() - 1;
        int end = tokens.get(site + 5).endColumn - OFFSET_HINT.length();
        String key = name + "('" + metric + "','" + windowText + "')";
        return Optional.of(new Site(new Call(key, aggregation, metric, window, windowText), start, end));
    }

    /** Every other name must be {@code instances}. */
    private static void checkNames(List<Token> tokens, List<Integer> sites, List<Problem> problems) {
        Set<Integer> functionNames = new java.util.HashSet<>(sites);
        // a lambda's parameters: refused with the lambda, not as unknown names
        Set<Integer> parameters = new java.util.HashSet<>();
        for (int a = 1; a < tokens.size(); a++) {
            if (tokens.get(a).kind != ELParserConstants.ARROW) {
                continue;
            }
            if (tokens.get(a - 1).kind == ELParserConstants.IDENTIFIER) {
                parameters.add(a - 1);
            } else if (tokens.get(a - 1).kind == ELParserConstants.RPAREN) {
                for (int i = a - 2; i >= 0 && tokens.get(i).kind != ELParserConstants.LPAREN; i--) {
                    parameters.add(i);
                }
            }
        }
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.kind != ELParserConstants.IDENTIFIER || functionNames.contains(i) || parameters.contains(i)) {
                continue;
            }
            boolean prefix = i + 3 < tokens.size() && tokens.get(i + 1).kind == ELParserConstants.COLON
                    && functionNames.contains(i + 2);
            boolean afterDot = i > 0 && tokens.get(i - 1).kind == ELParserConstants.DOT;
            if (!prefix && !afterDot && !t.image.equals(INSTANCES)) {
                problems.add(new Problem(position(t), "unknown name '" + t.image + "'; an alert may use "
                        + INSTANCES + " and the functions " + String.join(", ", FUNCTIONS.keySet())));
            }
        }
    }

    private static String functionsHint() {
        return "the functions are " + FUNCTIONS.keySet().stream().collect(Collectors.joining(", "))
                + ", each called as fn('metric', 'window')";
    }

    /**
     * One windowed function call of an expression.
     *
     * @param key the call as the alert's values name it, e.g. {@code avg('http.requests.rate','1m')}
     * @param aggregation the function
     * @param metric the metric's name
     * @param window the window
     * @param windowText the window as written
     */
    public record Call(String key, Aggregation aggregation, String metric, Duration window, String windowText) {
    }
}
