package io.stratum.platform.rest;

import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.AlertDTO;
import io.stratum.platform.api.AlertRequest;
import io.stratum.platform.api.AlertTransitionDTO;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.ElasticityAccess;
import io.stratum.platform.api.ElasticityService;
import io.stratum.platform.api.MetricSeriesDTO;
import io.stratum.platform.api.MetricSeriesDTO.PointDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.PolicyDTO;
import io.stratum.platform.api.ScalingDecisionDTO;
import io.stratum.platform.api.ServiceDTO;
import io.stratum.platform.api.UserDTO;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hand-written fake of the elasticity bundle's facade for the unit tests of the REST layer only (the facade itself is
 * tested in platform-elasticity). Who may see and change what is the {@link FakePlatform}'s: a service the caller
 * cannot see is NOT_FOUND with the platform's own message, viewers are refused changes (FORBIDDEN). Every service has
 * the same three metrics, each with one raw point a minute over the ten minutes before {@link #NOW} (the latency's
 * first point is NaN); blue/db1 has an alert of its SDP; alerts refuse a bad expression with its position as the real compiler does (an unknown
 * function or metric), a taken name (ALREADY_EXISTS), an unknown action and a bad {@code every} (INVALID); policies
 * refuse what the real rules refuse (min, max, step, target, onMissing, fixedInstances, an unknown metric), each
 * naming its field. {@link #state()} renders the alerts and policies, so a test can check that a refused request
 * changed nothing.
 */
final class FakeElasticity implements ElasticityAccess {

    /** The fake's now: the series end here. */
    static final Instant NOW = FakePlatform.T0.plus(Duration.ofMinutes(10));
    static final String REQUESTS = "http.requests.rate";
    static final String CPU = "process.cpu";
    static final String LATENCY = "http.latency.p95.ms";
    private static final Map<String, String[]> METRICS = Map.of(
            REQUESTS, new String[] {"req/s", "HTTP requests to the service through its web tier, per second"},
            CPU, new String[] {"%", "CPU used by the service's processes, in percent of one core"},
            LATENCY, new String[] {"ms", "95th percentile latency of the requests since the previous sample"});
    private static final Set<String> ACTIONS = Set.of("scale-up", "scale-down", "log", "event", "email", "webhook");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    private static final Pattern CALL = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*\\(\\s*'([^']*)'");
    private static final Set<String> FUNCTIONS = Set.of("avg", "min", "max", "sum", "count", "last", "rate", "p50",
            "p95", "p99");

    private final FakePlatform platform;
    private final Object lock = new Object();
    /** "account/service/alert" to the alert. */
    private final Map<String, AlertDTO> alerts = new TreeMap<>();
    /** "account/service/alert" to its changes of state, oldest first. */
    private final Map<String, List<AlertTransitionDTO>> history = new TreeMap<>();
    /** "account/service" to the policy the account set. */
    private final Map<String, PolicyDTO> policies = new TreeMap<>();

    /** Every facade call, as "user via: method args" (for tests that check what the REST layer asked). */
    final List<String> calls = new CopyOnWriteArrayList<>();
    /** A metric still in the catalog whose series is NOT_FOUND (its source went away), or {@code null}. */
    volatile String vanished;

    /**
     * @param platform who may see and change what
     *     (its fixture: blue/db1 has the SDP's alert {@code high-load}, in ALARM since one change of state whose
     *     values include a NaN, as a function over a window without samples gives)
     */
    FakeElasticity(FakePlatform platform) {
        this.platform = platform;
        Map<String, Double> values = Map.of("avg('http.requests.rate','1m')", 130.2, "instances", 1.0,
                "p95('http.latency.p95.ms','1m')", Double.NaN);
        String key = "blue/db1/high-load";
        alerts.put(key, new AlertDTO("blue", "db1", "high-load", "avg('http.requests.rate','1m') / instances > 50",
                Duration.ofSeconds(30), List.of("log", "event"), "request rate per instance is high", "sdp", "ALARM",
                NOW, NOW, values));
        history.put(key, new ArrayList<>(List.of(new AlertTransitionDTO(NOW, "OK", "ALARM", values,
                "avg('http.requests.rate','1m') / instances > 50", List.of("log: logged", "event: posted")))));
    }

    /** @return the alerts and policies, rendered; equal before and after a request that changed nothing */
    String state() {
        synchronized (lock) {
            return alerts + "\n" + history + "\n" + policies + "\n";
        }
    }

    /** Records an alert's change of state, as an evaluation would (a test's fixture). */
    void transition(String account, String service, String alert, String to, Map<String, Double> values) {
        synchronized (lock) {
            String key = account + "/" + service + "/" + alert;
            AlertDTO a = alerts.get(key);
            Instant at = NOW.plusSeconds(history.get(key).size());
            history.get(key).add(new AlertTransitionDTO(at, a.state(), to, values, "entered " + to,
                    to.equals("ALARM") ? a.actions().stream().map(x -> x + ": done").toList() : List.of()));
            alerts.put(key, new AlertDTO(a.account(), a.service(), a.name(), a.expression(), a.every(), a.actions(),
                    a.description(), a.origin(), to, at, at, values));
        }
    }

    /** The default policy of every service in the fake: the SDP's, disabled. */
    static PolicyDTO sdpDefault(String service) {
        return new PolicyDTO(service, false, REQUESTS, Duration.ofMinutes(1), 50, 1, 4, 1, Duration.ofSeconds(30),
                Duration.ofSeconds(60), Duration.ofSeconds(60), 0.1, "HOLD", 0, "sdp");
    }

    @Override
    public ElasticityService as(Caller caller) {
        return new Facade(caller);
    }

    private final class Facade implements ElasticityService {
        private final Caller caller;

        Facade(Caller caller) {
            this.caller = caller;
        }

        private void call(String method, Object... args) {
            calls.add(caller.user() + " " + caller.via() + ": " + method + " " + Arrays.deepToString(args));
        }

        private PlatformService platform() {
            return platform.as(caller);
        }

        /** @return the service's account; NOT_FOUND or FORBIDDEN as the platform decides */
        private String account(String account, String service, boolean change) {
            ServiceDTO s = platform().getService(account, service, false);
            if (change) {
                UserDTO me = platform().whoAmI();
                if (!me.platformAdmin() && me.memberships().get(s.account()) == AccountRole.VIEWER) {
                    throw new PlatformException(Reason.FORBIDDEN, "viewers of account '" + s.account()
                            + "' cannot change its alerts and policies");
                }
            }
            return s.account();
        }

        @Override
        public List<MetricSeriesDTO> metrics(String account, String service) {
            call("metrics", account, service);
            account(account, service, false);
            return new TreeMap<>(METRICS).entrySet().stream().map(e -> new MetricSeriesDTO(service, e.getKey(),
                    e.getValue()[0], e.getValue()[1], List.of())).toList();
        }

        @Override
        public MetricSeriesDTO series(String account, String service, String metric, Duration window) {
            call("series", account, service, metric, window);
            account(account, service, false);
            String[] info = METRICS.get(metric);
            if (info == null || metric.equals(vanished)) {
                throw new PlatformException(Reason.NOT_FOUND, "no metric '" + metric + "' of service '" + service
                        + "'; its metrics are " + new TreeMap<>(METRICS).keySet());
            }
            if (window.isZero()) {
                throw new PlatformException(Reason.INVALID, "window must be longer than 0");
            }
            List<PointDTO> points = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Instant at = FakePlatform.T0.plus(Duration.ofMinutes(i + 1));
                if (at.isAfter(NOW.minus(window))) {
                    double v = metric.equals(LATENCY) && i == 0 ? Double.NaN : 10.0 * i + 0.5;
                    points.add(new PointDTO(at, v, v, v));
                }
            }
            return new MetricSeriesDTO(service, metric, info[0], info[1], points);
        }

        @Override
        public AlertDTO createAlert(String account, AlertRequest request) {
            call("createAlert", account, request);
            synchronized (lock) {
                String acct = account(account, request.service(), true);
                if (request.name() == null || !NAME.matcher(request.name()).matches()) {
                    throw new PlatformException(Reason.INVALID, "an alert name is lower-case letters, digits and "
                            + "dashes, starting with a letter, not '" + request.name() + "'");
                }
                checkExpression(request.expression());
                Duration every = request.every() == null ? Duration.ofSeconds(30) : request.every();
                if (every.compareTo(Duration.ofSeconds(1)) < 0) {
                    throw new PlatformException(Reason.INVALID, "every must be at least 1s, not " + every);
                }
                for (String action : request.actions()) {
                    if (!ACTIONS.contains(action.split(":", 2)[0])) {
                        throw new PlatformException(Reason.INVALID, "no action '" + action.split(":", 2)[0]
                                + "'; the actions are " + new TreeSet<>(ACTIONS));
                    }
                }
                String key = acct + "/" + request.service() + "/" + request.name();
                if (alerts.containsKey(key)) {
                    throw new PlatformException(Reason.ALREADY_EXISTS, "service '" + request.service()
                            + "' has an alert '" + request.name() + "'");
                }
                AlertDTO a = new AlertDTO(acct, request.service(), request.name(), request.expression(), every,
                        request.actions(), request.description(), "user", "NO_DATA", NOW, null, Map.of());
                alerts.put(key, a);
                history.put(key, new ArrayList<>());
                return a;
            }
        }

        /** As the real compiler: an unknown function or metric is refused at its 1-based position, with a caret. */
        private void checkExpression(String expression) {
            if (expression == null || expression.isBlank()) {
                throw new PlatformException(Reason.INVALID, "at 1: the expression is empty");
            }
            Matcher m = CALL.matcher(expression);
            while (m.find()) {
                int at;
                String problem;
                if (!FUNCTIONS.contains(m.group(1))) {
                    at = m.start(1);
                    problem = "unknown function '" + m.group(1) + "'";
                } else if (!METRICS.containsKey(m.group(2))) {
                    at = m.start(2) - 1;
                    problem = "unknown metric '" + m.group(2) + "'";
                } else {
                    continue;
                }
                throw new PlatformException(Reason.INVALID, "at " + (at + 1) + ": " + problem + "\n  " + expression
                        + "\n  " + " ".repeat(at) + "^");
            }
        }

        @Override
        public List<AlertDTO> listAlerts(String account, String service) {
            call("listAlerts", account, service);
            synchronized (lock) {
                String acct = service == null ? platform().getAccount(account).name()
                        : account(account, service, false);
                String prefix = acct + "/" + (service == null ? "" : service + "/");
                return alerts.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(Map.Entry::getValue)
                        .toList();
            }
        }

        @Override
        public List<AlertTransitionDTO> alertHistory(String account, String service, String name, int limit) {
            call("alertHistory", account, service, name, limit);
            synchronized (lock) {
                List<AlertTransitionDTO> h = history.get(alert(account, service, name, false));
                List<AlertTransitionDTO> newest = new ArrayList<>(h);
                Collections.reverse(newest);
                return limit <= 0 || limit >= newest.size() ? newest : newest.subList(0, limit);
            }
        }

        private String alert(String account, String service, String name, boolean change) {
            String key = account(account, service, change) + "/" + service + "/" + name;
            if (!alerts.containsKey(key)) {
                throw new PlatformException(Reason.NOT_FOUND, "no alert '" + name + "' on service '" + service
                        + "' (see stratum:alert-list)");
            }
            return key;
        }

        @Override
        public void deleteAlert(String account, String service, String name) {
            call("deleteAlert", account, service, name);
            synchronized (lock) {
                String key = alert(account, service, name, true);
                alerts.remove(key);
                history.remove(key);
            }
        }

        @Override
        public PolicyDTO setPolicy(String account, String service, PolicyDTO policy) {
            call("setPolicy", account, service, policy);
            synchronized (lock) {
                String acct = account(account, service, true);
                PolicyDTO p = check(policy, service);
                policies.put(acct + "/" + service, p);
                return p;
            }
        }

        private PolicyDTO check(PolicyDTO p, String service) {
            if (p.metric() != null && !METRICS.containsKey(p.metric())) {
                throw invalid("metric: no metric '" + p.metric() + "' of service '" + service + "'");
            }
            if (p.window() == null || p.window().isZero()) {
                throw invalid("window must be longer than 0 (e.g. 1m)");
            }
            if (p.metric() != null && !(p.target() > 0)) {
                throw invalid("target must be more than 0 when a metric is set, not " + p.target());
            }
            if (p.min() < 1) {
                throw invalid("min must be at least 1, not " + p.min());
            }
            if (p.max() < p.min()) {
                throw invalid("max must be at least min (" + p.min() + "), not " + p.max());
            }
            if (p.step() < 1) {
                throw invalid("step must be at least 1, not " + p.step());
            }
            if (!(p.tolerance() >= 0 && p.tolerance() <= 1)) {
                throw invalid("tolerance must be between 0 and 1, not " + p.tolerance());
            }
            String onMissing = p.onMissing() == null ? "" : p.onMissing().toUpperCase(Locale.ROOT);
            if (!onMissing.equals("HOLD") && !onMissing.equals("FIXED")) {
                throw invalid("onMissing must be HOLD or FIXED, not '" + p.onMissing() + "'");
            }
            if (onMissing.equals("FIXED") && (p.fixedInstances() < p.min() || p.fixedInstances() > p.max())) {
                throw invalid("fixedInstances must be within min..max (" + p.min() + ".." + p.max() + ") when "
                        + "onMissing is FIXED, not " + p.fixedInstances());
            }
            return new PolicyDTO(service, p.enabled(), p.metric(), p.window(), p.target(), p.min(), p.max(), p.step(),
                    p.scaleUpCooldown(), p.scaleDownCooldown(), p.scaleDownStabilization(), p.tolerance(), onMissing,
                    onMissing.equals("FIXED") ? p.fixedInstances() : 0, "account");
        }

        private static PlatformException invalid(String message) {
            return new PlatformException(Reason.INVALID, message);
        }

        @Override
        public PolicyDTO policy(String account, String service) {
            call("policy", account, service);
            synchronized (lock) {
                String acct = account(account, service, false);
                PolicyDTO p = policies.get(acct + "/" + service);
                return p != null ? p : sdpDefault(service);
            }
        }

        @Override
        public void resetPolicy(String account, String service) {
            call("resetPolicy", account, service);
            synchronized (lock) {
                String acct = account(account, service, true);
                if (policies.remove(acct + "/" + service) == null) {
                    throw new PlatformException(Reason.NOT_FOUND, "account '" + acct + "' has set no policy for '"
                            + service + "': the SDP's default is in force");
                }
            }
        }

        @Override
        public List<ScalingDecisionDTO> decisions(String account, String service, int limit) {
            call("decisions", account, service, limit);
            account(account, service, false);
            List<ScalingDecisionDTO> all = List.of(
                    new ScalingDecisionDTO(NOW, service, 2, 2, "avg(http.requests.rate, 1m) = 95 req/s for 2 "
                            + "instance(s), target 50 per instance: 2 recommended", null, "HELD"),
                    new ScalingDecisionDTO(NOW.minusSeconds(60), service, 1, 2, "avg(http.requests.rate, 1m) = 130.2 "
                            + "req/s for 1 instance(s), target 50 per instance: 3 recommended, step 1", "7",
                            "SUBMITTED"));
            return limit <= 0 || limit >= all.size() ? all : all.subList(0, limit);
        }
    }
}
