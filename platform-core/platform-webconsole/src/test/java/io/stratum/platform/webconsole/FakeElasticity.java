package io.stratum.platform.webconsole;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A hand-written stand-in for the elasticity bundle's facade, for the unit tests of the console layer only, over the
 * accounts and services of a {@link FakePlatform} and with its visibility rules (what a user may not see is
 * NOT_FOUND, viewers may not change anything): a few metric series, alerts with histories, policies and decisions in
 * memory. It records every call that would change something (and its request), and refuses or fails a call when a test
 * asks it to. The elasticity manager's real rules are tested in platform-elasticity.
 */
final class FakeElasticity implements ElasticityAccess {

    /** The end of every series: the time the console's plots end at in the tests. */
    static final Instant NOW = FakePlatform.T0.plusSeconds(3600);
    static final String HOSTILE_NAME = "<img src=x onerror=alert(5)>${x}";
    static final String HOSTILE_EXPRESSION = "avg('http.requests.rate', '1m') > 1 && '</code><script>alert(6)</script>'"
            + " != '${y}'";

    private final FakePlatform platform;

    /** Every facade handed out, by caller. */
    final List<Caller> callers = new CopyOnWriteArrayList<>();
    /** Every call that would change something, as {@code method what by user (via)}. */
    final List<String> changes = new CopyOnWriteArrayList<>();
    /** The requests of those calls (AlertRequest, PolicyDTO), in order. */
    final List<Object> requests = new CopyOnWriteArrayList<>();
    /** Refusals or failures to throw, by method name, once each. */
    final Map<String, RuntimeException> refusals = new ConcurrentHashMap<>();

    /** Series by account/service/metric. */
    final Map<String, MetricSeriesDTO> series = new ConcurrentSkipListMap<>();
    /** Alerts by account/service/name. */
    final Map<String, AlertDTO> alerts = new ConcurrentSkipListMap<>();
    final Map<String, List<AlertTransitionDTO>> histories = new ConcurrentHashMap<>();
    /** Policies set by accounts, by account/service. */
    final Map<String, PolicyDTO> policies = new ConcurrentHashMap<>();
    final Map<String, List<ScalingDecisionDTO>> decisions = new ConcurrentHashMap<>();

    FakeElasticity(FakePlatform platform) {
        this.platform = platform;
        List<PointDTO> requests = new ArrayList<>();
        for (int i = 0; i <= 120; i++) { // every 5 s over the last 10 minutes, 10 to 130
            requests.add(raw(NOW.minusSeconds(600 - 5L * i), 10 + i));
        }
        series("default", "shop-app", "http.requests.rate", "req/s", "HTTP requests per second", requests);
        series("default", "shop-app", "process.memory.rss", "bytes", "resident memory", List.of(
                new PointDTO(NOW.minusSeconds(1800), 100_000_000, 90_000_000, 110_000_000),
                new PointDTO(NOW.minusSeconds(1740), 120_000_000, 100_000_000, 150_000_000),
                raw(NOW.minusSeconds(10), 125_829_120)));
        series("default", "shop-app", "http.latency.p95", "ms", "95th percentile latency <i>ms</i>", List.of());
        List<PointDTO> day = new ArrayList<>();
        for (int i = 0; i < 2880; i++) { // every 30 s over the last 24 hours, one spike
            day.add(raw(NOW.minusSeconds(86_400 - 30L * i), i == 1000 ? 1000 : 5));
        }
        series("default", "orders-db", "db.connections", "sessions", "sessions open", day);
        series("other", "secret-db", "db.connections", "sessions", "sessions open", List.of(raw(NOW, 3)));

        alert("default", "shop-app", "high-load", "avg('http.requests.rate', '1m') > 100 && instances < 4",
                List.of("scale-up", "log", "email:ops@example.com"), "user", "ALARM", NOW.minusSeconds(600),
                Map.of("avg('http.requests.rate','1m')", 130.2, "instances", 1.0), "too many requests per instance");
        alert("default", "shop-app", "slow", "p95('http.latency.p95', '5m') > 500", List.of("log"), "sdp", "OK",
                NOW.minusSeconds(3000), Map.of("p95('http.latency.p95','5m')", 12.5), "");
        alert("default", "shop-app", HOSTILE_NAME, HOSTILE_EXPRESSION, List.of("webhook:https://hooks.example/<script>"),
                "user", "NO_DATA", NOW.minusSeconds(60), Map.of(), "<b>bold</b>");
        alert("default", "orders-db", "many-connections", "last('db.connections', '1m') > 50", List.of("log"), "sdp",
                "NO_DATA", NOW.minusSeconds(120), Map.of(), "");
        alert("other", "secret-db", "secret-alert", "last('db.connections', '1m') > 1", List.of("log"), "user", "ALARM",
                NOW.minusSeconds(5), Map.of(), "");
        histories.put("default/shop-app/high-load", List.of(
                new AlertTransitionDTO(NOW.minusSeconds(600), "OK", "ALARM",
                        Map.of("avg('http.requests.rate','1m')", 104.5, "instances", 1.0), "the expression is true",
                        List.of("scale-up: job 42", "email: failed: connection refused")),
                new AlertTransitionDTO(NOW.minusSeconds(3000), "NO_DATA", "OK", Map.of("instances", 1.0),
                        "the expression is false", List.of())));

        policies.put("default/shop-app", new PolicyDTO("shop-app", true, "http.requests.rate", Duration.ofMinutes(1), 50,
                1, 4, 1, Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), 0.1, "FIXED", 2,
                "account"));
        decisions.put("default/shop-app", List.of(
                new ScalingDecisionDTO(NOW.minusSeconds(30), "shop-app", 2, 3, "avg(http.requests.rate, 1m) = 130.2"
                        + " req/s for 2 instance(s), target 50 per instance: 3 recommended, step 1", null,
                        "REFUSED: quota of account 'default' allows <b>2</b> instances"),
                new ScalingDecisionDTO(NOW.minusSeconds(300), "shop-app", 2, 2, "cooldown: 20s of 30s since job 42",
                        null, "HELD"),
                new ScalingDecisionDTO(NOW.minusSeconds(590), "shop-app", 1, 2, "avg(http.requests.rate, 1m) = 104.5"
                        + " req/s for 1 instance(s), target 50 per instance: 3 recommended, step 1", "42",
                        "SUBMITTED")));
    }

    static PointDTO raw(Instant at, double value) {
        return new PointDTO(at, value, value, value);
    }

    void series(String account, String service, String metric, String unit, String description,
            List<PointDTO> points) {
        series.put(account + "/" + service + "/" + metric, new MetricSeriesDTO(service, metric, unit, description,
                points));
    }

    void alert(String account, String service, String name, String expression, List<String> actions, String origin,
            String state, Instant since, Map<String, Double> values, String description) {
        alerts.put(account + "/" + service + "/" + name, new AlertDTO(account, service, name, expression,
                Duration.ofSeconds(30), actions, description, origin, state, since, NOW.minusSeconds(5), values));
    }

    @Override
    public ElasticityService as(Caller caller) {
        callers.add(caller);
        return new Facade(caller, platform.as(caller));
    }

    private final class Facade implements ElasticityService {

        private final Caller caller;
        private final PlatformService platform;

        Facade(Caller caller, PlatformService platform) {
            this.caller = caller;
            this.platform = platform;
        }

        /** @return the service's account, after the platform's own visibility check (NOT_FOUND) */
        private String service(String account, String service) {
            refuse("any");
            ServiceDTO s = platform.getService(account, service);
            return s.account();
        }

        private String writable(String account, String service, String what) {
            String a = service(account, service);
            UserDTO me = FakeElasticity.this.platform.users.get(caller.user());
            AccountRole role = me.memberships().get(a);
            if (!me.platformAdmin() && (role == null || !role.canMutate())) {
                throw new PlatformException(Reason.FORBIDDEN, "viewers of account '" + a + "' may not " + what);
            }
            return a;
        }

        private void refuse(String method) {
            RuntimeException refusal = refusals.remove(method);
            if (refusal != null) {
                throw refusal;
            }
        }

        private void change(String method, String what, Object request) {
            refuse(method);
            changes.add(method + " " + what + " by " + caller);
            if (request != null) {
                requests.add(request);
            }
        }

        @Override
        public List<MetricSeriesDTO> metrics(String account, String service) {
            String prefix = service(account, service) + "/" + service + "/";
            refuse("metrics");
            return series.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(e -> {
                MetricSeriesDTO s = e.getValue();
                return new MetricSeriesDTO(s.service(), s.metric(), s.unit(), s.description(), List.of());
            }).toList();
        }

        @Override
        public MetricSeriesDTO series(String account, String service, String metric, Duration window) {
            String a = service(account, service);
            refuse("series");
            MetricSeriesDTO s = series.get(a + "/" + service + "/" + metric);
            if (s == null) {
                throw new PlatformException(Reason.NOT_FOUND, "service '" + service + "' has no metric '" + metric
                        + "'");
            }
            Instant from = NOW.minus(window);
            return new MetricSeriesDTO(s.service(), s.metric(), s.unit(), s.description(),
                    s.points().stream().filter(p -> !p.at().isBefore(from)).toList());
        }

        @Override
        public AlertDTO createAlert(String account, AlertRequest request) {
            String a = writable(account, request.service(), "create alerts");
            change("createAlert", a + "/" + request.service() + "/" + request.name(), request);
            AlertDTO dto = new AlertDTO(a, request.service(), request.name(), request.expression(),
                    request.every() == null ? Duration.ofSeconds(30) : request.every(), request.actions(),
                    request.description() == null ? "" : request.description(), "user", "NO_DATA", NOW, null,
                    Map.of());
            alerts.put(a + "/" + request.service() + "/" + request.name(), dto);
            return dto;
        }

        @Override
        public List<AlertDTO> listAlerts(String account, String service) {
            String a;
            if (service == null) {
                refuse("any");
                a = platform.getAccount(account).name();
            } else {
                a = service(account, service);
            }
            refuse("listAlerts");
            return alerts.values().stream().filter(x -> x.account().equals(a))
                    .filter(x -> service == null || x.service().equals(service)).toList();
        }

        @Override
        public List<AlertTransitionDTO> alertHistory(String account, String service, String name, int limit) {
            String a = service(account, service);
            refuse("alertHistory");
            if (!alerts.containsKey(a + "/" + service + "/" + name)) {
                throw new PlatformException(Reason.NOT_FOUND, "no alert '" + name + "' on '" + service + "'");
            }
            List<AlertTransitionDTO> h = histories.getOrDefault(a + "/" + service + "/" + name, List.of());
            return limit > 0 && h.size() > limit ? h.subList(0, limit) : h;
        }

        @Override
        public void deleteAlert(String account, String service, String name) {
            String a = writable(account, service, "delete alerts");
            if (!alerts.containsKey(a + "/" + service + "/" + name)) {
                throw new PlatformException(Reason.NOT_FOUND, "no alert '" + name + "' on '" + service + "'");
            }
            change("deleteAlert", a + "/" + service + "/" + name, null);
            alerts.remove(a + "/" + service + "/" + name);
        }

        @Override
        public PolicyDTO setPolicy(String account, String service, PolicyDTO policy) {
            String a = writable(account, service, "set scaling policies");
            change("setPolicy", a + "/" + service, policy);
            PolicyDTO p = new PolicyDTO(service, policy.enabled(), policy.metric(), policy.window(), policy.target(),
                    policy.min(), policy.max(), policy.step(), policy.scaleUpCooldown(), policy.scaleDownCooldown(),
                    policy.scaleDownStabilization(), policy.tolerance(), policy.onMissing(), policy.fixedInstances(),
                    "account");
            policies.put(a + "/" + service, p);
            return p;
        }

        @Override
        public PolicyDTO policy(String account, String service) {
            String a = service(account, service);
            refuse("policy");
            PolicyDTO p = policies.get(a + "/" + service);
            return p != null ? p : new PolicyDTO(service, false, null, Duration.ofMinutes(1), 0, 1, 1, 1,
                    Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), 0.1, "HOLD", 0, "none");
        }

        @Override
        public void resetPolicy(String account, String service) {
            String a = writable(account, service, "reset scaling policies");
            if (!policies.containsKey(a + "/" + service)) {
                throw new PlatformException(Reason.NOT_FOUND, "account '" + a + "' set no policy for '" + service
                        + "'");
            }
            change("resetPolicy", a + "/" + service, null);
            policies.remove(a + "/" + service);
        }

        @Override
        public List<ScalingDecisionDTO> decisions(String account, String service, int limit) {
            String a = service(account, service);
            refuse("decisions");
            return decisions.getOrDefault(a + "/" + service, List.of());
        }
    }
}
